// Volume actions: extend, bootable and read-only flags, an admin's status
// reset, metadata, and the attach/detach hand-off Nova drives.
#include <algorithm>

#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

namespace {

const std::vector<std::string> kVolumeStatuses = {
    "creating", "available",  "reserved",         "attaching",       "in-use",        "detaching",   "maintenance",
    "deleting", "error",      "error_deleting",   "error_extending", "extending",     "downloading", "uploading",
    "retyping", "backing-up", "restoring-backup", "error_restoring", "error_managing"};

bool one_of(const std::string& s, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

Status invalid_volume(const std::string& why) { return BadRequest("Invalid volume: " + why); }

}  // namespace

Status VolumeService::extend(const Credentials& caller, const std::string& id, long long new_size, bool attached) {
  auto v = owned(caller, kVolumeKind, id, attached ? "volume:extend_attached_volume" : "volume:extend");
  if (!v.ok()) return v.status();
  const std::string status = (*v)["status"];
  if (status != "available" && !(attached && status == "in-use"))
    return invalid_volume("Volume " + id + " status must be '" + (attached ? "available or in-use" : "available") +
                          "' to extend, currently " + status + ".");
  long long size = (*v)["size"].get<long long>();
  if (new_size <= size)
    return BadRequest("Invalid input received: New size for extend must be greater than current size. (current: " +
                      std::to_string(size) + ", extended: " + std::to_string(new_size) + ").");
  const Json* type = store_.get("volume_type", (*v)["volume_type_id"].get<std::string>());
  std::string type_name = type ? (*type)["name"].get<std::string>() : "";
  if (Status st = quotas_.check_extend((*v)["project_id"], type_name, new_size - size, new_size); !st.ok()) return st;
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return invalid_volume("Volume " + id + " is not on a backend.");
  Json doc = *v;
  doc["status"] = "extending";
  if (Status st = save(doc); !st.ok()) return st;
  // An attached volume goes back in-use (Cinder's previous_status).
  driver->extend_volume(ref(doc), new_size, [this, id, new_size, status](Status st) {
    const Json* cur = store_.get(kVolumeKind, id);
    if (!cur) return;
    Json d = *cur;
    d["status"] = st.ok() ? status : "error_extending";
    if (st.ok()) d["size"] = new_size;
    (void)save(d);
  });
  return {};
}

Status VolumeService::set_bootable(const Credentials& caller, const std::string& id, bool bootable) {
  auto v = owned(caller, kVolumeKind, id, "volume:update_volume_bootable");
  if (!v.ok()) return v.status();
  Json doc = *v;
  doc["bootable"] = bootable;
  return save(doc);
}

Status VolumeService::set_readonly(const Credentials& caller, const std::string& id, bool readonly) {
  auto v = owned(caller, kVolumeKind, id, "volume:update_readonly_flag");
  if (!v.ok()) return v.status();
  if (!one_of((*v)["status"], {"available", "in-use"}))
    return invalid_volume("Volume status must be available or in-use to update its read-only flag.");
  Json doc = *v;
  doc["readonly"] = readonly;
  // Cinder keeps the flag in the volume's admin metadata, which its views show among the metadata.
  if (!doc.contains("admin_metadata")) doc["admin_metadata"] = Json::object();
  doc["admin_metadata"]["readonly"] = readonly ? "True" : "False";
  return save(doc);
}

Status VolumeService::reset_status(const Credentials& caller, const std::string& id, const StatusReset& reset) {
  auto v = owned(caller, kVolumeKind, id, "volume_extension:volume_admin_actions:reset_status");
  if (!v.ok()) return v.status();
  if (reset.status && !one_of(*reset.status, kVolumeStatuses))
    return BadRequest("Invalid input received: Must specify a valid status");
  if (reset.attach_status && !one_of(*reset.attach_status, {"attached", "detached"}))
    return BadRequest("Invalid input received: Must specify a valid attach status");
  if (reset.migration_status &&
      !one_of(*reset.migration_status, {"none", "migrating", "error", "success", "completing", "starting"}))
    return BadRequest("Invalid input received: Must specify a valid migration status");
  Json doc = *v;
  if (reset.status) doc["status"] = *reset.status;
  if (reset.attach_status) {
    doc["attach_status"] = *reset.attach_status;
    if (*reset.attach_status == "detached") doc["attachments"] = Json::array();
  }
  if (reset.migration_status)
    doc["migration_status"] = *reset.migration_status == "none" ? Json(nullptr) : Json(*reset.migration_status);
  return save(doc);
}

Result<Json> VolumeService::set_metadata(const Credentials& caller, const std::string& id, const Json& metadata,
                                         bool replace) {
  auto v = owned(caller, kVolumeKind, id, "volume:update_volume_metadata");
  if (!v.ok()) return v;
  if (!metadata.is_object()) return BadRequest("Malformed request body");
  for (const auto& [k, val] : metadata.items()) {
    if (k.empty() || k.size() > 255)
      return BadRequest("Invalid input received: Metadata property key blank or too long.");
    if (!val.is_string() || val.get<std::string>().size() > 255)
      return BadRequest("Invalid input received: Metadata property value for " + k +
                        " must be a string of at most 255 characters.");
  }
  Json doc = *v;
  if (replace) doc["metadata"] = Json::object();
  for (const auto& [k, val] : metadata.items()) doc["metadata"][k] = val;
  if (Status st = save(doc); !st.ok()) return st;
  return doc["metadata"];
}

Status VolumeService::delete_metadata(const Credentials& caller, const std::string& id, const std::string& key) {
  auto v = owned(caller, kVolumeKind, id, "volume:delete_volume_metadata");
  if (!v.ok()) return v.status();
  if (!(*v)["metadata"].contains(key)) return NotFound("Metadata item was not found");
  Json doc = *v;
  doc["metadata"].erase(key);
  return save(doc);
}

Result<Json> VolumeService::set_status(const Credentials& caller, const std::string& id, const std::string& action,
                                       const std::vector<std::string>& from, const std::string& to,
                                       const std::string& message) {
  auto v = owned(caller, kVolumeKind, id, action);
  if (!v.ok()) return v;
  if (!one_of((*v)["status"], from)) return invalid_volume(message + (*v)["status"].get<std::string>() + ".");
  Json doc = *v;
  doc["status"] = to;
  if (Status st = save(doc); !st.ok()) return st;
  return doc;
}

Status VolumeService::reserve(const Credentials& caller, const std::string& id) {
  auto v = get(caller, id);
  if (!v.ok()) return v.status();
  std::vector<std::string> from = {"available"};
  if ((*v)["multiattach"].get<bool>()) from.push_back("in-use");
  return set_status(caller, id, "volume:reserve_volume", from, "attaching",
                    "Volume status must be available to reserve, but the status is ")
      .status();
}

Status VolumeService::unreserve(const Credentials& caller, const std::string& id) {
  auto v = get(caller, id);
  if (!v.ok()) return v.status();
  std::string back = (*v)["attachments"].empty() ? "available" : "in-use";
  return set_status(caller, id, "volume:unreserve_volume", {"attaching", "reserved"}, back,
                    "Volume status must be attaching or reserved to unreserve, but the status is ")
      .status();
}

Status VolumeService::begin_detaching(const Credentials& caller, const std::string& id) {
  auto v = get(caller, id);
  if (!v.ok()) return v.status();
  if ((*v)["attach_status"] != "attached" || (*v)["status"] != "in-use")
    return invalid_volume(
        "Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");
  return set_status(caller, id, "volume:begin_detaching", {"in-use"}, "detaching", "").status();
}

Status VolumeService::roll_detaching(const Credentials& caller, const std::string& id) {
  auto v = owned(caller, kVolumeKind, id, "volume:roll_detaching");
  if (!v.ok()) return v.status();
  if ((*v)["status"] != "detaching") return {};  // Cinder leaves other states alone
  Json doc = *v;
  doc["status"] = "in-use";
  return save(doc);
}

Result<Json> VolumeService::initialize_connection(const Credentials& caller, const std::string& id,
                                                  const Json& connector) {
  auto v = owned(caller, kVolumeKind, id, "volume:initialize_connection");
  if (!v.ok()) return v;
  if (!connector.is_object()) return BadRequest("Must specify 'connector'");
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return invalid_volume("Volume " + id + " is not on a backend.");
  auto info = driver->initialize_connection(ref(*v), connector);
  if (!info.ok())
    return BadRequest("Bad or unexpected response from the storage volume backend API: " + info.status().message());
  Json out = *info;
  out["data"]["access_mode"] = (*v)["readonly"].get<bool>() ? "ro" : "rw";
  return out;
}

Status VolumeService::terminate_connection(const Credentials& caller, const std::string& id, const Json& connector) {
  auto v = owned(caller, kVolumeKind, id, "volume:terminate_connection");
  if (!v.ok()) return v.status();
  if (!connector.is_object()) return BadRequest("Must specify 'connector'");
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return {};
  return driver->terminate_connection(ref(*v), connector);
}

Result<Json> VolumeService::attach(const Credentials& caller, const std::string& id, const AttachTarget& target) {
  auto v = owned(caller, kVolumeKind, id, "volume:attach");
  if (!v.ok()) return v;
  if (target.instance_uuid.empty() == target.host_name.empty())
    return BadRequest("Invalid request to attach volume to an invalid target");
  if (target.mode != "rw" && target.mode != "ro")
    return BadRequest("Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'");
  if ((*v)["readonly"].get<bool>() && target.mode == "rw")
    return invalid_volume("Volume " + id + " is read-only; it can only be attached in 'ro' mode.");
  std::vector<std::string> from = {"attaching", "available"};
  if ((*v)["multiattach"].get<bool>()) from.push_back("in-use");
  if (!one_of((*v)["status"], from))
    return invalid_volume("Volume status must be available or attaching to attach, but the status is " +
                          (*v)["status"].get<std::string>() + ".");
  Json doc = *v;
  for (const auto& a : doc["attachments"])
    if (!target.instance_uuid.empty() && a["server_id"] == target.instance_uuid)
      return invalid_volume("Volume " + id + " is already attached to server " + target.instance_uuid + ".");
  Json attachment = {{"id", random_.uuid4()},
                     {"attachment_id", nullptr},
                     {"volume_id", id},
                     {"server_id", target.instance_uuid.empty() ? Json(nullptr) : Json(target.instance_uuid)},
                     {"host_name", !target.host_name.empty()       ? Json(target.host_name)
                                   : !target.instance_host.empty() ? Json(target.instance_host)
                                                                   : Json(nullptr)},
                     {"device", target.mountpoint},
                     {"attach_mode", target.mode},
                     {"attached_at", cinder_time(clock_.now())}};
  attachment["attachment_id"] = attachment["id"];
  doc["attachments"].push_back(attachment);
  doc["status"] = "in-use";
  doc["attach_status"] = "attached";
  if (Status st = save(doc); !st.ok()) return st;
  return attachment;
}

Status VolumeService::detach(const Credentials& caller, const std::string& id, const std::string& attachment_id) {
  auto v = owned(caller, kVolumeKind, id, "volume:detach");
  if (!v.ok()) return v.status();
  Json doc = *v;
  Json& attachments = doc["attachments"];
  if (attachments.empty()) return invalid_volume("Volume must be attached in order to detach.");
  auto it = attachments.begin();
  if (!attachment_id.empty()) {
    it = std::find_if(attachments.begin(), attachments.end(), [&](const Json& a) { return a["id"] == attachment_id; });
    if (it == attachments.end())
      return NotFound("Volume attachment could not be found with filter: attachment_id = " + attachment_id + ".");
  } else if (attachments.size() > 1) {
    return invalid_volume("Volume " + id + " has several attachments; an attachment_id is needed to detach.");
  }
  attachments.erase(it);
  settle_attach_status(doc);
  return save(doc);
}

}  // namespace stacklab::volume
