// VolumeDriver: the storage-backend contract (Cinder's cinder/volume/driver.py).
//
// Vocabulary. A *backend* is what one driver serves: "host@backend"
// ("openstackbootcamp@lvmdriver-1"), one cinder-volume service. A *pool* is
// where a volume's bytes live inside it; a volume's host is
// "host@backend#pool". Volumes and snapshots are named by their Cinder ids;
// a driver's own handles (LV names, targets) never leave it.
//
// Calling rules. Every method is called on the engine loop. Operations that
// take storage time are asynchronous: they return at once and call `done`
// later, on the engine loop through the Clock, never inline, even when they
// fail at once or take no time. The volume manager serializes operations per
// volume. Capacity is claimed when an operation starts (so that the next
// scheduling decision sees it) and given back when it fails or the volume is
// deleted. Errors: NotFound for a volume or snapshot the driver does not
// hold; BadRequest for a request it can never serve (shrinking);
// Internal when the backend failed (it is down, a pool is full) — nothing is
// left behind then, and a retry is safe. Deletes are idempotent: deleting
// what the driver does not hold succeeds.
//
// The manager never asks which driver it has; it reads get_volume_stats().
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/core/status.h"

namespace stacklab::volume {

using Json = nlohmann::json;
using Done = std::function<void(Status)>;

// What a driver needs to know about a volume.
struct VolumeRef {
  std::string id;
  long long size_gb = 0;
  std::string pool;   // the pool of its host ("lvmdriver-1")
  bool thin = false;  // provisioned thin (volume type's provisioning:type, else the pool's default)
};

// What a driver needs to know about a snapshot.
struct SnapshotRef {
  std::string id, volume_id;
  long long size_gb = 0;
  std::string pool;
  bool thin = false;
};

// One pool's capacity and capabilities, as Cinder's get_volume_stats()
// reports it to the scheduler (sizes in GiB).
struct PoolStats {
  std::string pool_name;
  double total_capacity_gb = 0, free_capacity_gb = 0;
  double allocated_capacity_gb = 0;    // what Cinder put here (sum of volume sizes)
  double provisioned_capacity_gb = 0;  // what the pool promised (thin volumes included)
  int reserved_percentage = 0;
  double max_over_subscription_ratio = 20.0;
  bool thin_provisioning_support = false, thick_provisioning_support = true;
  bool multiattach = true;
  // Anything else a volume type's extra specs may ask for (CapabilitiesFilter).
  Json capabilities = Json::object();
};

struct BackendStats {
  std::string volume_backend_name, vendor_name, driver_version, storage_protocol;
  std::vector<PoolStats> pools;
};

class VolumeDriver {
 public:
  virtual ~VolumeDriver() = default;

  // "host@backend"; fixed for the driver's life.
  virtual std::string backend_host() const = 0;
  // The availability zone its service reports (storage_availability_zone).
  virtual std::string availability_zone() const = 0;
  // False when the backend cannot be reached: its cinder-volume service is down.
  virtual bool up() const = 0;
  // Capacity and capabilities now (what the periodic report would say).
  virtual BackendStats get_volume_stats() const = 0;

  // After success the volume exists with `size_gb` in its pool.
  virtual void create_volume(const VolumeRef& volume, Done done) = 0;
  // A new volume holding `source`'s data (at least its size).
  virtual void create_cloned_volume(const VolumeRef& volume, const VolumeRef& source, Done done) = 0;
  // A new volume holding `snapshot`'s data (at least its size).
  virtual void create_volume_from_snapshot(const VolumeRef& volume, const SnapshotRef& snapshot, Done done) = 0;
  // After success the volume and its space are gone. Idempotent.
  virtual void delete_volume(const VolumeRef& volume, Done done) = 0;
  // A point-in-time copy of the volume, in its pool.
  virtual void create_snapshot(const SnapshotRef& snapshot, Done done) = 0;
  virtual void delete_snapshot(const SnapshotRef& snapshot, Done done) = 0;
  // Grows the volume to `new_size_gb` (BadRequest when not larger).
  virtual void extend_volume(const VolumeRef& volume, long long new_size_gb, Done done) = 0;
  // Writes an image's data into a created volume.
  virtual void copy_image_to_volume(const VolumeRef& volume, const std::string& image_id, Done done) = 0;
  // Reads the volume's data into an image.
  virtual void copy_volume_to_image(const VolumeRef& volume, const std::string& image_id, Done done) = 0;
  // Copies the volume's data to backup storage.
  virtual void backup_volume(const VolumeRef& volume, const std::string& backup_id, Done done) = 0;
  // Writes a backup's data into an existing volume (at least the backup's size).
  virtual void restore_backup(const VolumeRef& volume, const std::string& backup_id, Done done) = 0;

  // Exports the volume to the host `connector` describes ({"host", "initiator",
  // "ip", ...}); returns Cinder's connection info {"driver_volume_type",
  // "data"} that the hypervisor attaches with. Synchronous, as in Cinder.
  virtual Result<Json> initialize_connection(const VolumeRef& volume, const Json& connector) = 0;
  // Removes that export. Idempotent.
  virtual Status terminate_connection(const VolumeRef& volume, const Json& connector) = 0;

  // Re-learns a volume or snapshot a previous run created (after a restart),
  // claiming its space again without taking any time.
  virtual void adopt_volume(const VolumeRef& volume) = 0;
  virtual void adopt_snapshot(const SnapshotRef& snapshot) = 0;
  // Forgets every volume, snapshot and export (the whole cloud's state was
  // replaced by a snapshot restore; adopt_* then re-learns the restored ones).
  virtual void forget_all() = 0;
};

}  // namespace stacklab::volume
