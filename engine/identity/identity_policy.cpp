// Keystone's default policy, as its policies/*.py give it for clouds that have
// not enabled scope enforcement: admin on any project may administer, other
// users may see and manage only themselves.
#include "engine/identity/identity_policy.h"

namespace stacklab::identity {

void register_identity_policy(Policy& p) {
  p.register_default("admin_required", "role:admin");
  p.register_default("service_role", "role:service");
  p.register_default("service_or_admin", "rule:admin_required or rule:service_role");
  p.register_default("owner", "user_id:%(user_id)s");
  p.register_default("admin_or_owner", "rule:admin_required or rule:owner");
  p.register_default("token_subject", "user_id:%(target.token.user_id)s");
  p.register_default("admin_or_token_subject", "rule:admin_required or rule:token_subject");
  p.register_default("service_admin_or_token_subject", "rule:service_or_admin or rule:token_subject");

  const char* admin_only[] = {
      "identity:create_domain",
      "identity:update_domain",
      "identity:delete_domain",
      "identity:list_domains",
      "identity:create_project",
      "identity:update_project",
      "identity:delete_project",
      "identity:list_projects",
      "identity:create_project_tag",
      "identity:update_project_tags",
      "identity:delete_project_tag",
      "identity:delete_project_tags",
      "identity:create_user",
      "identity:update_user",
      "identity:delete_user",
      "identity:list_users",
      "identity:create_group",
      "identity:update_group",
      "identity:delete_group",
      "identity:list_groups",
      "identity:get_group",
      "identity:list_users_in_group",
      "identity:add_user_to_group",
      "identity:remove_user_from_group",
      "identity:check_user_in_group",
      "identity:create_role",
      "identity:update_role",
      "identity:delete_role",
      "identity:list_roles",
      "identity:get_role",
      "identity:create_implied_role",
      "identity:delete_implied_role",
      "identity:get_implied_role",
      "identity:check_implied_role",
      "identity:list_implied_roles",
      "identity:list_role_inference_rules",
      "identity:create_grant",
      "identity:revoke_grant",
      "identity:check_grant",
      "identity:list_grants",
      "identity:list_system_grants_for_user",
      "identity:check_system_grant_for_user",
      "identity:create_system_grant_for_user",
      "identity:revoke_system_grant_for_user",
      "identity:list_system_grants_for_group",
      "identity:check_system_grant_for_group",
      "identity:create_system_grant_for_group",
      "identity:revoke_system_grant_for_group",
      "identity:list_role_assignments",
      "identity:create_region",
      "identity:update_region",
      "identity:delete_region",
      "identity:create_service",
      "identity:update_service",
      "identity:delete_service",
      "identity:list_services",
      "identity:get_service",
      "identity:create_endpoint",
      "identity:update_endpoint",
      "identity:delete_endpoint",
      "identity:list_endpoints",
      "identity:get_endpoint",
      "identity:create_policy",
      "identity:update_policy",
      "identity:delete_policy",
      "identity:list_policies",
      "identity:get_policy",
  };
  for (const char* a : admin_only) p.register_default(a, "rule:admin_required");

  p.register_default("identity:get_domain",
                     "rule:admin_required or token.project.domain.id:%(target.domain.id)s or "
                     "domain_id:%(target.domain.id)s");
  p.register_default("identity:get_project", "rule:admin_required or project_id:%(target.project.id)s");
  p.register_default("identity:get_project_tag", "rule:admin_required or project_id:%(target.project.id)s");
  p.register_default("identity:list_project_tags", "rule:admin_required or project_id:%(target.project.id)s");
  p.register_default("identity:get_user", "rule:admin_required or user_id:%(target.user.id)s");
  p.register_default("identity:list_user_projects", "rule:admin_or_owner");
  p.register_default("identity:list_groups_for_user", "rule:admin_or_owner");
  p.register_default("identity:get_region", "");
  p.register_default("identity:list_regions", "");
  p.register_default("identity:validate_token", "rule:service_admin_or_token_subject");
  p.register_default("identity:check_token", "rule:admin_or_token_subject");
  p.register_default("identity:revoke_token", "rule:admin_or_token_subject");
  p.register_default("identity:get_auth_catalog", "");
  p.register_default("identity:get_auth_projects", "");
  p.register_default("identity:get_auth_domains", "");
  p.register_default("identity:get_auth_system", "");
  p.register_default("admin_or_credential_owner", "rule:admin_required or user_id:%(target.credential.user_id)s");
  for (const char* a : {"identity:create_credential", "identity:get_credential", "identity:list_credentials",
                        "identity:update_credential", "identity:delete_credential"})
    p.register_default(a, "rule:admin_or_credential_owner");
  for (const char* a : {"identity:ec2_create_credential", "identity:ec2_list_credentials",
                        "identity:ec2_get_credential", "identity:ec2_delete_credential"})
    p.register_default(a, "rule:admin_or_owner");
  p.register_default("identity:create_application_credential", "user_id:%(user_id)s");
  p.register_default("identity:get_application_credential", "rule:admin_or_owner");
  p.register_default("identity:list_application_credentials", "rule:admin_or_owner");
  p.register_default("identity:delete_application_credential", "rule:admin_or_owner");
}

}  // namespace stacklab::identity
