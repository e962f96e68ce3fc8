// CloudView: what one grading run reads of the cloud, each list read once
// (as the admin, whose lists span every project) and kept for the run, so
// sixty exercises cost a few dozen calls. Lookups are tolerant (names.h).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/lab/exercises/lab_cloud.h"
#include "scenarios/lab/exercises/names.h"

namespace stacklab::lab {

using Json = nlohmann::json;

class CloudView {
 public:
  explicit CloudView(LabCloud& cloud) : cloud_(cloud) {}

  // The `key` member of GET `path` as `who` (a list), cached; [] when the call failed.
  const Json& list(const std::string& path, const std::string& key, const Actor& who = kAdmin);
  // The calls that failed so far ("GET /path: 403 ..."), for the report.
  const std::vector<std::string>& errors() const { return errors_; }

  // Every list of one kind, admin's view of all projects.
  const Json& projects() { return list("/identity/v3/projects", "projects"); }
  const Json& users() { return list("/identity/v3/users", "users"); }
  const Json& role_assignments() {
    return list("/identity/v3/role_assignments?include_names=true", "role_assignments");
  }
  const Json& flavors() { return list("/compute/v2.1/flavors/detail?is_public=None", "flavors"); }
  const Json& servers() { return list("/compute/v2.1/servers/detail?all_tenants=1", "servers"); }
  const Json& images() { return list("/image/v2/images?limit=1000", "images"); }
  const Json& networks() { return list("/networking/v2.0/networks", "networks"); }
  const Json& subnets() { return list("/networking/v2.0/subnets", "subnets"); }
  const Json& routers() { return list("/networking/v2.0/routers", "routers"); }
  const Json& ports() { return list("/networking/v2.0/ports", "ports"); }
  const Json& floating_ips() { return list("/networking/v2.0/floatingips", "floatingips"); }
  const Json& security_groups() { return list("/networking/v2.0/security-groups", "security_groups"); }
  const Json& rbac_policies() { return list("/networking/v2.0/rbac-policies", "rbac_policies"); }
  const Json& volumes();
  const Json& keypairs_of(const Actor& who) { return list("/compute/v2.1/os-keypairs", "keypairs", who); }
  // The audit log, oldest first (the latest 10000 entries).
  const Json& audit() { return list("/_stacklab/audit?limit=10000", "audit"); }

  // Items of `items` whose "name" matches `pattern`.
  static std::vector<Json> named(const Json& items, const NamePattern& pattern);
  // The first project named like `pattern`, or null.
  Json project(const NamePattern& pattern);
  // Its id, "" when there is none.
  std::string project_id(const NamePattern& pattern);
  std::string project_id(const std::string& name) { return project_id(names::exact(name)); }
  Json user(const NamePattern& pattern);
  // Items of `items` owned by `project_id` (project_id, tenant_id, owner or the volume tenant attribute).
  static std::vector<Json> owned_by(const std::vector<Json>& items, const std::string& project_id);
  // The items named like `pattern` in project `project_id`.
  std::vector<Json> named_in(const Json& items, const NamePattern& pattern, const std::string& project_id) {
    return owned_by(named(items, pattern), project_id);
  }

  // The default security group of a project, or null.
  Json default_security_group(const std::string& project_id);
  // The ports of a server (device_id).
  std::vector<Json> ports_of(const std::string& device_id);
  // The network's id, by its name (tolerant), "" when none.
  std::string network_id(const NamePattern& pattern);

  LabCloud& cloud() { return cloud_; }

 private:
  LabCloud& cloud_;
  std::map<std::string, Json> cache_;
  std::vector<std::string> errors_;
};

// Reads a field that may be missing or null as a string ("" then).
std::string str(const Json& item, const std::string& key);

}  // namespace stacklab::lab
