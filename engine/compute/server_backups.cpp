// ServerActions::create_backup (Nova's createBackup): a snapshot image of
// kind "backup" and the rotation that keeps only the newest `rotation`
// backups of one type per server.
#include <string>
#include <vector>

#include "engine/compute/instance_state.h"
#include "engine/compute/server_actions.h"

namespace stacklab::compute {

Result<std::string> ServerActions::create_backup(const RequestContext& ctx, const std::string& id,
                                                 const BackupRequest& r) {
  auto s = t_.prepare(
      ctx, id, {"os_compute_api:os-create-backup", "createBackup", {"active", "stopped", "paused", "suspended"}});
  if (!s.ok()) return s.status();
  // Nova backs up image-backed servers only (a volume-backed one is snapshotted by Cinder).
  if (is_volume_backed(*s)) return BadRequest("Backup is not supported for volume-backed instances.");
  Json properties = r.metadata.is_object() ? r.metadata : Json::object();
  properties["image_type"] = "backup";
  properties["backup_type"] = r.backup_type;
  auto image_id = new_snapshot_image(ctx, *s, r.name, properties);
  if (!image_id.ok()) return image_id;
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "createBackup");
  Status st = t_.set_task(*s, "image_backup");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, img = *image_id, owner = ctx.caller, r] {
    snapshot_into(rid, uuid, img, owner, "compute_backup_instance", [this, uuid, owner, r](Status st) {
      if (auto cur = t_.load(uuid); cur && task_state_of(*cur) != "deleting") (void)t_.set_task(*cur, "");
      if (st.ok()) rotate_backups(owner, uuid, r.backup_type, r.rotation);
    });
  });
  return image_id;
}

void ServerActions::rotate_backups(const Credentials& owner, const std::string& uuid, const std::string& type,
                                   int rotation) {
  // The image service lists newest first, ties within one second broken by its creation order.
  std::vector<std::string> backups;
  for (const Json* image : t_.d.images.list(owner, {})) {
    const Json props = image->value("properties", Json::object());
    if (props.value("instance_uuid", "") == uuid && props.value("image_type", "") == "backup" &&
        props.value("backup_type", "") == type)
      backups.push_back((*image)["id"]);
  }
  for (std::size_t i = static_cast<std::size_t>(rotation); i < backups.size(); ++i)
    (void)t_.d.images.remove(owner, backups[i]);
}

}  // namespace stacklab::compute
