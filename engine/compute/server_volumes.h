// ServerVolumes: the volumes of Nova's instances — the os-volume_attachments
// API (attach, list, show, detach), boot from volume (block_device_mapping_v2
// of a server create), and what a deleted instance leaves to Cinder.
//
// The record is the instance's block device mappings (block_devices.h);
// Cinder holds the volume's status and attachments (volume_api.h). An
// attach, as Nova's: the API checks the server (lock, state) and the volume
// (visible, available), reserves the volume (attaching), records the
// mapping with the next device name and answers; the compute host's part
// then follows on the loop: the hypervisor plugs the disk, Cinder is told
// (in-use, an attachment with server, host and device). A failure there
// unreserves the volume and drops the mapping. Detach likewise: detaching
// at once, then the disk unplugged, Cinder's detach (available) and the
// mapping removed.
//
// Booting from a volume: create() checks the mappings as the user (before
// anything is stored); the build makes the volumes a mapping asks for
// (from an image, a snapshot, or blank), waits for Cinder to finish them,
// and attaches every mapping before the spawn. A deleted instance (or a
// failed build) detaches its volumes and deletes those marked
// delete_on_termination. Every method runs on the engine loop.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/compute/block_devices.h"
#include "engine/compute/driver.h"
#include "engine/compute/volume_api.h"
#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/image/image_service.h"

namespace stacklab::compute {

// One entry of a server create's block_device_mapping_v2 (shape checked by the API).
struct RequestedBlockDevice {
  std::string source_type = "volume";  // volume | image | snapshot | blank
  std::string destination_type;        // volume | local ("" = volume, "local" for blank/image swap and ephemerals)
  std::string uuid;                    // the source's id (none for blank)
  std::optional<long long> volume_size;
  std::optional<int> boot_index;  // 0 = the root disk
  std::optional<bool> delete_on_termination;
  std::string tag;
};

// POST /servers/{id}/os-volume_attachments.
struct VolumeAttachRequest {
  std::string volume_id;
  std::string tag;  // 2.49
  bool delete_on_termination = false;  // 2.79
  bool multiattach_allowed = false;    // the microversion is 2.60 or later
};

class ServerVolumes {
 public:
  ServerVolumes(Store& store, Clock& clock, BlockDeviceMappings& mappings, VolumeApi& volumes,
                image::ImageService& images, std::function<ComputeDriver*(const std::string& host)> drivers);

  // ---- os-volume_attachments ----
  // The instance's mappings that name a volume, root first.
  std::vector<Json> attachments(const std::string& instance_uuid) const;
  // 404 "Instance <uuid> is not attached to volume <id>".
  Result<Json> attachment(const Json& instance, const std::string& volume_id) const;
  // 409 locked or in a state that forbids it; 404 unknown volume; 400 a
  // volume not available (in-use is fine for a multiattach one), already
  // attached here, multiattach below 2.60 or to a shelved-offloaded server.
  // The new mapping (its device name); the volume is attaching.
  Result<Json> attach(const Credentials& caller, const Json& instance, const VolumeAttachRequest& request);
  // 409 as attach; 404 not attached; 400 the root volume or a volume that
  // is not in-use. The volume is detaching.
  Status detach(const Credentials& caller, const Json& instance, const std::string& volume_id);

  // Nova's swap (an admin's PUT): the mapping's volume replaced by
  // `new_volume_id` at the same device; the old one detached (available),
  // the new one in-use. 404 not attached; 400 an unknown new volume or one
  // not available, or an old one with several read/write attachments
  // (multiattach); 409 as attach.
  Status swap(const Credentials& caller, const Json& instance, const std::string& old_volume_id,
              const std::string& new_volume_id);

  // ---- boot from volume ----
  // Checks a create's mappings as the user (Nova's _validate_bdm): 400 for
  // an unknown or unusable volume, snapshot or image, a bad boot sequence
  // (no root when `image_ref` is ""), a volume for several servers, a
  // multiattach volume unless `multiattach_allowed` (2.60). The
  // mapping rows to record for each new instance (volume destinations
  // only); `volume_backed` tells whether one is the root.
  struct BootPlan {
    std::vector<Json> rows;
    bool volume_backed = false;
  };
  Result<BootPlan> validate(const Credentials& caller, const std::vector<RequestedBlockDevice>& requested,
                            const std::string& image_ref, int max_count, bool multiattach_allowed) const;
  // The instance has mappings (a build must prepare them)?
  bool has_mappings(const std::string& instance_uuid) const { return !mappings_.of_instance(instance_uuid).empty(); }
  // Stores the plan's rows for a new instance (within the create's transaction).
  Status record(const std::string& instance_uuid, const BootPlan& plan);
  // The build's block_device_mapping step: the volumes made, awaited and
  // attached; then `done` (an error: the build fails with its message).
  void prepare(const std::string& instance_uuid, std::function<void(Status)> done);
  // After a delete or a failed build: every volume detached, the
  // delete_on_termination ones deleted, the mappings removed. Idempotent.
  void release(const std::string& instance_uuid);
  // ---- snapshots of a volume-backed server (Nova's snapshot_volume_backed) ----
  // A forced Cinder snapshot "snapshot for <image_name>" of each of the
  // instance's volumes, root first, made as `caller`; returns the image's
  // block_device_mapping (Nova's image mapping of each: source snapshot,
  // destination volume, the mapping's size, boot index, device name and
  // delete_on_termination). A refusal deletes the snapshots already made;
  // Cinder's over-limit is 403 "Quota exceeded for resources: snapshots".
  Result<Json> snapshot_volumes(const Credentials& caller, const Json& instance, const std::string& image_name);
  // Deletes the snapshots a mapping from snapshot_volumes() names (its image was refused).
  void remove_snapshots(const Credentials& caller, const Json& mapping);
  // The mappings an image made by snapshot_volumes() carries (properties
  // bdm_v2 and block_device_mapping), as a create's requested devices;
  // empty for any other image.
  static std::vector<RequestedBlockDevice> image_defined(const Json& image);

  // The image the instance's root volume was made from (Cinder's
  // volume_image_metadata image_id); "" when it has none.
  std::string root_image_id(const Json& instance) const;

  // ---- os-volume_attachments PUT (2.85) ----
  // The mapping's delete_on_termination changed; 404 not attached.
  Status set_delete_on_termination(const Json& instance, const std::string& volume_id, bool value);

  // After a restart (once the instances are recovered): an attach or a
  // detach the crash cut between the API's half and the host's half is
  // carried on. Returns how many were.
  int recover();

 private:
  const Json* instance(const std::string& uuid) const;
  // The compute host's half of an attach / a detach (see the top of the file).
  void connect(const std::string& instance_uuid, const std::string& bdm_id);
  void finish_connect(const std::string& instance_uuid, const std::string& bdm_id, const Status& plugged);
  void disconnect(const std::string& instance_uuid, const std::string& bdm_id);
  Status create_volume(const Json& server, Json& row);
  void remove_snapshot_when_made(const Credentials& caller, const std::string& id, int attempt);
  void await_volumes(const std::string& instance_uuid, int attempt, std::function<void(Status)> done);
  Status attach_for_boot(const Json& server, Json& row);
  ComputeDriver* driver_of(const Json& server) const;

  Store& store_;
  Clock& clock_;
  BlockDeviceMappings& mappings_;
  VolumeApi& volumes_;
  image::ImageService& images_;
  std::function<ComputeDriver*(const std::string& host)> drivers_;
};

}  // namespace stacklab::compute
