// ServerActions::snapshot_volume_backed: createImage of a server whose root
// is a Cinder volume. Nova does it all in the API: no hypervisor snapshot,
// no task_state; the volumes are snapshotted (forced, they are in use) and
// the image is a bucket of properties with no data, active at once, which
// a later boot turns back into volumes (ServerVolumes::image_defined).
#include "engine/compute/block_devices.h"
#include "engine/compute/server_actions.h"

namespace stacklab::compute {

Result<std::string> ServerActions::snapshot_volume_backed(const RequestContext& ctx, const Json& s,
                                                          const std::string& name, const Json& metadata) {
  const std::string uuid = s["id"];
  Json body = {{"name", name}, {"visibility", "private"}};
  // Nova drops the base image's formats (the data is not the image's any
  // more); Glance v2 needs some, so Nova sends bare and its preferred qcow2.
  const Json inherited = base_image_fields(ctx.caller, s);  // a named object: items() must not outlive it
  for (const auto& [k, v] : inherited.items())
    if (k != "disk_format" && k != "container_format") body[k] = v;
  body["container_format"] = "bare";
  body["disk_format"] = "qcow2";
  if (metadata.is_object())
    for (const auto& [k, v] : metadata.items())
      if (k != "block_device_mapping" && k != "bdm_v2" && k != "root_device_name") body[k] = v;

  t_.d.log.start(ctx, uuid, s["project_id"], "createImage");
  t_.d.log.event_start(ctx.request_id, uuid, "api_snapshot_instance");
  auto mapping = t_.d.servers.volumes()->snapshot_volumes(ctx.caller, s, name);
  t_.d.log.event_finish(ctx.request_id, uuid, "api_snapshot_instance", mapping.ok() ? Status{} : mapping.status());
  if (!mapping.ok()) return mapping.status();
  // Glance keeps properties as strings: Nova sends these as text.
  body["root_device_name"] = kRootDevice;
  if (!mapping->empty()) {
    body["bdm_v2"] = "True";
    body["block_device_mapping"] = mapping->dump();
  }
  auto drop_snapshots = [&] { t_.d.servers.volumes()->remove_snapshots(ctx.caller, *mapping); };
  auto image = t_.d.images.create(ctx.caller, body);
  if (!image.ok()) {
    drop_snapshots();
    return image.status();
  }
  const std::string image_id = (*image)["id"];
  // No data: an empty upload makes it active with size 0 (Nova's force_activate).
  if (auto stored = t_.d.images.store_data(ctx.caller, image_id, ""); !stored.ok()) {
    (void)t_.d.images.remove(ctx.caller, image_id);
    drop_snapshots();
    return stored.status();
  }
  return image_id;
}

}  // namespace stacklab::compute
