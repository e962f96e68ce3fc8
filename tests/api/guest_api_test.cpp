// The simulated guests' shells over real HTTP on the lab cloud
// (/_stacklab/guest/...): an SSH login with the private key Nova generated
// for a key pair, `sudo fdisk -l` sized from the flavor, the console's
// login and ping through router1, the refusals, and the guest events in the
// audit log.
#include <gtest/gtest.h>

#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::ComputeCloudTest;
using stacklab::testing::HttpResult;
using Json = nlohmann::json;

namespace {

constexpr const char* kPublic = "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4";  // the lab's external network

class GuestApiTest : public ComputeCloudTest {
 protected:
  HttpResult post(const std::string& path, const Json& body, const std::string& tok = demo_) {
    return send(tok, "POST", "/_stacklab/guest/" + path, body);
  }
  // One line into `session`, expecting 200; the exec document.
  Json exec(const std::string& session, const std::string& line) {
    auto r = post("exec", {{"session", session}, {"command", line}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["exec"];
  }
  std::string active(const Json& server) {
    auto r = call(demo_, "POST", "/servers", {{"server", server}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::string id = r.json()["server"].value("id", "");
    EXPECT_EQ(settle(id)["status"], "ACTIVE");
    return id;
  }
  std::string floating_ip(const std::string& server_id) {
    Json port = send(demo_, "GET", "/networking/v2.0/ports?device_id=" + server_id).json()["ports"][0];
    auto fip = send(demo_, "POST", "/networking/v2.0/floatingips",
                    {{"floatingip", {{"floating_network_id", kPublic}, {"port_id", port["id"]}}}});
    EXPECT_EQ(fip.status, 201) << fip.body;
    return fip.json()["floatingip"].value("floating_ip_address", "");
  }
  void allow_ssh() {
    std::string group =
        send(demo_, "GET", "/networking/v2.0/security-groups?name=default").json()["security_groups"][0]["id"];
    auto rule = send(demo_, "POST", "/networking/v2.0/security-group-rules",
                     {{"security_group_rule",
                       {{"security_group_id", group},
                        {"direction", "ingress"},
                        {"protocol", "tcp"},
                        {"port_range_min", 22},
                        {"port_range_max", 22}}}});
    EXPECT_TRUE(rule.status == 201 || rule.status == 409) << rule.body;
  }
  static bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
};

TEST_F(GuestApiTest, SshWithNovasGeneratedKeyAndFdiskOfTheFlavorsDisk) {
  auto kp = call(demo_, "POST", "/os-keypairs", {{"keypair", {{"name", "kp-guest"}}}});
  ASSERT_EQ(kp.status, 200) << kp.body;
  const std::string private_key = kp.json()["keypair"]["private_key"];
  std::string id = active({{"name", "VM_guest"}, {"imageRef", image_}, {"flavorRef", "2"}, {"key_name", "kp-guest"}});
  std::string address = floating_ip(id);

  auto refused = post("ssh", {{"user", "cirros"}, {"host", address}, {"key", private_key}});
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(refused.json()["ssh"]["connected"], false);
  EXPECT_EQ(refused.json()["ssh"]["exit_status"], 255);
  EXPECT_EQ(refused.json()["ssh"]["error"], "ssh: connect to host " + address + " port 22: Connection timed out");

  allow_ssh();
  auto in = post("ssh", {{"user", "cirros"}, {"host", address}, {"key", private_key}});
  ASSERT_EQ(in.status, 200) << in.body;
  Json ssh = in.json()["ssh"];
  ASSERT_EQ(ssh["connected"], true) << in.body;
  EXPECT_EQ(ssh["session"]["server"]["id"], id);
  EXPECT_EQ(ssh["session"]["prompt"], "$ ");
  const std::string session = ssh["session"]["id"];
  EXPECT_EQ(exec(session, "hostname")["output"], "vm-guest\n");
  Json fdisk = exec(session, "sudo fdisk -l");
  EXPECT_TRUE(has(fdisk["output"], "Disk /dev/vda: 21474 MB, 21474836480 bytes")) << fdisk.dump();
  EXPECT_EQ(send(demo_, "DELETE", "/_stacklab/guest/sessions/" + session).status, 204);
  EXPECT_EQ(post("exec", {{"session", session}, {"command", "hostname"}}).status, 404);

  Json audit = send(admin_, "GET", "/_stacklab/audit?service=guest&limit=50").json()["audit"];
  int failures = 0, successes = 0;
  for (const Json& e : audit)
    if (e["action"] == "guest.ssh" && e.contains("server") && e["server"]["id"] == id)
      (e["result"] == "success" ? successes : failures)++;
  EXPECT_EQ(failures, 1) << audit.dump();
  EXPECT_EQ(successes, 1) << audit.dump();
}

TEST_F(GuestApiTest, TheConsoleLogsInAndPingsTheInternetThroughRouter1) {
  std::string id = active({{"name", "vm-console"}, {"imageRef", image_}, {"flavorRef", "42"}});
  auto c = post("console", {{"server", "vm-console"}});
  ASSERT_EQ(c.status, 200) << c.body;
  Json console = c.json()["console"];
  EXPECT_TRUE(has(console["banner"], "Connected (unencrypted) to: QEMU (instance-")) << c.body;
  EXPECT_EQ(console["session"]["stage"], "login");
  const std::string session = console["session"]["id"];
  exec(session, "cirros");
  EXPECT_EQ(exec(session, "cubswin:)")["session"]["stage"], "shell");
  Json ping = exec(session, "ping -c 2 8.8.8.8");
  EXPECT_EQ(ping["exit_status"], 0) << ping.dump();
  EXPECT_TRUE(has(ping["output"], "2 packets transmitted, 2 packets received, 0% packet loss")) << ping.dump();

  Json audit = send(admin_, "GET", "/_stacklab/audit?service=guest&limit=50").json()["audit"];
  bool console_event = false, ping_event = false;
  for (const Json& e : audit) {
    console_event |= e["action"] == "guest.console" && e["server"]["id"] == id;
    ping_event |= e["action"] == "guest.ping" && e["from"]["id"] == id && e["to"]["name"] == "internet" &&
                  e["result"] == "success" && e["user_name"] == "demo";
  }
  EXPECT_TRUE(console_event) << audit.dump();
  EXPECT_TRUE(ping_event) << audit.dump();
}

TEST_F(GuestApiTest, MalformedRequestsUnknownSessionsAndOtherProjectsServers) {
  EXPECT_EQ(post("ssh", Json::object()).status, 400);
  EXPECT_EQ(post("ssh", {{"user", 5}, {"host", "172.24.4.9"}}).status, 400);
  EXPECT_EQ(post("ssh", Json::array()).status, 400);
  EXPECT_EQ(post("exec", {{"session", "nope"}, {"command", "hostname"}}).status, 404);
  EXPECT_EQ(post("console", {{"server", "no-such-server"}}).status, 404);
  EXPECT_EQ(send(demo_, "DELETE", "/_stacklab/guest/sessions/nope").status, 404);
  active({{"name", "vm-private"}, {"imageRef", image_}, {"flavorRef", "42"}});
  EXPECT_EQ(post("console", {{"server", "vm-private"}}, alt_).status, 404);
  EXPECT_EQ(send("", "POST", "/_stacklab/guest/ssh", {{"user", "cirros"}, {"host", "172.24.4.9"}}).status, 401);
}

}  // namespace
