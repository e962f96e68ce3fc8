// The compute engine at scale in virtual time: 10,000 servers booted on a
// simulated fleet of 1,000 hosts with 30 s spawns, through the same
// ComputeService, FilterScheduler and placement as `stacklab up`, on a
// ManualClock. Virtual time moves by about one spawn, not 10,000 of them;
// placement stays consistent throughout, and is empty after deleting all.
// The second test makes a tenth of the hosts fail half their spawns: builds
// are rescheduled on alternates and end ACTIVE or with MaxRetriesExceeded.
// Prints the wall time of each phase (recorded in bench/RESULTS.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "engine/compute/build_alternates.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;
using stacklab::testing::cloud_admin;
using stacklab::testing::project_member;
using stacklab::testing::VirtualCloud;

namespace {

constexpr int kServers = 10000;
constexpr int kPerRequest = 100;  // max_count per create: alternates come from the hosts not selected

// Wall time of a phase, printed when it ends.
class Phase {
 public:
  explicit Phase(const char* name) : name_(name), start_(std::chrono::steady_clock::now()) {}
  ~Phase() {
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    std::printf("[ wall     ] %-40s %8.1f ms\n", name_, ms);
  }

 private:
  const char* name_;
  std::chrono::steady_clock::time_point start_;
};

fake::OperationTimes thirty_second_spawns() {
  fake::OperationTimes t = fake::OperationTimes::fast();
  t.spawn = fake::DurationRange{30s, 30s};
  t.destroy = fake::DurationRange{5s, 5s};
  return t;
}

Json fleet(double flaky_failure_rate) {
  Json f = {{"defaults", {{"cores", 16}, {"ram_mb", 65536}, {"disk_gb", 500}}},
            {"hosts", {{{"name", "compute"}, {"count", 900}}, {{"name", "flaky"}, {"count", 100}}}}};
  f["hosts"][1]["spawn_failure_rate"] = flaky_failure_rate;
  return f;
}

// Boots kServers in creates of kPerRequest with a mix of the lab's flavors; returns their ids.
std::vector<std::string> boot_all(VirtualCloud& c) {
  static const char* kFlavors[] = {"1", "2", "42", "c1"};
  std::vector<std::string> ids;
  ids.reserve(kServers);
  for (int r = 0; r < kServers / kPerRequest; ++r) {
    std::string name = "vm";
    name += std::to_string(r);
    auto created = c.servers_->create(project_member("demo"), c.request(name, kFlavors[r % 4], kPerRequest));
    EXPECT_TRUE(created.ok()) << created.status().message();
    if (!created.ok()) break;
    for (const Json& s : *created) ids.push_back(s["id"]);
  }
  return ids;
}

// Advances virtual time in 1 s steps until no server is building; returns how far it moved.
Duration advance_until_built(VirtualCloud& c, const std::vector<std::string>& ids) {
  TimePoint start = c.clock_.now();
  auto building = [&] {
    for (const auto& id : ids)
      if ((*c.store_->get("server", id))["vm_state"] == "building") return true;
    return false;
  };
  c.clock_.advance(0s);
  while (building() && c.clock_.now() - start < 1h) c.clock_.advance(1s);
  return c.clock_.now() - start;
}

// Placement's books balance: per provider, the servers' allocations sum to
// its usage (so nothing else holds any), which is within capacity. Returns
// the number of servers holding allocations. (Summed from the consumers: one
// provider_allocations() per provider would scan every consumer each time.)
std::size_t expect_placement_consistent(VirtualCloud& c, const std::vector<std::string>& ids) {
  std::map<std::string, placement::ResourceAmounts> sums;  // provider uuid -> class -> amount
  std::size_t holding = 0;
  for (const auto& id : ids) {
    const placement::Consumer* consumer = c.placement_->consumer(id);
    if (!consumer) continue;
    ++holding;
    for (const auto& [rp, amounts] : consumer->allocations)
      for (const auto& [rc, n] : amounts) sums[rp][rc] += n;
  }
  for (const auto* rp : c.placement_->providers()) {
    placement::ResourceAmounts& sum = sums[rp->uuid];
    for (const auto& [rc, inv] : rp->inventories) {
      auto u = rp->usage.find(rc);
      std::int64_t used = u == rp->usage.end() ? 0 : u->second;
      EXPECT_EQ(used, sum.count(rc) ? sum[rc] : 0) << rp->name << " " << rc;
      EXPECT_LE(used, inv.capacity()) << rp->name << " " << rc;
    }
  }
  return holding;
}

// An ACTIVE server holds exactly one allocation, on its host's provider, and runs there.
void expect_active_and_placed(VirtualCloud& c, const Json& s) {
  const std::string id = s["id"];
  ASSERT_EQ(compute::server_status(s), "ACTIVE") << id;
  const placement::Consumer* consumer = c.placement_->consumer(id);
  ASSERT_TRUE(consumer) << id;
  ASSERT_EQ(consumer->allocations.size(), 1u) << id;
  const auto* rp = c.placement_->provider_by_name(s["host"].get<std::string>());
  ASSERT_TRUE(rp);
  EXPECT_EQ(consumer->allocations.begin()->first, rp->uuid) << id;
  EXPECT_TRUE(c.fleet_->driver(s["host"].get<std::string>())->get_info(id).ok()) << id;
}

void delete_all_and_expect_placement_empty(VirtualCloud& c, const std::vector<std::string>& ids) {
  {
    Phase p("delete 10,000 servers (virtual 5 s)");
    for (const auto& id : ids) {
      const Json* s = c.store_->get("server", id);
      if (!(*s)["deleted"].get<bool>()) ASSERT_TRUE(c.servers_->remove(project_member("demo"), id).ok());
    }
    c.clock_.advance(5s);
  }
  EXPECT_EQ(c.servers_->list(project_member("demo"), {})->size(), 0u);
  EXPECT_EQ(expect_placement_consistent(c, ids), 0u);
  for (const auto* rp : c.placement_->providers())
    for (const auto& [rc, n] : rp->usage) EXPECT_EQ(n, 0) << rp->name << " " << rc;
  for (std::size_t i = 0; i < c.fleet_->size(); ++i) EXPECT_TRUE(c.fleet_->driver(i).list_instance_uuids()->empty());
  EXPECT_EQ(c.clock_.pending(), 0u);
}

TEST(VirtualTimeScaleTest, TenThousandServersOnAThousandHosts) {
  std::unique_ptr<VirtualCloud> c;
  {
    Phase p("engine + 1,000 hosts reported");
    c = std::make_unique<VirtualCloud>(fleet(0.0), thirty_second_spawns());
  }
  ASSERT_EQ(c->reported_, 1000u);
  std::vector<std::string> ids;
  {
    Phase p("create 10,000 (100 x max_count 100)");
    ids = boot_all(*c);
  }
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kServers));
  Duration moved;
  {
    Phase p("schedule + spawn (virtual time)");
    moved = advance_until_built(*c, ids);
  }
  // Every spawn takes 30 s and they all run at once: about one spawn's time.
  EXPECT_GE(moved, 30s);
  EXPECT_LE(moved, 31s);
  {
    Phase p("check servers and placement");
    std::set<std::string> hosts;
    for (const auto& id : ids) {
      Json s = c->server(id);
      expect_active_and_placed(*c, s);
      EXPECT_EQ(s["retry"]["num_attempts"], 1);
      hosts.insert(s["host"].get<std::string>());
    }
    EXPECT_EQ(expect_placement_consistent(*c, ids), static_cast<std::size_t>(kServers));
    EXPECT_GT(hosts.size(), 900u);  // the RAM weigher spreads them
  }
  delete_all_and_expect_placement_empty(*c, ids);
}

TEST(VirtualTimeScaleTest, FlakyHostsRescheduleOnAlternates) {
  VirtualCloud c(fleet(0.5), thirty_second_spawns());
  std::vector<std::string> ids = boot_all(c);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kServers));
  Duration moved;
  {
    Phase p("schedule + spawn, flaky hosts (virtual)");
    moved = advance_until_built(c, ids);
  }
  EXPECT_LE(moved, 91s);  // at most three spawns in a row
  int rescheduled = 0, active = 0, exhausted = 0;
  for (const auto& id : ids) {
    Json s = c.server(id);
    const int attempts = s["retry"]["num_attempts"];
    const Json& tried = s["retry"]["hosts"];
    ASSERT_EQ(tried.size(), static_cast<std::size_t>(attempts));
    if (attempts > 1) ++rescheduled;
    // Only the flaky hosts fail: every host tried but the last one is flaky.
    for (int i = 0; i + 1 < attempts; ++i) EXPECT_EQ(tried[i][0].get<std::string>().rfind("flaky-", 0), 0u) << id;
    if (compute::server_status(s) == "ACTIVE") {
      ++active;
      expect_active_and_placed(c, s);
      EXPECT_EQ(s["host"], tried[attempts - 1][0]);
    } else {
      ++exhausted;
      ASSERT_EQ(compute::server_status(s), "ERROR") << id;
      EXPECT_EQ(s["fault"]["message"], compute::max_retries_exceeded_message(id));
      EXPECT_EQ(attempts, 3);
      EXPECT_FALSE(c.placement_->consumer(id));
    }
  }
  std::printf("[ retries  ] %d of %d rescheduled; %d active, %d MaxRetriesExceeded\n", rescheduled, kServers, active,
              exhausted);
  EXPECT_GT(rescheduled, 100);
  EXPECT_EQ(active + exhausted, kServers);
  EXPECT_EQ(expect_placement_consistent(c, ids), static_cast<std::size_t>(active));
  delete_all_and_expect_placement_empty(c, ids);
}

}  // namespace
