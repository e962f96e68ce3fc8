// The simulated data plane: would a ping or SSH work, given the networks,
// routers, floating IPs, security groups and the guests' power states.
// The topology is the book's Day 6 (EX-31..36): public 172.24.4.0/24 and a
// project network 192.168.23.0/24 with two VMs in the default group.
#include <gtest/gtest.h>

#include "engine/network/network_probes.h"
#include "fake_drivers/simulated_dataplane.h"
#include "tests/unit/network_engine.h"

using namespace stacklab;
using namespace stacklab::network;
using stacklab::testing::message_of;
using stacklab::testing::type_of;

namespace {

// Compute's side, as the tests set it: guests by instance uuid.
class TestGuests : public GuestDirectory {
 public:
  std::map<std::string, GuestState> guests;
  std::optional<GuestState> guest(const std::string& id) const override {
    auto it = guests.find(id);
    return it == guests.end() ? std::nullopt : std::optional<GuestState>(it->second);
  }
  Result<GuestState> find_server(const Credentials& caller, const std::string& name_or_id) const override {
    for (const auto& [id, g] : guests)
      if ((id == name_or_id || g.name == name_or_id) && (caller.is_admin() || g.project_id == caller.project_id))
        return g;
    return NotFound("No server with a name or ID of '" + name_or_id + "' exists.");
  }
};

class DataplaneTest : public stacklab::testing::NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    probes_ = std::make_unique<NetworkProbes>(*store_, dataplane_, guests_);
    public_ = network(admin_, {{"name", "public"}, {"router:external", true}});
    subnet(admin_, public_, {{"name", "public-subnet"}, {"cidr", "172.24.4.0/24"}, {"enable_dhcp", false}});
    net_ = network(demo_, {{"name", "NW_bootcamp_01"}});
    subnet_ = subnet(demo_, net_, {{"name", "SN_bootcamp_01"}, {"cidr", "192.168.23.0/24"}});
    vm1_ = server("bootcampVM-1", net_);
    vm2_ = server("bootcampVM-2", net_);
  }

  // A running VM with one port on `net` in demo's default group; returns the port.
  Json server(const std::string& name, const Json& net, Json port_body = Json::object()) {
    std::string device = "uuid-" + name;
    port_body["network_id"] = net["id"];
    port_body["device_owner"] = "compute:nova";
    port_body["device_id"] = device;
    auto port = service_->create_port(demo_, port_body);
    EXPECT_TRUE(port.ok()) << port.status().message();
    guests_.guests[device] = {device, name, "demo", "ACTIVE", 1};
    return port.ok() ? *port : Json();
  }
  std::string ip(const Json& port) { return port["fixed_ips"][0]["ip_address"]; }
  std::string default_group() { return (*service_->ensure_default_security_group("demo"))["id"]; }
  void allow(const std::string& group, Json rule) {
    rule["security_group_id"] = group;
    if (!rule.contains("direction")) rule["direction"] = "ingress";
    auto r = service_->create_security_group_rule(demo_, rule);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  Json router(bool gateway = true) {
    Json body = {{"name", "R_bootcamp_01"}};
    if (gateway) body["external_gateway_info"] = {{"network_id", public_["id"]}};
    Json r = *service_->create_router(demo_, body);
    EXPECT_TRUE(service_->add_router_interface(demo_, r["id"], {{"subnet_id", subnet_["id"]}}).ok());
    return r;
  }
  std::string floating_ip(const Json& port) {
    auto fip = service_->create_floating_ip(demo_, {{"floating_network_id", public_["id"]}, {"port_id", port["id"]}});
    EXPECT_TRUE(fip.ok()) << fip.status().message();
    return fip.ok() ? (*fip)["floating_ip_address"].get<std::string>() : "";
  }
  Json probe(const Json& from, const Json& to, const std::string& protocol = "icmp", int port = 0,
             const Credentials* who = nullptr) {
    Json body = {{"from", from}, {"to", to}, {"protocol", protocol}};
    if (port) body["port"] = port;
    auto out = probes_->probe(who ? *who : admin_, body);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? out->to_json() : Json();
  }
  static Json server_end(const std::string& name) { return {{"server", name}}; }
  static Json ip_end(const std::string& ip) { return {{"ip", ip}}; }

  fake::SimulatedDataplane dataplane_;
  TestGuests guests_;
  std::unique_ptr<NetworkProbes> probes_;
  Json public_, net_, subnet_, vm1_, vm2_;
};

std::string reason(const Json& verdict) {
  return verdict["reason"].is_string() ? verdict["reason"].get<std::string>() : "";
}

bool has_hop(const Json& verdict, const std::string& type) {
  for (const Json& h : verdict["hops"])
    if (h["type"] == type) return true;
  return false;
}

}  // namespace

TEST_F(DataplaneTest, SameNetworkPingPassesTheDefaultGroupsRemoteGroupRule) {
  Json v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  ASSERT_EQ(v["hops"].size(), 2u) << v.dump();
  EXPECT_EQ(v["hops"][1]["address"], ip(vm1_));
  EXPECT_NE(v["hops"][1]["detail"].get<std::string>().find("members of default"), std::string::npos) << v.dump();
  EXPECT_EQ(v["tool"], "ping");
}

TEST_F(DataplaneTest, SshBetweenGroupMembersNeedsNoExtraRuleButAStrangerDoes) {
  EXPECT_TRUE(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"), "tcp", 22)["reachable"]);
  // A VM in another group is no member of default: its SSH is refused.
  Json other = *service_->create_security_group(demo_, {{"name", "web"}});
  server("stranger", net_, {{"security_groups", {other["id"]}}});
  Json v = probe(server_end("stranger"), server_end("bootcampVM-1"), "tcp", 22);
  EXPECT_FALSE(v["reachable"]);
  EXPECT_EQ(reason(v), "no ingress rule in security group default allows tcp/22 from " +
                           ip(*service_->device_ports("uuid-stranger")[0]));
}

TEST_F(DataplaneTest, InternetNeedsARouterWithAGatewayThatSnats) {
  Json v = probe(server_end("bootcampVM-2"), "internet");
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("no router connects 192.168.23.0/24 to the external network"), std::string::npos)
      << reason(v);

  Json r = router(false);
  v = probe(server_end("bootcampVM-2"), "internet");
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("router R_bootcamp_01 has no external gateway"), std::string::npos) << reason(v);

  ASSERT_TRUE(
      service_->update_router(demo_, r["id"], {{"external_gateway_info", {{"network_id", public_["id"]}}}}).ok());
  v = probe(server_end("bootcampVM-2"), "internet");
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_TRUE(has_hop(v, "snat"));
  EXPECT_EQ(v["hops"].back()["type"], "internet");
  EXPECT_EQ(v["hops"].back()["address"], "8.8.8.8");
}

TEST_F(DataplaneTest, WithoutSnatOnlyAFloatingIpLetsAVmOut) {
  Json r = router();
  ASSERT_TRUE(service_
                  ->update_router(admin_, r["id"],
                                  {{"external_gateway_info", {{"network_id", public_["id"]}, {"enable_snat", false}}}})
                  .ok());
  Json v = probe(server_end("bootcampVM-1"), "internet");
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("does not SNAT (enable_snat false)"), std::string::npos) << reason(v);
  std::string fip = floating_ip(vm1_);
  v = probe(server_end("bootcampVM-1"), "internet");
  EXPECT_TRUE(v["reachable"]) << v.dump();
  bool snat_to_fip = false;
  for (const Json& h : v["hops"]) snat_to_fip |= h["type"] == "snat" && h["address"] == fip;
  EXPECT_TRUE(snat_to_fip) << v.dump();
}

TEST_F(DataplaneTest, HostReachesAFloatingIpOnlyWhenTheGroupAllowsIt) {
  router();
  std::string fip = floating_ip(vm1_);
  Json v = probe("host", ip_end(fip), "tcp", 22);
  EXPECT_FALSE(v["reachable"]);
  EXPECT_EQ(reason(v), "no ingress rule in security group default allows tcp/22 from 172.24.4.1");
  EXPECT_TRUE(has_hop(v, "dnat"));

  allow(default_group(),
        {{"protocol", "tcp"}, {"port_range_min", 22}, {"port_range_max", 22}, {"remote_ip_prefix", "0.0.0.0/0"}});
  v = probe("host", ip_end(fip), "tcp", 22);
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_EQ(v["tool"], "ssh");
  EXPECT_EQ(v["to"]["ip"], fip);
  // Ping is another rule.
  EXPECT_FALSE(probe("host", ip_end(fip))["reachable"]);
  allow(default_group(), {{"protocol", "icmp"}, {"remote_ip_prefix", "0.0.0.0/0"}});
  EXPECT_TRUE(probe("host", ip_end(fip))["reachable"]);
}

TEST_F(DataplaneTest, AnUnassociatedFloatingIpAnswersNothing) {
  router();
  std::string fip = floating_ip(vm1_);
  auto fips = service_->list_floating_ips(admin_);
  ASSERT_TRUE(service_->update_floating_ip(demo_, fips[0]["id"], {{"port_id", nullptr}}).ok());
  Json v = probe("host", ip_end(fip));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_EQ(reason(v), "floating IP " + fip + " is not associated with any port");
}

TEST_F(DataplaneTest, TheHostCannotReachAFixedAddress) {
  router();
  allow(default_group(), {{"protocol", "icmp"}});
  Json v = probe("host", server_end("bootcampVM-1"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("project networks are isolated"), std::string::npos) << reason(v);
  floating_ip(vm1_);
  v = probe("host", server_end("bootcampVM-1"));
  EXPECT_NE(reason(v).find("use its floating IP 172.24.4."), std::string::npos) << reason(v);
}

TEST_F(DataplaneTest, OnlyARunningVmSendsOrAnswers) {
  for (const char* status : {"SHUTOFF", "PAUSED", "SHELVED_OFFLOADED"}) {
    guests_.guests["uuid-bootcampVM-1"].status = status;
    guests_.guests["uuid-bootcampVM-1"].power_state = 4;
    Json v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"));
    EXPECT_FALSE(v["reachable"]);
    EXPECT_EQ(reason(v), std::string("VM bootcampVM-1 is ") + status + ": only a running (ACTIVE) VM answers packets");
    v = probe(server_end("bootcampVM-1"), server_end("bootcampVM-2"));
    EXPECT_NE(reason(v).find("sends packets"), std::string::npos);
  }
}

TEST_F(DataplaneTest, AnEmptyGroupDropsAndPortSecurityOffLetsEverythingIn) {
  Json empty = *service_->create_security_group(demo_, {{"name", "closed"}});
  ASSERT_TRUE(service_->update_port(demo_, vm1_["id"], {{"security_groups", {empty["id"]}}}).ok());
  Json v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"));
  EXPECT_EQ(reason(v), "no ingress rule in security group closed allows icmp from " + ip(vm2_));
  ASSERT_TRUE(
      service_->update_port(demo_, vm1_["id"], {{"security_groups", Json::array()}, {"port_security_enabled", false}})
          .ok());
  v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_NE(v["hops"][1]["detail"].get<std::string>().find("port security disabled"), std::string::npos);
}

TEST_F(DataplaneTest, RemoteIpPrefixAndIcmpTypeAreMatched) {
  Json web = *service_->create_security_group(demo_, {{"name", "web"}});
  ASSERT_TRUE(service_->update_port(demo_, vm1_["id"], {{"security_groups", {web["id"]}}}).ok());
  allow(web["id"], {{"protocol", "icmp"}, {"remote_ip_prefix", "10.9.9.0/24"}});
  allow(web["id"], {{"protocol", "icmp"}, {"port_range_min", 0}, {"port_range_max", 0}});  // echo reply only
  EXPECT_FALSE(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"))["reachable"]);
  allow(web["id"], {{"protocol", "icmp"}, {"remote_ip_prefix", "192.168.23.0/24"}});
  EXPECT_TRUE(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"))["reachable"]);
  // tcp/80 is not icmp.
  EXPECT_FALSE(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"), "tcp", 80)["reachable"]);
  allow(web["id"], {{"protocol", "tcp"}, {"port_range_min", 80}, {"port_range_max", 443}});
  EXPECT_TRUE(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"), "tcp", 80)["reachable"]);
}

TEST_F(DataplaneTest, TheSourceNeedsAnEgressRule) {
  Json mute = *service_->create_security_group(demo_, {{"name", "mute"}});
  for (const Json& rule : service_->list_security_group_rules(admin_)) {
    if (rule["security_group_id"] == mute["id"]) {
      ASSERT_TRUE(service_->delete_security_group_rule(demo_, rule["id"]).ok());
    }
  }
  ASSERT_TRUE(service_->update_port(demo_, vm2_["id"], {{"security_groups", {mute["id"]}}}).ok());
  Json v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"));
  EXPECT_EQ(reason(v), "no egress rule in security group mute allows icmp to " + ip(vm1_));
}

TEST_F(DataplaneTest, AVmOnASubnetWithoutDhcpHasNoAddress) {
  Json manual = network(demo_, {{"name", "manual"}});
  subnet(demo_, manual, {{"cidr", "10.8.0.0/24"}, {"enable_dhcp", false}});
  server("a", manual);
  server("b", manual);
  Json v = probe(server_end("a"), server_end("b"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("DHCP is disabled"), std::string::npos) << reason(v);
}

TEST_F(DataplaneTest, AdministrativelyDownPortsNetworksAndRoutersCarryNothing) {
  ASSERT_TRUE(service_->update_port(demo_, vm1_["id"], {{"admin_state_up", false}}).ok());
  EXPECT_NE(reason(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"))).find("administratively down"),
            std::string::npos);
  ASSERT_TRUE(service_->update_port(demo_, vm1_["id"], {{"admin_state_up", true}}).ok());
  ASSERT_TRUE(service_->update_network(demo_, net_["id"], {{"admin_state_up", false}}).ok());
  EXPECT_EQ(reason(probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"))),
            "network NW_bootcamp_01 is administratively down (admin_state_up false)");
  ASSERT_TRUE(service_->update_network(demo_, net_["id"], {{"admin_state_up", true}}).ok());
  Json r = router();
  ASSERT_TRUE(service_->update_router(demo_, r["id"], {{"admin_state_up", false}}).ok());
  EXPECT_EQ(reason(probe(server_end("bootcampVM-2"), "internet")),
            "router R_bootcamp_01 is administratively down (admin_state_up false)");
}

TEST_F(DataplaneTest, ARouterJoinsTwoProjectNetworks) {
  Json other = network(demo_, {{"name", "backend"}});
  Json other_subnet = subnet(demo_, other, {{"cidr", "10.5.0.0/24"}});
  server("db", other);
  Json r = router(false);
  Json v = probe(server_end("bootcampVM-1"), server_end("db"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("router R_bootcamp_01 has no interface on"), std::string::npos) << reason(v);
  ASSERT_TRUE(service_->add_router_interface(demo_, r["id"], {{"subnet_id", other_subnet["id"]}}).ok());
  v = probe(server_end("bootcampVM-1"), server_end("db"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  ASSERT_EQ(v["hops"].size(), 3u);
  EXPECT_EQ(v["hops"][1]["type"], "router");
  EXPECT_EQ(v["hops"][1]["address"], "192.168.23.1");
}

TEST_F(DataplaneTest, ExtraRoutesCarryTrafficThroughASecondRouter) {
  // 192.168.23.0/24 -R1- transit 10.20.0.0/24 -R2- 10.30.0.0/24
  Json transit = network(demo_, {{"name", "transit"}});
  Json transit_subnet = subnet(demo_, transit, {{"cidr", "10.20.0.0/24"}});
  Json far = network(demo_, {{"name", "far"}});
  Json far_subnet = subnet(demo_, far, {{"cidr", "10.30.0.0/24"}});
  server("faraway", far);
  Json r1 = router(false);
  auto r1_port =
      *service_->create_port(demo_, {{"network_id", transit["id"]}, {"fixed_ips", {{{"ip_address", "10.20.0.11"}}}}});
  ASSERT_TRUE(service_->add_router_interface(demo_, r1["id"], {{"port_id", r1_port["id"]}}).ok());
  Json r2 = *service_->create_router(demo_, {{"name", "R2"}});
  ASSERT_TRUE(service_->add_router_interface(demo_, r2["id"], {{"subnet_id", far_subnet["id"]}}).ok());
  auto r2_port =
      *service_->create_port(demo_, {{"network_id", transit["id"]}, {"fixed_ips", {{{"ip_address", "10.20.0.12"}}}}});
  ASSERT_TRUE(service_->add_router_interface(demo_, r2["id"], {{"port_id", r2_port["id"]}}).ok());

  Json v = probe(server_end("bootcampVM-1"), server_end("faraway"));
  EXPECT_FALSE(v["reachable"]);
  ASSERT_TRUE(
      service_
          ->update_router(demo_, r1["id"], {{"routes", {{{"destination", "10.30.0.0/24"}, {"nexthop", "10.20.0.12"}}}}})
          .ok());
  v = probe(server_end("bootcampVM-1"), server_end("faraway"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_EQ(v["hops"][2]["name"], "R2");
}

TEST_F(DataplaneTest, AnAllowedAddressPairIsAnsweredByItsPort) {
  Json v = probe(server_end("bootcampVM-2"), ip_end("192.168.23.200"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_EQ(reason(v), "nothing on NW_bootcamp_01 holds 192.168.23.200: no port has that address");
  ASSERT_TRUE(
      service_->update_port(demo_, vm1_["id"], {{"allowed_address_pairs", {{{"ip_address", "192.168.23.200"}}}}}).ok());
  v = probe(server_end("bootcampVM-2"), ip_end("192.168.23.200"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_EQ(v["hops"].back()["id"], vm1_["id"]);
}

TEST_F(DataplaneTest, AVmReachesAnotherVmsFloatingIpThroughItsRouter) {
  router();
  allow(default_group(), {{"protocol", "icmp"}, {"remote_ip_prefix", "172.24.4.0/24"}});
  std::string fip = floating_ip(vm1_);
  Json v = probe(server_end("bootcampVM-2"), ip_end(fip));
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_TRUE(has_hop(v, "snat"));
  EXPECT_TRUE(has_hop(v, "dnat"));
}

TEST_F(DataplaneTest, TheHostAndTheRouterGatewayAnswerPing) {
  Json r = router();
  std::string gw = r["external_gateway_info"]["external_fixed_ips"][0]["ip_address"];
  EXPECT_TRUE(probe("host", ip_end(gw))["reachable"]);
  Json v = probe("host", ip_end(gw), "tcp", 22);
  EXPECT_NE(reason(v).find("only answers ping"), std::string::npos) << reason(v);
  EXPECT_TRUE(probe(server_end("bootcampVM-1"), "host")["reachable"]);
  EXPECT_FALSE(probe("internet", "host")["reachable"]);
}

TEST_F(DataplaneTest, MembersProbeOnlyTheirOwnServersAndSeeNoOtherProjectsHops) {
  guests_.guests["uuid-bootcampVM-1"].project_id = "demo";
  auto refused = probes_->probe(alt_, {{"from", server_end("bootcampVM-1")}, {"to", "internet"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  auto port = probes_->probe(alt_, {{"from", {{"port", vm1_["id"]}}}, {"to", "host"}});
  EXPECT_EQ(port.status().code(), Code::kNotFound);
  // The owner sees its own hops named.
  Json v = probe(server_end("bootcampVM-2"), server_end("bootcampVM-1"), "icmp", 0, &demo_);
  EXPECT_EQ(v["hops"][1]["id"], vm1_["id"]);
  // Another project's VM behind a floating IP is reached, but not named.
  router();
  allow(default_group(), {{"protocol", "icmp"}});
  std::string fip = floating_ip(vm1_);
  Credentials alt_host_user = alt_;
  v = probe("host", ip_end(fip), "icmp", 0, &alt_host_user);
  EXPECT_TRUE(v["reachable"]) << v.dump();
  EXPECT_EQ(v["hops"].back()["id"], "");
  EXPECT_EQ(v["hops"].back()["name"], "another project's port");
}

TEST_F(DataplaneTest, MalformedProbesAreRefused) {
  auto bad = [&](const Json& body) {
    auto out = probes_->probe(admin_, body);
    EXPECT_EQ(out.status().code(), Code::kBadRequest) << body.dump();
  };
  bad({{"to", "host"}});
  bad({{"from", "host"}, {"to", "internet"}, {"protocol", "sctp"}});
  bad({{"from", "host"}, {"to", "internet"}, {"protocol", "tcp"}});
  bad({{"from", "host"}, {"to", "internet"}, {"protocol", "icmp"}, {"port", 22}});
  bad({{"from", "host"}, {"to", {{"ip", "not-an-ip"}}}});
  bad({{"from", "somewhere"}, {"to", "host"}});
}

TEST_F(DataplaneTest, AVmSendsOnlyFromItsOwnAddressesUnlessPortSecurityIsOff) {
  Json from = {{"port", vm2_["id"]}, {"ip", "192.168.23.250"}};
  Json v = probe(from, server_end("bootcampVM-1"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("neither its fixed IP nor an allowed address pair (anti-spoofing)"), std::string::npos)
      << reason(v);
  ASSERT_TRUE(
      service_->update_port(demo_, vm2_["id"], {{"allowed_address_pairs", {{{"ip_address", "192.168.23.240/28"}}}}})
          .ok());
  v = probe(from, server_end("bootcampVM-1"));
  // Sent, but 192.168.23.250 is an address of a member of default (vm2's pair), so vm1 lets it in.
  EXPECT_TRUE(v["reachable"]) << v.dump();
}

TEST_F(DataplaneTest, ARepliesMustReturnThroughTheRouterTheRequestCrossed) {
  // backend's gateway 10.5.0.1 is R2's; R1 reaches backend through a port at 10.5.0.50.
  Json backend = network(demo_, {{"name", "backend"}});
  Json backend_subnet = subnet(demo_, backend, {{"cidr", "10.5.0.0/24"}});
  server("db", backend);
  Json r1 = router(false);
  auto side =
      *service_->create_port(demo_, {{"network_id", backend["id"]}, {"fixed_ips", {{{"ip_address", "10.5.0.50"}}}}});
  ASSERT_TRUE(service_->add_router_interface(demo_, r1["id"], {{"port_id", side["id"]}}).ok());
  Json r2 = *service_->create_router(demo_, {{"name", "R2"}});
  ASSERT_TRUE(service_->add_router_interface(demo_, r2["id"], {{"subnet_id", backend_subnet["id"]}}).ok());
  Json v = probe(server_end("bootcampVM-1"), server_end("db"));
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("the reply cannot come back"), std::string::npos) << reason(v);
  EXPECT_NE(reason(v).find("answers through 10.5.0.1"), std::string::npos) << reason(v);
  // A host route on backend sends replies for 192.168.23.0/24 back through R1.
  ASSERT_TRUE(service_
                  ->update_subnet(demo_, backend_subnet["id"],
                                  {{"host_routes", {{{"destination", "192.168.23.0/24"}, {"nexthop", "10.5.0.50"}}}}})
                  .ok());
  v = probe(server_end("bootcampVM-1"), server_end("db"));
  EXPECT_TRUE(v["reachable"]) << v.dump();
}

// Floating IP port forwardings: one address shared by several VMs, each
// reached on its own external port (the floating-ip-port-forwarding extension).
class PortForwardingTest : public DataplaneTest {
 protected:
  void SetUp() override {
    DataplaneTest::SetUp();
    router();
    allow(default_group(),
          {{"protocol", "tcp"}, {"port_range_min", 22}, {"port_range_max", 22}, {"remote_ip_prefix", "0.0.0.0/0"}});
    auto fip = service_->create_floating_ip(demo_, {{"floating_network_id", public_["id"]}});
    ASSERT_TRUE(fip.ok()) << fip.status().message();
    fip_ = *fip;
  }
  Result<Json> forward(const Json& vm, int external, int internal = 22, const std::string& protocol = "tcp") {
    return service_->create_port_forwarding(demo_, fip_["id"],
                                            {{"internal_port_id", vm["id"]},
                                             {"internal_port", internal},
                                             {"external_port", external},
                                             {"protocol", protocol}});
  }
  std::string address() const { return fip_["floating_ip_address"]; }
  Json fip_;
};

TEST_F(PortForwardingTest, EachExternalPortReachesItsVm) {
  Json v = probe("host", ip_end(address()), "tcp", 2201);
  EXPECT_FALSE(v["reachable"]);
  EXPECT_EQ(reason(v), "floating IP " + address() + " is not associated with any port");

  auto one = forward(vm1_, 2201);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ((*one)["internal_ip_address"], ip(vm1_));  // the port's first IPv4 address by default
  EXPECT_EQ((*one)["external_port_range"], "2201:2201");
  ASSERT_TRUE(forward(vm2_, 2202).ok());
  // The floating IP takes the router that joins the ports' subnet to public, and stays unassociated.
  Json fip = *service_->get_floating_ip(demo_, fip_["id"]);
  EXPECT_TRUE(fip["router_id"].is_string());
  EXPECT_TRUE(fip["port_id"].is_null());

  v = probe("host", ip_end(address()), "tcp", 2202);
  EXPECT_TRUE(v["reachable"]) << v.dump();
  ASSERT_TRUE(v["hops"].is_array());
  EXPECT_EQ(v["hops"].back()["address"], ip(vm2_));
  v = probe("host", ip_end(address()), "tcp", 22);
  EXPECT_FALSE(v["reachable"]);
  EXPECT_NE(reason(v).find("no port forwarding matches tcp/22"), std::string::npos) << reason(v);
  EXPECT_FALSE(probe("host", ip_end(address()), "udp", 2201)["reachable"]);
}

TEST_F(PortForwardingTest, NeutronsRefusals) {
  ASSERT_TRUE(forward(vm1_, 2201).ok());
  // Same external port and protocol on one floating IP: 400; the other protocol is fine.
  auto dup = forward(vm2_, 2201);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), Code::kBadRequest);
  EXPECT_NE(message_of(dup.status()).find("duplicate port forwarding"), std::string::npos);
  EXPECT_TRUE(forward(vm2_, 2201, 22, "udp").ok());
  // Out of range, unknown protocol, an address the port does not have, a missing field.
  EXPECT_EQ(forward(vm2_, 70000).status().code(), Code::kBadRequest);
  EXPECT_EQ(forward(vm2_, 2203, 22, "icmp").status().code(), Code::kBadRequest);
  auto wrong_ip = service_->create_port_forwarding(
      demo_, fip_["id"],
      {{"internal_port_id", vm2_["id"]}, {"internal_ip_address", "192.168.23.250"}, {"internal_port", 22},
       {"external_port", 2204}, {"protocol", "tcp"}});
  EXPECT_EQ(wrong_ip.status().code(), Code::kBadRequest);
  EXPECT_EQ(service_->create_port_forwarding(demo_, fip_["id"], {{"internal_port_id", vm2_["id"]}}).status().code(),
            Code::kBadRequest);
  // The floating IP with forwardings cannot be associated 1:1 (409), nor a port with forwardings get one (400).
  auto assoc = service_->update_floating_ip(demo_, fip_["id"], {{"port_id", vm2_["id"]}});
  EXPECT_EQ(assoc.status().code(), Code::kConflict);
  EXPECT_EQ(type_of(assoc.status()), "FipInUseByPortForwarding");
  auto other = service_->create_floating_ip(demo_, {{"floating_network_id", public_["id"]}, {"port_id", vm1_["id"]}});
  EXPECT_EQ(type_of(other.status()), "PortHasPortForwarding");
  // Another project sees no such floating IP.
  EXPECT_EQ(service_->list_port_forwardings(alt_, fip_["id"]).status().code(), Code::kNotFound);
}

TEST_F(PortForwardingTest, AForwardingToAPortBoundOneToOneIsRefused) {
  floating_ip(vm2_);
  auto pf = forward(vm2_, 2202);
  ASSERT_FALSE(pf.ok());
  EXPECT_EQ(type_of(pf.status()), "PortHasBindingFloatingIP");
}

TEST_F(PortForwardingTest, UpdateAndDeleteAndTheirCascades) {
  Json pf = *forward(vm1_, 2201);
  auto moved = service_->update_port_forwarding(demo_, fip_["id"], pf["id"], {{"external_port", 2222}});
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_EQ((*moved)["external_port"], 2222);
  EXPECT_TRUE(probe("host", ip_end(address()), "tcp", 2222)["reachable"]);
  // Deleting the last forwarding frees the floating IP's router.
  ASSERT_TRUE(service_->delete_port_forwarding(demo_, fip_["id"], pf["id"]).ok());
  EXPECT_TRUE((*service_->get_floating_ip(demo_, fip_["id"]))["router_id"].is_null());
  EXPECT_EQ(service_->get_port_forwarding(demo_, fip_["id"], pf["id"]).status().code(), Code::kNotFound);
  // Deleting the internal port removes its forwardings.
  Json again = *forward(vm2_, 2202);
  ASSERT_TRUE(service_->delete_port(admin_, vm2_["id"]).ok());
  EXPECT_TRUE(service_->list_port_forwardings(demo_, fip_["id"])->empty());
  // Deleting the floating IP removes its forwardings with it.
  Json third = *forward(vm1_, 2203);
  ASSERT_TRUE(service_->delete_floating_ip(demo_, fip_["id"]).ok());
  EXPECT_EQ(store_->get("port_forwarding", third["id"]), nullptr);
}
