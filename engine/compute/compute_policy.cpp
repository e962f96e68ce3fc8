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
  // Quotas, limits, usage, server groups, server metadata and tags.
  for (const char* a : {"show", "detail"})
    p.register_default(std::string("os_compute_api:os-quota-sets:") + a, "rule:admin_or_owner");
  for (const char* a : {"update", "delete"})
    p.register_default(std::string("os_compute_api:os-quota-sets:") + a, "rule:admin_api");
  p.register_default("os_compute_api:os-quota-sets:defaults", "@");
  for (const char* a : {"show", "update"})
    p.register_default(std::string("os_compute_api:os-quota-class-sets:") + a, "rule:admin_api");
  p.register_default("os_compute_api:limits", "@");
  p.register_default("os_compute_api:limits:other_project", "rule:admin_api");
  p.register_default("os_compute_api:os-simple-tenant-usage:list", "rule:admin_api");
  p.register_default("os_compute_api:os-simple-tenant-usage:show", "rule:admin_or_owner");
  for (const char* a : {"index", "show", "create", "delete"})
    p.register_default(std::string("os_compute_api:os-server-groups:") + a, "rule:admin_or_owner");
  p.register_default("os_compute_api:os-server-groups:index:all_projects", "rule:admin_api");
  for (const char* a : {"index", "show", "create", "update", "update_all", "delete"})
    p.register_default(std::string("os_compute_api:server-metadata:") + a, "rule:admin_or_owner");
  for (const char* a : {"index", "show", "update", "update_all", "delete", "delete_all"})
    p.register_default(std::string("os_compute_api:os-server-tags:") + a, "rule:admin_or_owner");
  // A server's interfaces and security groups (the owner's, or an admin's).
  for (const char* a : {"list", "show", "create", "delete"})
    p.register_default(std::string("os_compute_api:os-attach-interfaces:") + a, "rule:admin_or_owner");
  for (const char* a : {"add", "remove", "list", "show", "update", "delete"})
    p.register_default(std::string("os_compute_api:os-security-groups:") + a, "rule:admin_or_owner");
  // A server's volumes (os-volume_attachments); swapping one is an admin's.
  for (const char* a : {"index", "show", "create", "update", "delete"})
    p.register_default(std::string("os_compute_api:os-volumes-attachments:") + a, "rule:admin_or_owner");
  p.register_default("os_compute_api:os-volumes-attachments:swap", "rule:admin_api");
  for (const char* a : {"index", "show"})
    p.register_default(std::string("os_compute_api:ips:") + a, "rule:admin_or_owner");
  // Hosts: services, hypervisors, aggregates (admin-only); zones (list open, detail admin-only).
  for (const char* a : {"list", "update", "delete"})
    p.register_default(std::string("os_compute_api:os-services:") + a, "rule:admin_api");
  for (const char* a : {"list", "list-detail", "statistics", "show", "uptime", "search", "servers"})
    p.register_default(std::string("os_compute_api:os-hypervisors:") + a, "rule:admin_api");
  for (const char* a : {"index", "create", "show", "update", "delete", "add_host", "remove_host", "set_metadata"})
    p.register_default(std::string("os_compute_api:os-aggregates:") + a, "rule:admin_api");
  p.register_default("os_compute_api:os-availability-zone:list", "@");
  p.register_default("os_compute_api:os-availability-zone:detail", "rule:admin_api");
  // Server actions: the owner's (or an admin's), except the admin-only ones.
  static const char* const kOwnerOrAdmin[] = {"os_compute_api:os-pause-server:pause",
                                              "os_compute_api:os-pause-server:unpause",
                                              "os_compute_api:os-suspend-server:suspend",
                                              "os_compute_api:os-suspend-server:resume",
                                              "os_compute_api:servers:stop",
                                              "os_compute_api:servers:start",
                                              "os_compute_api:servers:reboot",
                                              "os_compute_api:os-lock-server:lock",
                                              "os_compute_api:os-lock-server:unlock",
                                              "os_compute_api:servers:trigger_crash_dump",
                                              "os_compute_api:os-console-output",
                                              "os_compute_api:os-remote-consoles",
                                              "os_compute_api:servers:create_image",
                                              "os_compute_api:servers:rebuild",
                                              "os_compute_api:os-shelve:shelve",
                                              "os_compute_api:os-shelve:unshelve",
                                              "os_compute_api:os-rescue",
                                              "os_compute_api:os-unrescue",
                                              "os_compute_api:servers:resize",
                                              "os_compute_api:servers:confirm_resize",
                                              "os_compute_api:servers:revert_resize",
                                              "os_compute_api:os-instance-actions:list",
                                              "os_compute_api:os-instance-actions:show",
                                              "os_compute_api:os-admin-password",
                                              "os_compute_api:os-create-backup"};
  for (const char* a : kOwnerOrAdmin) p.register_default(a, "rule:admin_or_owner");
  static const char* const kAdminOnly[] = {"os_compute_api:os-lock-server:unlock:unlock_override",
                                           "os_compute_api:os-admin-actions:reset_state",
                                           "os_compute_api:os-shelve:shelve_offload",
                                           "os_compute_api:os-migrate-server:migrate",
                                           "os_compute_api:os-migrate-server:migrate_live",
                                           "os_compute_api:os-evacuate",
                                           "os_compute_api:os-instance-actions:events",
                                           "os_compute_api:os-instance-actions:events:details",
                                           "os_compute_api:os-migrations:index",
                                           "os_compute_api:servers:migrations:index",
                                           "os_compute_api:servers:migrations:show",
                                           "os_compute_api:os-server-diagnostics"};
  for (const char* a : kAdminOnly) p.register_default(a, "rule:admin_api");
}

Status authorize(const Policy& policy, const std::string& action, const Credentials& creds, const Json& target) {
  if (policy.allowed(action, creds, target)) return {};
  return Forbidden("Policy doesn't allow " + action + " to be performed.");
}

}  // namespace stacklab::compute
