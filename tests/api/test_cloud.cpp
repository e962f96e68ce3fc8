#include "tests/api/test_cloud.h"

#include <gtest/gtest.h>

namespace stacklab::testing {

std::unique_ptr<Cloud> start_test_cloud() {
  CloudOptions o;
  o.listen_port = 0;
  o.log_to_stderr = false;
  o.fast = true;
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

}  // namespace stacklab::testing
