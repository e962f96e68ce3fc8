// IdentityService: construction, the field rules of each entity, and the
// create/get/update/list steps every entity shares.
#include "engine/identity/identity_service.h"

#include "engine/identity/identity_policy.h"
#include "engine/identity/password.h"

namespace stacklab::identity {

using FT = FieldType;

const EntitySpec kDomainSpec{"domain",
                             "domain",
                             "",
                             {{"id", FT::kString, false, false, 64},
                              {"name", FT::kString, true, true, 64},
                              {"description", FT::kNullableString, false, true, 65535},
                              {"enabled", FT::kBool},
                              {"tags", FT::kStringList},
                              {"options", FT::kObject}},
                             true};
const EntitySpec kProjectSpec{"project",
                              "project",
                              "domain_id",
                              {{"id", FT::kString, false, false, 64},
                               {"name", FT::kString, true, true, 64},
                               {"domain_id", FT::kNullableString, false, false, 64},
                               {"parent_id", FT::kNullableString, false, false, 64},
                               {"description", FT::kNullableString, false, true, 65535},
                               {"enabled", FT::kBool},
                               {"is_domain", FT::kBool, false, false},
                               {"tags", FT::kStringList},
                               {"options", FT::kObject}},
                              true};
const EntitySpec kUserSpec{"user",
                           "user",
                           "domain_id",
                           {{"id", FT::kString, false, false, 64},
                            {"name", FT::kString, true, true, 255},
                            {"domain_id", FT::kString, false, true, 64},
                            {"default_project_id", FT::kNullableString, false, true, 64},
                            {"description", FT::kNullableString, false, true, 65535},
                            {"enabled", FT::kBool},
                            {"password", FT::kNullableString, false, true, 4096},
                            {"options", FT::kObject},
                            {"federated", FT::kAny}},
                           true};
const EntitySpec kGroupSpec{"group",
                            "group",
                            "domain_id",
                            {{"id", FT::kString, false, false, 64},
                             {"name", FT::kString, true, true, 64},
                             {"domain_id", FT::kString, false, true, 64},
                             {"description", FT::kNullableString, false, true, 65535}},
                            true};
const EntitySpec kRoleSpec{"role",
                           "role",
                           "domain_id",
                           {{"id", FT::kString, false, false, 64},
                            {"name", FT::kString, true, true, 255},
                            {"domain_id", FT::kNullableString, false, false, 64},
                            {"description", FT::kNullableString, false, true, 255},
                            {"options", FT::kObject}},
                           true};
const EntitySpec kRegionSpec{"region",
                             "region",
                             nullptr,
                             {{"id", FT::kString, false, false, 255},
                              {"description", FT::kNullableString, false, true, 255},
                              {"parent_region_id", FT::kNullableString, false, true, 255}},
                             true};
const EntitySpec kServiceSpec{"service",
                              "service",
                              nullptr,
                              {{"id", FT::kString, false, false, 64},
                               {"type", FT::kString, true, true, 255},
                               {"name", FT::kNullableString, false, true, 255},
                               {"description", FT::kNullableString, false, true, 65535},
                               {"enabled", FT::kBool}},
                              true};
const EntitySpec kEndpointSpec{"endpoint",
                               "endpoint",
                               nullptr,
                               {{"id", FT::kString, false, false, 64},
                                {"interface", FT::kString, true, true, 8},
                                {"service_id", FT::kString, true, true, 64},
                                {"url", FT::kString, true, true, 2048},
                                {"region_id", FT::kNullableString, false, true, 255},
                                {"region", FT::kNullableString, false, true, 255},
                                {"enabled", FT::kBool}},
                               true};
const EntitySpec kCredentialSpec{"credential",
                                 "credential",
                                 nullptr,
                                 {{"id", FT::kString, false, false, 64},
                                  {"user_id", FT::kString, true, true, 64},
                                  {"project_id", FT::kNullableString, false, true, 64},
                                  {"type", FT::kString, true, true, 255},
                                  {"blob", FT::kString, true, true, 65535}},
                                 true};
const EntitySpec kPolicySpec{"policy",
                             "policy",
                             nullptr,
                             {{"id", FT::kString, false, false, 64},
                              {"type", FT::kString, true, true, 255},
                              {"blob", FT::kString, true, true, 65535}},
                             true};

namespace {

const char* type_name(FT t) {
  switch (t) {
    case FT::kString:
      return "string";
    case FT::kNullableString:
      return "string, null";
    case FT::kBool:
      return "boolean";
    case FT::kStringList:
      return "array";
    case FT::kObject:
      return "object";
    case FT::kAny:
      return "any";
  }
  return "?";
}

bool type_ok(FT t, const Json& v) {
  switch (t) {
    case FT::kString:
      return v.is_string();
    case FT::kNullableString:
      return v.is_string() || v.is_null();
    case FT::kBool:
      return v.is_boolean();
    case FT::kStringList:
      if (!v.is_array()) return false;
      for (const auto& e : v)
        if (!e.is_string()) return false;
      return true;
    case FT::kObject:
      return v.is_object();
    case FT::kAny:
      return true;
  }
  return false;
}

std::string shown(const Json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  return v.dump();
}

}  // namespace

Status validate_fields(const EntitySpec& spec, const Json& doc, bool creating) {
  if (!doc.is_object()) return BadRequest(std::string("Invalid input: the ") + spec.noun + " must be a JSON object.");
  for (const auto& f : spec.fields) {
    auto it = doc.find(f.name);
    if (it == doc.end()) {
      if (creating && f.required)
        return BadRequest(std::string("Invalid input for field '") + f.name + "': '" + f.name +
                          "' is a required property");
      continue;
    }
    if (!type_ok(f.type, *it))
      return BadRequest(std::string("Invalid input for field '") + f.name + "': " + shown(*it) + " is not of type '" +
                        type_name(f.type) + "'");
    if (it->is_string()) {
      const auto& s = it->get_ref<const std::string&>();
      if (s.size() > f.max_length)
        return BadRequest(std::string("Invalid input for field '") + f.name + "': " + shown(*it) + " is too long");
      if (std::string(f.name) == "name" && s.find_first_not_of(" \t\r\n") == std::string::npos)
        return BadRequest(std::string("Invalid input for field 'name': ") + shown(*it) + " does not match '\\S+'");
    }
    if (!creating && !f.updatable && std::string(f.name) != "id")
      return BadRequest(std::string("Invalid input for field '") + f.name + "': it cannot be updated");
  }
  if (!spec.allow_extra) {
    for (const auto& [k, v] : doc.items()) {
      bool known = false;
      for (const auto& f : spec.fields) known = known || k == f.name;
      if (!known) return BadRequest("Invalid input: additional property '" + k + "' is not allowed");
    }
  }
  return {};
}

IdentityService::IdentityService(Store& store, Clock& clock, Random& random, IdentityOptions options)
    : store_(store), clock_(clock), random_(random), options_(options) {
  store_.define("domain", {"name"});
  store_.define("project", {"name", "domain_id", "parent_id"});
  store_.define("user", {"name", "domain_id"});
  store_.define("password");
  store_.define("group", {"name", "domain_id"});
  store_.define("group_member", {"group_id", "user_id"});
  store_.define("role", {"name"});
  store_.define("implied_role", {"prior_role_id", "implied_role_id"});
  store_.define("assignment", {"actor_id", "target_id", "role_id"});
  store_.define("region");
  store_.define("service", {"type"});
  store_.define("endpoint", {"service_id"});
  store_.define("app_credential", {"user_id", "project_id"});
  store_.define("credential", {"user_id", "project_id"});
  store_.define("policy");
  store_.define("revocation", {"audit_id", "user_id", "project_id", "domain_id"});
  store_.define("token_key");
  register_identity_policy(policy_);
  // The token key (256 bits, hex) is made once per cloud and kept with its state, so tokens
  // stay valid across restarts (and across snapshot restores).
  if (!store_.get("token_key", "current"))
    store_.put("token_key", "current", Json{{"id", "current"}, {"key", random_.hex_id() + random_.hex_id()}});
}

std::string IdentityService::hash_password(const std::string& password) const {
  return identity::hash_password(password, options_.password_hash_rounds, random_);
}

Result<Json> IdentityService::get_entity(const EntitySpec& spec, const std::string& id) const {
  const Json* doc = store_.get(spec.kind, id);
  if (!doc) return NotFound(std::string("Could not find ") + spec.noun + ": " + id + ".");
  return *doc;
}

std::vector<Json> IdentityService::list_entity(const EntitySpec& spec) const {
  std::vector<Json> out;
  for (const Json* d : store_.list(spec.kind)) out.push_back(*d);
  return out;
}

Result<Json> IdentityService::create_entity(const EntitySpec& spec, Json doc) {
  Status st = validate_fields(spec, doc, true);
  if (!st.ok()) return st;
  if (!doc.contains("id") || doc["id"].get<std::string>().empty()) doc["id"] = random_.hex_id();
  std::string id = doc["id"];
  if (store_.get(spec.kind, id))
    return Conflict(std::string("Conflict occurred attempting to store ") + spec.noun + " - Duplicate ID, " + id + ".");
  if (spec.unique_scope && doc.contains("name") && doc["name"].is_string()) {
    std::string scope = spec.unique_scope;
    for (const Json* other : store_.find(spec.kind, "name", doc["name"])) {
      if (!scope.empty() && other->value(scope, Json()) != doc.value(scope, Json())) continue;
      std::string where = scope.empty() ? "" : " at domain ID " + doc.value(scope, Json("")).get<std::string>();
      if (where == " at domain ID ") where = "";
      return Conflict(std::string("Conflict occurred attempting to store ") + spec.noun +
                      " - Duplicate entry found with name " + doc["name"].get<std::string>() + where + ".");
    }
  }
  st = store_.put(spec.kind, id, doc);
  if (!st.ok()) return st;
  return doc;
}

Result<Json> IdentityService::update_entity(const EntitySpec& spec, const std::string& id, const Json& patch) {
  auto cur = get_entity(spec, id);
  if (!cur.ok()) return cur;
  Status st = validate_fields(spec, patch, false);
  if (!st.ok()) return st;
  if (patch.contains("id") && patch["id"] != Json(id))
    return BadRequest(std::string("Cannot change ") + spec.noun + " ID");
  Json doc = *cur;
  for (const auto& [k, v] : patch.items()) doc[k] = v;
  if (spec.unique_scope && patch.contains("name") && (*cur)["name"] != patch["name"]) {
    std::string scope = spec.unique_scope;
    for (const Json* other : store_.find(spec.kind, "name", doc["name"])) {
      if ((*other)["id"] == Json(id)) continue;
      if (!scope.empty() && other->value(scope, Json()) != doc.value(scope, Json())) continue;
      return Conflict(std::string("Conflict occurred attempting to store ") + spec.noun +
                      " - Duplicate entry found with name " + doc["name"].get<std::string>() + ".");
    }
  }
  st = store_.put(spec.kind, id, doc);
  if (!st.ok()) return st;
  return doc;
}

}  // namespace stacklab::identity
