// Identity over real HTTP, against an in-process cloud on a free port.
#include <gtest/gtest.h>

#include <thread>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

using namespace stacklab;
using stacklab::testing::HttpClient;
using stacklab::testing::HttpResult;
using stacklab::testing::LabCloudTest;
using Json = nlohmann::json;

namespace {

class IdentityApiTest : public LabCloudTest {
 protected:
  static std::string auth_body(const std::string& user, const std::string& password, const std::string& project) {
    Json auth = {
        {"auth",
         {{"identity",
           {{"methods", {"password"}},
            {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}}}}};
    if (!project.empty()) auth["auth"]["scope"] = {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}};
    return auth.dump();
  }
  std::string token(const std::string& user, const std::string& project) {
    auto r = client.request("POST", "/identity/v3/auth/tokens", auth_body(user, "nomoresecret", project));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.header("x-subject-token");
  }
  HttpResult as(const std::string& tok, const std::string& method, const std::string& path,
                const Json& body = nullptr) {
    return send(tok, method, path, body);
  }
};

void expect_keystone_error(const HttpResult& r, int code) {
  EXPECT_EQ(r.status, code) << r.body;
  Json j = r.json();
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code);
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(r.header("x-openstack-request-id").empty());
}

}  // namespace

TEST_F(IdentityApiTest, VersionDocumentAtEveryIdentityPath) {
  for (const char* root : {"/identity", "/identity_admin"}) {
    auto r = client.request("GET", root);
    EXPECT_EQ(r.status, 300);
    EXPECT_EQ(r.json()["versions"]["values"][0]["status"], "stable");
    auto v3 = client.request("GET", std::string(root) + "/v3");
    EXPECT_EQ(v3.status, 200);
    EXPECT_EQ(v3.json()["version"]["id"], "v3.14");
    EXPECT_EQ(v3.json()["version"]["links"][0]["href"], cloud_->host_url() + root + "/v3/");
  }
  EXPECT_EQ(client.request("GET", "/compute/v2.1").json()["version"]["min_version"], "2.1");
  EXPECT_EQ(client.request("GET", "/networking").json()["versions"][0]["id"], "v2.0");
}

TEST_F(IdentityApiTest, TokenIssueValidateCheckRevoke) {
  std::string admin = token("admin", "admin");
  std::string demo = token("demo", "demo");
  ASSERT_FALSE(demo.empty());
  auto v = client.request("GET", "/identity/v3/auth/tokens", "", {{"X-Auth-Token", admin}, {"X-Subject-Token", demo}});
  EXPECT_EQ(v.status, 200);
  EXPECT_EQ(v.json()["token"]["user"]["name"], "demo");
  EXPECT_EQ(v.header("x-subject-token"), demo);
  auto nocat = client.request("GET", "/identity/v3/auth/tokens?nocatalog", "",
                              {{"X-Auth-Token", admin}, {"X-Subject-Token", demo}});
  EXPECT_FALSE(nocat.json()["token"].contains("catalog"));
  auto head =
      client.request("HEAD", "/identity/v3/auth/tokens", "", {{"X-Auth-Token", demo}, {"X-Subject-Token", demo}});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  auto del =
      client.request("DELETE", "/identity/v3/auth/tokens", "", {{"X-Auth-Token", admin}, {"X-Subject-Token", demo}});
  EXPECT_EQ(del.status, 204);
  auto gone =
      client.request("GET", "/identity/v3/auth/tokens", "", {{"X-Auth-Token", admin}, {"X-Subject-Token", demo}});
  expect_keystone_error(gone, 404);
  expect_keystone_error(as(demo, "GET", "/identity/v3/auth/projects"), 401);
}

TEST_F(IdentityApiTest, MissingOrBadTokenIs401WithAuthenticateHeader) {
  auto r = client.request("GET", "/identity/v3/projects");
  expect_keystone_error(r, 401);
  EXPECT_NE(r.header("www-authenticate").find("Keystone uri="), std::string::npos);
  expect_keystone_error(as("garbage", "GET", "/identity/v3/projects"), 401);
}

TEST_F(IdentityApiTest, WrongPasswordAndUnknownUserLookAlike) {
  auto wrong = client.request("POST", "/identity/v3/auth/tokens", auth_body("demo", "x", "demo"));
  auto unknown = client.request("POST", "/identity/v3/auth/tokens", auth_body("nobody", "x", "demo"));
  expect_keystone_error(wrong, 401);
  expect_keystone_error(unknown, 401);
  EXPECT_EQ(wrong.json()["error"]["message"], unknown.json()["error"]["message"]);
}

TEST_F(IdentityApiTest, MalformedBodiesAre400AndCreateNothing) {
  std::string admin = token("admin", "admin");
  auto before = as(admin, "GET", "/identity/v3/projects").json()["projects"].size();
  expect_keystone_error(client.request("POST", "/identity/v3/projects", "{not json", {{"X-Auth-Token", admin}}), 400);
  expect_keystone_error(client.request("POST", "/identity/v3/projects", "[1,2]", {{"X-Auth-Token", admin}}), 400);
  expect_keystone_error(as(admin, "POST", "/identity/v3/projects", {{"project", "x"}}), 400);
  expect_keystone_error(as(admin, "POST", "/identity/v3/projects", {{"project", {{"name", 5}}}}), 400);
  expect_keystone_error(as(admin, "POST", "/identity/v3/projects", {{"project", {{"name", "n"}, {"enabled", "yes"}}}}),
                        400);
  expect_keystone_error(as(admin, "POST", "/identity/v3/users", {{"user", {{"name", "n"}, {"domain_id", "nowhere"}}}}),
                        404);
  expect_keystone_error(client.request("POST", "/identity/v3/auth/tokens", "{}"), 400);
  EXPECT_EQ(as(admin, "GET", "/identity/v3/projects").json()["projects"].size(), before);
}

TEST_F(IdentityApiTest, OversizeBodyIs413) {
  std::string admin = token("admin", "admin");
  std::string huge = Json{{"project", {{"name", "big"}, {"description", std::string(100000, 'x')}}}}.dump();
  auto r = client.request("POST", "/identity/v3/projects", huge, {{"X-Auth-Token", admin}});
  EXPECT_EQ(r.status, 413);
}

TEST_F(IdentityApiTest, UnknownPathIs404AndWrongMethodIs405) {
  std::string admin = token("admin", "admin");
  expect_keystone_error(as(admin, "GET", "/identity/v3/nothing-here"), 404);
  auto r = as(admin, "PUT", "/identity/v3/projects");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
  expect_keystone_error(as(admin, "GET", "/identity/v3/projects/does-not-exist"), 404);
}

TEST_F(IdentityApiTest, MemberIsRefusedAdminApisAndOtherProjects) {
  std::string demo = token("demo", "demo");
  auto r = as(demo, "GET", "/identity/v3/services");
  expect_keystone_error(r, 403);
  EXPECT_EQ(r.json()["error"]["message"],
            "You are not authorized to perform the requested action: identity:list_services.");
  expect_keystone_error(as(demo, "GET", "/identity/v3/projects/009e1dcac6554c20a7fd5439f0cf8cd6"), 403);  // alt_demo
  EXPECT_EQ(as(demo, "GET", "/identity/v3/projects/a103a240c5b643f085af45390dde02f1").status, 200);       // own
  expect_keystone_error(as(demo, "POST", "/identity/v3/projects", {{"project", {{"name", "mine"}}}}), 403);
  auto own = as(demo, "GET", "/identity/v3/users/3095b090bfb749e589bea6cccf3d2176/projects");
  EXPECT_EQ(own.status, 200);
  expect_keystone_error(as(demo, "GET", "/identity/v3/users/a069cf681b804438b47dab617f52925b/projects"), 403);
}

TEST_F(IdentityApiTest, ProjectLifecycleWithLinksAndFilters) {
  std::string admin = token("admin", "admin");
  auto created =
      as(admin, "POST", "/identity/v3/projects", {{"project", {{"name", "api-test"}, {"description", "d"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  Json p = created.json()["project"];
  EXPECT_EQ(p["domain_id"], "default");
  EXPECT_EQ(p["parent_id"], "default");
  EXPECT_EQ(p["links"]["self"], cloud_->host_url() + "/identity/v3/projects/" + p["id"].get<std::string>());
  auto dup = as(admin, "POST", "/identity/v3/projects", {{"project", {{"name", "api-test"}}}});
  expect_keystone_error(dup, 409);
  auto listed = as(admin, "GET", "/identity/v3/projects?name=api-test").json()["projects"];
  ASSERT_EQ(listed.size(), 1u);
  auto patched =
      as(admin, "PATCH", "/identity/v3/projects/" + p["id"].get<std::string>(), {{"project", {{"enabled", false}}}});
  EXPECT_EQ(patched.json()["project"]["enabled"], false);
  EXPECT_EQ(as(admin, "GET", "/identity/v3/projects?enabled=false&name=api-test").json()["projects"].size(), 1u);
  EXPECT_EQ(as(admin, "DELETE", "/identity/v3/projects/" + p["id"].get<std::string>()).status, 204);
  expect_keystone_error(as(admin, "GET", "/identity/v3/projects/" + p["id"].get<std::string>()), 404);
}

TEST_F(IdentityApiTest, RoleAssignmentsWithNames) {
  std::string admin = token("admin", "admin");
  auto r =
      as(admin, "GET", "/identity/v3/role_assignments?include_names=True&user.id=3095b090bfb749e589bea6cccf3d2176");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  Json body = r.json();
  for (const auto& a : body["role_assignments"])
    if (a["role"]["name"] == "anotherrole" && a["scope"]["project"]["name"] == "demo" && a["user"]["name"] == "demo")
      found = a["links"]["assignment"].get<std::string>().ends_with("/roles/" + a["role"]["id"].get<std::string>());
  EXPECT_TRUE(found) << r.body;
}

TEST_F(IdentityApiTest, MetricsCountRequestsByRouteAndStatus) {
  token("demo", "demo");
  auto r = client.request("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("stacklab_http_requests_total{method=\"POST\",route=\"/v3/auth/"
                        "tokens\",service=\"keystone\",status=\"201\"}"),
            std::string::npos)
      << r.body.substr(0, 2000);
  EXPECT_NE(r.body.find("stacklab_identity_tokens_total{event=\"issued\"}"), std::string::npos);
  EXPECT_NE(r.body.find("openstack_identity_projects"), std::string::npos);
}

TEST_F(IdentityApiTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.request("GET", "/identity/v3").status, 200);
  EXPECT_EQ(client.connections(), 1);
}

TEST_F(IdentityApiTest, ConcurrentClientsAllGetValidTokens) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      HttpClient c(cloud_->port());
      for (int i = 0; i < 10; ++i) {
        auto r = c.request("POST", "/identity/v3/auth/tokens", auth_body("demo", "nomoresecret", "demo"));
        std::string tok = r.header("x-subject-token");
        auto v = c.request("GET", "/identity/v3/auth/projects", "", {{"X-Auth-Token", tok}});
        if (r.status == 201 && v.status == 200) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 60);
}
