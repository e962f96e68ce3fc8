// Users, their passwords, groups and group membership (Keystone's "identity" backend).
#include <algorithm>

#include "engine/identity/identity_service.h"
#include "engine/identity/password.h"

namespace stacklab::identity {

namespace {

std::string member_id(const std::string& group_id, const std::string& user_id) { return group_id + ":" + user_id; }

}  // namespace

Result<Json> IdentityService::create_user(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the user must be a JSON object.");
  Json doc = in;
  if (!doc.contains("domain_id")) doc["domain_id"] = "default";
  Status st = validate_fields(kUserSpec, doc, true);
  if (!st.ok()) return st;
  if (!store_.get("domain", doc["domain_id"].get<std::string>()))
    return NotFound("Could not find domain: " + doc["domain_id"].get<std::string>() + ".");
  std::optional<std::string> password;
  if (doc.contains("password")) {
    if (doc["password"].is_string()) password = doc["password"].get<std::string>();
    doc.erase("password");
  }
  if (password && password->size() > static_cast<std::size_t>(options_.max_password_length))
    return BadRequest("Invalid input for field 'password': it is longer than the allowed maximum");
  if (!doc.contains("enabled")) doc["enabled"] = true;
  if (!doc.contains("options")) doc["options"] = Json::object();
  doc["password_expires_at"] = nullptr;
  Result<Json> created = Status();
  st = store_.transaction([&]() -> Status {
    created = create_entity(kUserSpec, doc);
    if (!created.ok()) return created.status();
    if (!password) return {};
    return store_.put("password", (*created)["id"], Json{{"id", (*created)["id"]}, {"hash", hash_password(*password)}});
  });
  if (!st.ok()) return st;
  return created;
}

Result<Json> IdentityService::get_user(const std::string& id) const { return get_entity(kUserSpec, id); }

Result<Json> IdentityService::find_user(const std::string& name, const std::string& domain_id) const {
  for (const Json* u : store_.find("user", "name", name))
    if ((*u)["domain_id"] == Json(domain_id)) return *u;
  return NotFound("Could not find user: " + name + ".");
}

std::vector<Json> IdentityService::list_users() const { return list_entity(kUserSpec); }

Result<Json> IdentityService::update_user(const std::string& id, const Json& patch) {
  if (!patch.is_object()) return BadRequest("Invalid input: the user must be a JSON object.");
  auto cur = get_user(id);
  if (!cur.ok()) return cur;
  if (patch.contains("domain_id") && patch["domain_id"] != (*cur)["domain_id"])
    return BadRequest("Cannot change Domain ID");
  Status st = validate_fields(kUserSpec, patch, false);
  if (!st.ok()) return st;
  Json fields = patch;
  std::optional<std::string> password;
  if (fields.contains("password")) {
    if (fields["password"].is_string()) password = fields["password"].get<std::string>();
    fields.erase("password");
  }
  bool disabling = fields.contains("enabled") && fields["enabled"] == false;
  Result<Json> updated = Status();
  st = store_.transaction([&]() -> Status {
    updated = update_entity(kUserSpec, id, fields);
    if (!updated.ok()) return updated.status();
    if (password) {
      Status s = store_.put("password", id, Json{{"id", id}, {"hash", hash_password(*password)}});
      if (!s.ok()) return s;
    }
    if (password || disabling) return revoke_by("user_id", id);
    return {};
  });
  if (!st.ok()) return st;
  return updated;
}

Status IdentityService::delete_user(const std::string& id) {
  if (!store_.get("user", id)) return NotFound("Could not find user: " + id + ".");
  return store_.transaction([&]() -> Status {
    for (const Json* m : store_.find("group_member", "user_id", id)) {
      Status st = store_.erase("group_member", (*m)["id"]);
      if (!st.ok()) return st;
    }
    for (const Json* a : store_.find("assignment", "actor_id", id)) {
      Status st = store_.erase("assignment", (*a)["id"]);
      if (!st.ok()) return st;
    }
    for (const char* kind : {"app_credential", "credential"})
      for (const Json* c : store_.find(kind, "user_id", id)) {
        Status st = store_.erase(kind, (*c)["id"]);
        if (!st.ok()) return st;
      }
    Status st = store_.erase("password", id);
    if (st.ok()) st = revoke_by("user_id", id);
    if (st.ok()) st = store_.erase("user", id);
    return st;
  });
}

Status IdentityService::change_password(const std::string& user_id, const std::string& original,
                                        const std::string& password) {
  // As Keystone's identity_api.authenticate(): an unknown user is the same 401
  // as a wrong password (no policy guards this API, so it must not reveal users).
  const Json* stored = store_.get("user", user_id) ? store_.get("password", user_id) : nullptr;
  if (!stored || !verify_password(original, (*stored)["hash"]))
    return Unauthorized("The request you have made requires authentication.");
  if (!store_.get("user", user_id)->value("enabled", true))
    return Unauthorized("The account is disabled for user: " + user_id + ".");
  if (password.size() > static_cast<std::size_t>(options_.max_password_length))
    return BadRequest("Invalid input for field 'password': it is longer than the allowed maximum");
  return store_.transaction([&]() -> Status {
    Status st = store_.put("password", user_id, Json{{"id", user_id}, {"hash", hash_password(password)}});
    if (!st.ok()) return st;
    return revoke_by("user_id", user_id);
  });
}

// ---- groups ----------------------------------------------------------------

Result<Json> IdentityService::create_group(const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the group must be a JSON object.");
  Json doc = in;
  if (!doc.contains("domain_id")) doc["domain_id"] = "default";
  if (!doc.contains("description")) doc["description"] = "";
  Status st = validate_fields(kGroupSpec, doc, true);
  if (!st.ok()) return st;
  if (!store_.get("domain", doc["domain_id"].get<std::string>()))
    return NotFound("Could not find domain: " + doc["domain_id"].get<std::string>() + ".");
  return create_entity(kGroupSpec, doc);
}

Result<Json> IdentityService::get_group(const std::string& id) const { return get_entity(kGroupSpec, id); }

std::vector<Json> IdentityService::list_groups() const { return list_entity(kGroupSpec); }

Result<Json> IdentityService::update_group(const std::string& id, const Json& patch) {
  auto cur = get_group(id);
  if (!cur.ok()) return cur;
  if (patch.is_object() && patch.contains("domain_id") && patch["domain_id"] != (*cur)["domain_id"])
    return BadRequest("Cannot change Domain ID");
  return update_entity(kGroupSpec, id, patch);
}

Status IdentityService::delete_group(const std::string& id) {
  if (!store_.get("group", id)) return NotFound("Could not find group: " + id + ".");
  return store_.transaction([&]() -> Status {
    for (const Json* m : store_.find("group_member", "group_id", id)) {
      Status st = store_.erase("group_member", (*m)["id"]);
      if (!st.ok()) return st;
    }
    for (const Json* a : store_.find("assignment", "actor_id", id)) {
      Status st = store_.erase("assignment", (*a)["id"]);
      if (!st.ok()) return st;
    }
    return store_.erase("group", id);
  });
}

Status IdentityService::add_user_to_group(const std::string& group_id, const std::string& user_id) {
  if (!store_.get("group", group_id)) return NotFound("Could not find group: " + group_id + ".");
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  return store_.put("group_member", member_id(group_id, user_id),
                    Json{{"id", member_id(group_id, user_id)}, {"group_id", group_id}, {"user_id", user_id}});
}

Status IdentityService::remove_user_from_group(const std::string& group_id, const std::string& user_id) {
  Status st = check_user_in_group(group_id, user_id);
  if (!st.ok()) return st;
  return store_.erase("group_member", member_id(group_id, user_id));
}

Status IdentityService::check_user_in_group(const std::string& group_id, const std::string& user_id) const {
  if (!store_.get("group", group_id)) return NotFound("Could not find group: " + group_id + ".");
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  if (!store_.get("group_member", member_id(group_id, user_id)))
    return NotFound("User '" + user_id + "' not found in group '" + group_id + "'");
  return {};
}

Result<std::vector<Json>> IdentityService::list_group_users(const std::string& group_id) const {
  if (!store_.get("group", group_id)) return NotFound("Could not find group: " + group_id + ".");
  std::vector<Json> out;
  for (const Json* m : store_.find("group_member", "group_id", group_id))
    if (const Json* u = store_.get("user", (*m)["user_id"])) out.push_back(*u);
  return out;
}

Result<std::vector<Json>> IdentityService::list_user_groups(const std::string& user_id) const {
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  std::vector<Json> out;
  for (const auto& gid : user_group_ids(user_id))
    if (const Json* g = store_.get("group", gid)) out.push_back(*g);
  return out;
}

std::vector<std::string> IdentityService::user_group_ids(const std::string& user_id) const {
  std::vector<std::string> out;
  for (const Json* m : store_.find("group_member", "user_id", user_id)) out.push_back((*m)["group_id"]);
  return out;
}

}  // namespace stacklab::identity
