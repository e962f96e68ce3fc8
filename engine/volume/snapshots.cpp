// Snapshots: point-in-time copies of a volume on its backend, with
// metadata; a volume with snapshots cannot be deleted (but by cascade).
#include <algorithm>

#include "engine/core/log.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

Result<Json> VolumeService::create_snapshot(const Credentials& caller, const NewSnapshot& req) {
  auto v = owned(caller, kVolumeKind, req.volume_id, "volume:create_snapshot");
  if (!v.ok()) return v;
  if (Status st = check_metadata(req.metadata); !st.ok()) return st;
  std::string status = (*v)["status"];
  if (status == "in-use" && !req.force)
    return BadRequest("Invalid volume: Volume " + req.volume_id +
                      " status must be available, but current status is: in-use.");
  if (status != "available" && status != "in-use")
    return BadRequest("Invalid volume: Volume " + req.volume_id +
                      " status must be available or in-use, but current status is: " + status + ".");
  long long size = (*v)["size"].get<long long>();
  const Json* type = store_.get("volume_type", (*v)["volume_type_id"].get<std::string>());
  std::string type_name = type ? (*type)["name"].get<std::string>() : "";
  if (Status st = quotas_.check_snapshots((*v)["project_id"], type_name, size); !st.ok()) return st;
  std::string id = random_.uuid4();
  Json doc = {{"id", id},
              {"project_id", (*v)["project_id"]},
              {"user_id", caller.user_id},
              {"volume_id", req.volume_id},
              {"name", req.name.empty() ? Json(nullptr) : Json(req.name)},
              {"description", req.description.empty() ? Json(nullptr) : Json(req.description)},
              {"size", size},
              {"status", "creating"},
              {"progress", "0%"},
              {"metadata", req.metadata},
              {"created_at", cinder_time(clock_.now())},
              {"updated_at", nullptr}};
  if (Status st = store_.put(kSnapshotKind, id, doc); !st.ok()) return st;
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  auto finish = [this, id](Status st) {
    const Json* cur = store_.get(kSnapshotKind, id);
    if (!cur) return;
    Json d = *cur;
    d["status"] = st.ok() ? "available" : "error";
    d["progress"] = st.ok() ? "100%" : "0%";
    if (!st.ok()) Log::get("cinder-volume").error("snapshot " + id + " failed: " + st.message());
    (void)save(d);
  };
  if (!driver)
    clock_.schedule(Duration::zero(), [finish] { finish(Status(Code::kInternal, "the volume is on no backend")); });
  else
    driver->create_snapshot(snapshot_ref(doc), finish);
  return doc;
}

Result<Json> VolumeService::get_snapshot(const Credentials& caller, const std::string& id) const {
  return owned(caller, kSnapshotKind, id, "volume:get_snapshot");
}

std::vector<Json> VolumeService::list_snapshots(const Credentials& caller, bool all_tenants) const {
  std::vector<Json> out;
  if (!authorize(policy_, "volume:get_all_snapshots", caller, {{"project_id", caller.project_id}}).ok()) return out;
  bool everyone = all_tenants && policy_.allowed("volume:get_all:all_tenants", caller);
  auto docs = everyone ? store_.list(kSnapshotKind) : store_.find(kSnapshotKind, "project_id", caller.project_id);
  for (const Json* d : docs) out.push_back(*d);
  return out;
}

Result<Json> VolumeService::update_snapshot(const Credentials& caller, const std::string& id,
                                            const VolumeChange& change) {
  auto s = owned(caller, kSnapshotKind, id, "volume:update_snapshot");
  if (!s.ok()) return s;
  Json doc = *s;
  if (change.name) doc["name"] = *change.name;
  if (change.description) doc["description"] = *change.description;
  if (Status st = save(doc); !st.ok()) return st;
  return *store_.get(kSnapshotKind, id);
}

Status VolumeService::remove_snapshot(const Credentials& caller, const std::string& id) {
  auto s = owned(caller, kSnapshotKind, id, "volume:delete_snapshot");
  if (!s.ok()) return s.status();
  if ((*s)["status"] != "available" && (*s)["status"] != "error")
    return BadRequest(
        "Invalid snapshot: Volume Snapshot status must be available or error and must not be part of "
        "a group.");
  Json doc = *s;
  doc["status"] = "deleting";
  if (Status st = save(doc); !st.ok()) return st;
  clock_.schedule(Duration::zero(), [this, id] { destroy_snapshot(id); });
  return {};
}

void VolumeService::destroy_snapshot(const std::string& id, std::function<void()> then) {
  const Json* s = store_.get(kSnapshotKind, id);
  if (!s) {
    if (then) then();
    return;
  }
  const Json* vol = store_.get(kVolumeKind, (*s)["volume_id"].get<std::string>());
  VolumeDriver* driver = vol && (*vol)["host"].is_string() ? backends_.driver((*vol)["host"]) : nullptr;
  auto done = [this, id, then](Status st) {
    if (st.ok()) {
      (void)store_.erase(kSnapshotKind, id);
      if (then) then();
      return;
    }
    Log::get("cinder-volume").error("snapshot " + id + " delete failed: " + st.message());
    if (const Json* cur = store_.get(kSnapshotKind, id)) {
      Json d = *cur;
      d["status"] = "error_deleting";
      (void)save(d);
    }
  };
  if (!driver)
    done(Status::Ok());
  else
    driver->delete_snapshot(snapshot_ref(*s), done);
}

Result<Json> VolumeService::set_snapshot_metadata(const Credentials& caller, const std::string& id,
                                                  const Json& metadata, bool replace) {
  auto s = owned(caller, kSnapshotKind, id, "volume:update_snapshot_metadata");
  if (!s.ok()) return s;
  if (Status st = check_metadata(metadata); !st.ok()) return st;
  Json doc = *s;
  if (replace) doc["metadata"] = Json::object();
  for (const auto& [k, v] : metadata.items()) doc["metadata"][k] = v;
  if (Status st = save(doc); !st.ok()) return st;
  return doc["metadata"];
}

Status VolumeService::delete_snapshot_metadata(const Credentials& caller, const std::string& id,
                                               const std::string& key) {
  auto s = owned(caller, kSnapshotKind, id, "volume:delete_snapshot_metadata");
  if (!s.ok()) return s.status();
  if (!(*s)["metadata"].contains(key)) return NotFound("Metadata item was not found");
  Json doc = *s;
  doc["metadata"].erase(key);
  return save(doc);
}

Status VolumeService::reset_snapshot_status(const Credentials& caller, const std::string& id,
                                            const std::string& status) {
  auto s = owned(caller, kSnapshotKind, id, "volume_extension:snapshot_admin_actions:reset_status");
  if (!s.ok()) return s.status();
  static const std::vector<std::string> kStatuses = {"creating", "available", "deleting", "error", "error_deleting"};
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
    return BadRequest("Invalid input received: Must specify a valid status");
  Json doc = *s;
  doc["status"] = status;
  return save(doc);
}

}  // namespace stacklab::volume
