// Backups' own fields (update) and their records: export to an opaque URL
// and import, possibly into another cloud (volume_backups.h).
#include "engine/core/base64.h"
#include "engine/volume/volume_backups.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {

// The fields a record carries: what the backup is, not where it is in its lifecycle.
const char* const kRecordFields[] = {"id",          "project_id",   "user_id",        "volume_id",
                                     "snapshot_id", "name",         "description",    "size",
                                     "container",   "is_incremental", "parent_id",    "object_count",
                                     "data_timestamp", "availability_zone", "metadata", "volume_metadata", "created_at"};

Status unparsable() { return BadRequest("Invalid backup: Can't parse backup record."); }

}  // namespace

Result<Json> VolumeBackups::update(const Credentials& caller, const std::string& id, const BackupChange& change) {
  auto b = owned(caller, id, "backup:update");
  if (!b.ok()) return b;
  Json doc = *b;
  if (change.name) doc["name"] = change.name->empty() ? Json(nullptr) : Json(*change.name);
  if (change.description) doc["description"] = change.description->empty() ? Json(nullptr) : Json(*change.description);
  if (change.metadata) {
    if (Status st = check_metadata(*change.metadata); !st.ok()) return st;
    doc["metadata"] = *change.metadata;
  }
  if (Status st = save(doc); !st.ok()) return st;
  return *store_.get(kBackupKind, id);
}

Result<BackupRecord> VolumeBackups::export_record(const Credentials& caller, const std::string& id) const {
  auto b = owned(caller, id, "backup:backup-export");
  if (!b.ok()) return b.status();
  const std::string status = (*b)["status"];
  if (status != "available") return BadRequest("Invalid backup: Backup status must be available and not " + status + ".");
  Json record = Json::object();
  for (const char* key : kRecordFields) record[key] = b->value(key, Json(nullptr));
  return BackupRecord{kBackupService, base64_encode(record.dump())};
}

Result<Json> VolumeBackups::import_record(const Credentials& caller, const BackupRecord& in) {
  if (Status st = authorize(policy_, "backup:backup-import", caller, {{"project_id", caller.project_id}}); !st.ok())
    return st;
  if (in.backup_service != kBackupService)
    return Status(Code::kInternal, "Service " + in.backup_service + " could not be found.");
  auto text = base64_decode(in.backup_url);
  if (!text) return unparsable();
  Json record = Json::parse(*text, nullptr, false);
  if (record.is_discarded() || !record.is_object() || !record.contains("id") || !record["id"].is_string() ||
      !record.contains("size") || !record["size"].is_number_integer())
    return unparsable();
  const std::string id = record["id"];
  if (store_.get(kBackupKind, id)) return BadRequest("Invalid backup: Backup already exists in database.");
  std::string now = cinder_time(clock_.now());
  Json doc = Json::object();
  for (const char* key : kRecordFields) doc[key] = record.value(key, Json(nullptr));
  // The importer's project owns the backup; its volume need not exist here.
  doc["project_id"] = caller.project_id;
  doc["user_id"] = caller.user_id;
  if (!doc["metadata"].is_object()) doc["metadata"] = Json::object();
  if (!doc["container"].is_string()) doc["container"] = "volumebackups";
  if (!doc["is_incremental"].is_boolean()) doc["is_incremental"] = false;
  if (!doc["object_count"].is_number()) doc["object_count"] = doc["size"];
  if (!doc["created_at"].is_string()) doc["created_at"] = now;
  // An incremental backup's parent may not have been imported; here it stands alone.
  if (doc["parent_id"].is_string() && !store_.get(kBackupKind, doc["parent_id"].get<std::string>()))
    doc["parent_id"] = nullptr;
  doc["status"] = "creating";
  doc["fail_reason"] = nullptr;
  doc["volume_previous_status"] = nullptr;
  doc["updated_at"] = nullptr;
  if (Status st = store_.put(kBackupKind, id, doc); !st.ok()) return st;
  // The backup service reads the record's data on its next turn (simulated: nothing to read).
  clock_.schedule(Duration::zero(), [this, id] {
    const Json* b = store_.get(kBackupKind, id);
    if (!b || (*b)["status"] != "creating") return;
    Json d = *b;
    d["status"] = "available";
    (void)save(d);
  });
  return doc;
}

}  // namespace stacklab::volume
