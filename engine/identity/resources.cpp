// Domains and projects (Keystone's "resource" backend).
#include <set>

#include "engine/identity/identity_service.h"

namespace stacklab::identity {

namespace {

void set_defaults(Json& doc, const Json& defaults) {
  for (const auto& [k, v] : defaults.items())
    if (!doc.contains(k)) doc[k] = v;
}

// A domain seen through the projects API, as Keystone stores it: a root
// project with is_domain true and no domain or parent.
Json domain_as_project(const Json& domain) {
  Json p = domain;
  p["is_domain"] = true;
  p["domain_id"] = nullptr;
  p["parent_id"] = nullptr;
  return p;
}

}  // namespace

// ---- domains ---------------------------------------------------------------

Result<Json> IdentityService::create_domain(const Json& in) {
  Json doc = in;
  if (doc.is_object())
    set_defaults(doc, {{"description", ""}, {"enabled", true}, {"tags", Json::array()}, {"options", Json::object()}});
  return create_entity(kDomainSpec, doc);
}

Result<Json> IdentityService::get_domain(const std::string& id) const { return get_entity(kDomainSpec, id); }

Result<Json> IdentityService::find_domain_by_name(const std::string& name) const {
  auto found = store_.find("domain", "name", name);
  if (found.empty()) return NotFound("Could not find domain: " + name + ".");
  return *found.front();
}

std::vector<Json> IdentityService::list_domains() const { return list_entity(kDomainSpec); }

Result<Json> IdentityService::update_domain(const std::string& id, const Json& patch) {
  return update_entity(kDomainSpec, id, patch);
}

Status IdentityService::delete_domain(const std::string& id) {
  auto dom = get_domain(id);
  if (!dom.ok()) return dom.status();
  if ((*dom).value("enabled", true))
    return Forbidden("Cannot delete a domain that is enabled, please disable it first.");
  // Everything the domain owns goes with it, all or nothing.
  return store_.transaction([&]() -> Status {
    for (const Json* p : store_.find("project", "domain_id", id)) {
      std::string pid = (*p)["id"];
      for (const Json* a : store_.find("assignment", "target_id", pid)) {
        Status st = store_.erase("assignment", (*a)["id"]);
        if (!st.ok()) return st;
      }
      for (const char* kind : {"app_credential", "credential"})
        for (const Json* c : store_.find(kind, "project_id", pid)) {
          Status st = store_.erase(kind, (*c)["id"]);
          if (!st.ok()) return st;
        }
      Status st = store_.erase("project", pid);
      if (!st.ok()) return st;
    }
    for (const char* kind : {"user", "group"}) {
      for (const Json* e : store_.find(kind, "domain_id", id)) {
        std::string eid = (*e)["id"];
        Status st = std::string(kind) == "user" ? delete_user(eid) : delete_group(eid);
        if (!st.ok()) return st;
      }
    }
    for (const Json* a : store_.find("assignment", "target_id", id)) {
      Status st = store_.erase("assignment", (*a)["id"]);
      if (!st.ok()) return st;
    }
    return store_.erase("domain", id);
  });
}

// ---- projects --------------------------------------------------------------

Result<Json> IdentityService::create_project(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the project must be a JSON object.");
  Json doc = in;
  if (doc.contains("is_domain") && !doc["is_domain"].is_boolean())
    return BadRequest("Invalid input for field 'is_domain': " + doc["is_domain"].dump() + " is not of type 'boolean'");
  if (doc.value("is_domain", false)) {
    // A project acting as a domain is a domain (Keystone keeps both in one table).
    if (doc.contains("domain_id") && !doc["domain_id"].is_null())
      return BadRequest("Invalid input for field 'domain_id': a project acting as a domain has no domain_id");
    if (doc.contains("parent_id") && !doc["parent_id"].is_null())
      return BadRequest("Only root projects are allowed to act as domains.");
    Json dom = doc;
    for (const char* f : {"is_domain", "domain_id", "parent_id"}) dom.erase(f);
    auto created = create_domain(dom);
    if (!created.ok()) return created;
    return domain_as_project(*created);
  }
  if (!doc.contains("domain_id") || doc["domain_id"].is_null()) {
    if (doc.contains("parent_id") && doc["parent_id"].is_string()) {
      auto parent = get_project(doc["parent_id"]);
      if (parent.ok()) doc["domain_id"] = (*parent)["is_domain"] == true ? (*parent)["id"] : (*parent)["domain_id"];
    }
    if (!doc.contains("domain_id") || doc["domain_id"].is_null()) doc["domain_id"] = "default";
  }
  Status st = validate_fields(kProjectSpec, doc, true);
  if (!st.ok()) return st;
  std::string domain_id = doc["domain_id"];
  if (!store_.get("domain", domain_id)) return NotFound("Could not find domain: " + domain_id + ".");
  if (!doc.contains("parent_id") || doc["parent_id"].is_null()) {
    doc["parent_id"] = domain_id;
  } else {
    std::string parent_id = doc["parent_id"];
    if (parent_id != domain_id) {
      const Json* parent = store_.get("project", parent_id);
      if (!parent) return NotFound("Could not find project: " + parent_id + ".");
      if ((*parent)["domain_id"] != doc["domain_id"])
        return BadRequest("Cannot create project, the parent (" + parent_id + ") is in a different domain.");
    }
  }
  set_defaults(doc, {{"description", ""},
                     {"enabled", true},
                     {"is_domain", false},
                     {"tags", Json::array()},
                     {"options", Json::object()}});
  return create_entity(kProjectSpec, doc);
}

Result<Json> IdentityService::get_project(const std::string& id) const {
  if (!store_.get("project", id))
    if (const Json* d = store_.get("domain", id)) return domain_as_project(*d);
  return get_entity(kProjectSpec, id);
}

Result<Json> IdentityService::find_project(const std::string& name, const std::string& domain_id) const {
  for (const Json* p : store_.find("project", "name", name))
    if ((*p)["domain_id"] == Json(domain_id)) return *p;
  return NotFound("Could not find project: " + name + ".");
}

std::vector<Json> IdentityService::list_projects(bool with_domains) const {
  std::vector<Json> out = list_entity(kProjectSpec);
  if (with_domains)
    for (const Json* d : store_.list("domain")) out.push_back(domain_as_project(*d));
  return out;
}

Result<Json> IdentityService::update_project(const std::string& id, const Json& patch) {
  if (!store_.get("project", id) && store_.get("domain", id)) {
    if (!patch.is_object()) return BadRequest("Invalid input: the project must be a JSON object.");
    if (patch.contains("is_domain") && patch["is_domain"] != true)
      return BadRequest("Cannot change is_domain of a project");
    for (const char* f : {"domain_id", "parent_id"})
      if (patch.contains(f) && !patch[f].is_null())
        return BadRequest(std::string("Cannot change ") + f + " of a domain");
    Json dom = patch;
    for (const char* f : {"is_domain", "domain_id", "parent_id"}) dom.erase(f);
    auto updated = update_domain(id, dom);
    if (!updated.ok()) return updated;
    return domain_as_project(*updated);
  }
  if (patch.is_object()) {
    auto cur = get_project(id);
    if (!cur.ok()) return cur;
    if (patch.contains("domain_id") && patch["domain_id"] != (*cur)["domain_id"])
      return BadRequest("Cannot change Domain ID");
    if (patch.contains("parent_id") && patch["parent_id"] != (*cur)["parent_id"])
      return BadRequest("Cannot change the parent of a project");
    if (patch.contains("is_domain") && patch["is_domain"] != (*cur)["is_domain"])
      return BadRequest("Cannot change is_domain of a project");
    Json allowed = patch;
    allowed.erase("domain_id");
    allowed.erase("parent_id");
    allowed.erase("is_domain");
    return update_entity(kProjectSpec, id, allowed);
  }
  return update_entity(kProjectSpec, id, patch);
}

Status IdentityService::delete_project(const std::string& id) {
  if (!store_.get("project", id) && store_.get("domain", id)) return delete_domain(id);
  auto cur = get_project(id);
  if (!cur.ok()) return cur.status();
  if (!store_.find("project", "parent_id", id).empty())
    return Forbidden("Cannot delete the project " + id +
                     " since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a "
                     "subtree.");
  return store_.transaction([&]() -> Status {
    for (const Json* a : store_.find("assignment", "target_id", id)) {
      Status st = store_.erase("assignment", (*a)["id"]);
      if (!st.ok()) return st;
    }
    for (const char* kind : {"app_credential", "credential"})
      for (const Json* c : store_.find(kind, "project_id", id)) {
        Status st = store_.erase(kind, (*c)["id"]);
        if (!st.ok()) return st;
      }
    Status st = revoke_by("project_id", id);
    if (!st.ok()) return st;
    return store_.erase("project", id);
  });
}

std::vector<Json> IdentityService::list_user_projects(const std::string& user_id) const {
  std::set<std::string> ids;
  std::vector<std::string> actors = user_group_ids(user_id);
  actors.push_back(user_id);
  for (const auto& actor : actors) {
    for (const Json* a : store_.find("assignment", "actor_id", actor)) {
      const std::string& type = (*a)["type"].get_ref<const std::string&>();
      if ((type == "UserProject" || type == "GroupProject") && (*a).value("inherited", false)) {
        for (const auto& pid : project_subtree((*a)["target_id"])) ids.insert(pid);
      } else if (type == "UserProject" || type == "GroupProject") {
        ids.insert((*a)["target_id"].get<std::string>());
      } else if ((type == "UserDomain" || type == "GroupDomain") && (*a).value("inherited", false)) {
        for (const Json* p : store_.find("project", "domain_id", (*a)["target_id"]))
          ids.insert((*p)["id"].get<std::string>());
      }
    }
  }
  std::vector<Json> out;
  for (const auto& id : ids)
    if (const Json* p = store_.get("project", id)) out.push_back(*p);
  return out;
}

std::vector<Json> IdentityService::list_user_domains(const std::string& user_id) const {
  std::set<std::string> ids;
  std::vector<std::string> actors = user_group_ids(user_id);
  actors.push_back(user_id);
  for (const auto& actor : actors)
    for (const Json* a : store_.find("assignment", "actor_id", actor)) {
      const std::string& type = (*a)["type"].get_ref<const std::string&>();
      if ((type == "UserDomain" || type == "GroupDomain") && !(*a).value("inherited", false))
        ids.insert((*a)["target_id"].get<std::string>());
    }
  std::vector<Json> out;
  for (const auto& id : ids)
    if (const Json* d = store_.get("domain", id)) out.push_back(*d);
  return out;
}

Result<std::vector<std::string>> IdentityService::project_tags(const std::string& project_id) const {
  auto p = get_project(project_id);
  if (!p.ok()) return p.status();
  return (*p).value("tags", Json::array()).get<std::vector<std::string>>();
}

Status IdentityService::set_project_tags(const std::string& project_id, const std::vector<std::string>& tags) {
  if (tags.size() > 80) return BadRequest("Invalid input for field 'tags': a project has at most 80 tags");
  for (const auto& t : tags)
    if (t.empty() || t.size() > 255 || t.find('/') != std::string::npos || t.find(',') != std::string::npos)
      return BadRequest("Invalid input for field 'tags': '" + t + "' is not a valid tag");
  std::vector<std::string> unique;
  for (const auto& t : tags)
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
  auto r = update_entity(kProjectSpec, project_id, Json{{"tags", unique}});
  return r.status();
}

}  // namespace stacklab::identity
