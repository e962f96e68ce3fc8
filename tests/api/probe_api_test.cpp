// POST /_stacklab/network/probe over real HTTP on the lab cloud: demo's
// servers on `private` behind router1 (the book's EX-17..19), the verdicts
// as rules, floating IPs and power states change, who may probe, and the
// guest events the audit log records.
#include <gtest/gtest.h>

#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using stacklab::testing::HttpResult;
using Json = nlohmann::json;

namespace {

class ProbeApiTest : public ComputeCloudTest {
 protected:
  HttpResult probe(const std::string& tok, const Json& body) {
    return send(tok, "POST", "/_stacklab/network/probe", body);
  }
  // The verdict, expecting 200.
  Json verdict(const Json& from, const Json& to, const std::string& protocol = "icmp", int port = 0,
               const std::string& tok = demo_) {
    Json body = {{"from", from}, {"to", to}, {"protocol", protocol}};
    if (port) body["port"] = port;
    auto r = probe(tok, body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["probe"];
  }
  HttpResult neutron(const std::string& tok, const std::string& method, const std::string& path,
                     const Json& body = nullptr) {
    return send(tok, method, "/networking/v2.0" + path, body);
  }
  std::string active_server(const std::string& name) {
    std::string id = boot(name);
    EXPECT_EQ(settle(id)["status"], "ACTIVE");
    return id;
  }
  std::string default_group(const std::string& tok) {
    return neutron(tok, "GET", "/security-groups?name=default").json()["security_groups"][0]["id"];
  }
};

TEST_F(ProbeApiTest, LabServersPingEachOtherAndTheInternetButNotTheHostsFixedAddressRoute) {
  active_server("vm-a");
  active_server("vm-b");
  Json v = verdict({{"server", "vm-a"}}, {{"server", "vm-b"}});
  EXPECT_EQ(v["reachable"], true) << v.dump();
  EXPECT_EQ(v["tool"], "ping");
  EXPECT_EQ(v["from"]["name"], "vm-a");
  EXPECT_EQ(v["to"]["type"], "server");

  v = verdict({{"server", "vm-a"}}, "internet");
  EXPECT_EQ(v["reachable"], true) << v.dump();  // router1 SNATs private-subnet
  bool router1 = false;
  for (const Json& h : v["hops"]) router1 |= h["type"] == "router" && h["name"] == "router1";
  EXPECT_TRUE(router1) << v.dump();

  v = verdict("host", {{"server", "vm-b"}});
  EXPECT_EQ(v["reachable"], false);
  EXPECT_NE(v["reason"].get<std::string>().find("project networks are isolated"), std::string::npos) << v.dump();
}

TEST_F(ProbeApiTest, SshToAFloatingIpFlipsWithTheSecurityGroupRule) {
  std::string id = active_server("vm-ssh");
  Json port = neutron(demo_, "GET", "/ports?device_id=" + id).json()["ports"][0];
  auto fip = neutron(
      demo_, "POST", "/floatingips",
      {{"floatingip", {{"floating_network_id", "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4"}, {"port_id", port["id"]}}}});
  ASSERT_EQ(fip.status, 201) << fip.body;
  std::string address = fip.json()["floatingip"]["floating_ip_address"];

  Json v = verdict("host", {{"ip", address}}, "tcp", 22);
  EXPECT_EQ(v["reachable"], false);
  EXPECT_EQ(v["reason"], "no ingress rule in security group default allows tcp/22 from 172.24.4.1");
  auto rule = neutron(demo_, "POST", "/security-group-rules",
                      {{"security_group_rule",
                        {{"security_group_id", default_group(demo_)},
                         {"direction", "ingress"},
                         {"protocol", "tcp"},
                         {"port_range_min", 22},
                         {"port_range_max", 22},
                         {"remote_ip_prefix", "0.0.0.0/0"}}}});
  ASSERT_EQ(rule.status, 201) << rule.body;
  v = verdict("host", {{"ip", address}}, "tcp", 22);
  EXPECT_EQ(v["reachable"], true) << v.dump();
  EXPECT_EQ(v["tool"], "ssh");

  // Each probe is a guest event for the lab's grader.
  auto audit = send(admin_, "GET", "/_stacklab/audit?service=guest&limit=10");
  ASSERT_EQ(audit.status, 200);
  Json last = audit.json()["audit"].back();
  EXPECT_EQ(last["action"], "guest.ssh");
  EXPECT_EQ(last["result"], "success");
  EXPECT_EQ(last["to"]["ip"], address);
  EXPECT_EQ(last["from"]["type"], "host");
  EXPECT_EQ(last["user_name"], "demo");
}

TEST_F(ProbeApiTest, AStoppedServerDoesNotAnswer) {
  active_server("vm-up");
  std::string down = active_server("vm-down");
  ASSERT_EQ(call(demo_, "POST", "/servers/" + down + "/action", {{"os-stop", nullptr}}).status, 202);
  EXPECT_EQ(poll_server(down, [](const Json& s) { return s["status"] == "SHUTOFF"; })["status"], "SHUTOFF");
  Json v = verdict({{"server", "vm-up"}}, {{"server", "vm-down"}});
  EXPECT_EQ(v["reachable"], false);
  EXPECT_EQ(v["reason"], "VM vm-down is SHUTOFF: only a running (ACTIVE) VM answers packets");
  auto audit = send(admin_, "GET", "/_stacklab/audit?service=guest&limit=1").json()["audit"];
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0]["action"], "guest.ping");
  EXPECT_EQ(audit[0]["result"], "failure");
}

TEST_F(ProbeApiTest, OtherProjectsServersAreNotFoundAndBadRequestsAre400) {
  active_server("vm-private");
  EXPECT_EQ(probe(alt_, {{"from", {{"server", "vm-private"}}}, {"to", "internet"}}).status, 404);
  EXPECT_EQ(probe(admin_, {{"from", {{"server", "vm-private"}}}, {"to", "internet"}}).status, 200);
  EXPECT_EQ(probe(demo_, {{"from", "host"}, {"to", "internet"}, {"protocol", "tcp"}}).status, 400);
  EXPECT_EQ(probe(demo_, {{"from", "host"}}).status, 400);
  auto no_token = send("", "POST", "/_stacklab/network/probe", {{"from", "host"}, {"to", "internet"}});
  EXPECT_EQ(no_token.status, 401);
}

}  // namespace
