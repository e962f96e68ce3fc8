// The attachments API (Cinder 3.27+): reserve, connect, complete and delete
// attachments kept in the volume's `attachments` (volume_service.h), the
// same records the legacy os-attach flow writes.
#include <algorithm>

#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

namespace {

Status attachment_not_found(const std::string& id) {
  return NotFound("Volume attachment could not be found with filter: attachment_id = " + id + ".");
}

Json::iterator find_attachment(Json& volume, const std::string& id) {
  Json& list = volume["attachments"];
  return std::find_if(list.begin(), list.end(), [&](const Json& a) { return a["id"] == id; });
}

// An attachment as the API layer sees it: the record with its volume's id and project.
Json with_volume(const Json& attachment, const Json& volume) {
  Json out = attachment;
  out["volume_id"] = volume["id"];
  out["project_id"] = volume["project_id"];
  out["attach_status"] = attachment_status(attachment);
  return out;
}

}  // namespace

Result<Json> VolumeService::volume_of_attachment(const Credentials& caller, const std::string& id,
                                                 const std::string& action) const {
  // Attachments live in their volume's record; the caller's volumes are searched
  // (an admin's: all), so another project's attachment is as absent as an unknown one.
  auto docs = caller.is_admin() ? store_.list(kVolumeKind) : store_.find(kVolumeKind, "project_id", caller.project_id);
  for (const Json* v : docs)
    for (const Json& a : (*v)["attachments"])
      if (a["id"] == id) return owned(caller, kVolumeKind, (*v)["id"], action);
  return attachment_not_found(id);
}

Result<Json> VolumeService::create_attachment(const Credentials& caller, const std::string& volume_id,
                                              const std::string& instance_uuid, const Json& connector,
                                              const std::string& mode) {
  auto v = owned(caller, kVolumeKind, volume_id, "volume:attachment_create");
  if (!v.ok()) return v;
  const std::string status = (*v)["status"];
  if (status.find("error") != std::string::npos)
    return BadRequest("Invalid volume: Volume attachments can not be created if the volume is in an error state. "
                      "The Volume " + volume_id + " currently has a status of: " + status + " ");
  bool multiattach = (*v)["multiattach"].get<bool>();
  std::vector<std::string> from = {"available", "downloading"};
  if (multiattach) from = {"available", "in-use", "downloading"};
  bool ok = std::find(from.begin(), from.end(), status) != from.end();
  // The same instance attaching again (a move between hosts) may reserve anew.
  if (!ok && !instance_uuid.empty() && (status == "in-use" || status == "reserved"))
    for (const Json& a : (*v)["attachments"]) ok = ok || a["server_id"] == instance_uuid;
  if (!ok) {
    std::string statuses;
    for (const auto& s : from) statuses += (statuses.empty() ? "" : " or ") + s;
    return BadRequest("Invalid volume: Volume " + volume_id + " status must be " + statuses);
  }
  Json doc = *v;
  std::string id = random_.uuid4();
  // Cinder keeps "null" until a mode is known; a read-only volume is attached ro.
  std::string attach_mode = mode.empty() ? "null" : mode;
  if (doc.value("readonly", false)) attach_mode = "ro";
  doc["attachments"].push_back({{"id", id},
                                {"attachment_id", id},
                                {"volume_id", volume_id},
                                {"server_id", instance_uuid.empty() ? Json(nullptr) : Json(instance_uuid)},
                                {"host_name", nullptr},
                                {"device", nullptr},
                                {"attach_mode", attach_mode},
                                {"attach_status", "reserved"},
                                {"attached_at", nullptr},
                                {"connector", nullptr},
                                {"connection_info", nullptr}});
  doc["status"] = "reserved";
  if (connector.is_object() && !connector.empty()) {
    if (Status st = connect_attachment(doc, id, connector); !st.ok())
      return Status(st.code(), "Unable to create attachment for volume (" + st.message() + ").");
  }
  if (Status st = save(doc); !st.ok()) return st;
  return with_volume(*find_attachment(doc, id), doc);
}

Status VolumeService::connect_attachment(Json& doc, const std::string& id, const Json& connector) {
  auto a = find_attachment(doc, id);
  std::string mode = connector.value("mode", Json(nullptr)).is_string() ? connector["mode"].get<std::string>() : "rw";
  if ((*a)["attach_mode"].is_string() && (*a)["attach_mode"] != "null") mode = (*a)["attach_mode"];
  if (doc.value("readonly", false) && mode != "ro")
    return Status(Code::kInternal,
                  "Invalid attaching mode '" + mode + "' for volume " + doc["id"].get<std::string>() + ".");
  VolumeDriver* driver = doc["host"].is_string() ? backends_.driver(doc["host"]) : nullptr;
  if (!driver) return Status(Code::kInternal, "Volume " + doc["id"].get<std::string>() + " is not on a backend.");
  auto info = driver->initialize_connection(ref(doc), connector);
  if (!info.ok()) return Status(Code::kInternal, "Bad or unexpected response from the storage volume backend API: " +
                                                     info.status().message());
  // Cinder flattens the driver's answer: its data, its driver_volume_type, and the attachment's id.
  Json connection = (*info)["data"];
  for (const auto& [k, val] : info->items())
    if (k != "data") connection[k] = val;
  connection["access_mode"] = mode;
  connection["attachment_id"] = id;
  (*a)["connector"] = connector;
  (*a)["connection_info"] = connection;
  (*a)["host_name"] = connector.value("host", Json(nullptr));
  (*a)["device"] = connector.value("mountpoint", Json(nullptr));
  (*a)["attach_mode"] = mode;
  (*a)["attach_status"] = "attaching";
  (*a)["attached_at"] = cinder_time(clock_.now());
  doc["status"] = "attaching";
  doc["attach_status"] = "attaching";
  return {};
}

Result<Json> VolumeService::get_attachment(const Credentials& caller, const std::string& id) const {
  auto v = volume_of_attachment(caller, id, "volume:get");
  if (!v.ok()) return v;
  Json doc = *v;
  return with_volume(*find_attachment(doc, id), doc);
}

std::vector<Json> VolumeService::list_attachments(const Credentials& caller, bool all_tenants) const {
  std::vector<Json> out;
  for (const Json& v : list(caller, all_tenants))
    for (const Json& a : v["attachments"]) out.push_back(with_volume(a, v));
  return out;
}

Result<Json> VolumeService::update_attachment(const Credentials& caller, const std::string& id,
                                              const Json& connector) {
  auto v = volume_of_attachment(caller, id, "volume:attachment_update");
  if (!v.ok()) return v;
  Json doc = *v;
  if (Status st = connect_attachment(doc, id, connector); !st.ok())
    return Status(st.code(), "Unable to update attachment.(" + st.message() + ").");
  if (Status st = save(doc); !st.ok()) return st;
  return with_volume(*find_attachment(doc, id), doc);
}

Status VolumeService::complete_attachment(const Credentials& caller, const std::string& id) {
  auto v = volume_of_attachment(caller, id, "volume:attachment_complete");
  if (!v.ok()) return v.status();
  Json doc = *v;
  (*find_attachment(doc, id))["attach_status"] = "attached";
  doc["status"] = "in-use";
  doc["attach_status"] = "attached";
  return save(doc);
}

Result<std::vector<Json>> VolumeService::delete_attachment(const Credentials& caller, const std::string& id) {
  auto v = volume_of_attachment(caller, id, "volume:attachment_delete");
  if (!v.ok()) return v.status();
  Json doc = *v;
  auto a = find_attachment(doc, id);
  // A reserved attachment was never exported; a connected one is torn down
  // first, and so is one of the legacy flow (Nova's connector is not kept there).
  Json connector = a->value("connector", Json(nullptr));
  bool legacy = !a->contains("attach_status");
  if (connector.is_object() || legacy) {
    VolumeDriver* driver = doc["host"].is_string() ? backends_.driver(doc["host"]) : nullptr;
    if (driver) (void)driver->terminate_connection(ref(doc), connector.is_object() ? connector : Json::object());
  }
  doc["attachments"].erase(a);
  settle_attach_status(doc);
  if (Status st = save(doc); !st.ok()) return st;
  std::vector<Json> left;
  for (const Json& rest : doc["attachments"]) left.push_back(with_volume(rest, doc));
  return left;
}

}  // namespace stacklab::volume
