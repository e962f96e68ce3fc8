// What every API test suite shares: one in-process lab cloud on a free port,
// and project-scoped tokens of its users.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cmd/stacklab/cloud.h"
#include "tests/api/http_client.h"

namespace stacklab::testing {

// A quiet lab cloud on 127.0.0.1:<free port>, with cheap password hashing
// (the same checks, fewer PBKDF2 rounds) and a 64 KiB JSON body limit.
// Fails the calling test (and returns null) if it cannot start.
std::unique_ptr<Cloud> start_test_cloud();

// A token of a lab user (password "nomoresecret", domain default) scoped to
// `project`; "" if the cloud refused it.
std::string lab_token(HttpClient& client, const std::string& user, const std::string& project);

// A test suite over one lab cloud, started once for the suite, with project
// tokens of the lab's admin, demo and alt_demo (each in its own project).
class LabCloudTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static inline Cloud* cloud_ = nullptr;
  static inline std::string admin_, demo_, alt_;
  HttpClient client{cloud_->port()};
};

}  // namespace stacklab::testing
