// Application credentials: a user's secret for one project, with a subset of
// the user's roles and an optional expiry, for scripts that should not hold
// the user's password.
#include <algorithm>

#include "engine/core/timeutil.h"
#include "engine/identity/identity_service.h"
#include "engine/identity/password.h"

namespace stacklab::identity {

namespace {

// Keystone returns an application credential's expires_at as Python's
// datetime.isoformat() of a naive UTC time: no "Z", and no fraction when the
// microseconds are zero ("2026-11-25T15:30:25.894515", "2026-11-25T15:30:25").
std::string keystone_isoformat(TimePoint t) {
  std::string s = format_iso_micro(t);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  if (s.ends_with(".000000")) s.resize(s.size() - 7);
  return s;
}

}  // namespace

// ---- application credentials ---------------------------------------------------

Result<Json> IdentityService::create_application_credential(const AuthContext& creator, const std::string& user_id,
                                                            const Json& in) {
  if (!in.is_object()) return BadRequest("Invalid input: the application credential must be a JSON object.");
  if (!in.contains("name") || !in["name"].is_string() || in["name"].get<std::string>().empty())
    return BadRequest("Invalid input for field 'name': 'name' is a required property");
  if (creator.project_id.empty())
    return Forbidden("An application credential must be created with a project-scoped token.");
  if (!creator.app_cred_id.empty()) {
    const Json* c = store_.get("app_credential", creator.app_cred_id);
    if (c && !(*c).value("unrestricted", false))
      return Forbidden("A restricted application credential cannot create another one.");
  }
  for (const char* f : {"description", "secret", "expires_at"})
    if (in.contains(f) && !in[f].is_string() && !in[f].is_null())
      return BadRequest(std::string("Invalid input for field '") + f + "': it must be a string or null");
  if (in.contains("unrestricted") && !in["unrestricted"].is_boolean())
    return BadRequest("Invalid input for field 'unrestricted': it is not of type 'boolean'");
  for (const Json* c : store_.find("app_credential", "user_id", user_id))
    if ((*c)["name"] == in["name"])
      return Conflict(
          "Conflict occurred attempting to store application_credential - Duplicate entry found with "
          "name " +
          in["name"].get<std::string>() + ".");
  Json expires = nullptr;
  if (in.contains("expires_at") && in["expires_at"].is_string()) {
    auto t = parse_iso(in["expires_at"]);
    if (!t) return BadRequest("Invalid input for field 'expires_at': not an ISO 8601 time");
    if (*t <= clock_.now())
      return BadRequest("The expiration time of an application credential must be in the future.");
    expires = keystone_isoformat(*t);
  }
  // Roles: those asked for (by id or name), each one the creator holds; by default all of them.
  std::vector<Json> roles;
  if (in.contains("roles")) {
    if (!in["roles"].is_array()) return BadRequest("Invalid input for field 'roles': it must be a list");
    for (const auto& want : in["roles"]) {
      const Json* match = nullptr;
      for (const auto& have : creator.roles)
        if ((want.contains("id") && want["id"] == have["id"]) ||
            (want.contains("name") && want["name"] == have["name"]))
          match = &have;
      if (!match) return Forbidden("The user does not have the requested role on the project.");
      roles.push_back({{"id", (*match)["id"]}, {"name", (*match)["name"]}, {"domain_id", nullptr}});
    }
  } else {
    for (const auto& r : creator.roles) roles.push_back({{"id", r["id"]}, {"name", r["name"]}, {"domain_id", nullptr}});
  }
  std::string secret = in.value("secret", Json(nullptr)).is_string() ? in["secret"].get<std::string>() : "";
  if (secret.empty()) {
    std::string raw = random_.hex_id() + random_.hex_id();
    secret = raw.substr(0, 64);
  }
  Json doc = {{"id", random_.hex_id()},
              {"name", in["name"]},
              {"description", in.value("description", Json(nullptr))},
              {"user_id", user_id},
              {"project_id", creator.project_id},
              {"roles", roles},
              {"expires_at", expires},
              {"unrestricted", in.value("unrestricted", false)},
              {"access_rules", Json::array()},
              {"secret_hash", hash_password(secret)}};
  Status st = store_.put("app_credential", doc["id"], doc);
  if (!st.ok()) return st;
  doc.erase("secret_hash");
  doc["secret"] = secret;
  return doc;
}

static Json public_view(const Json& c) {
  Json out = c;
  out.erase("secret_hash");
  return out;
}

Result<Json> IdentityService::get_application_credential(const std::string& user_id, const std::string& id) const {
  const Json* c = store_.get("app_credential", id);
  if (!c || (*c)["user_id"] != Json(user_id)) return NotFound("Could not find Application Credential: " + id + ".");
  return public_view(*c);
}

std::vector<Json> IdentityService::list_application_credentials(const std::string& user_id) const {
  std::vector<Json> out;
  for (const Json* c : store_.find("app_credential", "user_id", user_id)) out.push_back(public_view(*c));
  return out;
}

Status IdentityService::delete_application_credential(const std::string& user_id, const std::string& id) {
  auto c = get_application_credential(user_id, id);
  if (!c.ok()) return c.status();
  return store_.erase("app_credential", id);
}

}  // namespace stacklab::identity
