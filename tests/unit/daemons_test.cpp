// The simulated daemons in the engine, in virtual time: the registry (names,
// stop/start, stored, logged), what a stopped daemon does to its service
// (nova-compute down and boots to NoValidHost, builds waiting for
// nova-scheduler/nova-conductor, a dead DHCP agent, cinder-volume down) and
// the troubleshooting day's faults (injected, stored, graded).
#include "engine/ops/daemons.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/compute/compute_services.h"
#include "engine/core/log.h"
#include "engine/core/timeutil.h"
#include "engine/ops/fault_lab.h"
#include "tests/unit/network_engine.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

class DaemonRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    daemons_ = std::make_unique<DaemonRegistry>(*store_, clock_, "openstackbootcamp");
    daemons_->add_lab_controller();
    daemons_->add("nova-compute", "compute-1", "nova", DaemonKind::kAgent);
    daemons_->add("nova-compute", "compute-2", "nova", DaemonKind::kAgent);
  }
  ManualClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<DaemonRegistry> daemons_;
};

TEST_F(DaemonRegistryTest, ListsTheBooksControllerDaemonsAndComputeHostsAllRunning) {
  std::set<std::string> names;
  for (const auto& d : daemons_->list()) {
    names.insert(d.name);
    EXPECT_TRUE(d.running) << d.name;
  }
  for (const char* n :
       {"keystone", "glance-api", "nova-api", "nova-scheduler", "nova-conductor", "placement-api", "neutron-server",
        "neutron-dhcp-agent", "neutron-l3-agent", "neutron-linuxbridge-agent", "neutron-metadata-agent", "cinder-api",
        "cinder-scheduler", "cinder-volume", "nova-compute@compute-1", "nova-compute@compute-2"})
    EXPECT_EQ(names.count(n), 1u) << n;
  EXPECT_EQ(daemons_->find("glance-api")->kind, DaemonKind::kApi);
}

TEST_F(DaemonRegistryTest, StopAndStartChangeStateSinceAndAreStored) {
  clock_.advance(5min);
  auto stopped = daemons_->stop("glance-api");
  ASSERT_TRUE(stopped.ok());
  EXPECT_FALSE(stopped->running);
  EXPECT_EQ(stopped->since, clock_.now());
  EXPECT_FALSE(daemons_->running("glance-api", "openstackbootcamp"));
  EXPECT_TRUE(daemons_->running("nova-api", "openstackbootcamp"));
  // A restarted cloud (a new registry over the same store) still has it stopped.
  DaemonRegistry again(*store_, clock_, "openstackbootcamp");
  again.add_lab_controller();
  EXPECT_FALSE(again.find("glance-api")->running);
  EXPECT_FALSE(again.check()("glance-api", "openstackbootcamp"));
  ASSERT_TRUE(again.start("glance-api").ok());
  EXPECT_TRUE(again.running("glance-api", "openstackbootcamp"));
}

TEST_F(DaemonRegistryTest, NamesAreResolvedByBinaryOnlyWhenUnique) {
  EXPECT_EQ(daemons_->find("nova-compute").status().code(), Code::kConflict);
  EXPECT_NE(daemons_->find("nova-compute").status().message().find("nova-compute@compute-2"), std::string::npos);
  EXPECT_EQ(daemons_->find("nova-compute@compute-2")->host, "compute-2");
  EXPECT_EQ(daemons_->find("httpd").status().code(), Code::kNotFound);
  EXPECT_EQ(daemons_->stop("httpd").status().code(), Code::kNotFound);
}

TEST_F(DaemonRegistryTest, HooksSeeEachChangeOnceAndStopIsIdempotent) {
  std::vector<std::string> seen;
  daemons_->on_change([&](const Daemon& d) { seen.push_back(d.name + (d.running ? " up" : " down")); });
  ASSERT_TRUE(daemons_->stop("nova-compute@compute-1").ok());
  ASSERT_TRUE(daemons_->stop("nova-compute@compute-1").ok());
  ASSERT_TRUE(daemons_->start_all().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"nova-compute@compute-1 down", "nova-compute@compute-1 up"}));
}

TEST_F(DaemonRegistryTest, StartAndStopAreWrittenToTheDaemonsOwnLog) {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-daemon-logs-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Log::configure(dir.string(), &clock_, Log::Level::kInfo, false);
  ASSERT_TRUE(daemons_->stop("neutron-dhcp-agent").ok());
  ASSERT_TRUE(daemons_->start("neutron-dhcp-agent").ok());
  Log::configure("", nullptr, Log::Level::kInfo, false);  // closes the files
  std::ifstream in(dir / "neutron-dhcp-agent.log");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("stopping neutron-dhcp-agent"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Starting neutron-dhcp-agent"), std::string::npos) << text.str();
  std::filesystem::remove_all(dir);
}

// The compute engine with Nova's service registry asking the daemons.
class ComputeDaemonsTest : public ::testing::Test, public stacklab::testing::ComputeEngine {
 protected:
  void SetUp() override {
    start_engine(Json::object(), fake::OperationTimes::fast());
    daemons_ = std::make_unique<DaemonRegistry>(*store_, clock_, "openstackbootcamp");
    daemons_->add_lab_controller();
    daemons_->add("nova-compute", "openstackbootcamp", "nova", DaemonKind::kAgent);
    services_ = std::make_unique<compute::ServiceRegistry>(*store_, clock_, random_, policy_, *tracker_,
                                                           fleet_->managed_nodes());
    services_->set_daemon_check(daemons_->check());
    ASSERT_TRUE(services_->start().ok());
    compute::ComputeHosts h = hosts();
    h.sources = [this] {
      auto s = fleet_->host_state_sources(*tracker_);
      services_->apply_to(s);
      return s;
    };
    servers_ = std::make_unique<compute::ComputeService>(*store_, clock_, random_, policy_, *flavors_, *images_,
                                                         *placement_, *scheduler_, std::move(h));
    servers_->set_daemon_check(daemons_->check(), "openstackbootcamp");
    daemons_->on_change([this](const Daemon& d) {
      if (d.running && d.binary == "nova-compute") services_->report_states();
      servers_->resume_parked_builds();
    });
  }
  void TearDown() override { services_->stop(); }
  std::string state(const std::string& binary) {
    for (const Json& s : services_->all())
      if (s["binary"] == binary) return s["state"];
    return "missing";
  }
  std::unique_ptr<DaemonRegistry> daemons_;
  std::unique_ptr<compute::ServiceRegistry> services_;
};

TEST_F(ComputeDaemonsTest, StoppedNovaComputeIsDownAtOnceAndBootsFailNoValidHostUntilStarted) {
  ASSERT_EQ(state("nova-compute"), "up");
  ASSERT_TRUE(daemons_->stop("nova-compute").ok());
  EXPECT_EQ(state("nova-compute"), "down");
  clock_.advance(20s);  // heartbeats go on for the others, not for it
  EXPECT_EQ(state("nova-compute"), "down");
  EXPECT_EQ(state("nova-conductor"), "up");
  std::string failed = boot(request("VM1", "42"));
  clock_.advance(1s);
  EXPECT_EQ(status(failed), "ERROR");
  EXPECT_EQ(server(failed)["fault"]["message"].get<std::string>().rfind("No valid host was found.", 0), 0u);

  ASSERT_TRUE(daemons_->start("nova-compute").ok());
  EXPECT_EQ(state("nova-compute"), "up");
  std::string ok = boot(request("VM2", "42"));
  clock_.advance(1s);
  EXPECT_EQ(status(ok), "ACTIVE");
}

TEST_F(ComputeDaemonsTest, BootsWaitInBuildWhileSchedulerOrConductorIsStoppedAndGoOnWhenStarted) {
  for (const char* binary : {"nova-scheduler", "nova-conductor"}) {
    ASSERT_TRUE(daemons_->stop(binary).ok());
    EXPECT_EQ(state(binary), "down");
    std::string id = boot(request(std::string("VM-") + binary, "42"));
    clock_.advance(5min);
    EXPECT_EQ(status(id), "BUILD") << binary;
    EXPECT_EQ(server(id)["task_state"], "scheduling");
    ASSERT_TRUE(daemons_->start(binary).ok());
    clock_.advance(1s);
    EXPECT_EQ(status(id), "ACTIVE") << binary;
  }
}

TEST_F(ComputeDaemonsTest, FaultIsStoredGradedAndFixedByAStartAndANewBoot) {
  auto active_since = [this](TimePoint since) {
    compute::ServerFilter all;
    all.all_tenants = true;
    auto servers = servers_->list_refs(stacklab::testing::cloud_admin(), all);  // kept alive for the loop
    for (const Json* s : *servers)
      if ((*s)["vm_state"] == "active" && *parse_iso((*s)["created_at"]) >= since) return true;
    return false;
  };
  FaultHooks hooks;
  hooks.active_server_since = active_since;
  FaultLab faults(*store_, clock_, *daemons_, hooks);
  EXPECT_FALSE(faults.grade().front().done);  // nothing injected yet
  EXPECT_EQ(faults.inject("disk-on-fire").status().code(), Code::kNotFound);
  clock_.advance(1min);
  ASSERT_TRUE(faults.inject("nova-compute-down").ok());
  EXPECT_FALSE(daemons_->running("nova-compute", "openstackbootcamp"));
  auto checks = faults.grade();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_FALSE(checks[0].done);
  EXPECT_EQ(checks[0].missing, "nova-compute is stopped");
  EXPECT_FALSE(checks[1].done);

  // A restarted cloud still knows the fault.
  FaultLab again(*store_, clock_, *daemons_, hooks);
  ASSERT_TRUE(again.current());
  EXPECT_EQ(again.current()->scenario, "nova-compute-down");

  ASSERT_TRUE(daemons_->start("nova-compute").ok());
  checks = again.grade();
  EXPECT_TRUE(checks[0].done);
  EXPECT_FALSE(checks[1].done);  // no boot yet
  clock_.advance(1s);
  std::string id = boot(request("VM-after", "42"));
  clock_.advance(1s);
  ASSERT_EQ(status(id), "ACTIVE");
  for (const auto& c : again.grade()) EXPECT_TRUE(c.done) << c.task << ": " << c.missing;
}

TEST_F(DaemonRegistryTest, FullVolumeBackendIsFixedByAVolumeOtherThanTheFiller) {
  FaultHooks hooks;
  int fills = 0;
  hooks.fill_volume_backend = [&fills]() -> Result<std::string> {
    ++fills;
    return std::string("filler-id");
  };
  std::string excepted;
  bool available = false;
  hooks.available_volume_since = [&](TimePoint, const std::string& except_id) {
    excepted = except_id;
    return available;
  };
  FaultLab faults(*store_, clock_, *daemons_, hooks);
  ASSERT_TRUE(faults.inject("volume-backend-full").ok());
  EXPECT_EQ(fills, 1);
  for (const auto& d : daemons_->list()) EXPECT_TRUE(d.running) << d.name;  // no daemon stopped
  auto checks = faults.grade();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].done);
  EXPECT_EQ(excepted, "filler-id");  // the filler itself does not count
  available = true;
  EXPECT_TRUE(faults.grade()[0].done);
  // A cloud without a volume backend cannot have it filled.
  FaultLab bare(*store_, clock_, *daemons_, FaultHooks{});
  EXPECT_EQ(bare.inject("volume-backend-full").status().code(), Code::kNotImplemented);
}

class NetworkDaemonsTest : public stacklab::testing::NetworkTest {};

TEST_F(NetworkDaemonsTest, StoppedDhcpAgentIsDeadAndItsNetworksGiveNoLease) {
  DaemonRegistry daemons(*store_, clock_, service_->options().host);
  daemons.add_lab_controller();
  service_->set_daemon_check(daemons.check());
  Json net = network(demo_);
  subnet(demo_, net, {{"cidr", "10.0.0.0/24"}});
  Json plain = network(demo_);
  subnet(demo_, plain, {{"cidr", "10.0.1.0/24"}, {"enable_dhcp", false}});
  EXPECT_TRUE(service_->dhcp_available(net["id"]));
  EXPECT_FALSE(service_->dhcp_available(plain["id"]));

  ASSERT_TRUE(daemons.stop("neutron-dhcp-agent").ok());
  EXPECT_FALSE(service_->dhcp_available(net["id"]));
  for (const Json& a : service_->list_agents(admin_))
    EXPECT_EQ(a["alive"], a["binary"] != "neutron-dhcp-agent") << a["binary"];
  ASSERT_TRUE(daemons.start("neutron-dhcp-agent").ok());
  EXPECT_TRUE(service_->dhcp_available(net["id"]));
  for (const Json& a : service_->list_agents(admin_)) EXPECT_TRUE(a["alive"].get<bool>()) << a["binary"];
}

}  // namespace
