// Volumes: create (empty, from an image, a snapshot or a source volume),
// show, list, update, delete, force-delete, and the asynchronous build and
// destroy through the scheduler and the drivers.
#include <algorithm>
#include <cmath>

#include "engine/core/log.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

namespace {

constexpr long long kGiB = 1024LL * 1024 * 1024;

const std::vector<std::string> kDeletable = {"available", "error", "error_restoring", "error_extending",
                                             "error_managing"};

// An integer field of an image that may be absent or null.
long long int_field(const Json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_number() ? it->get<long long>() : 0;
}

bool one_of(const std::string& s, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

}  // namespace

VolumeService::VolumeService(Store& store, Clock& clock, Random& random, const Policy& policy, VolumeBackends& backends,
                             const VolumeScheduler& scheduler, VolumeTypeService& types, VolumeQuotas& quotas,
                             image::ImageService* images, VolumeOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      policy_(policy),
      backends_(backends),
      scheduler_(scheduler),
      types_(types),
      quotas_(quotas),
      images_(images),
      options_(std::move(options)) {
  define_volume_tables(store_);
}

Result<Json> VolumeService::owned(const Credentials& caller, const std::string& kind, const std::string& id,
                                  const std::string& action) const {
  const Json* doc = store_.get(kind, id);
  // Another project's resource is as absent as an unknown one.
  if (!doc || (!caller.is_admin() && (*doc)["project_id"] != caller.project_id))
    return NotFound(std::string(kind == kVolumeKind ? "Volume " : "Snapshot ") + id + " could not be found.");
  if (Status st = authorize(policy_, action, caller, {{"project_id", (*doc)["project_id"]}}); !st.ok()) return st;
  return *doc;
}

Status VolumeService::save(Json doc) {
  doc["updated_at"] = cinder_time(clock_.now());
  std::string kind = doc.contains("volume_id") ? kSnapshotKind : kVolumeKind;
  std::string id = doc["id"];  // before the move below: argument order is unspecified
  return store_.put(kind, id, std::move(doc));
}

VolumeRef VolumeService::ref(const Json& v) const { return volume_ref(v); }

SnapshotRef VolumeService::snapshot_ref(const Json& s) const {
  const Json* vol = store_.get(kVolumeKind, s["volume_id"].get<std::string>());
  VolumeRef v = vol ? ref(*vol) : VolumeRef{};
  return {s["id"], s["volume_id"], s["size"].get<long long>(), v.pool, v.thin};
}

Result<Json> VolumeService::create(const Credentials& caller, const NewVolume& req) {
  if (Status st = authorize(policy_, "volume:create", caller, {{"project_id", caller.project_id}}); !st.ok()) return st;
  if (Status st = check_metadata(req.metadata); !st.ok()) return st;
  int sources = !req.snapshot_id.empty() + !req.source_volid.empty() + !req.image_ref.empty();
  if (sources > 1)
    return BadRequest("Invalid input received: Only one of snapshot_id, source_volid, imageRef may be given.");
  std::optional<long long> size = req.size;
  std::string type_ref = req.volume_type, zone = req.availability_zone;
  Json image_meta = Json::object();
  bool bootable = false;
  std::string pinned_host;  // a clone or a volume from a snapshot stays on its source's backend

  if (!req.snapshot_id.empty()) {
    auto snap = owned(caller, kSnapshotKind, req.snapshot_id, "volume:get_snapshot");
    if (!snap.ok()) return snap;
    if ((*snap)["status"] != "available")
      return BadRequest(
          "Invalid snapshot: Originating snapshot status must be 'available' to create a volume from it.");
    long long snap_size = (*snap)["size"].get<long long>();
    if (!size) size = snap_size;
    if (*size > 0 && *size < snap_size)
      return BadRequest("Invalid input received: Volume size '" + std::to_string(*size) +
                        "'GB cannot be smaller than the snapshot size " + std::to_string(snap_size) +
                        "GB. They must be >= original snapshot size.");
    const Json* origin = store_.get(kVolumeKind, (*snap)["volume_id"].get<std::string>());
    if (origin) {
      if (type_ref.empty()) type_ref = (*origin)["volume_type_id"];
      if (zone.empty()) zone = (*origin)["availability_zone"];
      pinned_host = origin->value("host", std::string());
      bootable = (*origin)["bootable"].get<bool>();
      image_meta = (*origin)["volume_image_metadata"];
    }
  } else if (!req.source_volid.empty()) {
    auto src = owned(caller, kVolumeKind, req.source_volid, "volume:get");
    if (!src.ok()) return src;
    if (!one_of((*src)["status"], {"available", "in-use"}))
      return BadRequest("Invalid volume: Unable to clone volumes that are in an error state or not available.");
    long long src_size = (*src)["size"].get<long long>();
    if (!size) size = src_size;
    if (*size > 0 && *size < src_size)
      return BadRequest("Invalid input received: Volume size '" + std::to_string(*size) +
                        "'GB cannot be smaller than original volume size " + std::to_string(src_size) +
                        "GB. They must be >= original volume size.");
    if (type_ref.empty()) type_ref = (*src)["volume_type_id"];
    if (zone.empty()) zone = (*src)["availability_zone"];
    pinned_host = src->value("host", std::string());
    bootable = (*src)["bootable"].get<bool>();
    image_meta = (*src)["volume_image_metadata"];
  }
  if (!size || *size <= 0)
    return BadRequest(
        "Invalid volume size provided for create request: " + (size ? std::to_string(*size) : std::string("None")) +
        " (size argument must be an integer (or string representation of an integer) and greater "
        "than zero).");
  if (!req.image_ref.empty()) {
    if (!images_) return BadRequest("Invalid image identifier or unable to access requested image.");
    auto image = images_->get(caller, req.image_ref);
    if (!image.ok()) return NotFound("Image " + req.image_ref + " could not be found.");
    if ((*image)["status"] != "active")
      return BadRequest("Invalid image identifier or unable to access requested image.");
    long long bytes = int_field(*image, "size");
    long long image_gb = (bytes + kGiB - 1) / kGiB;
    if (image_gb > *size)
      return BadRequest("Invalid input received: Size of specified image " + std::to_string(image_gb) +
                        "GB is larger than volume size " + std::to_string(*size) + "GB.");
    long long min_disk = int_field(*image, "min_disk");
    if (min_disk > *size)
      return BadRequest("Invalid input received: Volume size " + std::to_string(*size) +
                        "GB cannot be smaller than the image minDisk size " + std::to_string(min_disk) + "GB.");
    bootable = true;
    image_meta = {{"image_id", (*image)["id"]},
                  {"image_name", image->value("name", Json(""))},
                  {"checksum", image->value("checksum", Json(nullptr))},
                  {"container_format", image->value("container_format", Json(nullptr))},
                  {"disk_format", image->value("disk_format", Json(nullptr))},
                  {"min_disk", std::to_string(min_disk)},
                  {"min_ram", std::to_string(int_field(*image, "min_ram"))},
                  {"size", std::to_string(bytes)}};
  }
  if (zone.empty()) zone = options_.default_availability_zone;
  auto zones = backends_.availability_zones();
  if (!one_of(zone, zones) && zone != options_.default_availability_zone)
    return BadRequest("Invalid input received: Availability zone '" + zone + "' is invalid.");
  auto type = types_.resolve(caller, type_ref);
  if (!type.ok()) return type;
  std::string type_name = (*type)["name"];
  if (Status st = quotas_.check_volumes(caller.project_id, type_name, 1, *size); !st.ok()) return st;

  std::string id = random_.uuid4(), now = cinder_time(clock_.now());
  // The body's multiattach (deprecated in Cinder, still honoured) or the type's capability.
  bool multiattach = req.multiattach || type_is_multiattach(*type);
  Json doc = {{"id", id},
              {"project_id", caller.project_id},
              {"user_id", caller.user_id},
              {"name", req.name.empty() ? Json(nullptr) : Json(req.name)},
              {"description", req.description.empty() ? Json(nullptr) : Json(req.description)},
              {"size", *size},
              {"status", "creating"},
              {"attach_status", "detached"},
              {"availability_zone", zone},
              {"volume_type_id", (*type)["id"]},
              {"host", nullptr},
              {"pinned_host", pinned_host},
              {"bootable", bootable},
              {"multiattach", multiattach},
              {"readonly", false},
              {"thin", false},
              {"metadata", req.metadata},
              {"volume_image_metadata", image_meta},
              {"image_id", req.image_ref},
              {"snapshot_id", req.snapshot_id.empty() ? Json(nullptr) : Json(req.snapshot_id)},
              {"source_volid", req.source_volid.empty() ? Json(nullptr) : Json(req.source_volid)},
              {"migration_status", nullptr},
              {"attachments", Json::array()},
              {"created_at", now},
              {"updated_at", nullptr}};
  if (Status st = store_.put(kVolumeKind, id, doc); !st.ok()) return st;
  clock_.schedule(Duration::zero(), [this, id] { build(id); });
  return doc;
}

void VolumeService::build(const std::string& id) {
  const Json* stored = store_.get(kVolumeKind, id);
  if (!stored || (*stored)["status"] != "creating") return;
  Json doc = *stored;
  const Json* type = store_.get("volume_type", doc["volume_type_id"].get<std::string>());
  VolumeRequest request{doc["size"].get<long long>(), doc["availability_zone"],
                        type ? (*type)["extra_specs"] : Json::object()};
  std::vector<BackendState> candidates = backends_.candidates();
  std::string pinned = doc.value("pinned_host", std::string());
  if (!pinned.empty())
    candidates.erase(
        std::remove_if(candidates.begin(), candidates.end(), [&](const BackendState& b) { return b.host() != pinned; }),
        candidates.end());
  auto chosen = scheduler_.select(candidates, request);
  if (!chosen.ok()) {
    Log::get("cinder-scheduler").warning("volume " + id + ": " + chosen.status().message());
    return finish_build(id, chosen.status(), false);
  }
  doc["host"] = chosen->host();
  doc["thin"] = provisioned_thin(chosen->pool, request.extra_specs);
  if (!save(doc).ok()) return;
  VolumeDriver* driver = backends_.driver(chosen->host());
  VolumeRef target = ref(doc);
  std::string image = doc.value("image_id", std::string());
  Done done = [this, id, driver, target, image](Status st) {
    // A failed create leaves nothing on the backend: the volume is on no host.
    if (!st.ok()) return finish_build(id, st, false);
    if (image.empty()) return finish_build(id, st);
    // From an image: the bytes are copied in once the volume exists.
    const Json* v = store_.get(kVolumeKind, id);
    if (!v) return;
    Json d = *v;
    d["status"] = "downloading";
    (void)save(d);
    driver->copy_image_to_volume(target, image, [this, id](Status copied) { finish_build(id, copied); });
  };
  if (doc["snapshot_id"].is_string()) {
    const Json* snap = store_.get(kSnapshotKind, doc["snapshot_id"].get<std::string>());
    if (!snap)
      return finish_build(id, NotFound("Snapshot " + doc["snapshot_id"].get<std::string>() + " could not be found."),
                          false);
    driver->create_volume_from_snapshot(target, snapshot_ref(*snap), std::move(done));
  } else if (doc["source_volid"].is_string()) {
    const Json* src = store_.get(kVolumeKind, doc["source_volid"].get<std::string>());
    if (!src)
      return finish_build(id, NotFound("Volume " + doc["source_volid"].get<std::string>() + " could not be found."),
                          false);
    driver->create_cloned_volume(target, ref(*src), std::move(done));
  } else {
    driver->create_volume(target, std::move(done));
  }
}

void VolumeService::finish_build(const std::string& id, const Status& result, bool on_backend) {
  const Json* v = store_.get(kVolumeKind, id);
  if (!v) return;
  Json doc = *v;
  doc["status"] = result.ok() ? "available" : "error";
  if (!on_backend) doc["host"] = nullptr;
  if (!result.ok()) Log::get("cinder-volume").error("volume " + id + " failed: " + result.message());
  (void)save(doc);
}

Result<Json> VolumeService::get(const Credentials& caller, const std::string& id) const {
  return owned(caller, kVolumeKind, id, "volume:get");
}

std::vector<Json> VolumeService::list(const Credentials& caller, bool all_tenants) const {
  std::vector<Json> out;
  if (!authorize(policy_, "volume:get_all", caller, {{"project_id", caller.project_id}}).ok()) return out;
  // all_tenants is an admin's; Cinder ignores it for anyone else.
  bool everyone = all_tenants && policy_.allowed("volume:get_all:all_tenants", caller);
  auto docs = everyone ? store_.list(kVolumeKind) : store_.find(kVolumeKind, "project_id", caller.project_id);
  for (const Json* d : docs) out.push_back(*d);
  return out;
}

Result<Json> VolumeService::update(const Credentials& caller, const std::string& id, const VolumeChange& change) {
  auto v = owned(caller, kVolumeKind, id, "volume:update");
  if (!v.ok()) return v;
  Json doc = *v;
  if (change.name) doc["name"] = *change.name;
  if (change.description) doc["description"] = *change.description;
  if (change.metadata) {
    if (Status st = check_metadata(*change.metadata); !st.ok()) return st;
    doc["metadata"] = *change.metadata;
  }
  if (Status st = save(doc); !st.ok()) return st;
  return *store_.get(kVolumeKind, id);
}

Status VolumeService::remove(const Credentials& caller, const std::string& id, bool cascade) {
  auto v = owned(caller, kVolumeKind, id, "volume:delete");
  if (!v.ok()) return v.status();
  auto snapshots = store_.find(kSnapshotKind, "volume_id", id);
  bool snapshots_block =
      !snapshots.empty() && (!cascade || std::any_of(snapshots.begin(), snapshots.end(), [](const Json* s) {
        return !one_of((*s)["status"], {"available", "error"});
      }));
  if (!one_of((*v)["status"], kDeletable) || (*v)["attach_status"] == "attached" || snapshots_block ||
      (*v)["migration_status"].is_string())
    return BadRequest(
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending or "
        "error_managing and must not be migrating, attached, belong to a group, have snapshots or be "
        "disassociated from snapshots after volume transfer.");
  Json doc = *v;
  doc["status"] = "deleting";
  Status st = store_.transaction([&] {
    for (const Json* s : snapshots) {
      Json sd = *s;
      sd["status"] = "deleting";
      if (Status st = save(sd); !st.ok()) return st;
    }
    return save(doc);
  });
  if (!st.ok()) return st;
  if (snapshots.empty()) {
    clock_.schedule(Duration::zero(), [this, id] { destroy(id); });
    return {};
  }
  // Cascade: the snapshots go first, then the volume.
  auto remaining = std::make_shared<std::size_t>(snapshots.size());
  for (const Json* s : snapshots) {
    std::string sid = (*s)["id"];
    clock_.schedule(Duration::zero(), [this, sid, id, remaining] {
      destroy_snapshot(sid, [this, id, remaining] {
        if (--*remaining == 0) destroy(id);
      });
    });
  }
  return {};
}

Status VolumeService::force_delete(const Credentials& caller, const std::string& id) {
  auto v = owned(caller, kVolumeKind, id, "volume_extension:volume_admin_actions:force_delete");
  if (!v.ok()) return v.status();
  if (auto snaps = store_.find(kSnapshotKind, "volume_id", id); !snaps.empty())
    return BadRequest("Invalid volume: Volume still has " + std::to_string(snaps.size()) + " dependent snapshots.");
  Json doc = *v;
  doc["status"] = "deleting";
  if (Status st = save(doc); !st.ok()) return st;
  clock_.schedule(Duration::zero(), [this, id] { destroy(id); });
  return {};
}

void VolumeService::destroy(const std::string& id) {
  const Json* v = store_.get(kVolumeKind, id);
  if (!v) return;
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) {  // never reached a backend
    (void)store_.erase(kVolumeKind, id);
    return;
  }
  driver->delete_volume(ref(*v), [this, id](Status st) {
    const Json* cur = store_.get(kVolumeKind, id);
    if (!cur) return;
    if (st.ok()) {
      (void)store_.erase(kVolumeKind, id);
      return;
    }
    Log::get("cinder-volume").error("volume " + id + " delete failed: " + st.message());
    Json doc = *cur;
    doc["status"] = "error_deleting";
    (void)save(doc);
  });
}

std::size_t VolumeService::recover() {
  std::size_t settled = 0;
  for (const Json* v : store_.list(kVolumeKind)) {
    Json doc = *v;
    std::string status = doc["status"];
    if (VolumeDriver* d = doc["host"].is_string() ? backends_.driver(doc["host"]) : nullptr) d->adopt_volume(ref(doc));
    std::string id = doc["id"];
    if (status == "creating" || status == "downloading" || status == "extending") {
      doc["status"] = status == "extending" ? "error_extending" : "error";
      (void)save(doc);
      ++settled;
    } else if (status == "deleting") {
      clock_.schedule(Duration::zero(), [this, id] { destroy(id); });
      ++settled;
    } else if (status == "uploading") {  // the copy died with the process; the image stays queued
      doc["status"] = doc.value("upload_previous_status", std::string("available"));
      doc.erase("upload_previous_status");
      (void)save(doc);
      ++settled;
    } else if (status == "retyping") {  // the retype did not happen: the volume keeps its type and host
      finish_retype(id, Status(Code::kInternal, "interrupted by a restart"));
      ++settled;
    }
  }
  for (const Json* s : store_.list(kSnapshotKind)) {
    Json doc = *s;
    const Json* vol = store_.get(kVolumeKind, doc["volume_id"].get<std::string>());
    if (VolumeDriver* d = vol && (*vol)["host"].is_string() ? backends_.driver((*vol)["host"]) : nullptr)
      d->adopt_snapshot(snapshot_ref(doc));
    if (doc["status"] == "creating") {
      doc["status"] = "error";
      (void)save(doc);
      ++settled;
    } else if (doc["status"] == "deleting") {
      std::string id = doc["id"];
      clock_.schedule(Duration::zero(), [this, id] { destroy_snapshot(id); });
      ++settled;
    }
  }
  return settled;
}

}  // namespace stacklab::volume
