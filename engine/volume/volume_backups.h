// Volume backups (Cinder's backup service): a copy of a volume's data kept
// apart from its backend, restorable into a new or an existing volume.
//
//   volume_backup {id, project_id, user_id, volume_id, snapshot_id, name,
//                  description, size, status, fail_reason, availability_zone,
//                  container, is_incremental, parent_id (the backup an
//                  incremental one builds on), object_count, data_timestamp,
//                  volume_previous_status (while backing up / restoring),
//                  restore_volume_id (while restoring), metadata {} (3.43),
//                  volume_metadata {} (the volume's, restored with the data),
//                  created_at, updated_at}
//
// A backup's record can be exported (an admin's export_record: the backup
// service's name and an opaque URL, the base64 of the record's JSON) and
// imported into this or another cloud, where it is an available backup with
// the same id that restores like any other.
//
// Backup statuses: creating, available, deleting, restoring, error. While a
// backup is made its volume is "backing-up"; while one is restored the
// target volume is "restoring-backup" (then available, or error_restoring).
// The backup's data is simulated: the record in the store is the backup.
// Quotas: backups and backup_gigabytes (VolumeQuotas). Every method runs on
// the engine loop.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

struct NewBackup {
  std::string volume_id;
  std::string name = {}, description = {}, container = {};
  std::string snapshot_id = {};  // back up this snapshot of the volume instead of the volume
  bool incremental = false;      // build on the volume's latest available backup
  bool force = false;            // back up an in-use volume
  Json metadata = Json::object();  // 3.43
};

struct BackupChange {
  std::optional<std::string> name, description;
  std::optional<Json> metadata;  // replaces the metadata
};

// What export_record gives and import_record takes.
struct BackupRecord {
  std::string backup_service;  // kBackupService
  std::string backup_url;      // opaque
};

// The backup driver this cloud's backups are kept by (a store in the state dir).
inline constexpr const char* kBackupService = "cinder.backup.drivers.posix.PosixBackupDriver";

class VolumeBackups {
 public:
  VolumeBackups(Store& store, Clock& clock, Random& random, const Policy& policy, VolumeBackends& backends,
                VolumeQuotas& quotas, VolumeService& volumes);

  // The backup, "creating". 404 for an unknown volume or snapshot; 400
  // "Invalid volume: Backing up an in-use volume must use the force flag.",
  // "Invalid backup: No backups available to do an incremental backup.";
  // 413 over the backups or backup_gigabytes quota.
  Result<Json> create(const Credentials& caller, const NewBackup& backup);
  // 404 "Backup <id> could not be found." also for another project's.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // The caller's project's backups; every project's for an admin's `all_tenants`.
  std::vector<Json> list(const Credentials& caller, bool all_tenants) const;
  // 400 "Invalid backup: Backup status must be available or error" (an
  // admin's `force` also deletes a creating or restoring one) or while
  // incremental backups depend on it.
  Status remove(const Credentials& caller, const std::string& id, bool force);
  // Restores into `volume_id`, or into a new volume named `name` (default
  // "restore_backup_<id>") of the backup's size when `volume_id` is "".
  // Returns {backup_id, volume_id, volume_name}. 400 unless the backup is
  // available and the target volume available and large enough.
  Result<Json> restore(const Credentials& caller, const std::string& id, const std::string& volume_id,
                       const std::string& name);
  // Name, description, metadata (string values). 404 as get; 400 for bad metadata.
  Result<Json> update(const Credentials& caller, const std::string& id, const BackupChange& change);
  // Admin. 400 "Invalid backup: Backup status must be available and not <status>."
  Result<BackupRecord> export_record(const Credentials& caller, const std::string& id) const;
  // Admin: a new backup from an exported record, "creating" and then
  // available. 400 "Invalid backup: Can't parse backup record." for a bad
  // URL, "Invalid backup: Backup already exists in database." when its id
  // is taken; 500 when the record names another backup service.
  Result<Json> import_record(const Credentials& caller, const BackupRecord& record);
  // Admin: sets "available" or "error".
  Status reset_status(const Credentials& caller, const std::string& id, const std::string& status);
  // True when an incremental backup builds on this one.
  bool has_dependents(const std::string& id) const;

  // After a restart: interrupted backups end in error (their volume back to
  // its status), interrupted restores leave the volume error_restoring,
  // interrupted deletes finish. Returns how many were settled.
  std::size_t recover();

 private:
  Result<Json> owned(const Credentials& caller, const std::string& id, const std::string& action) const;
  Status save(Json backup);
  // Sets a volume's status (if it still exists), keeping the rest.
  void set_volume_status(const std::string& volume_id, const std::string& status);
  void finish_backup(const std::string& id, const Status& result);
  void start_restore(const std::string& id, const std::string& volume_id);
  void finish_restore(const std::string& id, const std::string& volume_id, const Status& result);
  // Calls `then` once a new volume has left "creating" (true when it is available).
  void when_built(const std::string& volume_id, std::function<void(bool)> then);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  VolumeBackends& backends_;
  VolumeQuotas& quotas_;
  VolumeService& volumes_;
};

}  // namespace stacklab::volume
