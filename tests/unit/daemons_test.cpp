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
#include "engine/ops/daemon_control.h"
#include "engine/ops/fault_lab.h"
#include "engine/ops/service_authtoken.h"
#include "engine/ops/service_configs.h"
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

TEST_F(ComputeDaemonsTest, BootsWaitInBuildWhileSchedulerConductorOrTheQueueIsStoppedAndGoOnWhenStarted) {
  for (const char* binary : {"nova-scheduler", "nova-conductor", "rabbitmq-server"}) {
    ASSERT_TRUE(daemons_->stop(binary).ok());
    if (std::string(binary) != "rabbitmq-server") EXPECT_EQ(state(binary), "down");  // no nova service record
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

TEST(ServiceAuthtokenTest, WithKeystoneDownOnlyTokensValidatedInTheLastFiveMinutesPass) {
  ManualClock clock;
  bool keystone_up = true;
  ServiceAuthtoken authtoken(clock, [&] { return keystone_up; });
  EXPECT_TRUE(authtoken.admit("nova-api", "early"));
  authtoken.validated("early");
  clock.advance(200s);
  authtoken.validated("late");
  authtoken.validated("early");  // a hit is not refreshed: still cached from t=0
  keystone_up = false;
  EXPECT_TRUE(authtoken.admit("glance-api", "early")) << "the cache is shared (memcached)";
  EXPECT_TRUE(authtoken.admit("nova-api", "late"));
  EXPECT_FALSE(authtoken.admit("nova-api", "never-seen"));
  clock.advance(101s);  // early: 301 s old, late: 101 s
  EXPECT_FALSE(authtoken.admit("nova-api", "early"));
  EXPECT_TRUE(authtoken.admit("nova-api", "late"));
  clock.advance(200s);
  EXPECT_FALSE(authtoken.admit("nova-api", "late"));
  keystone_up = true;
  EXPECT_TRUE(authtoken.admit("nova-api", "never-seen"));
}

TEST(ServiceAuthtokenTest, RefusedServiceCredentialsRefuseUncachedTokensOfThatServiceOnly) {
  ManualClock clock;
  ServiceAuthtoken authtoken(clock);
  authtoken.set_credentials_refused("nova-api", true);
  EXPECT_TRUE(authtoken.credentials_refused("nova-api"));
  EXPECT_FALSE(authtoken.admit("nova-api", "fresh"));
  EXPECT_TRUE(authtoken.admit("glance-api", "fresh"));
  authtoken.validated("fresh");  // glance validated it
  EXPECT_TRUE(authtoken.admit("nova-api", "fresh"));
  authtoken.set_credentials_refused("nova-api", false);
  EXPECT_TRUE(authtoken.admit("nova-api", "other"));
}

TEST_F(ComputeDaemonsTest, WithRabbitmqDownNovaComputeIsNotHeardFromButSchedulerAndConductorAre) {
  services_->set_daemon_check(reporting_check(*daemons_));
  ASSERT_TRUE(daemons_->stop("rabbitmq-server").ok());
  services_->report_states();
  EXPECT_EQ(state("nova-compute"), "down");
  EXPECT_EQ(state("nova-scheduler"), "up");  // they write their heartbeats to the database themselves
  EXPECT_TRUE(daemons_->running("nova-compute", "openstackbootcamp"));
  EXPECT_FALSE(daemon_reporting(*daemons_, "nova-compute", "openstackbootcamp"));
  EXPECT_TRUE(daemon_reporting(*daemons_, "nova-api", "openstackbootcamp"));
  ASSERT_TRUE(daemons_->start("rabbitmq-server").ok());
  EXPECT_EQ(state("nova-compute"), "up");
}

TEST_F(DaemonRegistryTest, TheBooksInfrastructureRunsAsDaemonsAndARestartLogsStopAndStart) {
  EXPECT_TRUE(daemons_->find("mysql").ok());
  EXPECT_TRUE(daemons_->find("rabbitmq-server").ok());
  std::vector<std::string> seen;
  daemons_->on_change([&](const Daemon& d) { seen.push_back(d.name + (d.running ? " up" : " down")); });
  auto r = restart_daemon(*daemons_, "nova-api");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->running);
  EXPECT_EQ(seen, (std::vector<std::string>{"nova-api down", "nova-api up"}));
  EXPECT_EQ(restart_daemon(*daemons_, "httpd").status().code(), Code::kNotFound);
}

class ServiceConfigsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("stacklab-configs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    ServiceConfigValues v;
    v.identity_url = "http://10.0.0.5/identity";
    v.service_password = "nomoresecret";
    configs_ = std::make_unique<ServiceConfigs>(dir_.string(), v);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::unique_ptr<ServiceConfigs> configs_;
};

TEST_F(ServiceConfigsTest, FilesAreWrittenWhenFirstAskedWithTheBooksSettings) {
  EXPECT_FALSE(configs_->written("nova"));
  auto path = configs_->ensure("nova");
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, (dir_ / "nova" / "nova.conf").string());
  EXPECT_TRUE(configs_->written("nova"));
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "password"), "nomoresecret");
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "username"), "nova");
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "project_name"), "service");
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "auth_url"), "http://10.0.0.5/identity");
  EXPECT_EQ(*configs_->get("nova", "database", "connection"), "mysql+pymysql://nova:bootcamp@controller/nova");
  EXPECT_EQ(*configs_->get("nova", "DEFAULT", "transport_url"), "rabbit://openstack:bootcamp@controller");
  EXPECT_EQ(*configs_->get("glance", "paste_deploy", "flavor"), "keystone");
  EXPECT_EQ(*configs_->get("neutron", "DEFAULT", "core_plugin"), "ml2");
  EXPECT_EQ(*configs_->get("cinder", "keystone_authtoken", "username"), "cinder");
  EXPECT_EQ(configs_->ensure("swift").status().code(), Code::kNotFound);
  EXPECT_EQ(ServiceConfigs::api_daemon("neutron"), "neutron-server");
  EXPECT_EQ(ServiceConfigs::api_daemon("glance"), "glance-api");
}

TEST_F(ServiceConfigsTest, SetChangesOneKeyAndKeepsTheStudentsOtherLines) {
  ASSERT_TRUE(configs_->ensure("nova").ok());
  {
    std::ofstream append(dir_ / "nova" / "nova.conf", std::ios::app);
    append << "# my note\n";
  }
  ASSERT_TRUE(configs_->set("nova", "keystone_authtoken", "password", "bootcamp").ok());
  ASSERT_TRUE(configs_->set("nova", "vnc", "enabled", "true").ok());
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "password"), "bootcamp");
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "username"), "nova");
  EXPECT_EQ(*configs_->get("nova", "vnc", "enabled"), "true");
  const std::string text = *configs_->read("nova");
  EXPECT_NE(text.find("# my note"), std::string::npos) << text;
  EXPECT_EQ(text.find("nomoresecret"), std::string::npos) << text;
  // A student's edit with other spacing is read the same.
  std::string edited = text;
  edited.replace(edited.find("password = bootcamp"), std::string("password = bootcamp").size(),
                 "password=nomoresecret");
  std::ofstream(dir_ / "nova" / "nova.conf", std::ios::trunc) << edited;
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "password"), "nomoresecret");
}

TEST_F(ServiceConfigsTest, ARepeatedKeyReadsItsLastValueAndSetChangesEveryOccurrence) {
  ASSERT_TRUE(configs_->ensure("nova").ok());
  {
    std::ofstream append(dir_ / "nova" / "nova.conf", std::ios::app);
    append << "\n[keystone_authtoken]\npassword = typo\n";  // as oslo.config reads it: the last value wins
  }
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "password"), "typo");
  ASSERT_TRUE(configs_->set("nova", "keystone_authtoken", "password", "fixed").ok());
  EXPECT_EQ(*configs_->get("nova", "keystone_authtoken", "password"), "fixed");
  const std::string text = *configs_->read("nova");
  EXPECT_EQ(text.find("typo"), std::string::npos) << text;
  EXPECT_EQ(text.find("nomoresecret"), std::string::npos) << text;
}

TEST_F(ComputeDaemonsTest, AWrongServicePasswordIsBrokenThroughItsHookAndGradedByItsApisCredentials) {
  FaultHooks hooks;
  std::vector<std::string> broken;
  bool accepted = true;
  hooks.break_service_password = [&](const std::string& service) {
    broken.push_back(service);
    accepted = false;
    return Status();
  };
  hooks.service_credentials_accepted = [&](const std::string&) { return accepted; };
  FaultLab faults(*store_, clock_, *daemons_, hooks);
  ASSERT_TRUE(faults.inject("glance-service-password").ok());
  EXPECT_EQ(broken, std::vector<std::string>{"glance"});
  auto checks = faults.grade();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].done);
  EXPECT_NE(checks[0].missing.find("[keystone_authtoken]"), std::string::npos);
  accepted = true;
  EXPECT_TRUE(faults.grade()[0].done);
  FaultLab bare(*store_, clock_, *daemons_, FaultHooks{});
  EXPECT_EQ(bare.inject("nova-service-password").status().code(), Code::kNotImplemented);
}

TEST_F(ComputeDaemonsTest, DhcpAgentDownIsFixedOnlyByABootWithItsLease) {
  FaultHooks hooks;
  bool leased = false;
  hooks.leased_boot_since = [&](TimePoint) { return leased; };
  FaultLab faults(*store_, clock_, *daemons_, hooks);
  ASSERT_TRUE(faults.inject("dhcp-agent-down").ok());
  ASSERT_TRUE(daemons_->start("neutron-dhcp-agent").ok());
  auto checks = faults.grade();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(checks[0].done);
  EXPECT_FALSE(checks[1].done);
  leased = true;
  EXPECT_TRUE(faults.grade()[1].done);
}

TEST_F(NetworkDaemonsTest, WithRabbitmqDownEveryAgentIsDeadAndNoNetworkAnswersDhcp) {
  DaemonRegistry daemons(*store_, clock_, service_->options().host);
  daemons.add_lab_controller();
  service_->set_daemon_check(reporting_check(daemons));
  Json net = network(demo_);
  subnet(demo_, net, {{"cidr", "10.0.0.0/24"}});
  ASSERT_TRUE(daemons.stop("rabbitmq-server").ok());
  EXPECT_FALSE(service_->dhcp_available(net["id"]));
  for (const Json& a : service_->list_agents(admin_)) EXPECT_FALSE(a["alive"].get<bool>()) << a["binary"];
  ASSERT_TRUE(daemons.start("rabbitmq-server").ok());
  EXPECT_TRUE(service_->dhcp_available(net["id"]));
}

TEST(ServiceAuthtokenTest, ARefusalLeavesKeystonemiddlewaresLinesInTheServicesLog) {
  auto dir = std::filesystem::temp_directory_path() / ("stacklab-authtoken-logs-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ManualClock clock;
  bool keystone_up = true;
  ServiceAuthtoken authtoken(clock, [&] { return keystone_up; });
  Log::configure(dir.string(), &clock, Log::Level::kInfo, false);
  authtoken.set_credentials_refused("nova-api", true);
  EXPECT_FALSE(authtoken.admit("nova-api", "t1"));
  authtoken.set_credentials_refused("nova-api", false);
  keystone_up = false;
  EXPECT_FALSE(authtoken.admit("glance-api", "t2"));
  Log::configure("", nullptr, Log::Level::kInfo, false);  // closes the files
  auto text = [&](const char* file) {
    std::ifstream in(dir / file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  EXPECT_NE(text("nova-api.log").find("Identity response: {\"error\""), std::string::npos) << text("nova-api.log");
  EXPECT_NE(text("nova-api.log").find("Identity server rejected authorization"), std::string::npos);
  EXPECT_NE(text("keystone.log").find("Authorization failed"), std::string::npos) << text("keystone.log");
  EXPECT_NE(text("glance-api.log").find("Unable to validate token"), std::string::npos) << text("glance-api.log");
  std::filesystem::remove_all(dir);
}

}  // namespace
