// The compute driver contract as the simulated hypervisor keeps it, in
// virtual time, and the fleet reporting into placement for the scheduler.
#include <gtest/gtest.h>

#include "engine/compute/resource_tracker.h"
#include "engine/core/runtime.h"
#include "engine/core/store.h"
#include "engine/placement/placement_service.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/placement_host_states.h"
#include "fake_drivers/simulated_fleet.h"

namespace stacklab {
namespace {

// "u7": built by appending (GCC 12 warns, wrongly, on "u" + std::to_string(i)).
std::string numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

using namespace std::chrono_literals;
using compute::PowerState;
using fake::FakeComputeDriver;

compute::InstanceSpec instance(const std::string& uuid, const std::string& hostname = "helloworld") {
  compute::InstanceSpec s;
  s.uuid = uuid;
  s.display_name = hostname;
  s.hostname = hostname;
  s.vcpus = 1;
  s.memory_mb = 64;
  s.root_gb = 0;
  s.fixed_ips = {"10.0.0.3"};
  return s;
}

// Records the outcome of an asynchronous operation.
struct Outcome {
  std::optional<Status> status;
  compute::ComputeDriver::Done done() {
    return [this](Status s) { status = std::move(s); };
  }
  bool ok() const { return status && status->ok(); }
};

fake::OperationTimes fixed_times(Duration d) {
  fake::OperationTimes t;
  t.spawn = t.destroy = t.reboot_soft = t.reboot_hard = t.power_on = t.power_off = t.pause = t.suspend = t.snapshot =
      t.attach = fake::DurationRange{d, d};
  return t;
}

class FakeComputeTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  SeededRandom random_{7};
  FakeComputeDriver driver_{clock_, random_, {}, fixed_times(30s)};

  void boot(const std::string& uuid) {
    Outcome o;
    driver_.spawn(instance(uuid), o.done());
    clock_.advance(30s);
    ASSERT_TRUE(o.ok());
  }
  PowerState state(const std::string& uuid) { return driver_.get_info(uuid)->power_state; }
};

TEST_F(FakeComputeTest, SpawnCompletesAfterItsDurationAndNotBefore) {
  Outcome o;
  driver_.spawn(instance("u1"), o.done());
  EXPECT_FALSE(o.status);  // never inline
  clock_.advance(29s);
  EXPECT_FALSE(o.status);
  EXPECT_TRUE(driver_.list_instances()->empty());
  clock_.advance(1s);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(state("u1"), PowerState::kRunning);
  EXPECT_EQ(*driver_.list_instances(), std::vector<std::string>{"instance-00000001"});
}

TEST_F(FakeComputeTest, FastModeCompletesOnTheNextTickNotInline) {
  FakeComputeDriver fast(clock_, random_, {}, fake::OperationTimes::fast());
  Outcome o;
  fast.spawn(instance("u1"), o.done());
  EXPECT_FALSE(o.status);
  clock_.advance(0s);
  EXPECT_TRUE(o.ok());
}

TEST_F(FakeComputeTest, PowerStatesFollowNovasValues) {
  boot("u1");
  EXPECT_EQ(static_cast<int>(PowerState::kRunning), 1);
  auto step = [&](auto op, PowerState expect) {
    Outcome o;
    op(o.done());
    clock_.advance(30s);
    ASSERT_TRUE(o.ok()) << o.status->message();
    EXPECT_EQ(state("u1"), expect);
  };
  step([&](auto d) { driver_.pause("u1", d); }, PowerState::kPaused);
  step([&](auto d) { driver_.unpause("u1", d); }, PowerState::kRunning);
  step([&](auto d) { driver_.suspend("u1", d); }, PowerState::kSuspended);
  step([&](auto d) { driver_.resume("u1", d); }, PowerState::kRunning);
  step([&](auto d) { driver_.power_off("u1", d); }, PowerState::kShutdown);
  step([&](auto d) { driver_.power_off("u1", d); }, PowerState::kShutdown);  // idempotent
  step([&](auto d) { driver_.reboot("u1", compute::RebootType::kHard, d); }, PowerState::kRunning);
  step([&](auto d) { driver_.reboot("u1", compute::RebootType::kSoft, d); }, PowerState::kRunning);
  ASSERT_TRUE(driver_.crash("u1").ok());
  EXPECT_EQ(static_cast<int>(state("u1")), 6);
  step([&](auto d) { driver_.power_on("u1", d); }, PowerState::kRunning);
  EXPECT_STREQ(compute::power_state_name(PowerState::kSuspended), "Suspended");
}

TEST_F(FakeComputeTest, WrongPowerStateIsConflictAndChangesNothing) {
  boot("u1");
  Outcome off;
  driver_.power_off("u1", off.done());
  clock_.advance(30s);
  Outcome pause, soft;
  driver_.pause("u1", pause.done());
  driver_.reboot("u1", compute::RebootType::kSoft, soft.done());
  clock_.advance(0s);
  EXPECT_EQ(pause.status->code(), Code::kConflict);
  EXPECT_EQ(soft.status->code(), Code::kConflict);
  EXPECT_EQ(state("u1"), PowerState::kShutdown);
}

TEST_F(FakeComputeTest, SecondOperationWhileOneIsInFlightIsConflict) {
  boot("u1");
  Outcome a, b;
  driver_.power_off("u1", a.done());
  driver_.destroy("u1", b.done());
  clock_.advance(30s);
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(b.status->code(), Code::kConflict);
}

TEST_F(FakeComputeTest, DestroyIsIdempotentAndFreesResources) {
  boot("u1");
  EXPECT_EQ(driver_.get_available_resource()->memory_mb_used, 64);
  Outcome a, b;
  driver_.destroy("u1", a.done());
  clock_.advance(30s);
  driver_.destroy("u1", b.done());
  clock_.advance(0s);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
  EXPECT_EQ(driver_.get_info("u1").status().code(), Code::kNotFound);
  EXPECT_EQ(driver_.get_available_resource()->memory_mb_used, 0);
}

TEST_F(FakeComputeTest, HostDownFailsOperationsAndStopsReports) {
  boot("u1");
  driver_.faults().host_down = true;
  Outcome spawn, off;
  driver_.spawn(instance("u2"), spawn.done());
  driver_.power_off("u1", off.done());
  clock_.advance(30s);
  EXPECT_EQ(spawn.status->code(), Code::kInternal);
  EXPECT_EQ(off.status->code(), Code::kInternal);
  EXPECT_FALSE(driver_.get_available_resource().ok());
  EXPECT_FALSE(driver_.list_instances().ok());

  Store::Options opts;
  auto store = std::move(*Store::open(opts));
  placement::PlacementService placement(*store, random_);
  compute::ResourceTracker tracker(placement, clock_);
  EXPECT_FALSE(tracker.update_available_resource(driver_).ok());
  EXPECT_TRUE(placement.providers().empty());
  EXPECT_FALSE(tracker.last_report("openstackbootcamp"));

  driver_.faults().host_down = false;  // back up: the guest survived
  EXPECT_EQ(state("u1"), PowerState::kRunning);
  EXPECT_TRUE(tracker.update_available_resource(driver_).ok());
}

TEST_F(FakeComputeTest, HostGoingDownMidSpawnLeavesNothing) {
  Outcome o;
  driver_.spawn(instance("u1"), o.done());
  clock_.advance(10s);
  driver_.faults().host_down = true;
  clock_.advance(20s);
  EXPECT_EQ(o.status->code(), Code::kInternal);
  driver_.faults().host_down = false;
  EXPECT_TRUE(driver_.list_instances()->empty());
}

std::vector<bool> spawn_outcomes(std::uint64_t seed, double rate, int n) {
  ManualClock clock;
  SeededRandom random(seed);
  fake::FakeFaults faults;
  faults.spawn_failure_rate = rate;
  FakeComputeDriver d(clock, random, {}, fake::OperationTimes::fast(), faults);
  std::vector<Outcome> outcomes(n);
  for (int i = 0; i < n; ++i) d.spawn(instance(numbered("u", i)), outcomes[i].done());
  clock.advance(0s);
  std::vector<bool> ok;
  for (auto& o : outcomes) ok.push_back(o.ok());
  return ok;
}

TEST(FakeComputeFaults, SpawnFailureRateIsDeterministicForASeed) {
  auto a = spawn_outcomes(11, 0.3, 200);
  EXPECT_EQ(a, spawn_outcomes(11, 0.3, 200));
  auto failed = std::count(a.begin(), a.end(), false);
  EXPECT_GT(failed, 30);
  EXPECT_LT(failed, 90);
  auto none = spawn_outcomes(11, 0.0, 50);
  EXPECT_EQ(std::count(none.begin(), none.end(), false), 0);
}

std::vector<Duration> spawn_durations(std::uint64_t seed, double slowness) {
  ManualClock clock;
  SeededRandom random(seed);
  fake::FakeFaults faults;
  faults.slowness = slowness;
  FakeComputeDriver d(clock, random, {}, {}, faults);
  std::vector<Duration> out;
  for (int i = 0; i < 20; ++i) {
    Outcome o;
    TimePoint start = clock.now();
    d.spawn(instance(numbered("u", i)), o.done());
    while (!o.status) clock.advance(1ms);
    out.push_back(clock.now() - start);
  }
  return out;
}

TEST(FakeComputeTimes, SameSeedGivesSameDurations) {
  auto a = spawn_durations(5, 1.0);
  EXPECT_EQ(a, spawn_durations(5, 1.0));
  EXPECT_NE(a, spawn_durations(6, 1.0));
  for (auto d : a) {
    EXPECT_GE(d, 3s);
    EXPECT_LE(d, 6s + 1ms);
  }
  auto slow = spawn_durations(5, 3.0);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(slow[i].count(), 3 * a[i].count(), 3000);
}

TEST_F(FakeComputeTest, ConsoleLogNamesTheInstanceAndItsHostname) {
  boot("u1");
  auto log = driver_.get_console_output("u1");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("instance-id: i-00000001"), std::string::npos);
  EXPECT_NE(log->find("local-hostname: helloworld.novalocal"), std::string::npos);
  EXPECT_NE(log->find("Lease of 10.0.0.3 obtained"), std::string::npos);
  EXPECT_NE(log->find("=== cirros: current=0.3.4"), std::string::npos);
  EXPECT_EQ(log->substr(log->size() - 18), "helloworld login: ");
  EXPECT_EQ(driver_.get_console_output("nope").status().code(), Code::kNotFound);
}

TEST_F(FakeComputeTest, DiagnosticsConsoleAndAttachments) {
  boot("u1");
  Outcome vol, vol2, nic, det, det2;
  driver_.attach_volume("u1", "v1", "/dev/vdb", vol.done());
  clock_.advance(30s);
  driver_.attach_volume("u1", "v1", "/dev/vdb", vol2.done());
  driver_.attach_interface("u1", "p1", "fa:16:3e:00:00:01", nic.done());
  clock_.advance(30s);
  EXPECT_TRUE(vol.ok());
  EXPECT_EQ(vol2.status->code(), Code::kConflict);
  EXPECT_TRUE(nic.ok());
  clock_.advance(100s);
  auto diag = driver_.get_diagnostics("u1");
  ASSERT_TRUE(diag.ok());
  EXPECT_EQ((*diag)["state"], "running");
  EXPECT_EQ((*diag)["num_disks"], 2);
  EXPECT_EQ((*diag)["num_nics"], 1);
  EXPECT_EQ((*diag)["uptime"], 160);
  EXPECT_EQ(driver_.get_vnc_console("u1")->port, 5900);
  driver_.detach_volume("u1", "v1", det.done());
  clock_.advance(30s);
  driver_.detach_volume("u1", "v1", det2.done());
  clock_.advance(30s);
  EXPECT_TRUE(det.ok());
  EXPECT_TRUE(det2.ok());  // idempotent
  EXPECT_EQ((*driver_.get_diagnostics("u1"))["num_disks"], 1);
}

TEST_F(FakeComputeTest, SnapshotKeepsThePowerState) {
  boot("u1");
  std::optional<Result<compute::SnapshotData>> snap;
  driver_.snapshot("u1", [&](Result<compute::SnapshotData> r) { snap = std::move(r); });
  clock_.advance(30s);
  ASSERT_TRUE(snap && snap->ok());
  EXPECT_FALSE((*snap)->data.empty());
  EXPECT_EQ(state("u1"), PowerState::kRunning);
}

TEST(FakeComputeRuntime, RunsOnAVirtualTimeRuntime) {
  Runtime rt(Runtime::Mode::kVirtualTime);
  FakeComputeDriver d(rt.clock(), rt.random());
  Outcome o;
  d.spawn(instance("u1"), o.done());
  rt.manual_clock().advance(2s);
  EXPECT_FALSE(o.status);
  rt.manual_clock().advance(10s);
  EXPECT_TRUE(o.ok());
}

TEST(ResourceTracker, BootcampHostReportsTheBooksInventories) {
  ManualClock clock;
  SeededRandom random(1);
  auto store = std::move(*Store::open({}));
  placement::PlacementService placement(*store, random);
  Config config;
  config.set("DEFAULT", "reserved_host_disk_mb", "1");
  compute::ResourceTracker tracker(placement, clock, compute::ResourceOptions::from_config(config));
  FakeComputeDriver d(clock, random);
  auto uuid = tracker.update_available_resource(d);
  ASSERT_TRUE(uuid.ok());
  const auto* rp = placement.provider(*uuid);
  ASSERT_TRUE(rp);
  EXPECT_EQ(rp->name, "openstackbootcamp");
  EXPECT_EQ(rp->inventories.at("VCPU").total, 2);
  EXPECT_EQ(rp->inventories.at("VCPU").allocation_ratio, 16.0);
  EXPECT_EQ(rp->inventories.at("MEMORY_MB").total, 6144);
  EXPECT_EQ(rp->inventories.at("MEMORY_MB").reserved, 512);
  EXPECT_EQ(rp->inventories.at("MEMORY_MB").allocation_ratio, 1.5);
  EXPECT_EQ(rp->inventories.at("DISK_GB").total, 40);
  EXPECT_EQ(rp->inventories.at("DISK_GB").reserved, 1);  // 1 MB rounds up to 1 GB
  EXPECT_TRUE(rp->traits.count("COMPUTE_NODE"));
  EXPECT_TRUE(rp->traits.count("COMPUTE_IMAGE_TYPE_AMI"));
  auto generation = rp->generation;
  ASSERT_TRUE(tracker.update_available_resource(d).ok());
  EXPECT_EQ(placement.provider(*uuid)->generation, generation);  // nothing changed, nothing written
  EXPECT_EQ(tracker.last_report("openstackbootcamp"), clock.now());
}

TEST(SimulatedFleet, EmptyDescriptionIsTheBootcampHost) {
  auto hosts = fake::parse_fleet(nlohmann::json::object());
  ASSERT_TRUE(hosts.ok());
  ASSERT_EQ(hosts->size(), 1u);
  EXPECT_EQ((*hosts)[0].host.hostname, "openstackbootcamp");
  EXPECT_EQ((*hosts)[0].host.vcpus, 2);
  EXPECT_EQ((*hosts)[0].host.memory_mb, 6144);
  EXPECT_EQ((*hosts)[0].host.disk_gb, 40);
  EXPECT_FALSE(fake::parse_fleet({{"hosts", {{{"cores", "many"}}}}}).ok());
}

TEST(SimulatedFleet, ThousandHostsReportToPlacementAndTheSchedulerFindsCandidates) {
  ManualClock clock;
  SeededRandom random(3);
  auto store = std::move(*Store::open({}));
  placement::PlacementService placement(*store, random);
  compute::ResourceTracker tracker(placement, clock);
  nlohmann::json description = {{"defaults", {{"cores", 16}, {"ram_mb", 65536}, {"disk_gb", 500}}},
                                {"hosts",
                                 {{{"name", "compute"}, {"count", 900}, {"availability_zone", "az1"}},
                                  {{"name", "ssd"},
                                   {"count", 100},
                                   {"availability_zone", "az2"},
                                   {"aggregates", {"fast"}},
                                   {"traits", {"CUSTOM_SSD"}}}}}};
  auto fleet = fake::SimulatedFleet::from_json(clock, random, description, fake::OperationTimes::fast());
  ASSERT_TRUE(fleet.ok());
  ASSERT_EQ((*fleet)->size(), 1000u);
  (*fleet)->driver("compute-7")->faults().host_down = true;
  auto reported = (*fleet)->report(tracker);
  ASSERT_TRUE(reported.ok()) << reported.status().message();
  EXPECT_EQ(*reported, 999u);
  EXPECT_EQ(placement.providers().size(), 999u);
  EXPECT_TRUE(placement.provider_by_name("ssd-42")->traits.count("CUSTOM_SSD"));

  scheduler::RequestSpec spec;
  spec.flavor = {"1", "m1.tiny", 1, 512, 1, 0, 0, {}};
  spec.availability_zone = "az2";
  spec.project_id = "demo";
  spec.user_id = "demo";
  auto sources = (*fleet)->host_state_sources(tracker);
  auto hosts = scheduler::candidate_host_states(placement, spec, sources);
  EXPECT_EQ(hosts.size(), 999u);
  auto sched = scheduler::FilterScheduler::create(scheduler::SchedulerOptions{}, random);
  ASSERT_TRUE(sched.ok());
  scheduler::PlacementClaimer claimer(placement);
  auto dest = (*sched)->select_destinations(spec, hosts, {"server-1"}, &claimer);
  ASSERT_TRUE(dest.ok()) << dest.status().message();
  EXPECT_EQ((*dest)[0].selected.host.rfind("ssd-", 0), 0u);  // the zone's hosts only
  EXPECT_TRUE(placement.consumer("server-1"));
}

}  // namespace
}  // namespace stacklab
