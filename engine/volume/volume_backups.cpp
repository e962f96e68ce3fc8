#include "engine/volume/volume_backups.h"

#include <algorithm>

#include "engine/core/log.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {

// How often a restore into a new volume looks whether the volume is built
// (Cinder's backup API polls the same way).
constexpr Duration kBuildPoll = std::chrono::milliseconds(250);

Status invalid_backup(const std::string& why) { return BadRequest("Invalid backup: " + why); }

}  // namespace

VolumeBackups::VolumeBackups(Store& store, Clock& clock, Random& random, const Policy& policy,
                             VolumeBackends& backends, VolumeQuotas& quotas, VolumeService& volumes)
    : store_(store),
      clock_(clock),
      random_(random),
      policy_(policy),
      backends_(backends),
      quotas_(quotas),
      volumes_(volumes) {
  define_volume_tables(store_);
}

Result<Json> VolumeBackups::owned(const Credentials& caller, const std::string& id, const std::string& action) const {
  const Json* b = store_.get(kBackupKind, id);
  if (!b || (!caller.is_admin() && (*b)["project_id"] != caller.project_id))
    return NotFound("Backup " + id + " could not be found.");
  if (Status st = authorize(policy_, action, caller, {{"project_id", (*b)["project_id"]}}); !st.ok()) return st;
  return *b;
}

Status VolumeBackups::save(Json backup) {
  backup["updated_at"] = cinder_time(clock_.now());
  std::string id = backup["id"];
  return store_.put(kBackupKind, id, std::move(backup));
}

void VolumeBackups::set_volume_status(const std::string& volume_id, const std::string& status) {
  const Json* v = store_.get(kVolumeKind, volume_id);
  if (!v) return;
  Json doc = *v;
  doc["status"] = status;
  doc["updated_at"] = cinder_time(clock_.now());
  (void)store_.put(kVolumeKind, volume_id, std::move(doc));
}

bool VolumeBackups::has_dependents(const std::string& id) const {
  return !store_.find(kBackupKind, "parent_id", id).empty();
}

Result<Json> VolumeBackups::create(const Credentials& caller, const NewBackup& req) {
  if (Status st = authorize(policy_, "backup:create", caller, {{"project_id", caller.project_id}}); !st.ok()) return st;
  auto v = volumes_.get(caller, req.volume_id);
  if (!v.ok()) return v;
  const std::string status = (*v)["status"];
  Json snapshot;
  if (!req.snapshot_id.empty()) {
    auto s = volumes_.get_snapshot(caller, req.snapshot_id);
    if (!s.ok()) return s;
    if ((*s)["volume_id"] != req.volume_id)
      return BadRequest("Invalid input received: Snapshot " + req.snapshot_id + " is not of volume " +
                        req.volume_id + ".");
    if ((*s)["status"] != "available")
      return BadRequest("Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"" +
                        (*s)["status"].get<std::string>() + "\".");
    snapshot = *s;
  } else if (status == "in-use" && !req.force) {
    return BadRequest("Invalid volume: Backing up an in-use volume must use the force flag.");
  } else if (status != "available" && status != "in-use") {
    return BadRequest("Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"" +
                      status + "\".");
  }
  // An incremental backup builds on the latest available backup of the volume.
  Json parent;
  if (req.incremental) {
    for (const Json* b : store_.find(kBackupKind, "volume_id", req.volume_id))
      if ((*b)["status"] == "available" && (parent.is_null() || (*b)["data_timestamp"] > parent["data_timestamp"]))
        parent = *b;
    if (parent.is_null()) return invalid_backup("No backups available to do an incremental backup.");
  }
  if (Status st = check_metadata(req.metadata); !st.ok()) return st;
  long long size = (*v)["size"].get<long long>();
  if (Status st = quotas_.check_backups((*v)["project_id"], size); !st.ok()) return st;
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return BadRequest("Invalid volume: Volume " + req.volume_id + " is not on a backend.");

  std::string id = random_.uuid4(), now = cinder_time(clock_.now());
  Json doc = {{"id", id},
              {"project_id", (*v)["project_id"]},
              {"user_id", caller.user_id},
              {"volume_id", req.volume_id},
              {"snapshot_id", req.snapshot_id.empty() ? Json(nullptr) : Json(req.snapshot_id)},
              {"name", req.name.empty() ? Json(nullptr) : Json(req.name)},
              {"description", req.description.empty() ? Json(nullptr) : Json(req.description)},
              {"size", size},
              {"status", "creating"},
              {"fail_reason", nullptr},
              {"availability_zone", (*v)["availability_zone"]},
              {"container", req.container.empty() ? Json("volumebackups") : Json(req.container)},
              {"is_incremental", req.incremental},
              {"parent_id", req.incremental ? parent["id"] : Json(nullptr)},
              {"object_count", 0},
              {"data_timestamp", snapshot.is_null() ? Json(now) : snapshot["created_at"]},
              {"volume_previous_status", status},
              {"metadata", req.metadata},
              // What the backup driver keeps of the volume itself, given back on restore.
              {"volume_metadata", (*v)["metadata"]},
              {"created_at", now},
              {"updated_at", nullptr}};
  Json volume = *v;
  if (snapshot.is_null()) {
    volume["status"] = "backing-up";
    volume["updated_at"] = now;
  }
  Status st = store_.transaction([&] {
    if (Status s = store_.put(kBackupKind, id, doc); !s.ok()) return s;
    return snapshot.is_null() ? store_.put(kVolumeKind, req.volume_id, volume) : Status{};
  });
  if (!st.ok()) return st;
  driver->backup_volume(volume_ref(*v), id, [this, id](Status result) { finish_backup(id, result); });
  return doc;
}

void VolumeBackups::finish_backup(const std::string& id, const Status& result) {
  const Json* b = store_.get(kBackupKind, id);
  if (!b) return;
  Json doc = *b;
  // (An imported backup being created has no volume here to give back.)
  if (doc["snapshot_id"].is_null() && doc["volume_previous_status"].is_string())
    set_volume_status(doc["volume_id"], doc["volume_previous_status"]);
  doc["status"] = result.ok() ? "available" : "error";
  // The simulated backup is chunked one object per GiB.
  if (result.ok()) doc["object_count"] = doc["size"];
  if (!result.ok()) {
    doc["fail_reason"] = result.message();
    Log::get("cinder-backup").error("backup " + id + " failed: " + result.message());
  }
  (void)save(doc);
}

Result<Json> VolumeBackups::get(const Credentials& caller, const std::string& id) const {
  return owned(caller, id, "backup:get");
}

std::vector<Json> VolumeBackups::list(const Credentials& caller, bool all_tenants) const {
  std::vector<Json> out;
  if (!authorize(policy_, "backup:get_all", caller, {{"project_id", caller.project_id}}).ok()) return out;
  bool everyone = all_tenants && policy_.allowed("volume:get_all:all_tenants", caller);
  auto docs = everyone ? store_.list(kBackupKind) : store_.find(kBackupKind, "project_id", caller.project_id);
  for (const Json* d : docs) out.push_back(*d);
  return out;
}

Status VolumeBackups::remove(const Credentials& caller, const std::string& id, bool force) {
  auto b = owned(caller, id, force ? "volume_extension:backup_admin_actions:force_delete" : "backup:delete");
  if (!b.ok()) return b.status();
  const std::string status = (*b)["status"];
  if (!force && status != "available" && status != "error")
    return invalid_backup("Backup status must be available or error");
  if (force && status == "deleting") return invalid_backup("Backup status must be available, error, creating or restoring");
  if (has_dependents(id)) return invalid_backup("Incremental backups exist for this backup.");
  Json doc = *b;
  doc["status"] = "deleting";
  if (Status st = save(doc); !st.ok()) return st;
  // The simulated backup store frees nothing; the record goes on the next turn of the loop.
  clock_.schedule(Duration::zero(), [this, id] { (void)store_.erase(kBackupKind, id); });
  return {};
}

Result<Json> VolumeBackups::restore(const Credentials& caller, const std::string& id, const std::string& volume_id,
                                    const std::string& name) {
  auto b = owned(caller, id, "backup:restore");
  if (!b.ok()) return b;
  if ((*b)["status"] != "available") return invalid_backup("Backup status must be available");
  long long size = (*b)["size"].get<long long>();
  Json volume;
  if (volume_id.empty()) {
    NewVolume spec;
    spec.size = size;
    spec.name = name.empty() ? "restore_backup_" + id : name;
    spec.description = "auto-created_from_restore_from_backup";
    auto v = volumes_.create(caller, spec);
    if (!v.ok()) return v;
    volume = *v;
  } else {
    auto v = volumes_.get(caller, volume_id);
    if (!v.ok()) return v;
    if ((*v)["status"] != "available") return BadRequest("Invalid volume: Volume to be restored to must be available");
    if ((*v)["size"].get<long long>() < size)
      return BadRequest("Invalid volume: volume size " + std::to_string((*v)["size"].get<long long>()) +
                        " is too small to restore backup of size " + std::to_string(size) + ".");
    volume = *v;
  }
  const std::string target = volume["id"];
  Json doc = *b;
  doc["status"] = "restoring";
  doc["restore_volume_id"] = target;
  if (Status st = save(doc); !st.ok()) return st;
  if (volume_id.empty()) {
    when_built(target, [this, id, target](bool built) {
      if (built) return start_restore(id, target);
      finish_restore(id, target, Status(Code::kInternal, "the volume to restore to could not be created"));
    });
  } else {
    start_restore(id, target);
  }
  return Json{{"backup_id", id}, {"volume_id", target}, {"volume_name", volume["name"]}};
}

void VolumeBackups::when_built(const std::string& volume_id, std::function<void(bool)> then) {
  const Json* v = store_.get(kVolumeKind, volume_id);
  if (v && (*v)["status"] == "creating") {
    clock_.schedule(kBuildPoll, [this, volume_id, then] { when_built(volume_id, then); });
    return;
  }
  then(v && (*v)["status"] == "available");
}

void VolumeBackups::start_restore(const std::string& id, const std::string& volume_id) {
  const Json* v = store_.get(kVolumeKind, volume_id);
  VolumeDriver* driver = v && (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return finish_restore(id, volume_id, Status(Code::kInternal, "the volume is on no backend"));
  set_volume_status(volume_id, "restoring-backup");
  driver->restore_backup(volume_ref(*v), id,
                         [this, id, volume_id](Status result) { finish_restore(id, volume_id, result); });
}

void VolumeBackups::finish_restore(const std::string& id, const std::string& volume_id, const Status& result) {
  if (!result.ok()) Log::get("cinder-backup").error("restore of backup " + id + " failed: " + result.message());
  const Json* stored = store_.get(kBackupKind, id);
  Json restored_metadata = stored ? stored->value("volume_metadata", Json()) : Json();
  if (const Json* v = store_.get(kVolumeKind, volume_id); v && (*v)["status"] != "creating") {
    // A restored volume gets the backed-up volume's metadata back, over its own (as Cinder's drivers do).
    if (result.ok() && restored_metadata.is_object()) {
      Json doc = *v;
      for (const auto& [k, val] : restored_metadata.items()) doc["metadata"][k] = val;
      (void)store_.put(kVolumeKind, volume_id, std::move(doc));
    }
    set_volume_status(volume_id, result.ok() ? "available" : "error_restoring");
  }
  const Json* b = store_.get(kBackupKind, id);
  if (!b) return;
  Json doc = *b;
  doc["status"] = "available";
  doc.erase("restore_volume_id");
  (void)save(doc);
}

Status VolumeBackups::reset_status(const Credentials& caller, const std::string& id, const std::string& status) {
  auto b = owned(caller, id, "volume_extension:backup_admin_actions:reset_status");
  if (!b.ok()) return b.status();
  if (status != "available" && status != "error")
    return BadRequest("Invalid input received: Must specify a valid status (available or error)");
  Json doc = *b;
  doc["status"] = status;
  return save(doc);
}

std::size_t VolumeBackups::recover() {
  std::size_t settled = 0;
  for (const Json* b : store_.list(kBackupKind)) {
    Json doc = *b;
    const std::string status = doc["status"], id = doc["id"];
    if (status == "creating") {
      finish_backup(id, Status(Code::kInternal, "the backup was interrupted by a restart"));
      ++settled;
    } else if (status == "restoring") {
      std::string target = doc.value("restore_volume_id", std::string());
      finish_restore(id, target, Status(Code::kInternal, "the restore was interrupted by a restart"));
      ++settled;
    } else if (status == "deleting") {
      (void)store_.erase(kBackupKind, id);
      ++settled;
    }
  }
  return settled;
}

}  // namespace stacklab::volume
