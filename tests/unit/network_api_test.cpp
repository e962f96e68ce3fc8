// Compute's view of networking (engine/compute/network_api.h) over a real
// NetworkService on an in-memory store: which network a request gets, the
// checks made before anything is stored, ports created, bound, rebound and
// cleaned up, addresses, interfaces and security groups.
#include "engine/compute/network_api.h"

#include <gtest/gtest.h>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"
#include "tests/unit/test_credentials.h"
#include "tests/unit/virtual_cloud.h"

using namespace stacklab;
using compute::NetworkApi;
using compute::NetworkRequest;
using compute::RequestedNetwork;
using stacklab::testing::project;
using namespace std::chrono_literals;

namespace {

class NetworkApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open({}));
    network::register_network_policy(policy_);
    neutron_ = std::make_unique<network::NetworkService>(*store_, clock_, random_, policy_);
    nova_ = std::make_unique<NetworkApi>(*store_, *neutron_);
    private_ = network("private", "demo", "10.0.0.0/26");
  }
  // A network of `project` with one IPv4 subnet.
  Json network(const std::string& name, const std::string& project_id, const std::string& cidr, Json extra = {}) {
    Json body = {{"name", name}, {"project_id", project_id}};
    if (extra.is_object()) body.update(extra);
    auto n = neutron_->create_network(admin_, body);
    EXPECT_TRUE(n.ok()) << n.status().message();
    if (!cidr.empty()) {
      auto s = neutron_->create_subnet(
          admin_, {{"network_id", (*n)["id"]}, {"ip_version", 4}, {"cidr", cidr}, {"project_id", project_id}});
      EXPECT_TRUE(s.ok()) << s.status().message();
    }
    return *n;
  }
  Json instance(const std::string& id, const std::string& host = "compute-1") {
    return {{"id", id}, {"project_id", "demo"}, {"availability_zone", "nova"}, {"host", host}};
  }
  // Validates `r` as demo and allocates it for instance `id` on compute-1.
  Status boot(const std::string& id, const NetworkRequest& r = {}) {
    auto plan = nova_->validate(demo_, r, 1);
    if (!plan.ok()) return plan.status();
    return nova_->allocate(instance(id), *plan, "compute-1");
  }
  NetworkRequest on(const std::string& network_id, const std::string& fixed_ip = "") {
    NetworkRequest r;
    r.mode = NetworkRequest::Mode::kList;
    r.networks.push_back(RequestedNetwork{network_id, "", fixed_ip, ""});
    return r;
  }
  std::size_t port_count() { return store_->count("port"); }

  ManualClock clock_;
  SeededRandom random_{7};
  Policy policy_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<network::NetworkService> neutron_;
  std::unique_ptr<NetworkApi> nova_;
  Credentials demo_ = project("demo"), admin_ = project("admin", true);
  Json private_;
};

}  // namespace

TEST_F(NetworkApiTest, OmittedNetworksUseTheProjectsOnlyNetworkBoundToTheHost) {
  network("public", "admin", "172.24.4.0/24", {{"router:external", true}});  // external: not a candidate
  ASSERT_TRUE(boot("vm-1").ok());
  auto ports = neutron_->device_ports("vm-1");
  ASSERT_EQ(ports.size(), 1u);
  const Json& port = *ports[0];
  EXPECT_EQ(port["network_id"], private_["id"]);
  EXPECT_EQ(port["device_owner"], "compute:nova");
  EXPECT_EQ(port["project_id"], "demo");
  EXPECT_EQ(port["binding:host_id"], "compute-1");
  EXPECT_EQ(port["status"], "ACTIVE");
  ASSERT_EQ(port["security_groups"].size(), 1u);
  EXPECT_EQ((*neutron_->security_group_record(port["security_groups"][0]))["name"], "default");
  Json addresses = nova_->addresses("vm-1");
  ASSERT_EQ(addresses["private"].size(), 1u);
  EXPECT_EQ(addresses["private"][0]["addr"], port["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(addresses["private"][0]["version"], 4);
  EXPECT_EQ(addresses["private"][0]["OS-EXT-IPS:type"], "fixed");
  EXPECT_EQ(addresses["private"][0]["OS-EXT-IPS-MAC:mac_addr"], port["mac_address"]);
  EXPECT_EQ(nova_->security_group_names("vm-1"), Json::array({{{"name", "default"}}}));
}

TEST_F(NetworkApiTest, AFloatingIpOfThePortIsListedAfterItsFixedAddresses) {
  ASSERT_TRUE(boot("vm-1").ok());
  const Json& port = *neutron_->device_ports("vm-1")[0];
  // A row as the routers' floatingip table holds it (indexed by port_id there).
  ASSERT_TRUE(store_
                  ->put("floatingip", "fip-1",
                        {{"id", "fip-1"},
                         {"floating_ip_address", "172.24.4.10"},
                         {"fixed_ip_address", port["fixed_ips"][0]["ip_address"]},
                         {"port_id", port["id"]}})
                  .ok());
  Json addresses = nova_->addresses("vm-1")["private"];
  ASSERT_EQ(addresses.size(), 2u);
  EXPECT_EQ(addresses[1]["addr"], "172.24.4.10");
  EXPECT_EQ(addresses[1]["OS-EXT-IPS:type"], "floating");
  EXPECT_EQ(addresses[1]["OS-EXT-IPS-MAC:mac_addr"], port["mac_address"]);
}

TEST_F(NetworkApiTest, ChoosingANetworkFollowsNovasRules) {
  NetworkRequest auto_request;
  auto_request.mode = NetworkRequest::Mode::kAuto;
  Credentials alt = project("alt");
  // No network at all: omitted boots without ports, "auto" is refused.
  auto none = nova_->validate(alt, NetworkRequest{}, 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE((*none)["networks"].empty());
  EXPECT_EQ(nova_->validate(alt, auto_request, 1).status().code(), Code::kBadRequest);
  // A second usable network (a shared one counts): ambiguous.
  network("shared", "admin", "192.168.9.0/24", {{"shared", true}});
  auto two = nova_->validate(demo_, NetworkRequest{}, 1);
  EXPECT_EQ(two.status().code(), Code::kConflict);
  EXPECT_EQ(two.status().message(), "Multiple possible networks found, use a Network ID to be more specific.");
  EXPECT_EQ(nova_->validate(demo_, auto_request, 1).status().code(), Code::kConflict);
  NetworkRequest none_request;
  none_request.mode = NetworkRequest::Mode::kNone;
  EXPECT_TRUE((*nova_->validate(demo_, none_request, 1))["networks"].empty());
}

TEST_F(NetworkApiTest, BadRequestsAreRefusedBeforeAnyPortExists) {
  std::size_t before = port_count();
  auto unknown = nova_->validate(demo_, on("6d3e0f1c-0000-4000-8000-000000000000"), 1);
  EXPECT_EQ(unknown.status().code(), Code::kBadRequest);
  EXPECT_EQ(unknown.status().message(), "Network 6d3e0f1c-0000-4000-8000-000000000000 could not be found.");
  EXPECT_EQ(nova_->validate(demo_, on(private_["id"], "10.9.9.9"), 1).status().code(), Code::kBadRequest);
  EXPECT_EQ(nova_->validate(demo_, on(private_["id"], "10.0.0.20"), 2).status().code(), Code::kBadRequest);
  NetworkRequest groups = on(private_["id"]);
  groups.security_groups = {"nope"};
  auto bad_group = nova_->validate(demo_, groups, 1);
  EXPECT_EQ(bad_group.status().code(), Code::kBadRequest);
  EXPECT_EQ(bad_group.status().message(), "Security group nope not found for project demo.");
  Json empty = network("empty", "demo", "");
  EXPECT_EQ(nova_->validate(demo_, on(empty["id"]), 1).status().code(), Code::kBadRequest);
  EXPECT_EQ(port_count(), before);
  // An address in use, and a port in use: 409.
  ASSERT_TRUE(boot("vm-1", on(private_["id"], "10.0.0.20")).ok());
  auto taken = nova_->validate(demo_, on(private_["id"], "10.0.0.20"), 1);
  EXPECT_EQ(taken.status().code(), Code::kConflict);
  EXPECT_EQ(taken.status().message(), "Fixed IP address 10.0.0.20 is already in use on instance vm-1.");
  NetworkRequest port;
  port.mode = NetworkRequest::Mode::kList;
  port.networks.push_back(RequestedNetwork{"", neutron_->device_ports("vm-1")[0]->at("id"), "", ""});
  auto in_use = nova_->validate(demo_, port, 1);
  EXPECT_EQ(in_use.status().code(), Code::kConflict);
  EXPECT_EQ(in_use.status().message(), "Port " + port.networks[0].port_id + " is still in use.");
}

TEST_F(NetworkApiTest, GroupsByNameOrIdGoOnCreatedPorts) {
  auto web = neutron_->create_security_group(demo_, {{"name", "web"}});
  ASSERT_TRUE(web.ok());
  NetworkRequest r = on(private_["id"]);
  r.security_groups = {"default", (*web)["id"]};  // the book passes ids in the name field
  ASSERT_TRUE(boot("vm-1", r).ok());
  EXPECT_EQ(nova_->security_group_names("vm-1"), Json::array({{{"name", "default"}}, {{"name", "web"}}}));
}

TEST_F(NetworkApiTest, TheBindingFollowsTheHostAndDeallocateCleansUp) {
  auto given = neutron_->create_port(demo_, {{"network_id", private_["id"]}});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ((*given)["status"], "DOWN");
  NetworkRequest r = on(private_["id"]);
  r.networks.push_back(RequestedNetwork{"", (*given)["id"], "", ""});
  ASSERT_TRUE(boot("vm-1", r).ok());
  std::vector<Json> ifaces = nova_->interfaces("vm-1");
  ASSERT_EQ(ifaces.size(), 2u);
  EXPECT_EQ(ifaces[1]["port_id"], (*given)["id"]);  // in the order asked
  EXPECT_EQ(ifaces[1]["port_state"], "ACTIVE");
  std::string created = ifaces[0]["port_id"];
  // Migrated: bound to the new host; shelve-offloaded: unbound.
  nova_->host_changed(instance("vm-1"), instance("vm-1", "compute-2"));
  EXPECT_EQ((*neutron_->port_record(created))["binding:host_id"], "compute-2");
  Json offloaded = instance("vm-1");
  offloaded["host"] = nullptr;
  nova_->host_changed(instance("vm-1", "compute-2"), offloaded);
  EXPECT_EQ((*neutron_->port_record(created))["binding:host_id"], "");
  EXPECT_EQ((*neutron_->port_record(created))["status"], "DOWN");
  // Deleted: the port Nova created goes, the given one is released.
  nova_->deallocate("vm-1");
  EXPECT_EQ(neutron_->port_record(created), nullptr);
  const Json* kept = neutron_->port_record((*given)["id"]);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ((*kept)["device_id"], "");
  EXPECT_EQ((*kept)["device_owner"], "");
  EXPECT_EQ((*kept)["binding:host_id"], "");
  EXPECT_TRUE(nova_->interfaces("vm-1").empty());
}

TEST_F(NetworkApiTest, AFailedAllocationLeavesNothingBehind) {
  auto given = neutron_->create_port(demo_, {{"network_id", private_["id"]}});
  Json plan = {{"networks", Json::array({{{"network_id", private_["id"]}, {"port_id", ""}, {"fixed_ip", ""}},
                                         {{"network_id", private_["id"]}, {"port_id", (*given)["id"]}},
                                         {{"network_id", private_["id"]}, {"port_id", ""}, {"fixed_ip", "10.9.9.9"}}})},
               {"security_groups", nullptr}};
  std::size_t before = port_count();
  EXPECT_FALSE(nova_->allocate(instance("vm-1"), plan, "compute-1").ok());
  EXPECT_EQ(port_count(), before);
  EXPECT_EQ((*neutron_->port_record((*given)["id"]))["device_id"], "");
}

TEST_F(NetworkApiTest, AttachDetachAndSecurityGroupActions) {
  ASSERT_TRUE(boot("vm-1").ok());
  Json second = network("second", "demo", "10.1.0.0/24");
  auto iface =
      nova_->attach(demo_, instance("vm-1"), "", second["id"], Json::array({{{"ip_address", "10.1.0.50"}}}), "eth1");
  ASSERT_TRUE(iface.ok()) << iface.status().message();
  EXPECT_EQ((*iface)["fixed_ips"][0]["ip_address"], "10.1.0.50");
  EXPECT_EQ((*iface)["tag"], "eth1");
  EXPECT_EQ(nova_->addresses("vm-1")["second"][0]["addr"], "10.1.0.50");
  EXPECT_EQ(nova_->attach(demo_, instance("vm-1"), (*iface)["port_id"], "", nullptr, "").status().code(),
            Code::kConflict);
  EXPECT_EQ(nova_->attach(demo_, instance("vm-1"), "", "nope", nullptr, "").status().code(), Code::kNotFound);

  ASSERT_TRUE(neutron_->create_security_group(demo_, {{"name", "web"}}).ok());
  ASSERT_TRUE(nova_->add_security_group(demo_, instance("vm-1"), "web").ok());
  for (const Json& i : nova_->interfaces("vm-1"))
    EXPECT_EQ((*neutron_->port_record(i["port_id"]))["security_groups"].size(), 2u);
  EXPECT_EQ(nova_->add_security_group(demo_, instance("vm-1"), "nope").code(), Code::kNotFound);
  ASSERT_TRUE(nova_->remove_security_group(demo_, instance("vm-1"), "web").ok());
  Status again = nova_->remove_security_group(demo_, instance("vm-1"), "web");
  EXPECT_EQ(again.code(), Code::kNotFound);
  EXPECT_EQ(again.message(), "Security group web not associated with the instance vm-1");

  EXPECT_EQ(nova_->detach(instance("vm-1"), "not-a-port").code(), Code::kNotFound);
  ASSERT_TRUE(nova_->detach(instance("vm-1"), (*iface)["port_id"]).ok());
  EXPECT_EQ(neutron_->port_record((*iface)["port_id"]), nullptr);  // Nova created it: deleted
  EXPECT_EQ(nova_->interfaces("vm-1").size(), 1u);
}

namespace {

// ComputeService with networking, in virtual time: two big hosts that fail
// every spawn (weighed first) and the lab's small host that works.
class ServerPortsTest : public ::testing::Test, public stacklab::testing::ComputeEngine {
 protected:
  void start(const char* fleet) {
    start_engine(Json::parse(fleet), stacklab::testing::fixed_times(30s));
    network::register_network_policy(network_policy_);
    neutron_ = std::make_unique<network::NetworkService>(*store_, clock_, random_, network_policy_);
    nova_ = std::make_unique<NetworkApi>(*store_, *neutron_);
    auto net = neutron_->create_network(admin(), {{"name", "private"}, {"project_id", "demo"}});
    ASSERT_TRUE(net.ok());
    ASSERT_TRUE(
        neutron_
            ->create_subnet(
                admin(),
                {{"network_id", (*net)["id"]}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}, {"project_id", "demo"}})
            .ok());
    start_servers(nullptr, nullptr, nova_.get());
  }
  const Json* port_of(const std::string& server_id) {
    auto ports = neutron_->device_ports(server_id);
    return ports.size() == 1 ? ports[0] : nullptr;
  }

  Policy network_policy_;
  std::unique_ptr<network::NetworkService> neutron_;
  std::unique_ptr<NetworkApi> nova_;
};

const char* kTwoBadHostsAndAGoodOne = R"({"hosts": [
    {"name": "bad", "count": 2, "cores": 16, "ram_mb": 65536, "disk_gb": 500, "spawn_failure_rate": 1.0},
    {"name": "good"}]})";

}  // namespace

TEST_F(ServerPortsTest, ThePortIsBoundWhereTheBuildRunsAndGoesWithTheServer) {
  start(kTwoBadHostsAndAGoodOne);
  std::string id = boot(request("vm", "1"));
  clock_.advance(0s);
  const Json* port = port_of(id);
  ASSERT_NE(port, nullptr);
  std::string first = server(id)["host"];
  EXPECT_EQ((*port)["binding:host_id"], first);
  EXPECT_EQ((*port)["status"], "ACTIVE");
  std::string port_id = (*port)["id"];
  clock_.advance(30s);  // failed there: rescheduled to the other big host, the port rebound
  EXPECT_EQ((*neutron_->port_record(port_id))["binding:host_id"], server(id)["host"]);
  EXPECT_NE(server(id)["host"], first);
  clock_.advance(60s);  // and then to the good one
  EXPECT_EQ(status(id), "ACTIVE");
  EXPECT_EQ((*neutron_->port_record(port_id))["binding:host_id"], "good");
  EXPECT_EQ(port_of(id), neutron_->port_record(port_id));  // the same port all along

  ASSERT_TRUE(servers_->remove(member("demo"), id).ok());
  clock_.advance(60s);
  EXPECT_EQ(neutron_->port_record(port_id), nullptr);
}

TEST_F(ServerPortsTest, AFailedBuildDeletesThePortsItCreated) {
  start(R"({"hosts": [{"name": "bad", "count": 1, "spawn_failure_rate": 1.0}]})");
  std::string id = boot(request("vm", "1"));
  clock_.advance(0s);
  ASSERT_NE(port_of(id), nullptr);
  clock_.advance(60s);
  EXPECT_EQ(status(id), "ERROR");
  EXPECT_TRUE(neutron_->device_ports(id).empty());
}

TEST_F(ServerPortsTest, AnUnknownNetworkIsRefusedBeforeTheServerExists) {
  start(kTwoBadHostsAndAGoodOne);
  compute::ServerCreate r = request("vm", "1");
  r.networking.mode = NetworkRequest::Mode::kList;
  r.networking.networks.push_back(RequestedNetwork{"6d3e0f1c-0000-4000-8000-000000000000", "", "", ""});
  std::size_t ports = store_->count("port");  // the subnet's DHCP port
  auto created = servers_->create(member("demo"), r);
  EXPECT_EQ(created.status().code(), Code::kBadRequest);
  EXPECT_EQ(store_->count("server"), 0u);
  EXPECT_EQ(store_->count("port"), ports);
}
