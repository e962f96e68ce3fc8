#include "engine/compute/keypairs.h"

#include <algorithm>
#include <cctype>

#include "engine/compute/compute_policy.h"
#include "engine/compute/ssh_keys.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

std::string key_of(const std::string& user_id, const std::string& name) { return user_id + "/" + name; }

const std::string& owner(const Credentials& caller, const std::string& user_id) {
  return user_id.empty() ? caller.user_id : user_id;
}

// Nova below 2.92: 1-255 characters among letters, digits, '_', '-' and ' '.
Status validate_name(const std::string& name) {
  if (name.empty() || name.size() > 255)
    return BadRequest("Keypair data is invalid: Keypair name must be string and between 1 and 255 characters long");
  bool safe = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ';
  });
  if (!safe) return BadRequest("Keypair data is invalid: Keypair name contains unsafe characters");
  return {};
}

}  // namespace

KeypairService::KeypairService(Store& store, Clock& clock, const Policy& policy, KeypairOptions options)
    : store_(store), clock_(clock), policy_(policy), options_(options) {
  store_.define("keypair", {"user_id"});
  store_.define("stacklab_meta");
}

Status KeypairService::authorize_for(const Credentials& caller, const char* action, const std::string& user_id) const {
  return authorize(policy_, std::string("os_compute_api:os-keypairs:") + action, caller,
                   Json{{"user_id", owner(caller, user_id)}});
}

Status KeypairService::check_create(const Credentials& caller, const NewKeypair& kp) const {
  Status st = authorize_for(caller, "create", kp.user_id);
  if (!st.ok()) return st;
  st = validate_name(kp.name);
  if (!st.ok()) return st;
  if (kp.type != "ssh" && kp.type != "x509")
    return BadRequest("Invalid input for field/attribute type. Value: " + kp.type + ". '" + kp.type +
                      "' is not one of ['ssh', 'x509']");
  const std::string& user = owner(caller, kp.user_id);
  if (options_.key_pairs_per_user >= 0 &&
      store_.find("keypair", "user_id", user).size() >= static_cast<std::size_t>(options_.key_pairs_per_user))
    return Status(Code::kOverQuota, "Quota exceeded, too many key pairs.");
  if (options_.quota_check) {
    st = options_.quota_check(caller.project_id, user);
    if (!st.ok()) return st;
  }
  if (store_.get("keypair", key_of(user, kp.name))) return Conflict("Key pair '" + kp.name + "' already exists.");
  return {};
}

Result<Json> KeypairService::create(const Credentials& caller, const NewKeypair& kp) {
  Status st = check_create(caller, kp);
  if (!st.ok()) return st;
  auto fingerprint = kp.type == "x509" ? x509_fingerprint(kp.public_key) : ssh_fingerprint(kp.public_key);
  if (!fingerprint.ok()) return fingerprint.status();
  const std::string& user = owner(caller, kp.user_id);
  const Json* seq = store_.get("stacklab_meta", "keypair_seq");
  long long next = seq ? (*seq)["value"].get<long long>() + 1 : 1;
  Json doc = {{"id", key_of(user, kp.name)},
              {"seq", next},
              {"name", kp.name},
              {"user_id", user},
              {"public_key", kp.public_key},
              {"fingerprint", *fingerprint},
              {"type", kp.type},
              {"created_at", format_iso_seconds(clock_.now())}};
  st = store_.transaction([&]() -> Status {
    Status s = store_.put("stacklab_meta", "keypair_seq", Json{{"id", "keypair_seq"}, {"value", next}});
    return s.ok() ? store_.put("keypair", doc["id"], doc) : s;
  });
  if (!st.ok()) return st;
  return doc;
}

Result<Json> KeypairService::get(const Credentials& caller, const std::string& name, const std::string& user_id) const {
  Status st = authorize_for(caller, "show", user_id);
  if (!st.ok()) return st;
  const std::string& user = owner(caller, user_id);
  const Json* kp = store_.get("keypair", key_of(user, name));
  if (!kp) return NotFound("Keypair " + name + " not found for user " + user);
  return *kp;
}

Result<std::vector<Json>> KeypairService::list(const Credentials& caller, const std::string& user_id) const {
  Status st = authorize_for(caller, "index", user_id);
  if (!st.ok()) return st;
  std::vector<Json> out;
  for (const Json* kp : store_.find("keypair", "user_id", owner(caller, user_id))) out.push_back(*kp);
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return a["name"].get_ref<const std::string&>() < b["name"].get_ref<const std::string&>();
  });
  return out;
}

Status KeypairService::remove(const Credentials& caller, const std::string& name, const std::string& user_id) {
  Status st = authorize_for(caller, "delete", user_id);
  if (!st.ok()) return st;
  const std::string& user = owner(caller, user_id);
  if (!store_.get("keypair", key_of(user, name))) return NotFound("Keypair " + name + " not found for user " + user);
  return store_.erase("keypair", key_of(user, name));
}

}  // namespace stacklab::compute
