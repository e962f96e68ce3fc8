// BlockDeviceMappings: Nova's block_device_mapping table, the record of
// which volumes an instance has and where the guest sees them.
//
//   bdm {id (Nova's bdm uuid), instance_uuid, volume_id (null until a volume
//        made for the instance exists), device_name ("/dev/vdb"), boot_index
//        (0 = the root disk, -1 = not bootable), source_type ("volume" |
//        "image" | "snapshot" | "blank"), destination_type ("volume"),
//        uuid (the source's id: image, snapshot or volume), volume_size (GiB
//        or null), delete_on_termination, tag (or null), attachment_id
//        (Cinder's, null until attached), created_at}
//
// One row per volume of an instance, written through the Store (so a
// restart keeps them). Local disks of a flavor (image root, ephemeral,
// swap) have no rows: they are the hypervisor's, not Cinder's.
//
// Device names follow the libvirt driver: the root disk is /dev/vda, then
// /dev/vdb, /dev/vdc, ... in order of attachment, reusing the lowest free
// letter (after /dev/vdz come /dev/vdaa, /dev/vdab, ...).
#pragma once

#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

inline constexpr const char* kRootDevice = "/dev/vda";

// The first /dev/vdX name not in `used` (vda counts as used: it is the root).
std::string next_device_name(const std::vector<std::string>& used);

class BlockDeviceMappings {
 public:
  BlockDeviceMappings(Store& store, Clock& clock, Random& random);

  // A new row's fields filled: id, created_at, attachment_id null (the rest
  // are the caller's). Not stored.
  Json make(const std::string& instance_uuid) const;
  Status save(const Json& bdm);
  Status remove(const std::string& id);

  // The instance's rows, root first then by device name.
  std::vector<Json> of_instance(const std::string& instance_uuid) const;
  // The instance's row for a volume; null when it has none.
  Json find(const std::string& instance_uuid, const std::string& volume_id) const;
  // The next free device name of the instance.
  std::string next_device(const std::string& instance_uuid) const;

 private:
  Store& store_;
  Clock& clock_;
  Random& random_;
};

}  // namespace stacklab::compute
