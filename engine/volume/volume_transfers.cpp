#include "engine/volume/volume_transfers.h"

#include "engine/core/hex.h"
#include "engine/volume/model.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {
const char* const kKind = "volume_transfer";
std::string crypt(const std::string& salt, const std::string& key) { return hex_digest(EVP_sha256(), salt + key); }
}  // namespace

VolumeTransfers::VolumeTransfers(Store& store, Clock& clock, Random& random, const Policy& policy,
                                 const VolumeQuotas& quotas)
    : store_(store), clock_(clock), random_(random), policy_(policy), quotas_(quotas) {
  store_.define(kKind, {"project_id", "volume_id"});
  define_volume_tables(store_);
}

Result<Json> VolumeTransfers::create(const Credentials& caller, const std::string& volume_id, const std::string& name) {
  const Json* v = store_.get(kVolumeKind, volume_id);
  if (!v || (!caller.is_admin() && (*v)["project_id"] != caller.project_id))
    return NotFound("Volume " + volume_id + " could not be found.");
  if (Status st = authorize(policy_, "volume:create_transfer", caller, {{"project_id", (*v)["project_id"]}}); !st.ok())
    return st;
  if ((*v)["status"] != "available") return BadRequest("Invalid volume: Status of volume must be available");
  // Cinder's key: volume_transfer_key_length (16) characters.
  std::string key = random_.hex_id().substr(0, 16), salt = random_.hex_id().substr(0, 8);
  std::string id = random_.uuid4(), now = cinder_time(clock_.now());
  Json transfer = {{"id", id},
                   {"volume_id", volume_id},
                   {"project_id", (*v)["project_id"]},
                   {"name", name.empty() ? Json(nullptr) : Json(name)},
                   {"salt", salt},
                   {"crypt_hash", crypt(salt, key)},
                   {"created_at", now}};
  Json volume = *v;
  volume["status"] = "awaiting-transfer";
  volume["updated_at"] = now;
  Status st = store_.transaction([&] {
    if (Status s = store_.put(kKind, id, transfer); !s.ok()) return s;
    return store_.put(kVolumeKind, volume_id, volume);
  });
  if (!st.ok()) return st;
  transfer["auth_key"] = key;
  return transfer;
}

Result<Json> VolumeTransfers::get(const Credentials& caller, const std::string& id) const {
  const Json* t = store_.get(kKind, id);
  if (!t || (!caller.is_admin() && (*t)["project_id"] != caller.project_id))
    return NotFound("Transfer " + id + " could not be found.");
  if (Status st = authorize(policy_, "volume:get_transfer", caller, {{"project_id", (*t)["project_id"]}}); !st.ok())
    return st;
  return *t;
}

std::vector<Json> VolumeTransfers::list(const Credentials& caller, bool all_tenants) const {
  std::vector<Json> out;
  if (!policy_.allowed("volume:get_all_transfers", caller, {{"project_id", caller.project_id}})) return out;
  bool everyone = all_tenants && caller.is_admin();
  for (const Json* t : everyone ? store_.list(kKind) : store_.find(kKind, "project_id", caller.project_id))
    out.push_back(*t);
  return out;
}

Status VolumeTransfers::remove(const Credentials& caller, const std::string& id) {
  auto t = get(caller, id);
  if (!t.ok()) return t.status();
  if (Status st = authorize(policy_, "volume:delete_transfer", caller, {{"project_id", (*t)["project_id"]}}); !st.ok())
    return st;
  return store_.transaction([&] {
    if (const Json* v = store_.get(kVolumeKind, (*t)["volume_id"].get<std::string>());
        v && (*v)["status"] == "awaiting-transfer") {
      Json volume = *v;
      volume["status"] = "available";
      volume["updated_at"] = cinder_time(clock_.now());
      if (Status s = store_.put(kVolumeKind, volume["id"].get<std::string>(), volume); !s.ok()) return s;
    }
    return store_.erase(kKind, id);
  });
}

Result<Json> VolumeTransfers::accept(const Credentials& caller, const std::string& id, const std::string& auth_key) {
  if (Status st = authorize(policy_, "volume:accept_transfer", caller); !st.ok()) return st;
  const Json* found = store_.get(kKind, id);
  if (!found) return NotFound("Transfer " + id + " could not be found.");
  Json t = *found;
  if (crypt(t["salt"], auth_key) != t["crypt_hash"])
    return BadRequest("Invalid auth key: Attempt to transfer " + id + " with invalid auth key.");
  std::string volume_id = t["volume_id"];
  const Json* v = store_.get(kVolumeKind, volume_id);
  if (!v || (*v)["status"] != "awaiting-transfer")
    return BadRequest("Invalid volume: Status of volume must be awaiting-transfer");
  const Json* type = store_.get("volume_type", (*v)["volume_type_id"].get<std::string>());
  std::string type_name = type ? (*type)["name"].get<std::string>() : "";
  auto snapshots = store_.find(kSnapshotKind, "volume_id", volume_id);
  long long gigabytes = (*v)["size"].get<long long>();
  for (const Json* s : snapshots) gigabytes += (*s)["size"].get<long long>();
  if (Status st = quotas_.check_volumes(caller.project_id, type_name, 1, gigabytes); !st.ok()) return st;
  std::string now = cinder_time(clock_.now());
  Json volume = *v;
  volume["project_id"] = caller.project_id;
  volume["user_id"] = caller.user_id;
  volume["status"] = "available";
  volume["updated_at"] = now;
  Status st = store_.transaction([&] {
    for (const Json* s : snapshots) {
      Json snap = *s;
      snap["project_id"] = caller.project_id;
      snap["user_id"] = caller.user_id;
      if (Status e = store_.put(kSnapshotKind, snap["id"].get<std::string>(), snap); !e.ok()) return e;
    }
    if (Status e = store_.put(kVolumeKind, volume_id, volume); !e.ok()) return e;
    return store_.erase(kKind, id);
  });
  if (!st.ok()) return st;
  return t;
}

}  // namespace stacklab::volume
