#include "engine/compute/volume_api.h"

#include "engine/compute/network_api.h"

namespace stacklab::compute {

namespace {

// The compute host's os-brick connector, as Nova sends it to Cinder.
Json connector_of(const Json& instance) {
  std::string host = instance["host"].is_string() ? instance["host"].get<std::string>() : "";
  return {{"host", host},
          {"initiator", "iqn.2010-10.org.openstack:" + host},
          {"ip", "127.0.0.1"},
          {"platform", "x86_64"},
          {"os_type", "linux"},
          {"multipath", false}};
}

Credentials nova_for(const Json& instance) { return compute_service_credentials(instance["project_id"]); }

}  // namespace

Result<Json> VolumeApi::get(const Credentials& caller, const std::string& id) const { return volumes_.get(caller, id); }

Result<Json> VolumeApi::get_for(const Json& instance, const std::string& id) const {
  return volumes_.get(nova_for(instance), id);
}

Status VolumeApi::check_attach(const Json& volume) {
  const std::string status = volume["status"];
  if (status == "available" || (status == "in-use" && volume.value("multiattach", false))) return {};
  return BadRequest("Invalid volume: volume '" + volume["id"].get<std::string>() +
                    "' status must be 'available'. Currently in '" + status + "'");
}

Status VolumeApi::reserve(const Json& instance, const std::string& volume_id) {
  return volumes_.reserve(nova_for(instance), volume_id);
}

void VolumeApi::unreserve(const Json& instance, const std::string& volume_id) {
  (void)volumes_.unreserve(nova_for(instance), volume_id);
}

Result<std::string> VolumeApi::attach(const Json& instance, const std::string& volume_id, const std::string& device) {
  Credentials nova = nova_for(instance);
  volume::AttachTarget target;
  target.instance_uuid = instance["id"];
  target.mountpoint = device;
  if (instance["host"].is_string()) {
    target.instance_host = instance["host"];
    auto info = volumes_.initialize_connection(nova, volume_id, connector_of(instance));
    if (!info.ok()) return info.status();
    if ((*info)["data"].value("access_mode", "rw") == "ro") target.mode = "ro";
  }
  auto attachment = volumes_.attach(nova, volume_id, target);
  if (!attachment.ok()) return attachment.status();
  return (*attachment)["id"].get<std::string>();
}

Status VolumeApi::begin_detaching(const Json& instance, const std::string& volume_id) {
  return volumes_.begin_detaching(nova_for(instance), volume_id);
}

void VolumeApi::roll_detaching(const Json& instance, const std::string& volume_id) {
  (void)volumes_.roll_detaching(nova_for(instance), volume_id);
}

Status VolumeApi::detach(const Json& instance, const std::string& volume_id, const std::string& attachment_id) {
  Credentials nova = nova_for(instance);
  auto v = volumes_.get(nova, volume_id);
  if (!v.ok()) return v.status().code() == Code::kNotFound ? Status() : v.status();
  if (instance["host"].is_string()) (void)volumes_.terminate_connection(nova, volume_id, connector_of(instance));
  bool attached = false;
  for (const Json& a : (*v)["attachments"]) attached = attached || a["id"] == attachment_id;
  if (!attached) return {};
  return volumes_.detach(nova, volume_id, attachment_id);
}

Result<Json> VolumeApi::create(const Json& instance, const volume::NewVolume& request) {
  Credentials owner = nova_for(instance);
  owner.user_id = instance["user_id"];  // the volume is the user's, as when Nova creates it with the request's token
  return volumes_.create(owner, request);
}

Status VolumeApi::remove(const Json& instance, const std::string& volume_id) {
  return volumes_.remove(nova_for(instance), volume_id, false);
}

Result<Json> VolumeApi::get_snapshot(const Credentials& caller, const std::string& id) const {
  return volumes_.get_snapshot(caller, id);
}

Result<Json> VolumeApi::create_snapshot_force(const Credentials& caller, const std::string& volume_id,
                                              const std::string& name, const std::string& description) {
  volume::NewSnapshot request;
  request.volume_id = volume_id;
  request.name = name;
  request.description = description;
  request.force = true;
  return volumes_.create_snapshot(caller, request);
}

Status VolumeApi::remove_snapshot(const Credentials& caller, const std::string& id) {
  return volumes_.remove_snapshot(caller, id);
}

}  // namespace stacklab::compute
