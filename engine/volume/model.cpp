#include "engine/volume/model.h"

#include "engine/core/store.h"

namespace stacklab::volume {

void define_volume_tables(Store& store) {
  store.define(kVolumeKind, {"project_id", "volume_type_id", "snapshot_id", "source_volid"});
  store.define(kSnapshotKind, {"project_id", "volume_id"});
  store.define(kBackupKind, {"project_id", "volume_id", "parent_id"});
}

VolumeRef volume_ref(const Json& v) {
  std::string host = v.value("host", std::string());
  auto hash = host.find('#');
  return {v["id"], v["size"].get<long long>(), hash == std::string::npos ? "" : host.substr(hash + 1),
          v.value("thin", false)};
}

Status check_metadata(const Json& md) {
  if (!md.is_object()) return BadRequest("Invalid input received: metadata must be an object.");
  for (const auto& [k, v] : md.items()) {
    if (k.empty() || k.size() > 255)
      return BadRequest("Invalid input received: Metadata property key " +
                        std::string(k.empty() ? "blank" : "greater than 255 characters") + ".");
    if (!v.is_string())
      return BadRequest("Invalid input received: Metadata property value for " + k + " must be a string.");
    if (v.get<std::string>().size() > 255)
      return BadRequest("Invalid input received: Metadata property value for " + k + " greater than 255 characters.");
  }
  return {};
}

std::string attachment_status(const Json& a) { return a.value("attach_status", std::string("attached")); }

void settle_attach_status(Json& v) {
  bool attached = false, attaching = false, reserved = false;
  for (const Json& a : v["attachments"]) {
    std::string s = attachment_status(a);
    attached = attached || s == "attached";
    attaching = attaching || s == "attaching";
    reserved = reserved || s == "reserved";
  }
  if (attached) {
    v["status"] = "in-use";
    v["attach_status"] = "attached";
  } else if (attaching) {
    v["status"] = "attaching";
    v["attach_status"] = "attaching";
  } else if (reserved) {
    v["status"] = "reserved";
    v["attach_status"] = "reserved";
  } else {
    v["status"] = "available";
    v["attach_status"] = "detached";
  }
}

}  // namespace stacklab::volume
