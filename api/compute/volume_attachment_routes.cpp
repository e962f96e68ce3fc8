// /servers/{id}/os-volume_attachments: list, show, attach, detach, over
// compute::ServerVolumes, with the fields of each microversion (2.70 tag,
// 2.79 delete_on_termination, 2.85 its update by PUT, 2.89 attachment_id and
// bdm_uuid instead of id); PUT with another volume is an admin's swap.
#include "api/compute/block_device_params.h"
#include "api/compute/compute_routes.h"
#include "api/query.h"
#include "engine/compute/instance_state.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k220{2, 20}, k249{2, 49}, k260{2, 60}, k270{2, 70}, k279{2, 79}, k285{2, 85}, k289{2, 89};

// Attaching to (or detaching from) a shelved server came with 2.20: below,
// Nova answers as for a state that forbids it.
Status shelved_before_220(const Json& server, const Microversion& v, const std::string& action) {
  const std::string vm = server.value("vm_state", "");
  if (v >= k220 || (vm != "shelved" && vm != "shelved_offloaded")) return {};
  return compute::check_state(server, action, {});
}

// The server as the caller may see it, then the policy rule on it (404, then 403).
Result<Json> authorized_server(Request& req, const Ctx& ctx, const std::string& action) {
  auto s = ctx.servers.get(caller(req), req.params["server_id"]);
  if (!s.ok()) return s.status();
  if (Status st = ctx.servers.authorize_on(caller(req), "os_compute_api:os-volumes-attachments:" + action, *s);
      !st.ok())
    return st;
  return s;
}

Json attachment_view(const Json& bdm, const Microversion& v, bool created) {
  Json j = {{"serverId", bdm["instance_uuid"]}, {"volumeId", bdm["volume_id"]}, {"device", bdm["device_name"]}};
  if (v < k289 || created) j["id"] = bdm["volume_id"];
  // A tag is accepted from 2.49 but shown, in every response, only from 2.70.
  if (v >= k270) j["tag"] = bdm["tag"];
  if (v >= k279) j["delete_on_termination"] = bdm["delete_on_termination"];
  if (v >= k289 && !created) {
    j["attachment_id"] = bdm["attachment_id"];
    j["bdm_uuid"] = bdm["id"];
  }
  return j;
}

Response list_attachments(Request& req, const Ctx& ctx, const Microversion& v) {
  auto s = authorized_server(req, ctx, "index");
  if (!s.ok()) return fail(s.status());
  std::vector<Json> all = ctx.servers.volumes()->attachments((*s)["id"]);
  // Nova's limit and offset over the mappings.
  auto number = [&](const char* key, std::size_t fallback) -> Result<std::size_t> {
    auto q = req.query_param(key);
    if (!q) return fallback;
    try {
      long long n = std::stoll(*q);
      if (n >= 0) return static_cast<std::size_t>(n);
    } catch (...) {
    }
    return BadRequest(std::string("Invalid input for query parameters ") + key + ". Value: " + *q +
                      ". '" + *q + "' is not a 'integer'");
  };
  auto offset = number("offset", 0);
  if (!offset.ok()) return fail(offset.status());
  auto limit = number("limit", all.size());
  if (!limit.ok()) return fail(limit.status());
  Json list = Json::array();
  for (std::size_t i = *offset; i < all.size() && list.size() < *limit; ++i)
    list.push_back(attachment_view(all[i], v, false));
  return json_response(200, {{"volumeAttachments", list}});
}

Response show_attachment(Request& req, const Ctx& ctx, const Microversion& v) {
  auto s = authorized_server(req, ctx, "show");
  if (!s.ok()) return fail(s.status());
  auto bdm = ctx.servers.volumes()->attachment(*s, req.params["volume_id"]);
  if (!bdm.ok()) return fail(bdm.status());
  return json_response(200, {{"volumeAttachment", attachment_view(*bdm, v, false)}});
}

Response attach_volume(Request& req, const Ctx& ctx, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  Json a = body->is_object() ? body->value("volumeAttachment", Json()) : Json();
  if (!a.is_object()) return fail(BadRequest("'volumeAttachment' is a required property"));
  Status keys = v >= k279   ? only_keys(a, {"volumeId", "device", "tag", "delete_on_termination"})
                : v >= k249 ? only_keys(a, {"volumeId", "device", "tag"})
                            : only_keys(a, {"volumeId", "device"});
  if (!keys.ok()) return fail(keys);
  if (Status st = check_volume_attachment_ids(a); !st.ok()) return fail(st);
  compute::VolumeAttachRequest r;
  r.volume_id = a["volumeId"];
  if (a.contains("tag")) {
    if (!a["tag"].is_string() || a["tag"].get<std::string>().size() > 60)
      return fail(BadRequest("Invalid input for field/attribute tag. Value: " + a["tag"].dump()));
    r.tag = a["tag"];
  }
  if (a.contains("delete_on_termination")) {
    auto b = nova_boolean(a["delete_on_termination"]);
    if (!b)
      return fail(BadRequest("Invalid input for field/attribute delete_on_termination. Value: " +
                             a["delete_on_termination"].dump() + ". " + a["delete_on_termination"].dump() +
                             " is not of type 'boolean'"));
    r.delete_on_termination = *b;
  }
  r.multiattach_allowed = v >= k260;
  auto s = authorized_server(req, ctx, "create");
  if (!s.ok()) return fail(s.status());
  if (Status st = shelved_before_220(*s, v, "attach_volume"); !st.ok()) return fail(st);
  auto bdm = ctx.servers.volumes()->attach(caller(req), *s, r);
  if (!bdm.ok()) return fail(bdm.status());
  record_action(req, ctx, *s, "attach_volume");
  return json_response(200, {{"volumeAttachment", attachment_view(*bdm, v, true)}});
}

Response detach_volume(Request& req, const Ctx& ctx, const Microversion& v) {
  auto s = authorized_server(req, ctx, "delete");
  if (!s.ok()) return fail(s.status());
  if (Status st = shelved_before_220(*s, v, "detach_volume"); !st.ok()) return fail(st);
  Status st = ctx.servers.volumes()->detach(caller(req), *s, req.params["volume_id"]);
  if (!st.ok()) return fail(st);
  record_action(req, ctx, *s, "detach_volume");
  return empty_response(202);
}

// 2.85's update of the attachment's own fields: only delete_on_termination
// changes; the others may be sent (as GET shows them) but must not differ.
Status update_attachment_fields(Request& req, const Ctx& ctx, const Json& server, const Json& a) {
  const std::string volume_id = req.params["volume_id"];
  auto row = ctx.servers.volumes()->attachment(server, volume_id);
  if (!row.ok()) return NotFound("No volume Block Device Mapping with id " + volume_id + ".");
  if (a.contains("id") && a["id"] != volume_id) return BadRequest("The id property is not mutable");
  if (a.contains("serverId") && a["serverId"] != server["id"])
    return BadRequest("The serverId property is not mutable");
  if (a.contains("device") && a["device"] != (*row)["device_name"])
    return BadRequest("The device property is not mutable");
  if (a.contains("tag") && a["tag"] != (*row)["tag"]) return BadRequest("The tag property is not mutable");
  if (!a.contains("delete_on_termination")) return {};
  auto b = nova_boolean(a["delete_on_termination"]);
  if (!b)
    return BadRequest(
        "Invalid input for field/attribute delete_on_termination. Value: " + a["delete_on_termination"].dump() + ". " +
        a["delete_on_termination"].dump() + " is not of type 'boolean'");
  return ctx.servers.volumes()->set_delete_on_termination(server, volume_id, *b);
}

Status swap(Request& req, const Ctx& ctx, const Json& server, const std::string& new_volume_id) {
  const std::string old_id = req.params["volume_id"];
  if (new_volume_id == old_id)
    return BadRequest("Updating the attachment other than by swapping volumes is not supported");
  Status st = ctx.servers.volumes()->swap(caller(req), server, old_id, new_volume_id);
  if (st.ok()) record_action(req, ctx, server, "swap_volume");
  return st;
}

// PUT: before 2.85 always a swap (an admin's): {"volumeAttachment": {"volumeId": <new volume>}}.
// From 2.85 the owner may change delete_on_termination (volumeId the same);
// a different volumeId is still an admin's swap, after that update.
Response update_volume_attachment(Request& req, const Ctx& ctx, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  Json a = body->is_object() ? body->value("volumeAttachment", Json()) : Json();
  if (!a.is_object()) return fail(BadRequest("'volumeAttachment' is a required property"));
  const bool only_swap = v < k285;
  Status keys = only_swap ? only_keys(a, {"volumeId"})
                          : only_keys(a, {"volumeId", "device", "id", "serverId", "tag", "delete_on_termination"});
  if (!keys.ok()) return fail(keys);
  if (Status st = check_volume_attachment_ids(a); !st.ok()) return fail(st);
  const std::string new_id = a["volumeId"];
  const bool swapping = only_swap || new_id != req.params["volume_id"];
  auto s = authorized_server(req, ctx, swapping ? "swap" : "update");
  if (!s.ok()) return fail(s.status());
  if (!only_swap)
    if (Status st = update_attachment_fields(req, ctx, *s, a); !st.ok()) return fail(st);
  if (swapping)
    if (Status st = swap(req, ctx, *s, new_id); !st.ok()) return fail(st);
  return empty_response(202);
}

}  // namespace

void add_volume_attachment_routes(Router& r, Ctx ctx) {
  const std::string base = "/v2.1/servers/{server_id}/os-volume_attachments";
  r.add_sync("GET", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_attachments(req, ctx, v); });
  });
  r.add_sync("GET", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return show_attachment(req, ctx, v); });
  });
  r.add_sync("POST", base, [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return attach_volume(req, ctx, v); });
  });
  r.add_sync("PUT", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return update_volume_attachment(req, ctx, v); });
  });
  r.add_sync("DELETE", base + "/{volume_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return detach_volume(req, ctx, v); });
  });
}

}  // namespace stacklab::api::compute_api
