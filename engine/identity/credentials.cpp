// /v3/credentials: blobs a user keeps in Keystone (EC2 keys, TOTP
// secrets...), and the OS-EC2 view of the ec2 ones.
#include <openssl/evp.h>

#include <cctype>

#include "engine/core/hex.h"
#include "engine/identity/identity_service.h"

namespace stacklab::identity {

namespace {

std::string sha256_hex(const std::string& data) { return hex_digest(EVP_sha256(), data); }

// Keystone's _validate_blob_json: an ec2 blob is a JSON object with "access".
Result<Json> ec2_blob(const Json& cred) {
  Json blob = cred.contains("blob") && cred["blob"].is_string()
                  ? Json::parse(cred["blob"].get<std::string>(), nullptr, false)
                  : Json();
  if (blob.is_discarded()) return BadRequest("Invalid blob in credential");
  if (!blob.is_object() || blob.empty())
    return BadRequest(
        "Expecting to find blob in credential. The server could not comply with the request since it "
        "is either malformed or otherwise incorrect. The client is assumed to be in error.");
  if (!blob.contains("access") || !blob["access"].is_string())
    return BadRequest(
        "Expecting to find access in credential. The server could not comply with the request since "
        "it is either malformed or otherwise incorrect. The client is assumed to be in error.");
  return blob;
}

bool is_ec2(const Json& cred) {
  if (!cred.contains("type") || !cred["type"].is_string()) return false;
  std::string t = cred["type"];
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "ec2";
}

}  // namespace

// ---- /v3/credentials ---------------------------------------------------------

Result<Json> IdentityService::create_credential(const Json& in) {
  Status st = validate_fields(kCredentialSpec, in, true);
  if (!st.ok()) return st;
  Json doc = in;
  if (!doc.contains("project_id")) doc["project_id"] = nullptr;
  if (is_ec2(doc)) {
    if (!doc["project_id"].is_string())
      return BadRequest("Invalid input for field 'project_id': an ec2 credential requires a project_id");
    auto blob = ec2_blob(doc);
    if (!blob.ok()) return blob.status();
    doc["id"] = sha256_hex((*blob)["access"].get<std::string>());
  } else {
    doc.erase("id");  // Keystone assigns the id of any other type
  }
  return create_entity(kCredentialSpec, doc);
}

Result<Json> IdentityService::get_credential(const std::string& id) const { return get_entity(kCredentialSpec, id); }
std::vector<Json> IdentityService::list_credentials() const { return list_entity(kCredentialSpec); }

Result<Json> IdentityService::update_credential(const std::string& id, const Json& patch) {
  if (!patch.is_object() || patch.empty())
    return BadRequest("Invalid input for field 'credential': it must be a non-empty object");
  auto cur = get_credential(id);
  if (!cur.ok()) return cur;
  Json next = *cur;
  for (const auto& [k, v] : patch.items()) next[k] = v;
  if (is_ec2(next)) {
    if (!next["project_id"].is_string())
      return BadRequest("Invalid input for field 'project_id': an ec2 credential requires a project_id");
    auto blob = ec2_blob(next);
    if (!blob.ok()) return blob.status();
    // A scoped ec2 credential keeps its scope (Keystone's _validate_blob_update_keys).
    if (is_ec2(*cur)) {
      auto old_blob = ec2_blob(*cur);
      if (old_blob.ok())
        for (const char* k : {"trust_id", "app_cred_id", "access_token_id", "access_id"})
          if (old_blob->value(k, Json()) != blob->value(k, Json()))
            return BadRequest(std::string(k) + " can not be updated for credential");
    }
  }
  return update_entity(kCredentialSpec, id, patch);
}

Status IdentityService::delete_credential(const std::string& id) {
  if (!store_.get("credential", id)) return NotFound("Could not find credential: " + id + ".");
  return store_.erase("credential", id);
}

// ---- OS-EC2 ---------------------------------------------------------------------

namespace {

// Keystone's _convert_v3_to_ec2_credential.
Json ec2_view(const Json& cred) {
  Json blob = Json::parse(cred["blob"].get<std::string>(), nullptr, false);
  if (!blob.is_object()) blob = Json::object();
  return {{"user_id", cred["user_id"]},
          {"tenant_id", cred["project_id"]},
          {"access", blob.value("access", Json())},
          {"secret", blob.value("secret", Json())},
          {"trust_id", blob.value("trust_id", Json())},
          {"app_cred_id", blob.value("app_cred_id", Json())},
          {"access_token_id", blob.value("access_token_id", Json())}};
}

}  // namespace

Result<Json> IdentityService::create_ec2_credential(const std::string& user_id, const std::string& project_id) {
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  if (!store_.get("project", project_id)) return NotFound("Could not find project: " + project_id + ".");
  Json blob = {{"access", random_.hex_id()},
               {"secret", random_.hex_id()},
               {"trust_id", nullptr},
               {"app_cred_id", nullptr},
               {"access_token_id", nullptr}};
  auto created =
      create_credential({{"user_id", user_id}, {"project_id", project_id}, {"type", "ec2"}, {"blob", blob.dump()}});
  if (!created.ok()) return created.status();
  return ec2_view(*created);
}

Result<std::vector<Json>> IdentityService::list_ec2_credentials(const std::string& user_id) const {
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  std::vector<Json> out;
  for (const Json* c : store_.find("credential", "user_id", user_id))
    if (is_ec2(*c)) out.push_back(ec2_view(*c));
  return out;
}

Result<Json> IdentityService::get_ec2_credential(const std::string& user_id, const std::string& access) const {
  if (!store_.get("user", user_id)) return NotFound("Could not find user: " + user_id + ".");
  const Json* c = store_.get("credential", sha256_hex(access));
  if (!c || !is_ec2(*c) || (*c)["user_id"] != Json(user_id))
    return NotFound("Could not find credential: " + access + ".");
  return ec2_view(*c);
}

Status IdentityService::delete_ec2_credential(const std::string& user_id, const std::string& access) {
  auto c = get_ec2_credential(user_id, access);
  if (!c.ok()) return c.status();
  return store_.erase("credential", sha256_hex(access));
}

}  // namespace stacklab::identity
