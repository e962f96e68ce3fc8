#include "engine/guest/compute_guest_inventory.h"

#include <algorithm>

namespace stacklab::guest {

namespace {

constexpr long long kGiB = 1LL << 30;

std::string str(const Json& doc, const char* field) {
  return doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>() : "";
}

long long number(const Json& doc, const char* field) {
  return doc.contains(field) && doc[field].is_number() ? doc[field].get<long long>() : 0;
}

// The compute service reading for the guest, as Nova's own admin context.
Credentials system_reader() {
  Credentials c;
  c.roles = {"admin", "reader"};
  return c;
}

}  // namespace

std::optional<GuestRecord> ComputeGuestInventory::record(const std::string& id) const {
  auto server = servers_.get(system_reader(), id);
  if (!server.ok()) return std::nullopt;
  return record_of(*server);
}

Result<GuestRecord> ComputeGuestInventory::find(const Credentials& caller, const std::string& name_or_id) const {
  auto server = servers_.find(caller, name_or_id);
  if (!server.ok()) return server.status();
  return record_of(*server);
}

GuestRecord ComputeGuestInventory::record_of(const Json& server) const {
  const Credentials system = system_reader();
  GuestRecord r;
  r.state.id = str(server, "id");
  r.state.name = str(server, "name");
  r.state.project_id = str(server, "project_id");
  r.state.status = compute::server_status(server);
  r.state.power_state = server.value("power_state", 0);
  r.user_id = str(server, "user_id");
  r.hostname = str(server, "hostname");
  r.instance_name = str(server, "instance_name");
  r.key_name = str(server, "key_name");
  if (!r.key_name.empty())
    if (auto kp = keypairs_.get(system, r.key_name, r.user_id); kp.ok()) r.key_fingerprint = str(*kp, "fingerprint");

  // The root disk: the boot volume, else the flavor's disk, else (a zero-disk flavor) the image's size.
  // Any root disk holds the image's partition table, a volume only when it was made from an image.
  long long root_bytes = 0;
  bool root_blank = false;
  std::vector<GuestDisk> volumes;
  for (const Json& bdm : server_volumes_.attachments(r.state.id)) {
    auto volume = volumes_.get_for(server, str(bdm, "volume_id"));
    if (!volume.ok()) continue;
    const Json& image_meta = volume->value("volume_image_metadata", Json::object());
    GuestDisk disk{str(bdm, "device_name"), number(*volume, "size") * kGiB,
                   !image_meta.is_object() || image_meta.empty()};
    if (bdm.contains("boot_index") && bdm["boot_index"].is_number() && bdm["boot_index"].get<int>() == 0) {
      root_bytes = disk.bytes;
      root_blank = disk.blank;
      r.image_name = str(image_meta, "image_name");
      r.os_distro = str(image_meta, "os_distro");
      continue;
    }
    volumes.push_back(disk);
  }
  if (const std::string image_ref = str(server, "image_ref"); !image_ref.empty()) {
    if (auto image = images_.get(system, image_ref); image.ok()) {
      r.image_name = str(*image, "name");
      r.os_distro = str(image->value("properties", Json::object()), "os_distro");
      if (r.os_distro.empty()) r.os_distro = str(*image, "os_distro");
      const long long flavor_disk = number(server.value("flavor", Json::object()), "disk") * kGiB;
      root_bytes =
          flavor_disk > 0
              ? flavor_disk
              : std::max({number(*image, "min_disk") * kGiB, number(*image, "virtual_size"), number(*image, "size")});
    }
  }
  // The lab's images are stand-ins a hundredth of the real size: a zero-disk flavor still shows a 1 GiB disk.
  if (root_bytes < kGiB) root_bytes = kGiB;
  r.disks.push_back({compute::kRootDevice, root_bytes, root_blank});
  std::sort(volumes.begin(), volumes.end(), [](const GuestDisk& a, const GuestDisk& b) {
    return std::make_pair(a.device.size(), a.device) < std::make_pair(b.device.size(), b.device);
  });
  r.disks.insert(r.disks.end(), volumes.begin(), volumes.end());
  return r;
}

}  // namespace stacklab::guest
