// Reschedules on alternates (Nova's conductor): a spawn that fails on a host
// releases that host's allocation, claims the next alternate the scheduler
// returned and spawns there; all attempts failed: ERROR with
// MaxRetriesExceeded. In virtual time over small simulated fleets.
#include <gtest/gtest.h>

#include "engine/compute/build_alternates.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;
using stacklab::testing::project_member;
using stacklab::testing::VirtualCloud;

namespace {

fake::OperationTimes thirty_seconds() { return stacklab::testing::fixed_times(30s); }

// Two big hosts that always fail to spawn, weighed first (more free RAM),
// and the lab's small host that works.
Json failing_big_hosts_and_a_good_small_one() {
  return Json::parse(R"({"hosts": [
    {"name": "bad", "count": 2, "cores": 16, "ram_mb": 65536, "disk_gb": 500, "spawn_failure_rate": 1.0},
    {"name": "good"}]})");
}

std::vector<std::string> hosts_tried(const Json& server) {
  std::vector<std::string> out;
  for (const Json& h : server["retry"]["hosts"]) out.push_back(h[0]);
  return out;
}

std::size_t consumers(VirtualCloud& c) {
  std::size_t n = 0;
  for (const auto* rp : c.placement_->providers()) n += c.placement_->provider_allocations(rp->uuid).size();
  return n;
}

TEST(BuildRetriesTest, AFailedSpawnMovesTheAllocationToTheNextAlternate) {
  VirtualCloud c(failing_big_hosts_and_a_good_small_one(), thirty_seconds());
  ASSERT_EQ(c.reported_, 3u);
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "1"));
  ASSERT_TRUE(created.ok()) << created.status().message();
  std::string id = created->front()["id"];
  c.clock_.advance(0s);
  Json s = c.server(id);
  std::string first = s["host"];
  EXPECT_EQ(first.rfind("bad-", 0), 0u);
  EXPECT_EQ(hosts_tried(s), std::vector<std::string>{first});
  EXPECT_EQ(c.placement_->provider_allocations(c.placement_->provider_by_name(first)->uuid).count(id), 1u);

  c.clock_.advance(30s);  // the first spawn failed: now spawning on the other big host
  s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "BUILD");
  EXPECT_EQ(s["task_state"], "spawning");
  std::string second = s["host"];
  EXPECT_NE(second, first);
  EXPECT_EQ(second.rfind("bad-", 0), 0u);
  EXPECT_EQ(s["retry"]["num_attempts"], 2);
  EXPECT_EQ(c.placement_->provider_allocations(c.placement_->provider_by_name(first)->uuid).size(), 0u);
  EXPECT_EQ(c.placement_->provider_allocations(c.placement_->provider_by_name(second)->uuid).count(id), 1u);
  EXPECT_EQ(consumers(c), 1u);

  c.clock_.advance(30s);  // the second failed too: the small host, which works
  c.clock_.advance(30s);
  s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "ACTIVE");
  EXPECT_EQ(s["host"], "good");
  EXPECT_EQ(hosts_tried(s), (std::vector<std::string>{first, second, "good"}));
  EXPECT_EQ(s["retry"]["num_attempts"], 3);
  EXPECT_FALSE(s.contains("fault"));
  const auto* good = c.placement_->provider_by_name("good");
  EXPECT_EQ(c.placement_->provider_allocations(good->uuid).count(id), 1u);
  EXPECT_EQ(consumers(c), 1u);
  EXPECT_EQ(good->usage.at("MEMORY_MB"), 512);
  EXPECT_EQ(*c.fleet_->driver("good")->list_instance_uuids(), std::vector<std::string>{id});
  EXPECT_TRUE(c.fleet_->driver(first)->list_instance_uuids()->empty());
}

TEST(BuildRetriesTest, EveryHostFailingIsMaxRetriesExceeded) {
  VirtualCloud c(Json::parse(R"({"hosts": [{"name": "bad", "count": 4, "spawn_failure_rate": 1.0}]})"),
                 thirty_seconds());
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "42"));
  ASSERT_TRUE(created.ok());
  std::string id = created->front()["id"];
  c.clock_.advance(120s);
  Json s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "ERROR");
  EXPECT_EQ(s["fault"]["code"], 500);
  EXPECT_EQ(s["fault"]["message"],
            "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for "
            "instance " +
                id + ".");
  EXPECT_EQ(s["fault"]["message"], compute::max_retries_exceeded_message(id));
  EXPECT_EQ(s["retry"]["num_attempts"], 3);  // max_attempts: the selected host and two alternates
  EXPECT_EQ(hosts_tried(s).size(), 3u);
  EXPECT_TRUE(s["task_state"].is_null());
  EXPECT_FALSE(c.placement_->consumer(id));
  EXPECT_EQ(consumers(c), 0u);
}

TEST(BuildRetriesTest, ALoneHostThatFailsHasNoAlternates) {
  VirtualCloud c(Json::parse(R"({"hosts": [{"name": "bad", "spawn_failure_rate": 1.0}]})"), thirty_seconds());
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "42"));
  std::string id = created->front()["id"];
  c.clock_.advance(30s);
  Json s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "ERROR");
  EXPECT_EQ(s["fault"]["message"], compute::max_retries_exceeded_message(id));
  EXPECT_EQ(s["retry"]["num_attempts"], 1);
  EXPECT_EQ(consumers(c), 0u);
}

TEST(BuildRetriesTest, MaxAttemptsOneDisablesRescheduling) {
  scheduler::SchedulerOptions options;
  options.max_attempts = 1;
  VirtualCloud c(failing_big_hosts_and_a_good_small_one(), thirty_seconds(), options);
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "1"));
  std::string id = created->front()["id"];
  c.clock_.advance(90s);
  Json s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "ERROR");
  EXPECT_EQ(s["fault"]["message"].get<std::string>().rfind("Build of instance " + id + " aborted: ", 0), 0u);
  EXPECT_EQ(s["retry"]["num_attempts"], 1);
  EXPECT_EQ(consumers(c), 0u);
}

TEST(BuildRetriesTest, AnAlternateThatFilledUpMeanwhileIsSkipped) {
  VirtualCloud c(failing_big_hosts_and_a_good_small_one(), thirty_seconds());
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "1"));
  std::string id = created->front()["id"];
  c.clock_.advance(0s);
  std::string first = c.server(id)["host"];
  std::string other_bad = first == "bad-1" ? "bad-2" : "bad-1";
  const auto* rp = c.placement_->provider_by_name(other_bad);
  // Someone else takes all of the first alternate's memory while the spawn runs
  // (in max_unit pieces).
  const placement::Inventory& ram = rp->inventories.at("MEMORY_MB");
  std::int64_t left = ram.capacity();
  for (int i = 0; left > 0; ++i) {
    placement::AllocationRequest filler;
    filler.allocations[rp->uuid] = {{"MEMORY_MB", std::min(left, ram.max_unit)}};
    filler.project_id = filler.user_id = "x";
    filler.check_generation = false;
    std::string consumer = "filler-";
    consumer += std::to_string(i);
    ASSERT_TRUE(c.placement_->put_allocations(consumer, filler).ok());
    left -= std::min(left, ram.max_unit);
  }
  const std::size_t fillers = c.placement_->provider_allocations(rp->uuid).size();
  c.clock_.advance(60s);
  Json s = c.server(id);
  EXPECT_EQ(compute::server_status(s), "ACTIVE");
  EXPECT_EQ(hosts_tried(s), (std::vector<std::string>{first, "good"}));
  EXPECT_EQ(s["retry"]["num_attempts"], 2);
  EXPECT_EQ(c.placement_->provider_allocations(rp->uuid).size(), fillers);  // not the server
}

TEST(BuildRetriesTest, DeleteWhileSpawningOnAnAlternateLeavesNothing) {
  VirtualCloud c(failing_big_hosts_and_a_good_small_one(), thirty_seconds());
  auto created = c.servers_->create(project_member("demo"), c.request("vm", "1"));
  std::string id = created->front()["id"];
  c.clock_.advance(31s);  // the second attempt is spawning
  ASSERT_EQ(c.server(id)["retry"]["num_attempts"], 2);
  ASSERT_TRUE(c.servers_->remove(project_member("demo"), id).ok());
  c.clock_.advance(120s);
  EXPECT_FALSE(c.servers_->get(project_member("demo"), id).ok());
  EXPECT_EQ(consumers(c), 0u);
  for (std::size_t i = 0; i < c.fleet_->size(); ++i) EXPECT_TRUE(c.fleet_->driver(i).list_instance_uuids()->empty());
}

}  // namespace
