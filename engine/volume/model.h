// Cinder's records as the volume manager stores them, and their states.
//
//   volume   {id, project_id, user_id, name, description, size, status,
//             attach_status ("detached" | "reserved" | "attaching" | "attached"), availability_zone,
//             volume_type_id, host ("host@backend#pool" once scheduled),
//             bootable, multiattach, readonly, thin, metadata {}, volume_image_metadata {},
//             admin_metadata {} (Cinder's visible admin keys: "readonly": "True"|"False", once set)
//             (from an image), snapshot_id, source_volid, migration_status,
//             attachments [{id (attachment id), server_id, host_name, device,
//             attached_at, attach_mode, attach_status ("reserved" | "attaching" |
//             "attached"; absent = attached), connector, connection_info}],
//             created_at, updated_at}
//   snapshot {id, project_id, user_id, volume_id, name, description, size,
//             status, progress, metadata {}, created_at, updated_at}
//
// Volume statuses (Cinder's): creating, available, reserved, attaching,
// in-use, detaching, maintenance, deleting, error, error_deleting,
// error_extending, extending, downloading, uploading, retyping.
// Snapshot statuses: creating, available, deleting, error, error_deleting.
#pragma once

#include <string>

#include "engine/core/clock.h"
#include "engine/core/timeutil.h"
#include "engine/volume/driver.h"

namespace stacklab::volume {

inline constexpr const char* kVolumeKind = "volume";
inline constexpr const char* kSnapshotKind = "snapshot";
inline constexpr const char* kBackupKind = "volume_backup";  // volume_backups.h

// Cinder's timestamps: "2026-01-01T10:00:00.000000" (microseconds, no zone).
inline std::string cinder_time(TimePoint t) {
  std::string s = format_iso_micro(t);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

}  // namespace stacklab::volume

namespace stacklab {
class Store;
}

namespace stacklab::volume {
// Declares the volume, snapshot and backup tables with their indexes (idempotent).
void define_volume_tables(Store& store);
// What a driver is told about a stored volume (its pool from "host@backend#pool").
VolumeRef volume_ref(const Json& volume);
// 400 unless `metadata` is an object of string values, keys 1-255 and values
// up to 255 characters long (Cinder's metadata of volumes and backups).
Status check_metadata(const Json& metadata);
// An attachment's status ("attached" for a legacy record without one).
std::string attachment_status(const Json& attachment);
// Sets a volume's status and attach_status from its attachments, as Cinder
// does when one goes: in-use/attached if any is attached, else attaching,
// else reserved, else available/detached.
void settle_attach_status(Json& volume);
}  // namespace stacklab::volume
