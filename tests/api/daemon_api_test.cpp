// The simulated daemons and the troubleshooting day over HTTP:
// /_stacklab/services (admin, by token or by X-Auth-User/Key while keystone
// is stopped), what a stopped daemon does to the public APIs, and
// /_stacklab/lab/faults (inject, grade).
#include <gtest/gtest.h>

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
