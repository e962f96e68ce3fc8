#include "engine/compute/server_volumes.h"

#include <algorithm>
#include <set>

#include "engine/compute/instance_state.h"
#include "engine/core/log.h"

namespace stacklab::compute {

namespace {

// Nova's check_instance_state for attach_volume / detach_volume.
const std::vector<std::string> kVolumeStates = {"active",  "paused",      "stopped",          "resized",
                                                "shelved", "soft-delete", "shelved_offloaded", "suspended"};

// How long a build waits for Cinder to finish a volume (Nova's
// block_device_allocate_retries 60 x block_device_allocate_retries_interval 3 s).
constexpr int kVolumeWaitAttempts = 60;
constexpr Duration kVolumeWaitInterval = std::chrono::seconds(3);
// The first looks come sooner: simulated backends are usually quick.
constexpr Duration kVolumeFirstLook = std::chrono::milliseconds(50);

Status invalid_bdm(const std::string& details) { return BadRequest("Block Device Mapping is Invalid: " + details); }

// Nova's MultiattachNotSupportedOldMicroversion: below 2.60 a client may not
// know that the volume can be shared, so Nova will not map it at all.
Status check_multiattach_allowed(const Json& volume, bool allowed) {
  if (!volume.value("multiattach", false) || allowed) return {};
  return BadRequest("Multiattach volumes are only supported starting with compute API version 2.60.");
}

// Nova's count of a volume's read/write attachments (an attachment without a mode counts as one).
int writers(const Json& volume) {
  int n = 0;
  for (const Json& a : volume.value("attachments", Json::array())) {
    Json mode = a.value("attach_mode", Json(nullptr));
    n += mode.is_string() && mode == "ro" ? 0 : 1;
  }
  return n;
}

long long gib_ceil(long long bytes) { return (bytes + (1LL << 30) - 1) >> 30; }

}  // namespace

ServerVolumes::ServerVolumes(Store& store, Clock& clock, BlockDeviceMappings& mappings, VolumeApi& volumes,
                             image::ImageService& images, std::function<ComputeDriver*(const std::string&)> drivers)
    : store_(store),
      clock_(clock),
      mappings_(mappings),
      volumes_(volumes),
      images_(images),
      drivers_(std::move(drivers)) {}

const Json* ServerVolumes::instance(const std::string& uuid) const {
  const Json* s = store_.get("server", uuid);
  return s && !(*s)["deleted"].get<bool>() ? s : nullptr;
}

ComputeDriver* ServerVolumes::driver_of(const Json& server) const {
  if (!drivers_ || !server["host"].is_string()) return nullptr;
  return drivers_(server["host"].get<std::string>());
}

// ---- os-volume_attachments ----

std::vector<Json> ServerVolumes::attachments(const std::string& instance_uuid) const {
  std::vector<Json> out;
  for (Json& row : mappings_.of_instance(instance_uuid))
    if (row["volume_id"].is_string()) out.push_back(std::move(row));
  return out;
}

Result<Json> ServerVolumes::attachment(const Json& instance, const std::string& volume_id) const {
  Json row = mappings_.find(instance["id"], volume_id);
  if (row.is_null())
    return NotFound("Instance " + instance["id"].get<std::string>() + " is not attached to volume " + volume_id);
  return row;
}

Result<Json> ServerVolumes::attach(const Credentials& caller, const Json& server, const VolumeAttachRequest& r) {
  if (Status st = check_lock(server, caller); !st.ok()) return st;
  if (Status st = check_state(server, "attach_volume", kVolumeStates); !st.ok()) return st;
  auto volume = volumes_.get(caller, r.volume_id);
  if (!volume.ok()) return volume.status();
  if (!mappings_.find(server["id"], r.volume_id).is_null())
    return BadRequest("Invalid volume: volume " + r.volume_id + " already attached");
  // No host to ask whether it can share the disk (Nova's MultiattachToShelvedNotSupported).
  if ((*volume).value("multiattach", false) && server["vm_state"] == "shelved_offloaded")
    return BadRequest("Attaching multiattach volumes is not supported for shelved-offloaded instances.");
  if (Status st = check_multiattach_allowed(*volume, r.multiattach_allowed); !st.ok()) return st;
  if (Status st = VolumeApi::check_attach(*volume); !st.ok()) return st;
  if (Status st = volumes_.reserve(server, r.volume_id); !st.ok()) return st;
  Json row = mappings_.make(server["id"]);
  row["volume_id"] = r.volume_id;
  row["device_name"] = mappings_.next_device(server["id"]);
  row["delete_on_termination"] = r.delete_on_termination;
  row["tag"] = r.tag.empty() ? Json(nullptr) : Json(r.tag);
  if (Status st = mappings_.save(row); !st.ok()) {
    volumes_.unreserve(server, r.volume_id);
    return st;
  }
  std::string uuid = server["id"], bdm_id = row["id"];
  clock_.schedule(Duration(0), [this, uuid, bdm_id] { connect(uuid, bdm_id); });
  return row;
}

void ServerVolumes::connect(const std::string& uuid, const std::string& bdm_id) {
  const Json* s = instance(uuid);
  if (!s) return;  // deleted meanwhile: release() has unreserved it
  ComputeDriver* driver = driver_of(*s);
  const Json* row = store_.get("block_device_mapping", bdm_id);
  if (!row) return;
  if (!driver) return finish_connect(uuid, bdm_id, Status());  // shelved offloaded: Cinder's part only
  driver->attach_volume(uuid, (*row)["volume_id"], (*row)["device_name"],
                        [this, uuid, bdm_id](Status st) { finish_connect(uuid, bdm_id, st); });
}

void ServerVolumes::finish_connect(const std::string& uuid, const std::string& bdm_id, const Status& plugged) {
  const Json* s = instance(uuid);
  const Json* stored = store_.get("block_device_mapping", bdm_id);
  if (!s || !stored) return;
  Json server = *s, row = *stored;
  const std::string volume_id = row["volume_id"];
  Result<std::string> attachment =
      plugged.ok() ? volumes_.attach(server, volume_id, row["device_name"]) : Result<std::string>(plugged);
  if (!attachment.ok()) {
    // Nova's rollback: the disk unplugged, the volume unreserved, the mapping gone.
    Log::get("nova-compute")
        .warning("attaching volume " + volume_id + " to " + uuid + " failed: " + attachment.status().message());
    if (plugged.ok())
      if (ComputeDriver* driver = driver_of(server)) driver->detach_volume(uuid, volume_id, [](Status) {});
    volumes_.unreserve(server, volume_id);
    (void)mappings_.remove(bdm_id);
    return;
  }
  row["attachment_id"] = *attachment;
  (void)mappings_.save(row);
}

Status ServerVolumes::detach(const Credentials& caller, const Json& server, const std::string& volume_id) {
  if (Status st = check_lock(server, caller); !st.ok()) return st;
  if (Status st = check_state(server, "detach_volume", kVolumeStates); !st.ok()) return st;
  auto row = attachment(server, volume_id);
  if (!row.ok()) return row.status();
  if ((*row)["boot_index"] == 0) return BadRequest("Cannot detach a root device volume");
  if (Status st = volumes_.begin_detaching(server, volume_id); !st.ok()) return st;
  std::string uuid = server["id"], bdm_id = (*row)["id"];
  clock_.schedule(Duration(0), [this, uuid, bdm_id] { disconnect(uuid, bdm_id); });
  return {};
}

void ServerVolumes::disconnect(const std::string& uuid, const std::string& bdm_id) {
  const Json* s = instance(uuid);
  const Json* stored = store_.get("block_device_mapping", bdm_id);
  if (!s || !stored) return;
  Json server = *s, row = *stored;
  auto finish = [this, server, row](Status unplugged) {
    const std::string volume_id = row["volume_id"];
    if (!unplugged.ok()) {
      Log::get("nova-compute").warning("detaching volume " + volume_id + " failed: " + unplugged.message());
      return volumes_.roll_detaching(server, volume_id);
    }
    std::string attachment_id = row["attachment_id"].is_string() ? row["attachment_id"].get<std::string>() : "";
    if (Status st = volumes_.detach(server, volume_id, attachment_id); !st.ok()) {
      Log::get("nova-compute").warning("Cinder refused the detach of " + volume_id + ": " + st.message());
      return volumes_.roll_detaching(server, volume_id);
    }
    (void)mappings_.remove(row["id"]);
  };
  ComputeDriver* driver = driver_of(server);
  if (!driver) return finish(Status());
  driver->detach_volume(uuid, row["volume_id"], finish);
}

Status ServerVolumes::swap(const Credentials& caller, const Json& server, const std::string& old_volume_id,
                           const std::string& new_volume_id) {
  if (Status st = check_lock(server, caller); !st.ok()) return st;
  if (Status st = check_state(server, "swap_volume", {"active", "paused", "resized"}); !st.ok()) return st;
  auto row = attachment(server, old_volume_id);
  if (!row.ok()) return row.status();
  auto fresh = volumes_.get(caller, new_volume_id);
  // An unknown volume in the body is the request's fault: 400 (Nova's bug 1629110), not 404.
  if (!fresh.ok())
    return fresh.status().code() == Code::kNotFound ? BadRequest(fresh.status().message()) : fresh.status();
  if (Status st = VolumeApi::check_attach(*fresh); !st.ok()) return st;
  if (!(*row)["attachment_id"].is_string()) return Conflict("Volume " + old_volume_id + " is still being attached");
  // Other servers writing to the old volume would lose it under their feet.
  auto old_volume = volumes_.get(caller, old_volume_id);
  if (old_volume.ok() && writers(*old_volume) > 1)
    return BadRequest("Swapping multi-attach volumes with more than one read/write attachment is not supported.");
  if (Status st = volumes_.reserve(server, new_volume_id); !st.ok()) return st;
  auto attached = volumes_.attach(server, new_volume_id, (*row)["device_name"]);
  if (!attached.ok()) {
    volumes_.unreserve(server, new_volume_id);
    return attached.status();
  }
  // The old volume leaves as on a detach; the mapping now names the new one.
  if (volumes_.begin_detaching(server, old_volume_id).ok())
    (void)volumes_.detach(server, old_volume_id, (*row)["attachment_id"]);
  Json updated = *row;
  updated["volume_id"] = new_volume_id;
  updated["attachment_id"] = *attached;
  return mappings_.save(updated);
}

// ---- boot from volume ----

Result<ServerVolumes::BootPlan> ServerVolumes::validate(const Credentials& caller,
                                                        const std::vector<RequestedBlockDevice>& requested,
                                                        const std::string& image_ref, int max_count,
                                                        bool multiattach_allowed) const {
  BootPlan plan;
  std::set<int> boot_indexes;
  std::set<std::string> volumes_seen;
  for (const RequestedBlockDevice& d : requested) {
    if (d.boot_index && *d.boot_index >= 0 && !boot_indexes.insert(*d.boot_index).second)
      return invalid_bdm("Boot sequence for the instance and image/block device mapping combination is not valid.");
    if (d.destination_type == "local") continue;  // the hypervisor's disks (image root, swap, ephemeral)
    Json row = mappings_.make("");
    row["source_type"] = d.source_type;
    row["boot_index"] = d.boot_index ? *d.boot_index : -1;
    row["tag"] = d.tag.empty() ? Json(nullptr) : Json(d.tag);
    row["delete_on_termination"] = d.delete_on_termination.value_or(false);
    if (d.volume_size) row["volume_size"] = *d.volume_size;
    if (d.source_type != "blank") row["uuid"] = d.uuid;
    if (d.source_type == "volume") {
      auto v = volumes_.get(caller, d.uuid);
      if (!v.ok()) return invalid_bdm("failed to get volume " + d.uuid + ".");
      // Nova's order: the root's bootable flag, then the microversion, then Cinder's status.
      if (row["boot_index"] == 0 && !(*v).value("bootable", false))
        return BadRequest("Block Device " + d.uuid + " is not bootable.");
      if (Status st = check_multiattach_allowed(*v, multiattach_allowed); !st.ok()) return st;
      if (Status st = VolumeApi::check_attach(*v); !st.ok()) return st;
      if (max_count > 1 && !(*v).value("multiattach", false))
        return BadRequest("Cannot attach one or more volumes to multiple instances");
      if (!volumes_seen.insert(d.uuid).second)
        return invalid_bdm("Boot sequence for the instance and image/block device mapping combination is not valid.");
      row["volume_id"] = d.uuid;
    } else if (d.source_type == "snapshot") {
      auto snap = volumes_.get_snapshot(caller, d.uuid);
      if (!snap.ok()) return invalid_bdm("failed to get snapshot " + d.uuid + ".");
      if ((*snap)["status"] != "available")
        return BadRequest("Invalid snapshot: Originating snapshot status must be 'available' to create a volume.");
    } else if (d.source_type == "image") {
      auto image = images_.get(caller, d.uuid);
      if (!image.ok()) return invalid_bdm("failed to get image " + d.uuid + ".");
      if ((*image)["status"] != "active") return BadRequest("Image " + d.uuid + " is not active.");
      long long min_gb = std::max<long long>((*image).value("min_disk", 0LL),
                                             gib_ceil((*image)["size"].is_number() ? (*image)["size"].get<long long>() : 0));
      if (!d.volume_size) {
        row["volume_size"] = std::max(min_gb, 1LL);
      } else if (*d.volume_size < min_gb) {
        return BadRequest("Volume is smaller than the minimum size specified in image metadata. Volume size is " +
                          std::to_string(*d.volume_size << 30) + " bytes, minimum size is " +
                          std::to_string(min_gb << 30) + " bytes.");
      }
    } else if (d.source_type == "blank") {
      if (!d.volume_size || *d.volume_size < 1) return invalid_bdm("a blank volume needs a volume_size of at least 1.");
    }
    if (row["boot_index"] == 0) plan.volume_backed = true;
    plan.rows.push_back(std::move(row));
  }
  if (image_ref.empty() && !plan.volume_backed)
    return invalid_bdm("Boot sequence for the instance and image/block device mapping combination is not valid.");
  // The root is /dev/vda; the others take /dev/vdb, /dev/vdc, ... in the request's order.
  std::vector<std::string> used;
  for (Json& row : plan.rows) {
    row["device_name"] = row["boot_index"] == 0 ? std::string(kRootDevice) : next_device_name(used);
    used.push_back(row["device_name"]);
  }
  return plan;
}

Status ServerVolumes::record(const std::string& instance_uuid, const BootPlan& plan) {
  for (const Json& template_row : plan.rows) {
    Json row = mappings_.make(instance_uuid);
    for (const auto& [k, v] : template_row.items())
      if (k != "id" && k != "instance_uuid" && k != "created_at") row[k] = v;
    if (Status st = mappings_.save(row); !st.ok()) return st;
  }
  return {};
}

Status ServerVolumes::create_volume(const Json& server, Json& row) {
  volume::NewVolume request;
  request.size = row["volume_size"].is_number() ? std::optional<long long>(row["volume_size"].get<long long>())
                                                : std::nullopt;
  request.name = "";
  request.availability_zone = server["availability_zone"].is_string() ? server["availability_zone"].get<std::string>()
                                                                     : "";
  const std::string source = row["source_type"];
  if (source == "image") request.image_ref = row["uuid"];
  if (source == "snapshot") request.snapshot_id = row["uuid"];
  auto created = volumes_.create(server, request);
  if (!created.ok()) return created.status();
  row["volume_id"] = (*created)["id"];
  return mappings_.save(row);  // kept at once: a failure from here on deletes it with the instance
}

void ServerVolumes::prepare(const std::string& uuid, std::function<void(Status)> done) {
  const Json* s = instance(uuid);
  if (!s) return done(Status());
  Json server = *s;
  for (Json& row : mappings_.of_instance(uuid))
    if (row["volume_id"].is_null())
      if (Status st = create_volume(server, row); !st.ok()) return done(st);
  await_volumes(uuid, 0, std::move(done));
}

void ServerVolumes::await_volumes(const std::string& uuid, int attempt, std::function<void(Status)> done) {
  const Json* s = instance(uuid);
  if (!s) return done(Status());
  Json server = *s;
  std::vector<Json> rows = mappings_.of_instance(uuid);
  for (const Json& row : rows) {
    if (row["attachment_id"].is_string()) continue;
    auto v = volumes_.get_for(server, row["volume_id"]);
    if (!v.ok()) return done(v.status());
    const std::string status = (*v)["status"];
    if (status == "available" || (status == "in-use" && (*v).value("multiattach", false))) continue;
    if (status == "creating" || status == "downloading") {
      if (attempt < kVolumeWaitAttempts) {
        Duration wait = attempt < 20 ? kVolumeFirstLook : kVolumeWaitInterval;
        clock_.schedule(wait, [this, uuid, attempt, done] { await_volumes(uuid, attempt + 1, done); });
        return;
      }
    }
    return done(Status(Code::kInternal, "Volume " + row["volume_id"].get<std::string>() +
                                            " did not finish being created even after we waited " +
                                            std::to_string(attempt * 3) + " seconds or " + std::to_string(attempt + 1) +
                                            " attempts. And its status is " + status + "."));
  }
  for (Json& row : rows)
    if (!row["attachment_id"].is_string())
      if (Status st = attach_for_boot(server, row); !st.ok()) return done(st);
  done(Status());
}

Status ServerVolumes::attach_for_boot(const Json& server, Json& row) {
  const std::string volume_id = row["volume_id"];
  if (Status st = volumes_.reserve(server, volume_id); !st.ok()) return st;
  auto attachment = volumes_.attach(server, volume_id, row["device_name"]);
  if (!attachment.ok()) {
    volumes_.unreserve(server, volume_id);
    return attachment.status();
  }
  row["attachment_id"] = *attachment;
  return mappings_.save(row);
}

void ServerVolumes::release(const std::string& uuid) {
  const Json* s = store_.get("server", uuid);
  if (!s) return;
  Json server = *s;
  for (const Json& row : mappings_.of_instance(uuid)) {
    if (row["volume_id"].is_string()) {
      const std::string volume_id = row["volume_id"];
      if (row["attachment_id"].is_string())
        (void)volumes_.detach(server, volume_id, row["attachment_id"]);
      else
        volumes_.unreserve(server, volume_id);  // an attach cut short: attaching -> available
      if (row["delete_on_termination"].get<bool>()) {
        Status st = volumes_.remove(server, volume_id);
        if (!st.ok() && st.code() != Code::kNotFound)
          Log::get("nova-compute").warning("volume " + volume_id + " of " + uuid + " not deleted: " + st.message());
      }
    }
    (void)mappings_.remove(row["id"]);
  }
}

// ---- snapshots of a volume-backed server ----

Result<Json> ServerVolumes::snapshot_volumes(const Credentials& caller, const Json& server,
                                             const std::string& image_name) {
  Json mapping = Json::array();
  auto undo = [&](Status failure) {
    remove_snapshots(caller, mapping);
    return failure;
  };
  for (const Json& row : attachments(server["id"])) {
    const std::string volume_id = row["volume_id"];
    auto v = volumes_.get(caller, volume_id);
    if (!v.ok()) return undo(v.status());
    std::string description = (*v)["description"].is_string() ? (*v)["description"].get<std::string>() : "";
    auto snap = volumes_.create_snapshot_force(caller, volume_id, "snapshot for " + image_name, description);
    // Cinder's over-limit is Nova's OverQuota (403), as its check of the snapshot limits before it starts.
    if (!snap.ok() && snap.status().code() == Code::kPayloadTooLarge)
      return undo(Forbidden("Quota exceeded for resources: snapshots"));
    if (!snap.ok()) return undo(snap.status());
    // Nova's snapshot_from_bdm, then get_image_mapping: the mapping without its instance and volume.
    int boot_index = row["boot_index"].is_number() ? row["boot_index"].get<int>() : -1;
    mapping.push_back({{"source_type", "snapshot"},
                       {"destination_type", "volume"},
                       {"snapshot_id", (*snap)["id"]},
                       {"volume_id", nullptr},
                       {"image_id", nullptr},
                       {"volume_size", row["volume_size"].is_number() ? row["volume_size"] : (*v)["size"]},
                       {"boot_index", boot_index >= 0 ? Json(boot_index) : Json(nullptr)},
                       {"delete_on_termination", row["delete_on_termination"]},
                       {"device_name", row["device_name"]},
                       {"disk_bus", "virtio"},
                       {"device_type", "disk"},
                       {"guest_format", nullptr},
                       {"no_device", nullptr},
                       {"tag", row["tag"]},
                       {"volume_type", nullptr}});
  }
  return mapping;
}

void ServerVolumes::remove_snapshots(const Credentials& caller, const Json& mapping) {
  for (const Json& m : mapping)
    if (m.contains("snapshot_id") && m["snapshot_id"].is_string())
      remove_snapshot_when_made(caller, m["snapshot_id"], 0);
}

void ServerVolumes::remove_snapshot_when_made(const Credentials& caller, const std::string& id, int attempt) {
  auto snap = volumes_.get_snapshot(caller, id);
  if (!snap.ok()) return;  // gone already
  // Cinder deletes a snapshot once it is made (available or error): a fresh one is still creating.
  if ((*snap)["status"] == "creating" && attempt < kVolumeWaitAttempts) {
    Duration wait = attempt < 20 ? kVolumeFirstLook : kVolumeWaitInterval;
    clock_.schedule(wait, [this, caller, id, attempt] { remove_snapshot_when_made(caller, id, attempt + 1); });
    return;
  }
  if (Status st = volumes_.remove_snapshot(caller, id); !st.ok())
    Log::get("nova-api").warning("snapshot " + id + " not deleted: " + st.message());
}

std::vector<RequestedBlockDevice> ServerVolumes::image_defined(const Json& image) {
  std::vector<RequestedBlockDevice> out;
  const Json props = image.value("properties", Json::object());
  auto v2 = props.find("bdm_v2");
  bool is_v2 =
      v2 != props.end() && (v2->is_boolean() ? v2->get<bool>() : v2->is_string() && (*v2 == "True" || *v2 == "true"));
  auto raw = props.find("block_device_mapping");
  if (!is_v2 || raw == props.end()) return out;
  // Glance keeps properties as strings: the list is JSON text (Nova writes it so).
  Json list = *raw;
  if (list.is_string()) list = Json::parse(list.get<std::string>(), nullptr, false);
  if (!list.is_array()) return out;
  // Anyone may edit an image's properties: fields of the wrong type are left out, not trusted.
  auto text = [](const Json& m, const char* key, const char* fallback) {
    auto it = m.find(key);
    return it != m.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
  };
  for (const Json& m : list) {
    if (!m.is_object()) continue;
    RequestedBlockDevice d;
    d.source_type = text(m, "source_type", "volume");
    d.destination_type = text(m, "destination_type", "volume");
    d.uuid = text(m,
                  d.source_type == "snapshot" ? "snapshot_id"
                  : d.source_type == "image"  ? "image_id"
                                              : "volume_id",
                  "");
    if (m.contains("volume_size") && m["volume_size"].is_number_integer()) d.volume_size = m["volume_size"];
    if (m.contains("boot_index") && m["boot_index"].is_number_integer()) d.boot_index = m["boot_index"];
    if (m.contains("delete_on_termination") && m["delete_on_termination"].is_boolean())
      d.delete_on_termination = m["delete_on_termination"];
    if (m.contains("tag") && m["tag"].is_string()) d.tag = m["tag"];
    out.push_back(std::move(d));
  }
  return out;
}

std::string ServerVolumes::root_image_id(const Json& server) const {
  for (const Json& row : attachments(server["id"])) {
    if (row["boot_index"] != 0) continue;
    auto v = volumes_.get_for(server, row["volume_id"]);
    if (!v.ok()) return "";
    const Json meta = v->value("volume_image_metadata", Json::object());
    return meta.is_object() && meta.contains("image_id") && meta["image_id"].is_string()
               ? meta["image_id"].get<std::string>()
               : "";
  }
  return "";
}

Status ServerVolumes::set_delete_on_termination(const Json& server, const std::string& volume_id, bool value) {
  auto row = attachment(server, volume_id);
  if (!row.ok()) return row.status();
  (*row)["delete_on_termination"] = value;
  return mappings_.save(*row);
}

int ServerVolumes::recover() {
  int resumed = 0;
  std::vector<Json> rows;
  for (const Json* d : store_.list("block_device_mapping")) rows.push_back(*d);
  for (const Json& row : rows) {
    const Json* s = row["volume_id"].is_string() ? instance(row["instance_uuid"]) : nullptr;
    if (!s || (*s)["vm_state"] == "building") continue;
    std::string uuid = row["instance_uuid"], bdm_id = row["id"];
    auto v = volumes_.get_for(*s, row["volume_id"]);
    if (!v.ok()) continue;
    if (!row["attachment_id"].is_string() && (*v)["status"] == "attaching") {
      clock_.schedule(Duration(0), [this, uuid, bdm_id] { connect(uuid, bdm_id); });
      ++resumed;
    } else if (row["attachment_id"].is_string() && (*v)["status"] == "detaching") {
      clock_.schedule(Duration(0), [this, uuid, bdm_id] { disconnect(uuid, bdm_id); });
      ++resumed;
    }
  }
  return resumed;
}

}  // namespace stacklab::compute
