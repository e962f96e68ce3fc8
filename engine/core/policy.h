// Policy: oslo.policy's rule language and enforcement, shared by every service.
//
// Rules are check strings such as
//   "role:admin or (role:member and project_id:%(target.project.id)s)"
// with `rule:<name>` references, `@` (always) and `!` (never). Each service
// registers its defaults (OpenStack's); a JSON policy file may override them.
// enforce() answers whether `creds` may perform `action` on `target`.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "engine/core/status.h"

namespace stacklab {

using Json = nlohmann::json;

// Who is asking: what a validated token says.
struct Credentials {
  std::string user_id;
  std::string user_domain_id;
  std::string project_id;  // project scope, else empty
  std::string project_domain_id;
  std::string domain_id;        // domain scope, else empty
  std::string system_scope;     // "all" for system scope, else empty
  std::set<std::string> roles;  // effective role names, lowercased
  bool has_role(const std::string& r) const { return roles.count(r) > 0; }
  bool is_admin() const { return has_role("admin"); }
};

class Policy {
 public:
  // Registers `action` (or a named rule) with its default check string.
  void register_default(const std::string& name, const std::string& check);
  // Loads overrides from a JSON object of name -> check string.
  Status load_overrides(const Json& rules);

  // ok, or Forbidden with upstream's message
  // "You are not authorized to perform the requested action: <action>."
  Status enforce(const std::string& action, const Credentials& creds, const Json& target = Json::object()) const;
  // Same as enforce(), as a bool.
  bool allowed(const std::string& action, const Credentials& creds, const Json& target = Json::object()) const;
  // Syntax check of a check string (for overrides and tests).
  static Status validate(const std::string& check);

 private:
  std::map<std::string, std::string> rules_;
};

}  // namespace stacklab
