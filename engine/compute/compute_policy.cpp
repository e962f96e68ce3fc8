#include "engine/compute/compute_policy.h"

namespace stacklab::compute {

void register_compute_policy(Policy& p) {
  p.register_default("context_is_admin", "role:admin");
  p.register_default("admin_api", "role:admin");
  p.register_default("admin_or_keypair_owner", "rule:admin_api or user_id:%(user_id)s");
  p.register_default("admin_or_owner", "role:admin or project_id:%(project_id)s");
  for (const char* a : {"index", "detail", "show", "create", "delete", "update"})
    p.register_default(std::string("os_compute_api:servers:") + a, "rule:admin_or_owner");
  p.register_default("os_compute_api:servers:index:get_all_tenants", "rule:admin_api");
  p.register_default("os_compute_api:servers:detail:get_all_tenants", "rule:admin_api");
  p.register_default("os_compute_api:os-extended-server-attributes", "rule:admin_api");
  for (const char* a : {"create", "update", "delete"})
    p.register_default(std::string("os_compute_api:os-flavor-manage:") + a, "rule:admin_api");
  for (const char* a : {"index", "show"})
    p.register_default(std::string("os_compute_api:os-flavor-extra-specs:") + a, "@");
  for (const char* a : {"create", "update", "delete"})
    p.register_default(std::string("os_compute_api:os-flavor-extra-specs:") + a, "rule:admin_api");
  p.register_default("os_compute_api:os-flavor-access", "rule:admin_api");
  p.register_default("os_compute_api:os-flavor-access:add_tenant_access", "rule:admin_api");
  p.register_default("os_compute_api:os-flavor-access:remove_tenant_access", "rule:admin_api");
  for (const char* a : {"index", "show", "create", "delete"})
    p.register_default(std::string("os_compute_api:os-keypairs:") + a, "rule:admin_or_keypair_owner");
}

Status authorize(const Policy& policy, const std::string& action, const Credentials& creds, const Json& target) {
  if (policy.allowed(action, creds, target)) return {};
  return Forbidden("Policy doesn't allow " + action + " to be performed.");
}

}  // namespace stacklab::compute
