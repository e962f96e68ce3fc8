// VolumeService: Cinder's volume manager — volumes, their actions and
// snapshots — over the backends' drivers (engine/volume/driver.h), the
// scheduler, volume types and quotas. Records and states: model.h.
//
// Creation is Cinder's flow: the API call checks input, policy and quota,
// stores the volume "creating" and answers; the scheduler then picks a pool
// and the driver builds the volume ("available", or "error" when no backend
// fits or the backend failed). Deletion likewise goes "deleting" and the
// record disappears when the driver is done. Everything else a client does
// is checked against the volume's status with Cinder's messages.
//
// Attaching, as Nova does it (the legacy flow, which os-volume_attachments
// uses):
//   reserve(volume)                      available -> attaching (in-use too for a
//                                        multiattach volume: one attachment per server)
//   initialize_connection(volume, conn)  the export for the hypervisor (connection info)
//   attach(volume, {server, mountpoint}) attaching -> in-use, attach_status "attached";
//                                        returns the attachment (its id for detach)
//   unreserve(volume)                    attaching -> available (the attach failed)
// and detaching:
//   begin_detaching(volume)              in-use -> detaching
//   terminate_connection(volume, conn)   removes the export
//   detach(volume, attachment_id)        detaching -> available (or in-use while
//                                        other attachments remain)
//   roll_detaching(volume)               detaching -> in-use (the detach failed)
// Each step is a single state change, durable before it returns, so a
// caller that dies between steps leaves a state an admin can reset.
//
// The attachments API (microversions 3.27+, the flow modern Nova uses) keeps
// its records in the same place, the volume's `attachments`, so that both
// flows see one set of attachments:
//   create_attachment(volume, instance)  volume -> reserved, attachment "reserved"
//     (with a connector it is also updated, as below)
//   update_attachment(id, connector)     the export; attachment and volume "attaching",
//                                        the attachment gets its connection_info
//   complete_attachment(id)              attachment "attached", volume in-use
//   delete_attachment(id)                the export removed; the volume's status is
//                                        recomputed from the attachments left
//                                        (available when none is left)
// A legacy attach record has no attach_status and counts as "attached".
//
// Every method runs on the engine loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/image/image_service.h"
#include "engine/volume/model.h"
#include "engine/volume/volume_backends.h"
#include "engine/volume/volume_quotas.h"
#include "engine/volume/volume_scheduler.h"
#include "engine/volume/volume_types.h"

namespace stacklab::volume {

struct NewVolume {
  std::optional<long long> size;  // required unless from a snapshot or a source volume
  std::string name, description;
  std::string volume_type;        // id or name; "" = the default type (or the source's)
  std::string availability_zone;  // "" = the default zone (or the source's)
  std::string snapshot_id, source_volid, image_ref;
  Json metadata = Json::object();
  bool multiattach = false;
};

struct VolumeChange {
  std::optional<std::string> name, description;
  std::optional<Json> metadata;  // replaces the metadata
};

// An admin's os-reset_status (each field optional).
struct StatusReset {
  std::optional<std::string> status, attach_status, migration_status;
};

// Where Nova attaches a volume (os-attach).
struct AttachTarget {
  std::string instance_uuid;  // the server
  std::string host_name;      // or a host, for a host attachment
  std::string instance_host;  // the compute host of an instance attachment (shown as its host_name)
  std::string mountpoint;     // "/dev/vdb"
  std::string mode = "rw";    // "rw" | "ro"
};

struct NewSnapshot {
  std::string volume_id;
  std::string name = {}, description = {};
  bool force = false;  // snapshot an in-use volume
  Json metadata = Json::object();
};

// os-volume_upload_image: the new image's Glance fields.
struct ImageUpload {
  std::string image_name;
  std::string disk_format = "raw", container_format = "bare";
  std::string visibility = "private";
  bool is_protected = false;
  bool force = false;  // upload an in-use volume
};

struct VolumeOptions {
  std::string default_availability_zone = "nova";  // [DEFAULT] default_availability_zone
};

class VolumeService {
 public:
  VolumeService(Store& store, Clock& clock, Random& random, const Policy& policy, VolumeBackends& backends,
                const VolumeScheduler& scheduler, VolumeTypeService& types, VolumeQuotas& quotas,
                image::ImageService* images, VolumeOptions options = {});

  // ---- volumes ----
  // 400 for bad input (size, zone, a source not available), 404 for an
  // unknown type/snapshot/volume/image, 413 over quota. The volume is
  // "creating" when this returns.
  Result<Json> create(const Credentials& caller, const NewVolume& volume);
  // 404 "Volume <id> could not be found." also for another project's volume.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // The caller's project's volumes; every project's for an admin's `all_tenants`.
  std::vector<Json> list(const Credentials& caller, bool all_tenants) const;
  Result<Json> update(const Credentials& caller, const std::string& id, const VolumeChange& change);
  // 400 "Invalid volume: Volume status must be available or error or
  // error_restoring or error_extending or error_managing and must not be
  // migrating, attached, belong to a group, have snapshots or be
  // disassociated from snapshots after volume transfer." otherwise;
  // `cascade` deletes its snapshots first.
  Status remove(const Credentials& caller, const std::string& id, bool cascade);
  // Admin: deletes whatever the status (not while attached).
  Status force_delete(const Credentials& caller, const std::string& id);

  // ---- actions ----
  // Grows an available volume, or an in-use one when `attached` is allowed
  // (microversion 3.42), "extending" until the driver is done, then back to
  // its status; 400 "New size for extend must be greater than current size."
  Status extend(const Credentials& caller, const std::string& id, long long new_size, bool attached = false);
  Status set_bootable(const Credentials& caller, const std::string& id, bool bootable);
  Status set_readonly(const Credentials& caller, const std::string& id, bool readonly);
  Status reset_status(const Credentials& caller, const std::string& id, const StatusReset& reset);
  // Merges (or, with `replace`, replaces) metadata; the resulting metadata.
  Result<Json> set_metadata(const Credentials& caller, const std::string& id, const Json& metadata, bool replace);
  // 404 "Metadata item was not found".
  Status delete_metadata(const Credentials& caller, const std::string& id, const std::string& key);

  // Copies the volume into a new image of the caller's project: the image is
  // created queued and the volume goes "uploading"; when the driver is done
  // the image is active and the volume back to its status (a failed copy
  // deletes the image). 400 "Invalid volume: Volume status must be available
  // or in-use." (in-use needs `force`); Glance's errors for a bad format.
  // Returns {"volume": the record, "image_id": the new image's id}.
  Result<Json> upload_to_image(const Credentials& caller, const std::string& id, const ImageUpload& upload);

  // os-retype: gives the volume `new_type` (id or name). Where the volume's
  // pool satisfies the new type's extra specs the type changes in place;
  // otherwise, with `migration_policy` "on-demand", the scheduler picks
  // another pool and the volume (available, without snapshots) migrates
  // there. Meanwhile it is "retyping"; it returns to its status whether or
  // not the retype happened (no valid pool, policy "never": the type stays,
  // as in Cinder where the scheduler's refusal is only logged).
  // 400 for a bad policy, the same type, a volume not available/in-use, or
  // an in-use volume whose multiattach the new type would change (the
  // volume's multiattach follows its type once retyped); 404 for an unknown
  // type; 413 over the new type's quotas.
  Status retype(const Credentials& caller, const std::string& id, const std::string& new_type,
                const std::string& migration_policy);

  // ---- the attach hand-off (see the top of this file) ----
  Status reserve(const Credentials& caller, const std::string& id);
  Status unreserve(const Credentials& caller, const std::string& id);
  Result<Json> initialize_connection(const Credentials& caller, const std::string& id, const Json& connector);
  Status terminate_connection(const Credentials& caller, const std::string& id, const Json& connector);
  Result<Json> attach(const Credentials& caller, const std::string& id, const AttachTarget& target);
  Status begin_detaching(const Credentials& caller, const std::string& id);
  Status roll_detaching(const Credentials& caller, const std::string& id);
  // `attachment_id` "" detaches the only attachment.
  Status detach(const Credentials& caller, const std::string& id, const std::string& attachment_id);

  // ---- the attachments API (see the top of this file) ----
  // 404 for an unknown volume; 400 "Invalid volume: ..." when the volume is
  // in error or not available (in-use too for a multiattach volume), unless
  // `instance_uuid` already has an attachment of it; `mode` "" = "null"
  // (the connector's or "rw" decides). Returns the attachment (with volume_id).
  Result<Json> create_attachment(const Credentials& caller, const std::string& volume_id,
                                 const std::string& instance_uuid, const Json& connector, const std::string& mode);
  // 404 "Volume attachment could not be found with filter: attachment_id = <id>."
  Result<Json> get_attachment(const Credentials& caller, const std::string& id) const;
  // Every attachment of the caller's project's volumes (every project's for an
  // admin's `all_tenants`), newest volume first.
  std::vector<Json> list_attachments(const Credentials& caller, bool all_tenants) const;
  // The backend's connection for `connector`; 400 when the driver refuses,
  // 500 "Invalid attaching mode" for a read-only volume asked rw (as Cinder).
  Result<Json> update_attachment(const Credentials& caller, const std::string& id, const Json& connector);
  Status complete_attachment(const Credentials& caller, const std::string& id);
  // The attachments the volume has left.
  Result<std::vector<Json>> delete_attachment(const Credentials& caller, const std::string& id);

  // ---- snapshots ----
  // 400 "Invalid volume: Volume <id> status must be available, but current
  // status is: in-use." unless `force`; 413 over quota.
  Result<Json> create_snapshot(const Credentials& caller, const NewSnapshot& snapshot);
  Result<Json> get_snapshot(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_snapshots(const Credentials& caller, bool all_tenants) const;
  Result<Json> update_snapshot(const Credentials& caller, const std::string& id, const VolumeChange& change);
  Status remove_snapshot(const Credentials& caller, const std::string& id);
  Result<Json> set_snapshot_metadata(const Credentials& caller, const std::string& id, const Json& metadata,
                                     bool replace);
  Status delete_snapshot_metadata(const Credentials& caller, const std::string& id, const std::string& key);
  Status reset_snapshot_status(const Credentials& caller, const std::string& id, const std::string& status);

  // After a restart: the drivers re-learn the stored volumes and snapshots;
  // operations the crash interrupted end in "error" (creating, extending)
  // or finish (deleting). Returns how many records were settled.
  std::size_t recover();

  const Policy& policy() const { return policy_; }
  VolumeTypeService& types() { return types_; }

 private:
  Result<Json> owned(const Credentials& caller, const std::string& kind, const std::string& id,
                     const std::string& action) const;
  Status save(Json doc);
  VolumeRef ref(const Json& volume) const;
  SnapshotRef snapshot_ref(const Json& snapshot) const;
  // The scheduling and driver work of a stored "creating" volume.
  void build(const std::string& id);
  // `on_backend`: the driver holds the volume (so deleting it must ask the driver).
  void finish_build(const std::string& id, const Status& result, bool on_backend = true);
  void destroy(const std::string& id);
  // The scheduling and driver work of a stored "retyping" volume.
  void run_retype(const std::string& id, const std::string& type_id, bool may_migrate);
  // The end of a retype: the volume leaves "retyping" with the new type (and
  // `placement` {host, thin}, after a migration) when `result` is ok, unchanged otherwise.
  void finish_retype(const std::string& id, const Status& result, const std::string& type_id = "",
                     const Json& placement = nullptr);
  // The end of an upload: the volume leaves "uploading" (and a failed copy's image is deleted).
  void finish_upload(const std::string& id, const std::string& image_id, const Credentials& owner, Status result);
  void destroy_snapshot(const std::string& id, std::function<void()> then = nullptr);
  // The stored volume holding attachment `id` (404 as get_attachment), checked against `action`.
  Result<Json> volume_of_attachment(const Credentials& caller, const std::string& id,
                                    const std::string& action) const;
  // Connects attachment `id` of `volume` for `connector` (the update step, not saved).
  Status connect_attachment(Json& volume, const std::string& id, const Json& connector);
  Result<Json> set_status(const Credentials& caller, const std::string& id, const std::string& action,
                          const std::vector<std::string>& from, const std::string& to, const std::string& verb);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  VolumeBackends& backends_;
  const VolumeScheduler& scheduler_;
  VolumeTypeService& types_;
  VolumeQuotas& quotas_;
  image::ImageService* images_;
  VolumeOptions options_;
};

}  // namespace stacklab::volume
