// Roles, implied roles, and who has which role where (Keystone's
// "assignment" backend).
#include <algorithm>
#include <cctype>
#include <set>

#include "engine/identity/identity_service.h"

namespace stacklab::identity {

namespace {

using Grant = IdentityService::Grant;

std::string type_of(const Grant& g) {
  std::string t = g.actor == Grant::Actor::kUser ? "User" : "Group";
  switch (g.target) {
    case Grant::Target::kProject:
      return t + "Project";
    case Grant::Target::kDomain:
      return t + "Domain";
    case Grant::Target::kSystem:
      return t + "System";
  }
  return t;
}

std::string assignment_id(const Grant& g) {
  return type_of(g) + ":" + g.actor_id + ":" + g.target_id + ":" + g.role_id + (g.inherited ? ":inherited" : "");
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---- roles -----------------------------------------------------------------

Result<Json> IdentityService::create_role(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the role must be a JSON object.");
  Json doc = in;
  if (!doc.contains("domain_id")) doc["domain_id"] = nullptr;
  if (!doc.contains("description")) doc["description"] = nullptr;
  if (!doc.contains("options")) doc["options"] = Json::object();
  return create_entity(kRoleSpec, doc);
}

Result<Json> IdentityService::get_role(const std::string& id) const { return get_entity(kRoleSpec, id); }

Result<Json> IdentityService::find_role(const std::string& name) const {
  auto exact = store_.find("role", "name", name);
  if (!exact.empty()) return *exact.front();
  for (const Json* r : store_.list("role"))
    if (lower((*r)["name"]) == lower(name)) return *r;
  return NotFound("Could not find role: " + name + ".");
}

std::vector<Json> IdentityService::list_roles() const { return list_entity(kRoleSpec); }

Result<Json> IdentityService::update_role(const std::string& id, const Json& patch) {
  return update_entity(kRoleSpec, id, patch);
}

Status IdentityService::delete_role(const std::string& id) {
  if (!store_.get("role", id)) return NotFound("Could not find role: " + id + ".");
  return store_.transaction([&]() -> Status {
    for (const Json* a : store_.find("assignment", "role_id", id)) {
      Status st = store_.erase("assignment", (*a)["id"]);
      if (!st.ok()) return st;
    }
    for (const char* field : {"prior_role_id", "implied_role_id"})
      for (const Json* r : store_.find("implied_role", field, id)) {
        Status st = store_.erase("implied_role", (*r)["id"]);
        if (!st.ok()) return st;
      }
    return store_.erase("role", id);
  });
}

// ---- implied roles ---------------------------------------------------------

Status IdentityService::create_implied_role(const std::string& prior_id, const std::string& implied_id) {
  if (!store_.get("role", prior_id)) return NotFound("Could not find role: " + prior_id + ".");
  if (!store_.get("role", implied_id)) return NotFound("Could not find role: " + implied_id + ".");
  if (prior_id == implied_id) return BadRequest("A role cannot imply itself.");
  auto closure = expand_implied({implied_id});
  if (std::find(closure.begin(), closure.end(), prior_id) != closure.end())
    return Forbidden("Cannot create an implied role that would form a cycle.");
  std::string id = prior_id + ":" + implied_id;
  return store_.put("implied_role", id, Json{{"id", id}, {"prior_role_id", prior_id}, {"implied_role_id", implied_id}});
}

Status IdentityService::check_implied_role(const std::string& prior_id, const std::string& implied_id) const {
  if (!store_.get("role", prior_id)) return NotFound("Could not find role: " + prior_id + ".");
  if (!store_.get("role", implied_id)) return NotFound("Could not find role: " + implied_id + ".");
  if (!store_.get("implied_role", prior_id + ":" + implied_id))
    return NotFound("Could not find implied role: " + prior_id + " implies " + implied_id + ".");
  return {};
}

Status IdentityService::delete_implied_role(const std::string& prior_id, const std::string& implied_id) {
  Status st = check_implied_role(prior_id, implied_id);
  if (!st.ok()) return st;
  return store_.erase("implied_role", prior_id + ":" + implied_id);
}

std::vector<Json> IdentityService::list_implied_roles(const std::string& prior_id) const {
  std::vector<Json> out;
  for (const Json* r : store_.find("implied_role", "prior_role_id", prior_id))
    if (const Json* role = store_.get("role", (*r)["implied_role_id"])) out.push_back(*role);
  return out;
}

std::vector<Json> IdentityService::list_role_inference_rules() const {
  std::vector<Json> out;
  for (const Json* r : store_.list("implied_role")) out.push_back(*r);
  return out;
}

std::vector<std::string> IdentityService::expand_implied(std::vector<std::string> role_ids) const {
  std::set<std::string> seen(role_ids.begin(), role_ids.end());
  for (std::size_t i = 0; i < role_ids.size(); ++i) {
    for (const Json* r : store_.find("implied_role", "prior_role_id", role_ids[i])) {
      std::string implied = (*r)["implied_role_id"];
      if (seen.insert(implied).second) role_ids.push_back(implied);
    }
  }
  return role_ids;
}

// ---- grants ----------------------------------------------------------------

static Status check_grant_parts(const Store& store, const Grant& g) {
  const char* actor_kind = g.actor == Grant::Actor::kUser ? "user" : "group";
  if (!store.get(actor_kind, g.actor_id))
    return NotFound(std::string("Could not find ") + actor_kind + ": " + g.actor_id + ".");
  if (g.target == Grant::Target::kProject && !store.get("project", g.target_id))
    return NotFound("Could not find project: " + g.target_id + ".");
  if (g.target == Grant::Target::kDomain && !store.get("domain", g.target_id))
    return NotFound("Could not find domain: " + g.target_id + ".");
  if (!g.role_id.empty() && !store.get("role", g.role_id)) return NotFound("Could not find role: " + g.role_id + ".");
  return {};
}

Status IdentityService::grant(const Grant& g) {
  Status st = check_grant_parts(store_, g);
  if (!st.ok()) return st;
  std::string id = assignment_id(g);
  return store_.put("assignment", id,
                    Json{{"id", id},
                         {"type", type_of(g)},
                         {"actor_id", g.actor_id},
                         {"target_id", g.target_id},
                         {"role_id", g.role_id},
                         {"inherited", g.inherited}});
}

Status IdentityService::check_grant(const Grant& g) const {
  Status st = check_grant_parts(store_, g);
  if (!st.ok()) return st;
  if (!store_.get("assignment", assignment_id(g)))
    return NotFound("Could not find role assignment with role: " + g.role_id + ", user or group: " + g.actor_id +
                    ", project, domain, or system: " + g.target_id + ".");
  return {};
}

Status IdentityService::revoke_grant(const Grant& g) {
  Status st = check_grant(g);
  if (!st.ok()) return st;
  return store_.erase("assignment", assignment_id(g));
}

Result<std::vector<Json>> IdentityService::list_grants(const Grant& g) const {
  Grant parts = g;
  parts.role_id.clear();
  Status st = check_grant_parts(store_, parts);
  if (!st.ok()) return st;
  std::vector<Json> out;
  std::string type = type_of(g);
  for (const Json* a : store_.find("assignment", "actor_id", g.actor_id)) {
    if ((*a)["type"] != Json(type) || (*a)["target_id"] != Json(g.target_id)) continue;
    if ((*a).value("inherited", false) != g.inherited) continue;
    if (const Json* r = store_.get("role", (*a)["role_id"])) out.push_back(*r);
  }
  return out;
}

std::vector<std::string> IdentityService::effective_roles(const std::string& user_id, Grant::Target target,
                                                          const std::string& target_id) const {
  std::vector<std::string> actors = user_group_ids(user_id);
  actors.push_back(user_id);
  std::string inherited_from;          // a project's domain passes down inherited grants
  std::vector<std::string> ancestors;  // and so do its parent projects (OS-INHERIT on projects)
  if (target == Grant::Target::kProject) {
    if (const Json* p = store_.get("project", target_id)) inherited_from = (*p)["domain_id"];
    ancestors = project_ancestors(target_id);
  }
  auto is_ancestor = [&ancestors](const Json& id) {
    return std::find(ancestors.begin(), ancestors.end(), id.get<std::string>()) != ancestors.end();
  };
  std::vector<std::string> roles;
  for (const auto& actor : actors) {
    for (const Json* a : store_.find("assignment", "actor_id", actor)) {
      const std::string& type = (*a)["type"].get_ref<const std::string&>();
      bool inherited = (*a).value("inherited", false);
      bool match = false;
      if (target == Grant::Target::kProject)
        match = (type.ends_with("Project") && (*a)["target_id"] == Json(target_id) && !inherited) ||
                (type.ends_with("Project") && inherited && is_ancestor((*a)["target_id"])) ||
                (type.ends_with("Domain") && inherited && (*a)["target_id"] == Json(inherited_from));
      else if (target == Grant::Target::kDomain)
        match = type.ends_with("Domain") && !inherited && (*a)["target_id"] == Json(target_id);
      else
        match = type.ends_with("System");
      std::string rid = (*a)["role_id"];
      if (match && std::find(roles.begin(), roles.end(), rid) == roles.end()) roles.push_back(rid);
    }
  }
  roles = expand_implied(roles);
  std::erase_if(roles, [this](const std::string& rid) { return is_domain_specific_role(rid); });
  return roles;
}

// The projects above `project_id`, nearest first (the domain, its top parent, excluded).
std::vector<std::string> IdentityService::project_ancestors(const std::string& project_id) const {
  std::vector<std::string> out;
  const Json* p = store_.get("project", project_id);
  while (p && (*p)["parent_id"].is_string()) {
    p = store_.get("project", (*p)["parent_id"].get<std::string>());
    if (!p || std::find(out.begin(), out.end(), (*p)["id"].get<std::string>()) != out.end()) break;
    out.push_back((*p)["id"]);
  }
  return out;
}

// The projects below `project_id`, at any depth (itself excluded).
std::vector<std::string> IdentityService::project_subtree(const std::string& project_id) const {
  std::vector<std::string> out;
  std::vector<std::string> todo = {project_id};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    for (const Json* c : store_.find("project", "parent_id", id)) {
      std::string cid = (*c)["id"];
      if (cid == project_id || std::find(out.begin(), out.end(), cid) != out.end()) continue;
      out.push_back(cid);
      todo.push_back(cid);
    }
  }
  return out;
}

// A role with a domain_id: it only carries the roles it implies, and never
// shows in a token or an effective assignment itself (Keystone's
// _strip_domain_roles).
bool IdentityService::is_domain_specific_role(const std::string& role_id) const {
  const Json* r = store_.get("role", role_id);
  return r && r->contains("domain_id") && (*r)["domain_id"].is_string();
}

std::vector<Json> IdentityService::list_role_assignments(const AssignmentQuery& q) const {
  // Each assignment as Keystone shows it: {"role", "user"|"group", "scope"}.
  std::vector<Json> direct;
  for (const Json* a : store_.list("assignment")) {
    const std::string& type = (*a)["type"].get_ref<const std::string&>();
    Json e;
    e["role"] = {{"id", (*a)["role_id"]}};
    e[type.rfind("User", 0) == 0 ? "user" : "group"] = {{"id", (*a)["actor_id"]}};
    if (type.ends_with("Project"))
      e["scope"] = {{"project", {{"id", (*a)["target_id"]}}}};
    else if (type.ends_with("Domain"))
      e["scope"] = {{"domain", {{"id", (*a)["target_id"]}}}};
    else
      e["scope"] = {{"system", {{"all", true}}}};
    if ((*a).value("inherited", false)) e["scope"]["OS-INHERIT:inherited_to"] = "projects";
    direct.push_back(std::move(e));
  }
  std::vector<Json> entries;
  if (!q.effective) {
    entries = std::move(direct);
  } else {
    // Groups become their members, inherited domain grants become the
    // domain's projects, and each role brings the roles it implies.
    for (auto& e : direct) {
      std::vector<Json> expanded;
      if (e.contains("group")) {
        for (const Json* m : store_.find("group_member", "group_id", e["group"]["id"])) {
          Json u = e;
          u.erase("group");
          u["user"] = {{"id", (*m)["user_id"]}};
          u["_membership"] = e["group"]["id"];
          expanded.push_back(u);
        }
      } else {
        expanded.push_back(e);
      }
      for (auto& x : expanded) {
        std::vector<Json> scoped;
        if (x["scope"].contains("OS-INHERIT:inherited_to")) {
          // A domain's inherited grant reaches all its projects; a project's, its subtree (not itself).
          std::vector<std::string> reached;
          if (x["scope"].contains("domain")) {
            for (const Json* p : store_.find("project", "domain_id", x["scope"]["domain"]["id"]))
              reached.push_back((*p)["id"]);
          } else if (x["scope"].contains("project")) {
            reached = project_subtree(x["scope"]["project"]["id"]);
          }
          for (const auto& pid : reached) {
            Json y = x;
            y["scope"] = {{"project", {{"id", pid}}}};
            y["_inherited_from"] = x["scope"];
            scoped.push_back(y);
          }
        } else {
          scoped.push_back(x);
        }
        for (auto& y : scoped) {
          std::string prior = y["role"]["id"];
          for (const auto& rid : expand_implied({prior})) {
            if (is_domain_specific_role(rid)) continue;
            Json z = y;
            z["role"] = {{"id", rid}};
            if (rid != prior) z["_prior_role"] = prior;
            entries.push_back(z);
          }
        }
      }
    }
  }
  std::vector<Json> out;
  for (auto& e : entries) {
    const Json& scope = e["scope"];
    if (!q.user_id.empty() && !(e.contains("user") && e["user"]["id"] == Json(q.user_id))) continue;
    if (!q.group_id.empty() && !(e.contains("group") && e["group"]["id"] == Json(q.group_id))) continue;
    if (!q.role_id.empty() && e["role"]["id"] != Json(q.role_id)) continue;
    if (!q.project_id.empty() && !(scope.contains("project") && scope["project"]["id"] == Json(q.project_id))) continue;
    if (!q.domain_id.empty() && !(scope.contains("domain") && scope["domain"]["id"] == Json(q.domain_id))) continue;
    if (q.system && !scope.contains("system")) continue;
    if (q.include_names) {
      auto name_of = [&](const char* kind, const Json& id, bool with_domain) {
        Json out = {{"id", id}};
        if (const Json* d = store_.get(kind, id.get<std::string>())) {
          out["name"] = (*d).value("name", Json());
          if (with_domain && d->contains("domain_id") && (*d)["domain_id"].is_string()) {
            Json dom = {{"id", (*d)["domain_id"]}};
            if (const Json* dd = store_.get("domain", (*d)["domain_id"])) dom["name"] = (*dd)["name"];
            out["domain"] = dom;
          }
        }
        return out;
      };
      e["role"] = name_of("role", e["role"]["id"], false);
      if (e.contains("user")) e["user"] = name_of("user", e["user"]["id"], true);
      if (e.contains("group")) e["group"] = name_of("group", e["group"]["id"], true);
      if (scope.contains("project")) e["scope"]["project"] = name_of("project", scope["project"]["id"], true);
      if (scope.contains("domain")) e["scope"]["domain"] = name_of("domain", scope["domain"]["id"], false);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace stacklab::identity
