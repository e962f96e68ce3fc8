// IdentityService: Keystone v3 for the rest of the cloud.
//
// This is identity's public header: api/identity maps REST onto it, and every
// other service validates tokens and reads the catalog through it, never
// through identity's store tables. Entities travel as JSON documents in the
// shape of Keystone's API (without `links`, which api/ adds); see model.h for
// their fields. Every method runs on the engine loop, except
// verify_secrets(), which is safe on a worker thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/identity/model.h"

namespace stacklab::identity {

struct IdentityOptions {
  Duration token_expiration = std::chrono::hours(1);  // [token] expiration, seconds
  int password_hash_rounds = 10000;                   // [identity] password_hash_rounds (PBKDF2-SHA512)
  int max_password_length = 4096;                     // [identity] max_password_length
};

// What a valid token says about its bearer, as Keystone's token body does.
struct AuthContext {
  std::string token;                 // the token string (X-Subject-Token)
  std::vector<std::string> methods;  // "password", "token", "application_credential"
  std::string user_id, user_name, user_domain_id, user_domain_name;
  std::string project_id, project_name, project_domain_id, project_domain_name;  // project scope
  std::string domain_id, domain_name;                                            // domain scope
  bool system_scope = false;                                                     // system scope ("all")
  std::vector<Json> roles;             // [{"id", "name"}], effective (implied roles included)
  std::vector<std::string> audit_ids;  // this token's audit id, then its parent's (token method)
  std::string app_cred_id;             // when issued for an application credential
  TimePoint issued_at, expires_at;

  bool scoped() const { return !project_id.empty() || !domain_id.empty() || system_scope; }
  // The policy view of this token.
  Credentials credentials() const;
};

// Filters for list_role_assignments (GET /v3/role_assignments).
struct AssignmentQuery {
  std::string user_id, group_id, project_id, domain_id, role_id;
  bool system = false;     // scope.system=all
  bool effective = false;  // expand groups and implied roles, as Keystone's ?effective
  bool include_names = false;
};

class IdentityService {
 public:
  IdentityService(Store& store, Clock& clock, Random& random, IdentityOptions options = {});

  const Policy& policy() const { return policy_; }
  Policy& mutable_policy() { return policy_; }
  const IdentityOptions& options() const { return options_; }

  // ---- Tokens (POST/GET/HEAD/DELETE /v3/auth/tokens) -----------------------
  // Authentication runs in three steps so that the slow password hash is
  // checked off the loop: plan_auth() resolves who and what scope (loop),
  // verify_secrets() checks passwords and secrets (any thread, no state),
  // complete_auth() issues the token (loop). `auth` is the request's "auth"
  // object. Any failure of who/secret is 401 with one message for all causes.
  struct AuthPlan {
    Json auth;
    std::string user_id;
    std::vector<std::pair<std::string, std::string>> secret_checks;  // (stored hash, candidate)
    std::optional<AuthContext> subject;                              // token method: the presented token
    std::string app_cred_id;
  };
  Result<AuthPlan> plan_auth(const Json& auth);
  static bool verify_secrets(const AuthPlan& plan);
  Result<AuthContext> complete_auth(const AuthPlan& plan, bool secrets_ok);
  // The three steps on the calling thread (tests, bootstrap, benchmarks).
  Result<AuthContext> authenticate(const Json& auth);

  // Unauthorized if the token is malformed, expired or revoked, or its user,
  // project or domain is gone or disabled; NotFound when `as_subject` (the
  // X-Subject-Token of a validation, which Keystone answers with 404).
  Result<AuthContext> validate_token(const std::string& token, bool as_subject = false) const;
  // Revokes one token (and those issued from it with the token method).
  Status revoke_token(const AuthContext& token);
  // The token's response body ({"token": {...}}), with or without catalog.
  Json token_body(const AuthContext& token, bool with_catalog) const;
  // The service catalog as a token scoped like `token` sees it.
  Json catalog_for(const AuthContext& token) const;

  // ---- Domains and projects ----------------------------------------------
  Result<Json> create_domain(const Json& in);
  Result<Json> get_domain(const std::string& id) const;
  Result<Json> find_domain_by_name(const std::string& name) const;
  std::vector<Json> list_domains() const;
  Result<Json> update_domain(const std::string& id, const Json& patch);
  Status delete_domain(const std::string& id);

  Result<Json> create_project(const Json& in);
  Result<Json> get_project(const std::string& id) const;
  Result<Json> find_project(const std::string& name, const std::string& domain_id) const;
  // Domains are projects too (is_domain true, as Keystone keeps them): get, update
  // and delete of a domain's id through these act on the domain, and
  // create_project with is_domain true creates one. list_projects() lists them
  // only when asked (Keystone's GET /v3/projects without ?is_domain leaves them out).
  std::vector<Json> list_projects(bool with_domains = false) const;
  Result<Json> update_project(const std::string& id, const Json& patch);
  Status delete_project(const std::string& id);
  // Projects where the user has a role (directly, through a group, or a domain-inherited one).
  std::vector<Json> list_user_projects(const std::string& user_id) const;
  // Domains where the user has a role.
  std::vector<Json> list_user_domains(const std::string& user_id) const;
  Result<std::vector<std::string>> project_tags(const std::string& project_id) const;
  Status set_project_tags(const std::string& project_id, const std::vector<std::string>& tags);

  // ---- Users and groups ----------------------------------------------------
  Result<Json> create_user(const Json& in);  // "password" in `in` is hashed, never stored
  Result<Json> get_user(const std::string& id) const;
  Result<Json> find_user(const std::string& name, const std::string& domain_id) const;
  std::vector<Json> list_users() const;
  Result<Json> update_user(const std::string& id, const Json& patch);
  Status delete_user(const std::string& id);
  // The user's own change: needs the original password (401 if wrong).
  Status change_password(const std::string& user_id, const std::string& original, const std::string& password);

  Result<Json> create_group(const Json& in);
  Result<Json> get_group(const std::string& id) const;
  std::vector<Json> list_groups() const;
  Result<Json> update_group(const std::string& id, const Json& patch);
  Status delete_group(const std::string& id);
  Status add_user_to_group(const std::string& group_id, const std::string& user_id);
  Status remove_user_from_group(const std::string& group_id, const std::string& user_id);
  Status check_user_in_group(const std::string& group_id, const std::string& user_id) const;
  Result<std::vector<Json>> list_group_users(const std::string& group_id) const;
  Result<std::vector<Json>> list_user_groups(const std::string& user_id) const;

  // ---- Roles, implied roles, assignments ----------------------------------
  Result<Json> create_role(const Json& in);
  Result<Json> get_role(const std::string& id) const;
  // Exact name first, then case-insensitively (as a MySQL-backed Keystone matches).
  Result<Json> find_role(const std::string& name) const;
  std::vector<Json> list_roles() const;
  Result<Json> update_role(const std::string& id, const Json& patch);
  Status delete_role(const std::string& id);

  Status create_implied_role(const std::string& prior_id, const std::string& implied_id);
  Status delete_implied_role(const std::string& prior_id, const std::string& implied_id);
  Status check_implied_role(const std::string& prior_id, const std::string& implied_id) const;
  std::vector<Json> list_implied_roles(const std::string& prior_id) const;  // direct implications
  std::vector<Json> list_role_inference_rules() const;

  // A grant: `actor` (user or group) has `role` on `target` (project, domain or system).
  struct Grant {
    enum class Actor { kUser, kGroup } actor = Actor::kUser;
    enum class Target { kProject, kDomain, kSystem } target = Target::kProject;
    std::string actor_id, target_id, role_id;  // target_id "all" for system
    bool inherited = false;                    // OS-INHERIT: to the domain's projects
  };
  Status grant(const Grant& g);
  Status revoke_grant(const Grant& g);
  Status check_grant(const Grant& g) const;
  Result<std::vector<Json>> list_grants(const Grant& g) const;  // role_id ignored: roles granted
  // Keystone's role assignment entries ({"role", "user"|"group", "scope"}). An
  // effective entry may carry where it came from, for the API's links:
  // "_membership" (the group), "_prior_role" (the implying role),
  // "_inherited_from" (the OS-INHERIT grant's scope).
  std::vector<Json> list_role_assignments(const AssignmentQuery& q) const;
  // Effective role ids of a user on a project / domain / the system.
  std::vector<std::string> effective_roles(const std::string& user_id, Grant::Target target,
                                           const std::string& target_id) const;

  // ---- Catalog -------------------------------------------------------------
  Result<Json> create_region(const Json& in);
  Result<Json> get_region(const std::string& id) const;
  std::vector<Json> list_regions() const;
  Result<Json> update_region(const std::string& id, const Json& patch);
  Status delete_region(const std::string& id);

  Result<Json> create_service(const Json& in);
  Result<Json> get_service(const std::string& id) const;
  std::vector<Json> list_services() const;
  Result<Json> update_service(const std::string& id, const Json& patch);
  Status delete_service(const std::string& id);

  Result<Json> create_endpoint(const Json& in);
  Result<Json> get_endpoint(const std::string& id) const;
  std::vector<Json> list_endpoints() const;
  Result<Json> update_endpoint(const std::string& id, const Json& patch);
  Status delete_endpoint(const std::string& id);

  // ---- Credentials (/v3/credentials: blobs a user keeps, e.g. EC2 keys) -----
  // An "ec2" credential needs a project_id and a JSON blob with "access"; its
  // id is the SHA-256 of the access key, as Keystone makes it. Deleted with
  // their user or project.
  Result<Json> create_credential(const Json& in);
  Result<Json> get_credential(const std::string& id) const;
  std::vector<Json> list_credentials() const;
  Result<Json> update_credential(const std::string& id, const Json& patch);
  Status delete_credential(const std::string& id);

  // OS-EC2 (/v3/users/{user_id}/credentials/OS-EC2): ec2 credentials seen as
  // {user_id, tenant_id, access, secret, trust_id, ...}, addressed by access key.
  Result<Json> create_ec2_credential(const std::string& user_id, const std::string& project_id);
  Result<std::vector<Json>> list_ec2_credentials(const std::string& user_id) const;
  Result<Json> get_ec2_credential(const std::string& user_id, const std::string& access) const;
  Status delete_ec2_credential(const std::string& user_id, const std::string& access);

  // ---- Policies (/v3/policies: blobs stored for other services; never enforced)
  Result<Json> create_policy(const Json& in);
  Result<Json> get_policy(const std::string& id) const;
  std::vector<Json> list_policies() const;
  Result<Json> update_policy(const std::string& id, const Json& patch);
  Status delete_policy(const std::string& id);

  // ---- Application credentials (owned by a user, bound to a project) -------
  // The returned document carries "secret" this once; only its hash is kept.
  Result<Json> create_application_credential(const AuthContext& creator, const std::string& user_id, const Json& in);
  Result<Json> get_application_credential(const std::string& user_id, const std::string& id) const;
  std::vector<Json> list_application_credentials(const std::string& user_id) const;
  Status delete_application_credential(const std::string& user_id, const std::string& id);

 private:
  friend class IdentityTestPeer;
  Result<Json> create_entity(const EntitySpec& spec, Json doc);
  Result<Json> update_entity(const EntitySpec& spec, const std::string& id, const Json& patch);
  Result<Json> get_entity(const EntitySpec& spec, const std::string& id) const;
  std::vector<Json> list_entity(const EntitySpec& spec) const;
  Status revoke_by(const std::string& field, const std::string& value);
  bool token_revoked(const AuthContext& ctx) const;
  Result<AuthContext> build_context(const std::string& user_id, const Json& scope, std::vector<std::string> methods,
                                    std::vector<std::string> audit_ids, const std::string& app_cred_id,
                                    std::optional<TimePoint> expires_at, TimePoint issued_at) const;
  std::vector<std::string> expand_implied(std::vector<std::string> role_ids) const;
  bool is_domain_specific_role(const std::string& role_id) const;
  std::vector<std::string> project_ancestors(const std::string& project_id) const;
  std::vector<std::string> project_subtree(const std::string& project_id) const;
  std::vector<std::string> user_group_ids(const std::string& user_id) const;
  std::string hash_password(const std::string& password) const;
  std::string token_key() const;

  // Catalogs by project id, valid while the service and endpoint tables keep
  // the versions they had when built (the catalog is in most token bodies).
  mutable std::pair<std::uint64_t, std::uint64_t> catalog_versions_{~0ull, ~0ull};
  mutable std::map<std::string, Json> catalog_cache_;

  Store& store_;
  Clock& clock_;
  Random& random_;
  IdentityOptions options_;
  Policy policy_;
};

}  // namespace stacklab::identity
