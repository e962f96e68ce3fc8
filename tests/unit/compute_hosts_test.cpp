// Nova's hosts in the engine, in virtual time: service records and their
// liveness (a host that stops answering turns down after service_down_time
// and the scheduler stops picking it), disabled services skipped, the
// aggregate rules, placement mirroring, zones made by aggregate metadata,
// hypervisor views and seeding from the fleet once per state.
#include <gtest/gtest.h>

#include <memory>

#include "engine/compute/aggregates.h"
#include "engine/compute/availability_zones.h"
#include "engine/compute/compute_policy.h"
#include "engine/compute/compute_services.h"
#include "engine/compute/hypervisors.h"
#include "engine/compute/resource_tracker.h"
#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/placement_host_states.h"
#include "fake_drivers/simulated_fleet.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

Credentials member() {
  Credentials c;
  c.user_id = "demo";
  c.project_id = "demo";
  c.roles = {"member", "reader"};
  return c;
}

Credentials admin() {
  Credentials c = member();
  c.user_id = c.project_id = "admin";
  c.roles.insert("admin");
  return c;
}

class ComputeHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    compute::register_compute_policy(policy_);
    store_ = std::move(*Store::open({}));
    placement_ = std::make_unique<placement::PlacementService>(*store_, random_);
    tracker_ = std::make_unique<compute::ResourceTracker>(*placement_, clock_);
    Json fleet = {{"hosts",
                   {{{"name", "compute"}, {"count", 2}},
                    {{"name", "gpu"}, {"availability_zone", "az1"}, {"aggregates", {"fast"}}}}}};
    fleet_ = std::move(*fake::SimulatedFleet::from_json(clock_, random_, fleet, fake::OperationTimes::fast()));
    services_ = std::make_unique<compute::ServiceRegistry>(*store_, clock_, random_, policy_, *tracker_,
                                                           fleet_->managed_nodes());
    aggregates_ = std::make_unique<compute::AggregateService>(
        *store_, clock_, random_, policy_, *placement_,
        [this](const std::string& h) { return services_->compute_service(h) != nullptr; });
    ASSERT_TRUE(services_->start().ok());
    ASSERT_TRUE(aggregates_->seed(fleet_->aggregate_seeds()).ok());
    scheduler_ = std::move(*scheduler::FilterScheduler::create({}, random_));
  }

  scheduler::HostStateSources sources() {
    auto s = fleet_->host_state_sources(*tracker_);
    s.aggregates = aggregates_->scheduler_aggregates();
    services_->apply_to(s);
    return s;
  }
  scheduler::RequestSpec spec(const std::string& zone = "") {
    scheduler::RequestSpec r;
    r.flavor = {"1", "m1.tiny", 1, 512, 1, 0, 0, {}};
    r.availability_zone = zone;
    r.project_id = r.user_id = "demo";
    return r;
  }
  // The hosts the scheduler would accept for a request.
  std::set<std::string> schedulable(const std::string& zone = "") {
    auto hosts = scheduler::candidate_host_states(*placement_, spec(zone), sources());
    std::vector<scheduler::HostState*> ptrs;
    for (auto& h : hosts) ptrs.push_back(&h);
    std::set<std::string> out;
    for (auto* h : scheduler_->filtered_hosts(ptrs, spec(zone), 0)) out.insert(h->host);
    return out;
  }
  std::string state(const std::string& host) { return services_->view(*services_->compute_service(host))["state"]; }
  std::string agg_id(const Json& a) { return std::to_string(a["seq"].get<long long>()); }

  ManualClock clock_;
  SeededRandom random_{7};
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<placement::PlacementService> placement_;
  std::unique_ptr<compute::ResourceTracker> tracker_;
  std::unique_ptr<fake::SimulatedFleet> fleet_;
  std::unique_ptr<compute::ServiceRegistry> services_;
  std::unique_ptr<compute::AggregateService> aggregates_;
  std::unique_ptr<scheduler::FilterScheduler> scheduler_;
};

TEST_F(ComputeHostsTest, ServiceRecordsForEveryHostAndTheController) {
  auto all = services_->list(admin());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0]["binary"], "nova-conductor");
  EXPECT_EQ((*all)[0]["host"], "openstackbootcamp");
  EXPECT_EQ((*all)[1]["binary"], "nova-scheduler");
  EXPECT_EQ((*all)[2]["host"], "compute-1");
  for (const Json& s : *all) EXPECT_EQ(s["state"], "up") << s.dump();
  EXPECT_EQ(services_->list(admin(), "", "nova-compute")->size(), 3u);
  EXPECT_EQ(services_->list(admin(), "gpu")->size(), 1u);
  EXPECT_EQ(services_->list(member()).status().code(), Code::kForbidden);
  // Restarting over the same state creates no duplicates.
  compute::ServiceRegistry again(*store_, clock_, random_, policy_, *tracker_, fleet_->managed_nodes());
  ASSERT_TRUE(again.start().ok());
  EXPECT_EQ(again.all().size(), 5u);
}

TEST_F(ComputeHostsTest, HostThatStopsAnsweringTurnsDownAfterServiceDownTimeAndIsNotScheduled) {
  EXPECT_EQ(schedulable(), (std::set<std::string>{"compute-1", "compute-2", "gpu"}));
  fleet_->driver("compute-2")->faults().host_down = true;
  clock_.advance(30s);
  EXPECT_EQ(state("compute-2"), "up");  // last heartbeat 30 s ago
  EXPECT_EQ(schedulable().count("compute-2"), 1u);
  clock_.advance(31s);
  EXPECT_EQ(state("compute-2"), "down");
  EXPECT_EQ(state("compute-1"), "up");
  EXPECT_EQ(schedulable(), (std::set<std::string>{"compute-1", "gpu"}));
  // Back: the next heartbeat (every 10 s) makes it up again.
  fleet_->driver("compute-2")->faults().host_down = false;
  clock_.advance(10s);
  EXPECT_EQ(state("compute-2"), "up");
  EXPECT_EQ(schedulable().count("compute-2"), 1u);
}

TEST_F(ComputeHostsTest, PeriodicResourceReportsReachPlacement) {
  const auto* rp = placement_->provider_by_name("compute-1");
  ASSERT_TRUE(rp);
  auto first = tracker_->last_report("compute-1");
  ASSERT_TRUE(first);
  clock_.advance(59s);
  EXPECT_EQ(tracker_->last_report("compute-1"), first);
  clock_.advance(1s);
  EXPECT_EQ(*tracker_->last_report("compute-1"), *first + 60s);
}

TEST_F(ComputeHostsTest, DisabledServiceIsSkippedAndForcedDownIsDown) {
  std::string uuid = (*services_->compute_service("compute-1"))["id"];
  compute::ServiceUpdate off;
  off.disabled = true;
  off.disabled_reason = std::optional<std::string>("maintenance");
  EXPECT_EQ(services_->update(member(), uuid, off).status().code(), Code::kForbidden);
  auto s = services_->update(admin(), uuid, off);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["disabled_reason"], "maintenance");
  EXPECT_EQ(schedulable(), (std::set<std::string>{"compute-2", "gpu"}));
  compute::ServiceUpdate on;
  on.disabled = false;
  ASSERT_TRUE(services_->update_by_host(admin(), "compute-1", "nova-compute", on).ok());
  EXPECT_TRUE((*services_->compute_service("compute-1"))["disabled_reason"].is_null());
  EXPECT_EQ(schedulable().count("compute-1"), 1u);
  compute::ServiceUpdate down;
  down.forced_down = true;
  ASSERT_TRUE(services_->update(admin(), uuid, down).ok());
  EXPECT_EQ(state("compute-1"), "down");
  EXPECT_EQ(schedulable().count("compute-1"), 0u);
  EXPECT_EQ(services_->update_by_host(admin(), "openstackbootcamp", "nova-scheduler", on).status().code(),
            Code::kBadRequest);
  EXPECT_EQ(services_->update_by_host(admin(), "nowhere", "nova-compute", on).status().code(), Code::kNotFound);
}

TEST_F(ComputeHostsTest, FleetAggregatesAreSeededOnceWithPlacementMirrored) {
  auto all = aggregates_->list(admin());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0]["name"], "az1");
  EXPECT_EQ((*all)[0]["metadata"]["availability_zone"], "az1");
  EXPECT_EQ((*all)[0]["hosts"], Json::array({"gpu"}));
  EXPECT_EQ((*all)[1]["name"], "fast");
  EXPECT_TRUE(placement_->provider_by_name("gpu")->aggregates.count((*all)[1]["id"].get<std::string>()));
  EXPECT_EQ(aggregates_->zone_of_host("gpu"), "az1");
  // Periodic reports leave the aggregates to the service.
  clock_.advance(120s);
  EXPECT_EQ(placement_->provider_by_name("gpu")->aggregates.size(), 2u);
  // Seeding again (a restart over the same state) changes nothing.
  ASSERT_TRUE(aggregates_->seed(fleet_->aggregate_seeds()).ok());
  EXPECT_EQ(aggregates_->all().size(), 2u);
  EXPECT_EQ(aggregates_->list(member()).status().code(), Code::kForbidden);
}

TEST_F(ComputeHostsTest, AggregateRules) {
  auto a = aggregates_->create(admin(), "agg1", std::string("az2"));
  ASSERT_TRUE(a.ok());
  std::string id = agg_id(*a);
  EXPECT_EQ(aggregates_->create(admin(), "agg1", std::nullopt).status().code(), Code::kConflict);
  EXPECT_EQ(aggregates_->get(admin(), "agg1").status().code(), Code::kBadRequest);
  EXPECT_EQ(aggregates_->get(admin(), "999").status().code(), Code::kNotFound);
  // gpu is in az1 already: another zone's aggregate cannot take it.
  auto conflict = aggregates_->add_host(admin(), id, "gpu");
  EXPECT_EQ(conflict.status().code(), Code::kConflict);
  EXPECT_EQ(conflict.status().message(), "Cannot add host to aggregate " + id +
                                             ". Reason: One or more hosts already in availability zone(s) ['az1']");
  EXPECT_EQ(aggregates_->add_host(admin(), id, "nowhere").status().code(), Code::kNotFound);
  ASSERT_TRUE(aggregates_->add_host(admin(), id, "compute-1").ok());
  EXPECT_EQ(aggregates_->add_host(admin(), id, "compute-1").status().code(), Code::kConflict);
  std::string uuid = (*a)["id"];
  EXPECT_TRUE(placement_->provider_by_name("compute-1")->aggregates.count(uuid));
  // Making the seeded "fast" aggregate (gpu) a zone of az2 would move gpu out of az1: 400.
  auto fast = aggregates_->all()[1];
  auto md = aggregates_->set_metadata(admin(), agg_id(fast), {{"availability_zone", "az2"}});
  EXPECT_EQ(md.status().code(), Code::kBadRequest);
  ASSERT_TRUE(aggregates_->set_metadata(admin(), id, {{"ssd", "true"}}).ok());
  EXPECT_EQ((*aggregates_->get(admin(), id))["metadata"]["ssd"], "true");
  ASSERT_TRUE(aggregates_->set_metadata(admin(), id, {{"ssd", nullptr}}).ok());
  EXPECT_FALSE((*aggregates_->get(admin(), id))["metadata"].contains("ssd"));
  // Delete a non-empty one: 400; remove a host that is not there: 404.
  EXPECT_EQ(aggregates_->remove(admin(), id).code(), Code::kBadRequest);
  EXPECT_EQ(aggregates_->remove_host(admin(), id, "compute-2").status().code(), Code::kNotFound);
  ASSERT_TRUE(aggregates_->remove_host(admin(), id, "compute-1").ok());
  EXPECT_FALSE(placement_->provider_by_name("compute-1")->aggregates.count(uuid));
  EXPECT_TRUE(aggregates_->remove(admin(), id).ok());
  EXPECT_EQ(aggregates_->get(admin(), id).status().code(), Code::kNotFound);
}

TEST_F(ComputeHostsTest, ZoneMetadataMakesANewZoneForTheScheduler) {
  EXPECT_TRUE(schedulable("az2").empty());
  EXPECT_EQ(schedulable("nova"), (std::set<std::string>{"compute-1", "compute-2"}));
  auto a = aggregates_->create(admin(), "agg2", std::nullopt);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(aggregates_->add_host(admin(), agg_id(*a), "compute-2").ok());
  ASSERT_TRUE(aggregates_->set_metadata(admin(), agg_id(*a), {{"availability_zone", "az2"}}).ok());
  EXPECT_EQ(schedulable("az2"), (std::set<std::string>{"compute-2"}));
  EXPECT_EQ(schedulable("nova"), (std::set<std::string>{"compute-1"}));
  EXPECT_EQ(schedulable("az1"), (std::set<std::string>{"gpu"}));
  auto hosts = scheduler::candidate_host_states(*placement_, spec("az2"), sources());
  auto dest = scheduler_->select_destinations(spec("az2"), hosts, {"server-1"});
  ASSERT_TRUE(dest.ok()) << dest.status().message();
  EXPECT_EQ((*dest)[0].selected.host, "compute-2");

  compute::AvailabilityZones zones(*services_, *aggregates_, policy_);
  auto list = zones.list(member());
  ASSERT_TRUE(list.ok());
  std::set<std::string> names;
  for (const auto& z : *list) names.insert(z["zoneName"]);
  EXPECT_EQ(names, (std::set<std::string>{"az1", "az2", "nova"}));
  auto detail = zones.detail(admin());
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->size(), 4u);
  bool internal = false;
  for (const auto& z : *detail)
    if (z["zoneName"] == "internal") {
      internal = true;
      EXPECT_TRUE(z["hosts"]["openstackbootcamp"]["nova-scheduler"]["available"].get<bool>());
    }
  EXPECT_TRUE(internal);
  EXPECT_EQ(zones.detail(member()).status().code(), Code::kForbidden);
}

TEST_F(ComputeHostsTest, HypervisorsShowDriverTotalsAndPlacementUsage) {
  compute::Hypervisors hypervisors(*services_, *placement_, *tracker_, clock_, policy_);
  auto all = hypervisors.list(admin(), "list-detail");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  const Json& h = (*all)[0];
  EXPECT_EQ(h["hypervisor_hostname"], "compute-1");
  EXPECT_EQ(h["vcpus"], 2);
  EXPECT_EQ(h["memory_mb"], 6144);
  EXPECT_EQ(h["memory_mb_used"], 512);  // reserved_host_memory_mb
  EXPECT_EQ(h["free_ram_mb"], 6144 - 512);
  EXPECT_EQ(h["local_gb"], 40);
  EXPECT_EQ(h["state"], "up");
  EXPECT_EQ(h["status"], "enabled");
  EXPECT_EQ(h["uuid"], placement_->provider_by_name("compute-1")->uuid);
  auto hosts = scheduler::candidate_host_states(*placement_, spec(), sources());
  scheduler::PlacementClaimer claimer(*placement_);
  ASSERT_TRUE(scheduler_->select_destinations(spec("az1"), hosts, {"server-1"}, &claimer).ok());
  auto gpu = hypervisors.get(admin(), "show", (*all)[2]["uuid"]);
  ASSERT_TRUE(gpu.ok());
  EXPECT_EQ((*gpu)["vcpus_used"], 1);
  EXPECT_EQ((*gpu)["memory_mb_used"], 1024);
  EXPECT_EQ((*gpu)["local_gb_used"], 1);
  auto stats = hypervisors.statistics(admin());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["count"], 3);
  EXPECT_EQ((*stats)["vcpus"], 6);
  EXPECT_EQ((*stats)["vcpus_used"], 1);
  EXPECT_EQ(hypervisors.list(member(), "list").status().code(), Code::kForbidden);
  EXPECT_EQ(hypervisors.get(admin(), "show", "nope").status().code(), Code::kNotFound);
}

TEST_F(ComputeHostsTest, DeletingAComputeServiceTakesItsHostOutOfAggregates) {
  services_->on_compute_deleted([this](const std::string& h) { (void)aggregates_->forget_host(h); });
  std::string uuid = (*services_->compute_service("gpu"))["id"];
  EXPECT_EQ(services_->remove(member(), uuid, true).code(), Code::kForbidden);
  ASSERT_TRUE(services_->remove(admin(), uuid, true).ok());
  EXPECT_FALSE(services_->compute_service("gpu"));
  EXPECT_TRUE(aggregates_->of_host("gpu").empty());
  EXPECT_EQ(services_->remove(admin(), uuid, true).code(), Code::kNotFound);
}

}  // namespace
