// Servers in the engine, in virtual time: create -> BUILD (scheduling,
// spawning) -> ACTIVE on the lab's single simulated host, NoValidHost ->
// ERROR with a fault and no allocations left, delete frees placement.
#include "engine/compute/servers.h"

#include <gtest/gtest.h>

#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

class ServersTest : public ::testing::Test, public stacklab::testing::ComputeEngine {
 protected:
  void SetUp() override {
    start_engine(Json::object(), stacklab::testing::fixed_times(30s));
    ASSERT_EQ(reported_, 1u);
    start_servers();
  }

  std::size_t consumers() {
    std::size_t n = 0;
    for (const auto& rp : placement_->providers()) n += placement_->provider_allocations(rp->uuid).size();
    return n;
  }
};

TEST_F(ServersTest, CreateBuildsThenSpawnsThenIsActiveInVirtualTime) {
  auto created = servers_->create(member("demo"), request("VM1", "42"));  // m1.nano: zero disk, from an image
  ASSERT_TRUE(created.ok()) << created.status().message();
  ASSERT_EQ(created->size(), 1u);
  std::string id = created->front()["id"];
  EXPECT_EQ(compute::server_status(server(id)), "BUILD");
  EXPECT_EQ(server(id)["task_state"], "scheduling");
  EXPECT_EQ(server(id)["instance_name"], "instance-00000001");
  clock_.advance(0s);
  EXPECT_EQ(server(id)["task_state"], "spawning");
  EXPECT_EQ(server(id)["host"], "openstackbootcamp");
  EXPECT_TRUE(placement_->consumer(id));
  clock_.advance(30s);
  Json s = server(id);
  EXPECT_EQ(compute::server_status(s), "ACTIVE");
  EXPECT_TRUE(s["task_state"].is_null());
  EXPECT_EQ(s["power_state"], 1);
  EXPECT_EQ(fleet_->driver("openstackbootcamp")->get_info(id)->power_state, compute::PowerState::kRunning);
  // A member sees only its project's servers.
  EXPECT_EQ(servers_->list(member("demo"), {})->size(), 1u);
  EXPECT_EQ(servers_->list(member("alt_demo"), {})->size(), 0u);
  EXPECT_EQ(servers_->get(member("alt_demo"), id).status().code(), Code::kNotFound);
}

TEST_F(ServersTest, NoValidHostIsErrorWithFaultAndNoAllocations) {
  auto created = servers_->create(member("demo"), request("big", "5"));  // m1.xlarge: 8 vCPUs, 16 GB
  ASSERT_TRUE(created.ok());
  std::string id = created->front()["id"];
  clock_.advance(0s);
  Json s = server(id);
  EXPECT_EQ(compute::server_status(s), "ERROR");
  EXPECT_EQ(s["fault"]["code"], 500);
  EXPECT_EQ(s["fault"]["message"].get<std::string>().rfind("No valid host was found.", 0), 0u);
  EXPECT_FALSE(placement_->consumer(id));
  EXPECT_EQ(consumers(), 0u);
}

TEST_F(ServersTest, DeleteFreesPlacementAndTheHypervisor) {
  auto created = servers_->create(member("demo"), request("VM1", "1"));
  ASSERT_TRUE(created.ok());
  std::string id = created->front()["id"];
  clock_.advance(30s);
  ASSERT_EQ(compute::server_status(server(id)), "ACTIVE");
  ASSERT_EQ(consumers(), 1u);
  EXPECT_EQ(servers_->remove(member("alt_demo"), id).code(), Code::kNotFound);
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  EXPECT_EQ(server(id)["task_state"], "deleting");
  clock_.advance(30s);
  EXPECT_EQ(servers_->get(member("demo"), id).status().code(), Code::kNotFound);
  EXPECT_EQ(consumers(), 0u);
  EXPECT_TRUE(fleet_->driver("openstackbootcamp")->list_instance_uuids()->empty());
  compute::ServerFilter deleted;
  deleted.deleted = true;
  deleted.all_tenants = true;
  auto gone = servers_->list(admin(), deleted);
  ASSERT_EQ(gone->size(), 1u);
  EXPECT_EQ(compute::server_status(gone->front()), "DELETED");
}

TEST_F(ServersTest, MinMaxCountNamesAndBadRequests) {
  auto r = request("web", "42");
  r.min_count = 2;
  r.max_count = 3;
  auto created = servers_->create(member("demo"), r);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[0]["name"], "web-1");
  EXPECT_EQ((*created)[2]["name"], "web-3");
  clock_.advance(30s);
  for (const Json& s : *created) EXPECT_EQ(compute::server_status(server(s["id"])), "ACTIVE");
  EXPECT_EQ(servers_->create(member("demo"), request("x", "nope")).status().code(), Code::kBadRequest);
  auto no_image = request("x", "42");
  no_image.image_ref = "0b2e0a2f-0000-0000-0000-000000000000";
  EXPECT_EQ(servers_->create(member("demo"), no_image).status().code(), Code::kBadRequest);
}

TEST_F(ServersTest, DeleteDuringBuildLeavesNothing) {
  auto created = servers_->create(member("demo"), request("VM1", "42"));
  std::string id = created->front()["id"];
  clock_.advance(1s);  // spawning
  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(60s);
  EXPECT_FALSE(servers_->get(member("demo"), id).ok());
  EXPECT_EQ(consumers(), 0u);
  EXPECT_TRUE(fleet_->driver("openstackbootcamp")->list_instance_uuids()->empty());
}

// A restart over the same Store: a new ComputeService and a new fleet (whose
// hypervisors start empty) on their own clock, as after kill -9 (the old
// objects' pending callbacks never run).
TEST_F(ServersTest, RecoverAfterRestartRestoresDomainsAndSettlesInterruptedWork) {
  auto make = [&](const std::string& name) {
    auto c = servers_->create(member("demo"), request(name, "42"));
    EXPECT_TRUE(c.ok());
    return c->front()["id"].get<std::string>();
  };
  std::string active = make("active"), stopped = make("stopped"), deleting = make("deleting"), orphan = make("orphan");
  clock_.advance(30s);
  for (const auto& id : {active, stopped, deleting, orphan}) ASSERT_EQ(compute::server_status(server(id)), "ACTIVE");
  // No stop action yet: stopped (and moved to a host that will be gone) by hand in the store.
  Json doc = *store_->get("server", stopped);
  doc["vm_state"] = "stopped";
  doc["power_state"] = 4;
  ASSERT_TRUE(store_->put("server", stopped, doc).ok());
  doc = *store_->get("server", orphan);
  doc["host"] = doc["node"] = "retired-host";
  ASSERT_TRUE(store_->put("server", orphan, doc).ok());
  ASSERT_TRUE(servers_->remove(member("demo"), deleting).ok());
  std::string building = make("building");
  clock_.advance(1s);  // building is spawning, deleting is being destroyed
  ASSERT_EQ(server(building)["task_state"], "spawning");
  ASSERT_EQ(server(deleting)["task_state"], "deleting");
  ASSERT_EQ(consumers(), 5u);

  ManualClock clock2;
  compute::ResourceTracker tracker2(*placement_, clock2);
  fake::OperationTimes times;
  times.spawn = times.destroy = fake::DurationRange{30s, 30s};
  auto fleet2 = std::move(*fake::SimulatedFleet::from_json(clock2, random_, Json::object(), times));
  ASSERT_EQ(*fleet2->report(tracker2), 1u);
  compute::ComputeHosts hosts;
  hosts.driver = [&](const std::string& h) -> compute::ComputeDriver* { return fleet2->driver(h); };
  hosts.sources = [&] { return fleet2->host_state_sources(tracker2); };
  hosts.restore = [&](const std::string& h, const compute::InstanceSpec& spec, compute::PowerState st) -> Status {
    auto* d = fleet2->driver(h);
    return d ? d->restore(spec, st) : NotFound(h);
  };
  compute::ComputeService servers2(*store_, clock2, random_, policy_, *flavors_, *images_, *placement_, *scheduler_,
                                   hosts);
  compute::RecoveryReport r = servers2.recover();
  EXPECT_EQ(r.restored, 2);
  EXPECT_EQ(r.build_failed, 1);
  EXPECT_EQ(r.deleted, 1);
  EXPECT_EQ(r.host_gone, 1);
  auto get = [&](const std::string& id) { return *servers2.get(admin(), id); };

  fake::FakeComputeDriver* d = fleet2->driver("openstackbootcamp");
  EXPECT_EQ(compute::server_status(get(active)), "ACTIVE");
  EXPECT_EQ(d->get_info(active)->power_state, compute::PowerState::kRunning);
  EXPECT_EQ(d->get_info(active)->name, get(active)["instance_name"]);
  EXPECT_EQ(compute::server_status(get(stopped)), "SHUTOFF");
  EXPECT_EQ(d->get_info(stopped)->power_state, compute::PowerState::kShutdown);
  EXPECT_EQ(*d->list_instance_uuids(),
            (std::vector<std::string>{std::min(active, stopped), std::max(active, stopped)}));

  Json b = get(building);
  EXPECT_EQ(compute::server_status(b), "ERROR");
  EXPECT_EQ(b["fault"]["message"], "Instance was in BUILD when the service restarted");
  EXPECT_FALSE(placement_->consumer(building));
  EXPECT_EQ(servers2.get(admin(), deleting).status().code(), Code::kNotFound);
  EXPECT_FALSE(placement_->consumer(deleting));
  Json o = get(orphan);
  EXPECT_EQ(compute::server_status(o), "ERROR");
  EXPECT_NE(o["fault"]["message"].get<std::string>().find("retired-host"), std::string::npos);
  EXPECT_TRUE(placement_->consumer(orphan));  // kept until the host returns or is removed
  EXPECT_EQ(consumers(), 3u);
  const auto* rp = placement_->provider_by_name("openstackbootcamp");
  EXPECT_EQ(rp->usage.at("VCPU"), 3);
  EXPECT_EQ(rp->usage.at("MEMORY_MB"), 3 * 64);

  // The restored domain is there for later operations: delete finds and destroys it.
  ASSERT_TRUE(servers2.remove(member("demo"), active).ok());
  clock2.advance(30s);
  EXPECT_EQ(servers2.get(admin(), active).status().code(), Code::kNotFound);
  EXPECT_EQ(d->get_info(active).status().code(), Code::kNotFound);
  EXPECT_EQ(consumers(), 2u);
  // Recovering again changes nothing.
  r = servers2.recover();
  EXPECT_EQ(r.restored, 0 + 1);  // stopped's domain already exists (Conflict is fine)
  EXPECT_EQ(r.build_failed + r.deleted, 0);
}

}  // namespace
