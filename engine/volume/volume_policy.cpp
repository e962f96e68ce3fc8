#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

void register_volume_policy(Policy& p) {
  p.register_default("context_is_admin", "role:admin");
  p.register_default("admin_api", "role:admin");
  p.register_default("admin_or_owner", "role:admin or project_id:%(project_id)s");
  for (const char* a : {"create",
                        "get",
                        "get_all",
                        "update",
                        "delete",
                        "extend",
                        "update_readonly_flag",
                        "create_snapshot",
                        "get_snapshot",
                        "get_all_snapshots",
                        "update_snapshot",
                        "delete_snapshot",
                        "get_volume_metadata",
                        "update_volume_metadata",
                        "delete_volume_metadata",
                        "get_snapshot_metadata",
                        "update_snapshot_metadata",
                        "delete_snapshot_metadata",
                        "attach",
                        "detach",
                        "reserve_volume",
                        "unreserve_volume",
                        "begin_detaching",
                        "roll_detaching",
                        "initialize_connection",
                        "terminate_connection",
                        "copy_volume_to_image",
                        "retype",
                        "extend_attached_volume",
                        "attachment_create",
                        "attachment_update",
                        "attachment_delete",
                        "attachment_complete"})
    p.register_default(std::string("volume:") + a, "rule:admin_or_owner");
  p.register_default("volume:update_volume_bootable", "rule:admin_or_owner");
  for (const char* a : {"create_transfer", "get_transfer", "get_all_transfers", "delete_transfer"})
    p.register_default(std::string("volume:") + a, "rule:admin_or_owner");
  p.register_default("volume:accept_transfer", "@");
  for (const char* a : {"create", "get", "get_all", "update", "delete", "restore"})
    p.register_default(std::string("backup:") + a, "rule:admin_or_owner");
  p.register_default("volume_extension:backup_admin_actions:reset_status", "rule:admin_api");
  p.register_default("volume_extension:backup_admin_actions:force_delete", "rule:admin_api");
  p.register_default("backup:backup_project_attribute", "rule:admin_api");
  p.register_default("backup:backup-export", "rule:admin_api");
  p.register_default("backup:backup-import", "rule:admin_api");
  for (const char* a : {"create", "get", "get_all", "update", "delete"})
    p.register_default(std::string("volume_extension:qos_specs_manage:") + a, "rule:admin_api");
  p.register_default("volume:get_all:all_tenants", "rule:admin_api");
  p.register_default("volume:force_delete", "rule:admin_api");
  p.register_default("volume_extension:volume_admin_actions:reset_status", "rule:admin_api");
  p.register_default("volume_extension:snapshot_admin_actions:reset_status", "rule:admin_api");
  p.register_default("volume_extension:volume_admin_actions:force_delete", "rule:admin_api");
  p.register_default("volume_extension:snapshot_admin_actions:force_delete", "rule:admin_api");
  p.register_default("volume_extension:types_manage", "rule:admin_api");
  p.register_default("volume_extension:types_extra_specs", "rule:admin_api");
  p.register_default("volume_extension:types_extra_specs:index", "@");
  p.register_default("volume_extension:types_extra_specs:show", "@");
  p.register_default("volume_extension:volume_type_access", "rule:admin_or_owner");
  p.register_default("volume_extension:volume_type_access:addProjectAccess", "rule:admin_api");
  p.register_default("volume_extension:volume_type_access:removeProjectAccess", "rule:admin_api");
  p.register_default("volume_extension:quotas:show", "rule:admin_or_owner");
  p.register_default("volume_extension:quotas:update", "rule:admin_api");
  p.register_default("volume_extension:quotas:delete", "rule:admin_api");
  p.register_default("volume_extension:quota_classes", "rule:admin_api");
  p.register_default("volume_extension:services:index", "rule:admin_api");
  p.register_default("volume_extension:services:update", "rule:admin_api");
  p.register_default("volume_extension:availability_zone_list", "@");
  p.register_default("limits_extension:used_limits", "rule:admin_or_owner");
}

Status authorize(const Policy& policy, const std::string& action, const Credentials& creds, const Json& target) {
  if (policy.allowed(action, creds, target)) return {};
  return Forbidden("Policy doesn't allow " + action + " to be performed.");
}

}  // namespace stacklab::volume
