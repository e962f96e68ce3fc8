// FakeVolumeDriver: a simulated LVM-like backend behind the VolumeDriver
// contract (engine/volume/driver.h).
//
// Its pools hold no bytes, only exact accounts: a thick volume or snapshot
// takes its size out of the pool's free space when it is created; a thin
// one only adds to what the pool has promised (provisioned capacity), as an
// empty thin LV does. Each operation takes a duration drawn from its range
// with the injected Random and completes through the injected Clock (zero
// with fast()). Faults: a backend that is down fails every operation (and
// its cinder-volume service shows down); a full backend refuses every new
// allocation as LVM would ("Insufficient free space").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/volume/driver.h"
#include "fake_drivers/fake_compute_driver.h"

namespace stacklab::fake {

using Json = nlohmann::json;

struct VolumeOperationTimes {
  DurationRange create{std::chrono::milliseconds(500), std::chrono::seconds(2)};
  DurationRange remove{std::chrono::milliseconds(200), std::chrono::seconds(1)};
  DurationRange clone{std::chrono::seconds(1), std::chrono::seconds(3)};
  DurationRange snapshot{std::chrono::milliseconds(500), std::chrono::seconds(2)};
  DurationRange extend{std::chrono::milliseconds(200), std::chrono::seconds(1)};
  DurationRange image_copy{std::chrono::seconds(2), std::chrono::seconds(5)};
  DurationRange backup{std::chrono::seconds(2), std::chrono::seconds(5)};
  static VolumeOperationTimes fast() {
    VolumeOperationTimes t;
    t.create = t.remove = t.clone = t.snapshot = t.extend = t.image_copy = t.backup = DurationRange{};
    return t;
  }
};

struct FakePool {
  std::string name;
  double total_capacity_gb = 24;  // DevStack's default backing file (VOLUME_BACKING_FILE_SIZE=24G)
  bool thin = false;              // LVM thin pool (lvm_type = thin) instead of plain LVs
  int reserved_percentage = 0;
  double max_over_subscription_ratio = 20.0;
};

struct FakeBackend {
  std::string host = "openstackbootcamp";
  std::string backend_name = "lvmdriver-1";  // volume_backend_name, and the single pool's name
  std::string availability_zone = "nova";
  std::vector<FakePool> pools = {FakePool{"lvmdriver-1"}};
};

struct FakeVolumeFaults {
  bool backend_down = false;  // every operation fails; the service is down
  bool backend_full = false;  // every new allocation fails for lack of space
};

class FakeVolumeDriver final : public volume::VolumeDriver {
 public:
  FakeVolumeDriver(Clock& clock, Random& random, FakeBackend backend = {}, VolumeOperationTimes times = {});

  FakeVolumeFaults& faults() { return faults_; }
  // Bytes the driver accounts for (tests).
  std::size_t volume_count() const { return volumes_.size(); }
  std::size_t snapshot_count() const { return snapshots_.size(); }

  std::string backend_host() const override { return backend_.host + "@" + backend_.backend_name; }
  std::string availability_zone() const override { return backend_.availability_zone; }
  bool up() const override { return !faults_.backend_down; }
  volume::BackendStats get_volume_stats() const override;

  void create_volume(const volume::VolumeRef& volume, volume::Done done) override;
  void create_cloned_volume(const volume::VolumeRef& volume, const volume::VolumeRef& source,
                            volume::Done done) override;
  void create_volume_from_snapshot(const volume::VolumeRef& volume, const volume::SnapshotRef& snapshot,
                                   volume::Done done) override;
  void delete_volume(const volume::VolumeRef& volume, volume::Done done) override;
  void create_snapshot(const volume::SnapshotRef& snapshot, volume::Done done) override;
  void delete_snapshot(const volume::SnapshotRef& snapshot, volume::Done done) override;
  void extend_volume(const volume::VolumeRef& volume, long long new_size_gb, volume::Done done) override;
  void copy_image_to_volume(const volume::VolumeRef& volume, const std::string& image_id, volume::Done done) override;
  void copy_volume_to_image(const volume::VolumeRef& volume, const std::string& image_id, volume::Done done) override;
  void backup_volume(const volume::VolumeRef& volume, const std::string& backup_id, volume::Done done) override;
  void restore_backup(const volume::VolumeRef& volume, const std::string& backup_id, volume::Done done) override;
  Result<Json> initialize_connection(const volume::VolumeRef& volume, const Json& connector) override;
  Status terminate_connection(const volume::VolumeRef& volume, const Json& connector) override;
  void adopt_volume(const volume::VolumeRef& volume) override;
  void adopt_snapshot(const volume::SnapshotRef& snapshot) override;
  void forget_all() override;

 private:
  struct Extent {
    std::string pool;
    long long size_gb = 0;
    bool thin = false;
  };
  struct PoolState {
    FakePool config;
    double used_gb = 0;         // physically taken (thick extents)
    double provisioned_gb = 0;  // promised (every extent)
  };
  PoolState* pool(const std::string& name);
  // Claims `size_gb` in a pool for a new extent; Internal when it does not fit.
  Status claim(const std::string& pool_name, long long size_gb, bool thin);
  void release(const Extent& e);
  // Calls `done(st)` after a duration drawn from `range`.
  void finish(const DurationRange& range, volume::Done done, Status st);
  Status check_up() const;

  Clock& clock_;
  Random& random_;
  FakeBackend backend_;
  VolumeOperationTimes times_;
  FakeVolumeFaults faults_;
  std::map<std::string, PoolState> pools_;
  std::map<std::string, Extent> volumes_, snapshots_;
  std::map<std::string, int> exports_;  // volume id -> open connections
};

}  // namespace stacklab::fake
