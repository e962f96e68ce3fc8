#include "tests/api/test_cloud.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace stacklab::testing {

std::unique_ptr<Cloud> start_test_cloud() {
  CloudOptions o;
  o.fast = true;
  return start_test_cloud(std::move(o));
}

std::unique_ptr<Cloud> start_test_cloud(CloudOptions o) {
  o.listen_port = 0;
  o.log_to_stderr = false;
  o.config.set("identity", "password_hash_rounds", "1000");
  o.config.set("DEFAULT", "max_request_body_size", "65536");
  auto c = Cloud::start(o);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

std::string lab_token(HttpClient& client, const std::string& user, const std::string& project) {
  nlohmann::json auth = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password", {{"user", {{"name", user}, {"domain", {{"id", "default"}}}, {"password", "nomoresecret"}}}}}}},
        {"scope", {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}}}}}};
  return client.request("POST", "/identity/v3/auth/tokens", auth.dump()).header("x-subject-token");
}

std::string image_id(HttpClient& client, const std::string& token, const std::string& name) {
  auto r = client.request("GET", "/image/v2/images?name=" + name, "", {{"X-Auth-Token", token}});
  nlohmann::json images = r.json()["images"];
  return images.empty() ? "" : images[0].value("id", "");
}

std::string project_id(HttpClient& client, const std::string& admin_token, const std::string& name) {
  auto r = client.request("GET", "/identity/v3/projects?name=" + name, "", {{"X-Auth-Token", admin_token}});
  nlohmann::json projects = r.json()["projects"];
  return projects.empty() ? "" : projects[0].value("id", "");
}

void LabCloudTest::SetUpTestSuite() {
  cloud_ = start_test_cloud().release();
  ASSERT_NE(cloud_, nullptr);
  HttpClient client(cloud_->port());
  admin_ = lab_token(client, "admin", "admin");
  demo_ = lab_token(client, "demo", "demo");
  alt_ = lab_token(client, "alt_demo", "alt_demo");
}

void LabCloudTest::TearDownTestSuite() {
  delete cloud_;
  cloud_ = nullptr;
}

HttpResult LabCloudTest::send(const std::string& token, const std::string& method, const std::string& target,
                              const nlohmann::json& body, std::map<std::string, std::string> headers) {
  headers["X-Auth-Token"] = token;
  return client.request(method, target, body.is_null() ? "" : body.dump(), headers);
}

void ComputeCloudTest::SetUpTestSuite() {
  LabCloudTest::SetUpTestSuite();
  if (!cloud_) return;
  HttpClient client(cloud_->port());
  image_ = image_id(client, demo_, "cirros-0.3.4-x86_64-uec");
  demo_project_ = stacklab::testing::project_id(client, admin_, "demo");
}

HttpResult ComputeCloudTest::call(const std::string& tok, const std::string& method, const std::string& path,
                                  const nlohmann::json& body, const std::string& version) {
  std::map<std::string, std::string> headers;
  if (!version.empty()) headers["OpenStack-API-Version"] = "compute " + version;
  return send(tok, method, "/compute/v2.1" + path, body, headers);
}

std::string ComputeCloudTest::project_id(const std::string& name) { return testing::project_id(client, admin_, name); }

HttpResult ComputeCloudTest::create_server(const std::string& name, const std::string& flavor, const std::string& tok,
                                           const nlohmann::json& hints) {
  nlohmann::json body = {{"server", {{"name", name}, {"imageRef", image_}, {"flavorRef", flavor}}}};
  if (!hints.is_null()) body["os:scheduler_hints"] = hints;
  return call(tok, "POST", "/servers", body);
}

std::string ComputeCloudTest::boot(const std::string& name, const std::string& flavor, const std::string& tok) {
  auto r = create_server(name, flavor, tok);
  EXPECT_EQ(r.status, 202) << r.body;
  return r.json()["server"].value("id", "");
}

nlohmann::json ComputeCloudTest::poll_server(const std::string& id,
                                             const std::function<bool(const nlohmann::json&)>& done,
                                             const std::string& tok, const std::string& version) {
  nlohmann::json s;
  for (int i = 0; i < 400; ++i) {
    s = call(tok, "GET", "/servers/" + id, nullptr, version).json()["server"];
    if (done(s)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return s;
}

nlohmann::json ComputeCloudTest::settle(const std::string& id, const std::string& tok, const std::string& version) {
  return poll_server(
      id, [](const nlohmann::json& s) { return s["status"] != "BUILD"; }, tok, version);
}

}  // namespace stacklab::testing
