// LabCloud: the only way the grader and the replayer reach the cloud: its
// public REST API, as one of the lab's users, exactly as a student's client
// would. `stacklab lab` implements it over HTTP against a running cloud;
// tests implement it with canned answers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/status.h"

namespace stacklab::lab {

// Who makes a call: a user of domain default with the lab's password,
// scoped to `project`.
struct Actor {
  std::string user, project;
  bool operator<(const Actor& o) const { return user != o.user ? user < o.user : project < o.project; }
};
inline const Actor kAdmin{"admin", "admin"};
inline const Actor kDemo{"demo", "demo"};

struct ApiReply {
  int status = 0;
  nlohmann::json body;  // null when empty or not JSON
  bool ok() const { return status >= 200 && status < 300; }
};

class LabCloud {
 public:
  virtual ~LabCloud() = default;
  // One call as `who`. `path` starts at the cloud's root ("/compute/v2.1/servers").
  // An error only when the cloud cannot be reached or `who` cannot sign in;
  // any HTTP answer, refusals included, is a reply.
  virtual Result<ApiReply> call(const Actor& who, const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr) = 0;
  // A password sign-in of `who` (a token issue, which the audit log records without a user). Fails when refused.
  virtual Status sign_in(const Actor& who) = 0;
  // PUT of raw bytes (application/octet-stream): an image's data.
  virtual Result<ApiReply> upload(const Actor& who, const std::string& path, const std::string& bytes) = 0;
};

}  // namespace stacklab::lab
