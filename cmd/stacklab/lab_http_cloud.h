// HttpLabCloud: the exercise catalogue's LabCloud over HTTP, against a
// running cloud: one password sign-in per actor (the lab's password), then
// its token on every call, as the openstack CLI does.
#pragma once

#include <map>

#include "cmd/stacklab/ops_client.h"
#include "scenarios/lab/exercises/lab_cloud.h"

namespace stacklab::cmd {

class HttpLabCloud : public lab::LabCloud {
 public:
  // `admin`: who the admin actor really is (--os-* options or OS_* variables).
  HttpLabCloud(std::string url, AdminCredentials admin) : client_(std::move(url)), admin_(std::move(admin)) {}

  Result<lab::ApiReply> call(const lab::Actor& who, const std::string& method, const std::string& path,
                             const nlohmann::json& body) override;
  Status sign_in(const lab::Actor& who) override { return token(who).status(); }
  Result<lab::ApiReply> upload(const lab::Actor& who, const std::string& path, const std::string& bytes) override;

 private:
  Result<std::string> token(const lab::Actor& who);
  Result<lab::ApiReply> send(const lab::Actor& who, const std::string& method, const std::string& path,
                             const std::string& body, const std::string& content_type);
  OpsClient client_;
  AdminCredentials admin_;
  std::map<lab::Actor, std::string> tokens_;
};

}  // namespace stacklab::cmd
