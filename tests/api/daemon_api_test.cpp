// The simulated daemons and the troubleshooting day over HTTP:
// /_stacklab/services (admin, by token or by X-Auth-User/Key while keystone
// is stopped), what a stopped daemon does to the public APIs, and
// /_stacklab/lab/faults (inject, grade).
#include <gtest/gtest.h>

#include <fstream>

#include "tests/api/test_cloud.h"

namespace stacklab::testing {
namespace {

using nlohmann::json;

class DaemonApiTest : public ComputeCloudTest {
 protected:
  // Every daemon runs again after each test: the suite shares one cloud.
  void TearDown() override {
    const json all = ops("GET", "/services").json();
    for (const auto& d : all["services"])
      if (d["state"] == "stopped") ops("POST", "/services/" + d["name"].get<std::string>() + "/start");
  }
  HttpResult ops(const std::string& method, const std::string& path, const json& body = nullptr) {
    return send(admin_, method, "/_stacklab" + path, body);
  }
  // As the host's operator, without a token.
  HttpResult as_operator(const std::string& method, const std::string& path, const std::string& key) {
    return client.request(method, "/_stacklab" + path, "", {{"X-Auth-User", "admin:admin"}, {"X-Auth-Key", key}});
  }
  json state_of(const std::string& name) { return ops("GET", "/services/" + name).json()["service"]; }
};

TEST_F(DaemonApiTest, ServicesAreListedForAdminsOnly) {
  auto r = ops("GET", "/services");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> names;
  const json all = r.json();
  ASSERT_GE(all["services"].size(), 17u);
  for (const auto& d : all["services"]) {
    names.insert(d["name"].get<std::string>());
    EXPECT_EQ(d["state"], "running") << d.dump();
    EXPECT_EQ(d["active"], "active");
  }
  for (const char* n : {"keystone", "glance-api", "nova-api", "nova-scheduler", "nova-conductor", "nova-compute",
                        "neutron-server", "neutron-dhcp-agent", "cinder-volume"})
    EXPECT_EQ(names.count(n), 1u) << n;
  EXPECT_EQ(state_of("nova-compute")["log_file"], "logs/nova-compute.log");
  EXPECT_EQ(send(demo_, "GET", "/_stacklab/services").status, 403);
  EXPECT_EQ(client.request("GET", "/_stacklab/services").status, 401);
  EXPECT_EQ(as_operator("GET", "/services", "nomoresecret").status, 200);
  EXPECT_EQ(as_operator("GET", "/services", "wrong").status, 401);
  EXPECT_EQ(ops("GET", "/services/httpd").status, 404);
  EXPECT_EQ(ops("POST", "/services/httpd/stop").status, 404);
  EXPECT_EQ(ops("GET", "/services/nova-api?lines=x").status, 400);
}

TEST_F(DaemonApiTest, StoppedGlanceApiAnswers503UntilStarted) {
  ASSERT_EQ(send(demo_, "GET", "/image/v2/images").status, 200);
  auto r = ops("POST", "/services/glance-api/stop");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["service"]["state"], "stopped");
  EXPECT_EQ(r.json()["service"]["active"], "inactive");
  EXPECT_EQ(send(demo_, "GET", "/image/v2/images").status, 503);
  EXPECT_EQ(call(demo_, "GET", "/flavors").status, 200);  // nova-api still runs
  ASSERT_EQ(ops("POST", "/services/glance-api/start").status, 200);
  EXPECT_EQ(send(demo_, "GET", "/image/v2/images").status, 200);
}

TEST_F(DaemonApiTest, StoppedKeystoneIssuesNoTokensButTheOperatorCanStartIt) {
  ASSERT_EQ(ops("POST", "/services/keystone/stop").status, 200);
  EXPECT_TRUE(lab_token(client, "demo", "demo").empty());
  EXPECT_EQ(as_operator("GET", "/services/keystone", "nomoresecret").json()["service"]["state"], "stopped");
  EXPECT_EQ(as_operator("POST", "/services/keystone/start", "nomoresecret").status, 200);
  EXPECT_FALSE(lab_token(client, "demo", "demo").empty());
}

TEST_F(DaemonApiTest, StoppedKeystoneMakesEveryServiceRefuseTokensItHasNotValidatedRecently) {
  const std::string used = lab_token(client, "demo", "demo");
  const std::string unused = lab_token(client, "demo", "demo");
  ASSERT_EQ(send(used, "GET", "/image/v2/images").status, 200);
  ASSERT_EQ(ops("POST", "/services/keystone/stop").status, 200);
  // keystonemiddleware's token cache: validated a moment ago, still good.
  EXPECT_EQ(send(used, "GET", "/image/v2/images").status, 200);
  EXPECT_EQ(send(used, "GET", "/compute/v2.1/flavors").status, 200);
  auto refused = send(unused, "GET", "/compute/v2.1/flavors");
  EXPECT_EQ(refused.status, 503);
  const json body = refused.json();
  EXPECT_EQ(body["code"], "503 Service Unavailable") << refused.body;
  EXPECT_NE(body["message"].get<std::string>().find("The Keystone service is temporarily unavailable."),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(send(unused, "GET", "/networking/v2.0/networks").status, 503);
  EXPECT_EQ(send(unused, "GET", "/identity/v3/users").status, 503);  // keystone itself: its proxy's page
  ASSERT_EQ(as_operator("POST", "/services/keystone/start", "nomoresecret").status, 200);
  EXPECT_EQ(send(unused, "GET", "/compute/v2.1/flavors").status, 200);
}

TEST_F(DaemonApiTest, AWrongPasswordInNovaConfMakesNovaRefuseNewTokensUntilFixedAndRestarted) {
  auto conf = ops("GET", "/configs/nova");
  ASSERT_EQ(conf.status, 200) << conf.body;
  const std::string path = conf.json()["config"]["path"];
  EXPECT_NE(conf.json()["config"]["text"].get<std::string>().find("[keystone_authtoken]"), std::string::npos);
  EXPECT_EQ(ops("GET", "/configs/swift").status, 404);
  auto injected = ops("POST", "/lab/faults", {{"scenario", "nova-service-password"}});
  ASSERT_EQ(injected.status, 201) << injected.body;
  const std::string fresh = lab_token(client, "demo", "demo");
  ASSERT_FALSE(fresh.empty()) << "keystone itself is fine";
  auto refused = send(fresh, "GET", "/compute/v2.1/flavors");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("The Keystone service is temporarily unavailable."), std::string::npos);
  EXPECT_EQ(send(fresh, "GET", "/image/v2/images").status, 200) << "glance's credentials are right";
  EXPECT_FALSE(ops("GET", "/lab/faults").json()["checks"][0]["done"].get<bool>());

  // The fix: the right password back into the file, and a restart to read it.
  std::string text = ops("GET", "/configs/nova").json()["config"]["text"];
  const std::string wrong = "password = bootcamp";
  ASSERT_NE(text.find(wrong), std::string::npos) << text;
  text.replace(text.find(wrong), wrong.size(), "password = nomoresecret");
  std::ofstream(path, std::ios::trunc) << text;
  EXPECT_EQ(send(lab_token(client, "demo", "demo"), "GET", "/compute/v2.1/flavors").status, 503) << "not yet read";
  ASSERT_EQ(ops("POST", "/services/nova-api/restart").status, 200);
  EXPECT_EQ(send(lab_token(client, "demo", "demo"), "GET", "/compute/v2.1/flavors").status, 200);
  EXPECT_TRUE(ops("GET", "/lab/faults").json()["checks"][0]["done"].get<bool>());
}

TEST_F(DaemonApiTest, MysqlDownMeansNoTokenAndA500FromEveryServiceACachedTokenReaches) {
  const std::string used = lab_token(client, "demo", "demo");
  ASSERT_EQ(send(used, "GET", "/image/v2/images").status, 200);
  const std::string unused = lab_token(client, "demo", "demo");
  ASSERT_EQ(ops("POST", "/services/mysql/stop").status, 200);
  EXPECT_TRUE(lab_token(client, "demo", "demo").empty());
  EXPECT_EQ(send("", "GET", "/identity/v3").status, 200) << "version documents need no database";
  auto nova = send(used, "GET", "/compute/v2.1/flavors");
  EXPECT_EQ(nova.status, 500);
  EXPECT_NE(nova.body.find("DBConnectionError"), std::string::npos) << nova.body;
  EXPECT_EQ(send(used, "GET", "/image/v2/images").status, 500);
  EXPECT_EQ(send(unused, "GET", "/image/v2/images").status, 503) << "keystone cannot validate it";
  ASSERT_EQ(ops("POST", "/services/mysql/start").status, 200);
  EXPECT_EQ(send(unused, "GET", "/image/v2/images").status, 200);
}

TEST_F(DaemonApiTest, StoppedAgentsAndWorkersShowInTheirServicesLists) {
  ASSERT_EQ(ops("POST", "/services/neutron-dhcp-agent/stop").status, 200);
  ASSERT_EQ(ops("POST", "/services/cinder-volume/stop").status, 200);
  auto agents = send(admin_, "GET", "/networking/v2.0/agents");
  ASSERT_EQ(agents.status, 200) << agents.body;
  const json listed = agents.json();
  ASSERT_EQ(listed["agents"].size(), 4u);
  for (const auto& a : listed["agents"]) EXPECT_EQ(a["alive"], a["binary"] != "neutron-dhcp-agent") << a;
  auto services = send(admin_, "GET", "/volume/v3/" + project_id("admin") + "/os-services?binary=cinder-volume");
  ASSERT_EQ(services.status, 200) << services.body;
  EXPECT_EQ(services.json()["services"][0]["state"], "down");
}

TEST_F(DaemonApiTest, NovaComputeDownFaultIsGradedUntilTheStudentStartsItAndBoots) {
  EXPECT_EQ(ops("POST", "/lab/faults", {{"scenario", "disk-on-fire"}}).status, 404);
  EXPECT_EQ(ops("POST", "/lab/faults", json::object()).status, 400);
  EXPECT_EQ(send(demo_, "POST", "/_stacklab/lab/faults", {{"scenario", "nova-compute-down"}}).status, 403);
  auto r = ops("POST", "/lab/faults", {{"scenario", "nova-compute-down"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto services = call(admin_, "GET", "/os-services?binary=nova-compute");
  ASSERT_EQ(services.status, 200);
  EXPECT_EQ(services.json()["services"][0]["state"], "down");
  json failed = settle(boot("broken"));
  EXPECT_EQ(failed["status"], "ERROR");
  EXPECT_NE(failed["fault"]["message"].get<std::string>().find("No valid host"), std::string::npos) << failed;
  auto faults = ops("GET", "/lab/faults").json();
  EXPECT_EQ(faults["current"]["scenario"], "nova-compute-down");
  ASSERT_EQ(faults["checks"].size(), 2u);
  EXPECT_FALSE(faults["checks"][0]["done"].get<bool>());

  ASSERT_EQ(ops("POST", "/services/nova-compute/start").status, 200);
  EXPECT_EQ(call(admin_, "GET", "/os-services?binary=nova-compute").json()["services"][0]["state"], "up");
  EXPECT_EQ(settle(boot("fixed"))["status"], "ACTIVE");
  const json fixed = ops("GET", "/lab/faults").json();
  ASSERT_EQ(fixed["checks"].size(), 2u);
  for (const auto& c : fixed["checks"]) EXPECT_TRUE(c["done"].get<bool>()) << c;
}

}  // namespace
}  // namespace stacklab::testing
