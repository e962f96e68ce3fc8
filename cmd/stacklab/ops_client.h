// OpsClient: how the stacklab subcommands talk to a running cloud over HTTP
// (plain HTTP/1.1, one request per connection), admin-authenticated where
// the endpoint asks for it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/status.h"

namespace stacklab::cmd {

struct HttpReply {
  int status = 0;
  nlohmann::json body;  // null when the body is empty or not JSON
  std::string text;     // the body as received
};

// Who the subcommands authenticate as: --os-* options, else the OS_*
// variables an openrc file sets, else the lab's admin (admin/nomoresecret,
// project admin, domain default).
struct AdminCredentials {
  std::string username, password, project_name, user_domain_id = "default", project_domain_id = "default";
  static AdminCredentials from_environment();
};

class OpsClient {
 public:
  explicit OpsClient(std::string url) : url_(std::move(url)) {}

  // One request; `token` "" sends none. Fails only when the cloud cannot be reached.
  Result<HttpReply> request(const std::string& method, const std::string& target, const nlohmann::json& body = nullptr,
                            const std::string& token = "") const;
  // The same with a body of any type (`content_type` "" sends none): image data, JSON patches.
  Result<HttpReply> send(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& content_type, const std::string& token) const;
  // A project-scoped token of `who` (POST /identity/v3/auth/tokens).
  Result<std::string> token(const AdminCredentials& who) const;
  // request() with a token of `who`; a non-2xx answer becomes an error with the cloud's message.
  Result<HttpReply> admin_call(const AdminCredentials& who, const std::string& method, const std::string& target,
                               const nlohmann::json& body = nullptr) const;

  const std::string& url() const { return url_; }
  // Sends `name: value` with every request from now on.
  void set_header(std::string name, std::string value) { headers_.emplace_back(std::move(name), std::move(value)); }

 private:
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

struct OpsTarget;  // commands.h

// Who `target` names: its --os-* options over the OS_* variables, else the lab's admin.
AdminCredentials credentials_of(const OpsTarget& target);

// OpsClient::admin_call() as `target`'s user (its --os-* options over the
// OS_* variables); a failure's message is printed to stderr.
Result<HttpReply> call(const OpsTarget& target, const std::string& method, const std::string& path,
                       const nlohmann::json& body = nullptr);

// The lab's admin (admin/nomoresecret, project admin) unless `target`'s
// --os-* options say otherwise. The OS_* variables are not read: a
// student's shell usually has demo's openrc sourced.
AdminCredentials lab_admin(const OpsTarget& target);

// The message of an error body in any service's shape (Keystone's {"error": {"message"}} and the like).
std::string error_message(const HttpReply& reply);

}  // namespace stacklab::cmd
