#include "engine/compute/block_devices.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

const char* kBdm = "block_device_mapping";

// The letters of disk number `n` (0 = "a", 25 = "z", 26 = "aa"), as the
// kernel names virtio disks.
std::string disk_letters(std::size_t n) {
  std::string s;
  for (++n; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('a' + (n - 1) % 26));
  return s;
}

}  // namespace

std::string next_device_name(const std::vector<std::string>& used) {
  std::set<std::string> taken(used.begin(), used.end());
  taken.insert(kRootDevice);
  for (std::size_t n = 0;; ++n) {
    std::string name = "/dev/vd" + disk_letters(n);
    if (!taken.count(name)) return name;
  }
}

BlockDeviceMappings::BlockDeviceMappings(Store& store, Clock& clock, Random& random)
    : store_(store), clock_(clock), random_(random) {
  store_.define(kBdm, {"instance_uuid", "volume_id"});
}

Json BlockDeviceMappings::make(const std::string& instance_uuid) const {
  return {{"id", random_.uuid4()},
          {"instance_uuid", instance_uuid},
          {"volume_id", nullptr},
          {"device_name", nullptr},
          {"boot_index", -1},
          {"source_type", "volume"},
          {"destination_type", "volume"},
          {"uuid", nullptr},
          {"volume_size", nullptr},
          {"delete_on_termination", false},
          {"tag", nullptr},
          {"attachment_id", nullptr},
          {"created_at", format_iso_seconds(clock_.now())}};
}

Status BlockDeviceMappings::save(const Json& bdm) { return store_.put(kBdm, bdm["id"], bdm); }

Status BlockDeviceMappings::remove(const std::string& id) { return store_.erase(kBdm, id); }

std::vector<Json> BlockDeviceMappings::of_instance(const std::string& instance_uuid) const {
  std::vector<Json> out;
  for (const Json* d : store_.find(kBdm, "instance_uuid", instance_uuid)) out.push_back(*d);
  // The root first, then by name: /dev/vdb before /dev/vdc before /dev/vdaa.
  auto key = [](const Json& b) {
    std::string name = b["device_name"].is_string() ? b["device_name"].get<std::string>() : "";
    return std::make_tuple(b["boot_index"] != 0, name.size(), name);
  };
  std::sort(out.begin(), out.end(), [&](const Json& a, const Json& b) { return key(a) < key(b); });
  return out;
}

Json BlockDeviceMappings::find(const std::string& instance_uuid, const std::string& volume_id) const {
  for (const Json* d : store_.find(kBdm, "volume_id", volume_id))
    if ((*d)["instance_uuid"] == instance_uuid) return *d;
  return nullptr;
}

std::string BlockDeviceMappings::next_device(const std::string& instance_uuid) const {
  std::vector<std::string> used;
  for (const Json* d : store_.find(kBdm, "instance_uuid", instance_uuid))
    if ((*d)["device_name"].is_string()) used.push_back((*d)["device_name"]);
  return next_device_name(used);
}

}  // namespace stacklab::compute
