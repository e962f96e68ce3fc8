// /v3/roles, implied roles, grants (project, domain, system; users and
// groups; OS-INHERIT) and /v3/role_assignments.
#include "api/identity/identity_routes.h"

namespace stacklab::api::identity_api {

namespace {

using Grant = IdentityService::Grant;

Json role_ref(const Request& req, const Ctx& ctx, const std::string& id) {
  Json out = {{"id", id}, {"links", {{"self", req.service_url() + "/v3/roles/" + id}}}};
  if (auto r = ctx.identity.get_role(id); r.ok()) out["name"] = (*r)["name"];
  return out;
}

bool truthy(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = *v;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s.empty() || s == "true" || s == "1" || s == "yes";
}

// Registers PUT/GET/HEAD/DELETE of one grant and GET of its role list, under `base`
// (e.g. "/v3/projects/{target_id}/users/{actor_id}/roles").
void add_grant_routes(Router& r, Ctx ctx, const std::string& base, Grant::Actor actor, Grant::Target target,
                      bool inherited, const std::string& suffix, const std::string& policy_kind) {
  auto grant_of = [actor, target, inherited](Request& req) {
    Grant g;
    g.actor = actor;
    g.target = target;
    g.actor_id = req.params["actor_id"];
    g.target_id = target == Grant::Target::kSystem ? "all" : req.params["target_id"];
    g.role_id = req.params.count("role_id") ? req.params["role_id"] : "";
    g.inherited = inherited;
    return g;
  };
  std::string one = base + "/{role_id}" + suffix;
  auto action = [policy_kind](const char* verb) {
    return policy_kind.empty() ? std::string("identity:") + verb + "_grant"
                               : std::string("identity:") + verb + "_system_grant_for_" + policy_kind;
  };
  r.add_sync("PUT", one, [ctx, grant_of, action](Request& req) {
    Status st = enforce(ctx, req, action("create"));
    if (st.ok()) st = ctx.identity.grant(grant_of(req));
    return st.ok() ? empty_response(204) : fail(st);
  });
  for (const char* m : {"GET", "HEAD"})
    r.add_sync(m, one, [ctx, grant_of, action](Request& req) {
      Status st = enforce(ctx, req, action("check"));
      if (st.ok()) st = ctx.identity.check_grant(grant_of(req));
      return st.ok() ? empty_response(204) : fail(st);
    });
  r.add_sync("DELETE", one, [ctx, grant_of, action](Request& req) {
    Status st = enforce(ctx, req, action("revoke"));
    if (st.ok()) st = ctx.identity.revoke_grant(grant_of(req));
    return st.ok() ? empty_response(204) : fail(st);
  });
  // The list: GET <base>, or for OS-INHERIT on a domain GET <base>/inherited_to_projects
  // (Keystone has no list of a project's inherited grants).
  if (!suffix.empty() && target != Grant::Target::kDomain) return;
  r.add_sync("GET", base + suffix, [ctx, grant_of, policy_kind](Request& req) {
    // Keystone names these list_grants and list_system_grants_for_<actor>.
    std::string list_action =
        policy_kind.empty() ? "identity:list_grants" : "identity:list_system_grants_for_" + policy_kind;
    Status st = enforce(ctx, req, list_action);
    if (!st.ok()) return fail(st);
    auto roles = ctx.identity.list_grants(grant_of(req));
    if (!roles.ok()) return fail(roles.status());
    return collection(req, "roles", *roles, {"name"});
  });
}

Json inference(const Request& req, const Ctx& ctx, const std::string& prior, const Json& implies) {
  return {{"prior_role", role_ref(req, ctx, prior)}, {"implies", implies}};
}

}  // namespace

void add_role_routes(Router& r, Ctx ctx) {
  // ---- roles ----
  r.add_sync("POST", "/v3/roles", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_role");
    if (!st.ok()) return fail(st);
    auto in = member(req, "role");
    if (!in.ok()) return fail(in.status());
    return entity(req, 201, "role", "roles", ctx.identity.create_role(*in));
  });
  r.add_sync("GET", "/v3/roles", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_roles");
    if (!st.ok()) return fail(st);
    auto roles = ctx.identity.list_roles();
    if (!req.query_param("domain_id")) std::erase_if(roles, [](const Json& r) { return !r["domain_id"].is_null(); });
    return collection(req, "roles", std::move(roles), {"name", "domain_id"});
  });
  r.add_sync("GET", "/v3/roles/{role_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_role");
    if (!st.ok()) return fail(st);
    return entity(req, 200, "role", "roles", ctx.identity.get_role(req.params["role_id"]));
  });
  r.add_sync("PATCH", "/v3/roles/{role_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:update_role");
    if (!st.ok()) return fail(st);
    auto in = member(req, "role");
    if (!in.ok()) return fail(in.status());
    return entity(req, 200, "role", "roles", ctx.identity.update_role(req.params["role_id"], *in));
  });
  r.add_sync("DELETE", "/v3/roles/{role_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_role");
    if (st.ok()) st = ctx.identity.delete_role(req.params["role_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  // ---- implied roles ----
  r.add_sync("PUT", "/v3/roles/{prior_id}/implies/{implied_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:create_implied_role");
    if (st.ok()) st = ctx.identity.create_implied_role(req.params["prior_id"], req.params["implied_id"]);
    if (!st.ok()) return fail(st);
    return json_response(201, {{"role_inference", inference(req, ctx, req.params["prior_id"],
                                                            role_ref(req, ctx, req.params["implied_id"]))}});
  });
  r.add_sync("GET", "/v3/roles/{prior_id}/implies/{implied_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:get_implied_role");
    if (st.ok()) st = ctx.identity.check_implied_role(req.params["prior_id"], req.params["implied_id"]);
    if (!st.ok()) return fail(st);
    return json_response(200, {{"role_inference", inference(req, ctx, req.params["prior_id"],
                                                            role_ref(req, ctx, req.params["implied_id"]))}});
  });
  r.add_sync("HEAD", "/v3/roles/{prior_id}/implies/{implied_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:check_implied_role");
    if (st.ok()) st = ctx.identity.check_implied_role(req.params["prior_id"], req.params["implied_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("DELETE", "/v3/roles/{prior_id}/implies/{implied_id}", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:delete_implied_role");
    if (st.ok()) st = ctx.identity.delete_implied_role(req.params["prior_id"], req.params["implied_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("GET", "/v3/roles/{prior_id}/implies", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_implied_roles");
    if (!st.ok()) return fail(st);
    auto prior = ctx.identity.get_role(req.params["prior_id"]);
    if (!prior.ok()) return fail(prior.status());
    Json implies = Json::array();
    for (const auto& role : ctx.identity.list_implied_roles(req.params["prior_id"]))
      implies.push_back(role_ref(req, ctx, role["id"]));
    return json_response(200, {{"role_inference", inference(req, ctx, req.params["prior_id"], implies)}});
  });
  r.add_sync("GET", "/v3/role_inferences", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_role_inference_rules");
    if (!st.ok()) return fail(st);
    std::map<std::string, Json> by_prior;
    for (const auto& rule : ctx.identity.list_role_inference_rules()) {
      auto& implies = by_prior[rule["prior_role_id"]];
      if (implies.is_null()) implies = Json::array();
      implies.push_back(role_ref(req, ctx, rule["implied_role_id"]));
    }
    Json list = Json::array();
    for (auto& [prior, implies] : by_prior) list.push_back(inference(req, ctx, prior, implies));
    return json_response(200, {{"role_inferences", list}, {"links", {{"self", req.host_url + req.full_path}}}});
  });

  // ---- grants ----
  using A = Grant::Actor;
  using T = Grant::Target;
  add_grant_routes(r, ctx, "/v3/projects/{target_id}/users/{actor_id}/roles", A::kUser, T::kProject, false, "", "");
  add_grant_routes(r, ctx, "/v3/projects/{target_id}/groups/{actor_id}/roles", A::kGroup, T::kProject, false, "", "");
  add_grant_routes(r, ctx, "/v3/domains/{target_id}/users/{actor_id}/roles", A::kUser, T::kDomain, false, "", "");
  add_grant_routes(r, ctx, "/v3/domains/{target_id}/groups/{actor_id}/roles", A::kGroup, T::kDomain, false, "", "");
  add_grant_routes(r, ctx, "/v3/OS-INHERIT/domains/{target_id}/users/{actor_id}/roles", A::kUser, T::kDomain, true,
                   "/inherited_to_projects", "");
  add_grant_routes(r, ctx, "/v3/OS-INHERIT/domains/{target_id}/groups/{actor_id}/roles", A::kGroup, T::kDomain, true,
                   "/inherited_to_projects", "");
  add_grant_routes(r, ctx, "/v3/OS-INHERIT/projects/{target_id}/users/{actor_id}/roles", A::kUser, T::kProject, true,
                   "/inherited_to_projects", "");
  add_grant_routes(r, ctx, "/v3/OS-INHERIT/projects/{target_id}/groups/{actor_id}/roles", A::kGroup, T::kProject, true,
                   "/inherited_to_projects", "");
  add_grant_routes(r, ctx, "/v3/system/users/{actor_id}/roles", A::kUser, T::kSystem, false, "", "user");
  add_grant_routes(r, ctx, "/v3/system/groups/{actor_id}/roles", A::kGroup, T::kSystem, false, "", "group");

  // ---- role assignments ----
  r.add_sync("GET", "/v3/role_assignments", [ctx](Request& req) {
    Status st = enforce(ctx, req, "identity:list_role_assignments");
    if (!st.ok()) return fail(st);
    identity::AssignmentQuery q;
    q.user_id = req.query_param("user.id").value_or("");
    q.group_id = req.query_param("group.id").value_or("");
    q.role_id = req.query_param("role.id").value_or("");
    q.project_id = req.query_param("scope.project.id").value_or("");
    q.domain_id = req.query_param("scope.domain.id").value_or("");
    q.system = req.query_param("scope.system").has_value();
    q.effective = req.query_param("effective").has_value() && truthy(req.query_param("effective"));
    q.include_names = truthy(req.query_param("include_names"));
    if (q.effective && !q.group_id.empty())
      return fail(BadRequest("Combining effective and group filter will always result in an empty list."));
    Json list = Json::array();
    std::string base = req.service_url() + "/v3";
    for (auto& e : ctx.identity.list_role_assignments(q)) {
      // The link names the grant the entry comes from: for an effective entry
      // that an inherited grant gave, the OS-INHERIT grant on the domain or
      // parent project; for one a group gave, the group's grant.
      const Json scope = e.contains("_inherited_from") ? e["_inherited_from"] : e["scope"];
      e.erase("_inherited_from");
      std::string target = scope.contains("project")  ? "/projects/" + scope["project"]["id"].get<std::string>()
                           : scope.contains("domain") ? "/domains/" + scope["domain"]["id"].get<std::string>()
                                                      : "/system";
      std::string actor = e.contains("user") ? "/users/" + e["user"]["id"].get<std::string>()
                                             : "/groups/" + e["group"]["id"].get<std::string>();
      std::string prefix = scope.contains("OS-INHERIT:inherited_to") ? "/OS-INHERIT" : "";
      std::string suffix = scope.contains("OS-INHERIT:inherited_to") ? "/inherited_to_projects" : "";
      std::string role =
          e.contains("_prior_role") ? e["_prior_role"].get<std::string>() : e["role"]["id"].get<std::string>();
      Json links = {{"assignment", base + prefix + target + actor + "/roles/" + role + suffix}};
      if (e.contains("_membership")) {
        links["assignment"] =
            base + prefix + target + "/groups/" + e["_membership"].get<std::string>() + "/roles/" + role + suffix;
        links["membership"] = base + "/groups/" + e["_membership"].get<std::string>() + actor;
        e.erase("_membership");
      }
      if (e.contains("_prior_role")) {
        links["prior_role"] = base + "/roles/" + e["_prior_role"].get<std::string>();
        e.erase("_prior_role");
      }
      e["links"] = links;
      list.push_back(std::move(e));
    }
    return json_response(
        200, {{"role_assignments", list},
              {"links", {{"self", req.host_url + req.full_path}, {"previous", nullptr}, {"next", nullptr}}}});
  });
}

}  // namespace stacklab::api::identity_api
