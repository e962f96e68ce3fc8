// What every API test suite shares: one in-process lab cloud on a free port,
// and project-scoped tokens of its users.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"

namespace stacklab::testing {

// A quiet lab cloud on 127.0.0.1:<free port>, with cheap password hashing
// (the same checks, fewer PBKDF2 rounds) and a 64 KiB JSON body limit.
// Fails the calling test (and returns null) if it cannot start.
std::unique_ptr<Cloud> start_test_cloud();
// The same settings over `options` (state dir, fleet, speed are the caller's).
std::unique_ptr<Cloud> start_test_cloud(CloudOptions options);

// A token of a lab user (password "nomoresecret", domain default) scoped to
// `project`; "" if the cloud refused it.
std::string lab_token(HttpClient& client, const std::string& user, const std::string& project);

// The id of the image named `name` as `token` lists it; "" if none.
std::string image_id(HttpClient& client, const std::string& token, const std::string& name);

// The id of the project named `name` (`admin_token` lists projects).
std::string project_id(HttpClient& client, const std::string& admin_token, const std::string& name);

// A test suite over one lab cloud, started once for the suite, with project
// tokens of the lab's admin, demo and alt_demo (each in its own project).
class LabCloudTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // `method` on `target` with `token`, the body dumped (none when null) and any other headers.
  HttpResult send(const std::string& token, const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr, std::map<std::string, std::string> headers = {});

  static inline Cloud* cloud_ = nullptr;
  static inline std::string admin_, demo_, alt_;
  HttpClient client{cloud_->port()};
};

// A Nova suite: call() on /compute/v2.1 at a microversion, servers of the
// lab's cirros (image_, looked up once for the suite) booted and polled.
class ComputeCloudTest : public LabCloudTest {
 protected:
  static void SetUpTestSuite();

  // `version` "" is the base microversion.
  HttpResult call(const std::string& tok, const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr, const std::string& version = "");
  std::string project_id(const std::string& name);
  // POST /servers for a cirros server of `flavor`, with scheduler hints unless null.
  HttpResult create_server(const std::string& name, const std::string& flavor = "42", const std::string& tok = demo_,
                           const nlohmann::json& hints = nullptr);
  // create_server expecting 202; the new server's id.
  std::string boot(const std::string& name, const std::string& flavor = "42", const std::string& tok = demo_);
  // Polls the server (10 ms apart, at most 4 s) until `done` holds; its last view.
  nlohmann::json poll_server(const std::string& id, const std::function<bool(const nlohmann::json&)>& done,
                             const std::string& tok = demo_, const std::string& version = "");
  // Polls until the server leaves BUILD.
  nlohmann::json settle(const std::string& id, const std::string& tok = demo_, const std::string& version = "");

  static inline std::string image_;
  static inline std::string demo_project_;  // the lab's demo project id
};

}  // namespace stacklab::testing
