// POST /v2.1/servers/{id}/action (Nova's server actions: one key in the body
// names the action) and POST /v2.1/servers/{id}/remote-consoles (2.6).
// Bodies are checked as Nova's schemas do (400), then the engine's
// ServerActions / ServerMoves decide (403/404/409) and start the work.
#include <string>

#include "api/compute/compute_routes.h"
#include "api/compute/server_views.h"
#include "engine/compute/server_actions.h"
#include "engine/compute/server_moves.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k26{2, 6}, k214{2, 14}, k217{2, 17}, k225{2, 25}, k230{2, 30}, k245{2, 45}, k248{2, 48},
    k256{2, 56}, k273{2, 73};

compute::RequestContext context_of(const Request& req) { return {caller(req), req.request_id}; }

Response accepted(const Status& st) { return st.ok() ? empty_response(202) : fail(st); }

// "Invalid input for field/attribute <field>. ..." as Nova's schema errors read.
Status invalid(const std::string& field, const Json& value, const std::string& why) {
  return BadRequest("Invalid input for field/attribute " + field + ". Value: " + value.dump() + ". " + why);
}

Result<std::optional<std::string>> optional_string(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return std::optional<std::string>{};
  if (!obj[key].is_string()) return invalid(key, obj[key], obj[key].dump() + " is not of type 'string'");
  return std::optional<std::string>(obj[key].get<std::string>());
}

// The console URL a browser opens: our own noVNC page with the token.
std::string console_url(const Request& req, const std::string& token) {
  return req.host_url + "/vnc_auto.html?path=%3Ftoken%3D" + token;
}

Response console_output(Request& req, Ctx ctx, const std::string& id, const Json& arg) {
  std::optional<int> length;
  if (arg.is_object() && arg.contains("length") && !arg["length"].is_null()) {
    const Json& l = arg["length"];
    try {
      if (l.is_number_integer())
        length = l.get<int>();
      else if (l.is_string())
        length = std::stoi(l.get<std::string>());
      else
        return fail(invalid("length", l, l.dump() + " is not of type 'integer', 'string'"));
    } catch (...) {
      return fail(invalid("length", l, l.dump() + " does not match '^-?[0-9]+$'"));
    }
    if (*length < -1) return fail(invalid("length", l, l.dump() + " is less than the minimum of -1"));
  }
  auto out = ctx.server_actions->console_output(context_of(req), id, length);
  if (!out.ok()) return fail(out.status());
  return json_response(200, {{"output", *out}});
}

Response reboot(Request& req, Ctx ctx, const std::string& id, const Json& arg) {
  if (!arg.is_object() || !arg.contains("type")) return fail(BadRequest("'type' is a required property"));
  std::string type = arg["type"].is_string() ? arg["type"].get<std::string>() : "";
  for (auto& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (type != "SOFT" && type != "HARD")
    return fail(invalid("type", arg["type"],
                        arg["type"].dump() + " is not one of ['HARD', 'Hard', 'hard', 'SOFT', "
                                             "'Soft', 'soft']"));
  return accepted(ctx.server_actions->reboot(context_of(req), id,
                                             type == "SOFT" ? compute::RebootType::kSoft : compute::RebootType::kHard));
}

Response create_image(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  if (!arg.is_object() || !arg.contains("name")) return fail(BadRequest("'name' is a required property"));
  if (!arg["name"].is_string() || arg["name"].get<std::string>().empty())
    return fail(invalid("name", arg["name"], "is not a valid name"));
  Json metadata = arg.value("metadata", Json::object());
  if (!metadata.is_object()) return fail(invalid("metadata", metadata, metadata.dump() + " is not of type 'object'"));
  auto image_id = ctx.server_actions->create_image(context_of(req), id, arg["name"], metadata);
  if (!image_id.ok()) return fail(image_id.status());
  if (v >= k245) return json_response(202, {{"image_id", *image_id}});
  Response resp = empty_response(202);
  resp.header("Location", req.host_url + "/image/v2/images/" + *image_id);
  return resp;
}

Response change_password(Request& req, Ctx ctx, const std::string& id, const Json& arg) {
  if (!arg.is_object() || !arg.contains("adminPass")) return fail(BadRequest("'adminPass' is a required property"));
  if (Status st = only_keys(arg, {"adminPass"}); !st.ok()) return fail(st);
  if (!arg["adminPass"].is_string())
    return fail(invalid("adminPass", arg["adminPass"], arg["adminPass"].dump() + " is not of type 'string'"));
  return accepted(ctx.server_actions->change_password(context_of(req), id, arg["adminPass"]));
}

// Nova's createBackup schema: name, backup_type and a non-negative rotation (an integer or its digits).
Response create_backup(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  if (!arg.is_object()) return fail(invalid("createBackup", arg, arg.dump() + " is not of type 'object'"));
  for (const char* key : {"name", "backup_type", "rotation"})
    if (!arg.contains(key)) return fail(BadRequest(std::string("'") + key + "' is a required property"));
  if (Status st = only_keys(arg, {"name", "backup_type", "rotation", "metadata"}); !st.ok()) return fail(st);
  compute::BackupRequest r;
  for (auto [key, field] : {std::pair{"name", &r.name}, {"backup_type", &r.backup_type}}) {
    if (!arg[key].is_string() || arg[key].get<std::string>().empty())
      return fail(invalid(key, arg[key], arg[key].dump() + " is not of type 'string'"));
    *field = arg[key];
  }
  const Json& rotation = arg["rotation"];
  bool digits = rotation.is_string() && !rotation.get<std::string>().empty() &&
                rotation.get<std::string>().find_first_not_of("0123456789") == std::string::npos;
  if (!(rotation.is_number_integer() && rotation.get<long long>() >= 0) && !digits)
    return fail(invalid("rotation", rotation, rotation.dump() + " does not match '^[0-9]+$'"));
  r.rotation = rotation.is_string() ? std::stoi(rotation.get<std::string>()) : rotation.get<int>();
  if (arg.contains("metadata")) {
    if (!arg["metadata"].is_object()) return fail(invalid("metadata", arg["metadata"], "is not of type 'object'"));
    r.metadata = arg["metadata"];
  }
  auto image_id = ctx.server_actions->create_backup(context_of(req), id, r);
  if (!image_id.ok()) return fail(image_id.status());
  if (v >= k245) return json_response(202, {{"image_id", *image_id}});
  Response resp = empty_response(202);
  if (r.rotation > 0) resp.header("Location", req.host_url + "/image/v2/images/" + *image_id);
  return resp;
}

// Before 2.48 the body was the driver's own; ours is libvirt's flat one.
Json legacy_diagnostics(const Json& d) {
  Json out = Json::object();
  int i = 0;
  for (const Json& cpu : d.value("cpu_details", Json::array())) out["cpu" + std::to_string(i++) + "_time"] = cpu["time"];
  out["memory"] = d["memory_details"].value("maximum", 0) * 1024;  // KiB
  std::string disk = "vda";
  for (const Json& k : d.value("disk_details", Json::array())) {
    out[disk + "_read"] = k["read_bytes"];
    out[disk + "_read_req"] = k["read_requests"];
    out[disk + "_write"] = k["write_bytes"];
    out[disk + "_write_req"] = k["write_requests"];
    out[disk + "_errors"] = k["errors_count"];
    ++disk[2];
  }
  i = 0;
  for (const Json& nic : d.value("nic_details", Json::array())) {
    std::string n = "vnet" + std::to_string(i++);
    out[n + "_rx"] = nic["rx_octets"];
    out[n + "_rx_drop"] = nic["rx_drop"];
    out[n + "_rx_errors"] = nic["rx_errors"];
    out[n + "_rx_packets"] = nic["rx_packets"];
    out[n + "_tx"] = nic["tx_octets"];
    out[n + "_tx_drop"] = nic["tx_drop"];
    out[n + "_tx_errors"] = nic["tx_errors"];
    out[n + "_tx_packets"] = nic["tx_packets"];
  }
  return out;
}

Response diagnostics(Request& req, Ctx ctx, const Microversion& v) {
  auto d = ctx.server_actions->diagnostics(context_of(req), req.params["server_id"]);
  if (!d.ok()) return fail(d.status());
  return json_response(200, v >= k248 ? *d : legacy_diagnostics(*d));
}

Response rebuild(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  if (!arg.is_object() || !arg.contains("imageRef")) return fail(BadRequest("'imageRef' is a required property"));
  if (!arg["imageRef"].is_string()) return fail(invalid("imageRef", arg["imageRef"], "is not of type 'string'"));
  compute::RebuildRequest r;
  r.image_ref = arg["imageRef"];
  if (auto slash = r.image_ref.rfind('/'); slash != std::string::npos) r.image_ref.erase(0, slash + 1);
  for (auto [key, field] :
       {std::pair{"name", &r.name}, {"adminPass", &r.admin_pass}, {"description", &r.description}}) {
    auto val = optional_string(arg, key);
    if (!val.ok()) return fail(val.status());
    *field = *val;
  }
  if (arg.contains("metadata")) {
    if (!arg["metadata"].is_object()) return fail(invalid("metadata", arg["metadata"], "is not of type 'object'"));
    r.metadata = arg["metadata"];
  }
  auto s = ctx.server_actions->rebuild(context_of(req), id, r);
  if (!s.ok()) return fail(s.status());
  Json view = server_update_view(req, *s, v, ctx.servers.can_see_host_attributes(caller(req)), ctx, true);
  view["adminPass"] = (*s)["admin_pass"];
  return json_response(202, {{"server", view}});
}

Response lock(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  std::optional<std::string> reason;
  if (arg.is_object()) {
    if (v < k273 && !arg.empty()) return fail(BadRequest("Additional properties are not allowed"));
    if (Status st = only_keys(arg, {"locked_reason"}); !st.ok()) return fail(st);
    auto r = optional_string(arg, "locked_reason");
    if (!r.ok()) return fail(r.status());
    reason = *r;
  }
  return accepted(ctx.server_actions->lock(context_of(req), id, reason));
}

Response live_migrate(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  if (!arg.is_object()) return fail(BadRequest("Invalid input for field/attribute os-migrateLive."));
  if (!arg.contains("host")) return fail(BadRequest("'host' is a required property"));
  if (!arg.contains("block_migration")) return fail(BadRequest("'block_migration' is a required property"));
  if (v < k225 && !arg.contains("disk_over_commit"))
    return fail(BadRequest("'disk_over_commit' is a required property"));
  const Json& bm = arg["block_migration"];
  bool bm_ok = bm.is_boolean() || (v >= k225 && bm == "auto") ||
               (bm.is_string() && (bm == "True" || bm == "False" || bm == "true" || bm == "false"));
  if (!bm_ok) return fail(invalid("block_migration", bm, bm.dump() + " is not of type 'boolean'"));
  compute::LiveMigrateRequest r;
  auto host = optional_string(arg, "host");
  if (!host.ok()) return fail(host.status());
  r.host = *host;
  if (v >= k230 && arg.contains("force")) r.force = arg["force"].is_boolean() && arg["force"].get<bool>();
  return accepted(ctx.server_moves->live_migrate(context_of(req), id, r));
}

Response evacuate(Request& req, Ctx ctx, const std::string& id, const Json& arg, const Microversion& v) {
  if (!arg.is_object()) return fail(BadRequest("Invalid input for field/attribute evacuate."));
  if (v < k214 && !arg.contains("onSharedStorage")) return fail(BadRequest("'onSharedStorage' is a required property"));
  auto host = optional_string(arg, "host");
  if (!host.ok()) return fail(host.status());
  auto pass = optional_string(arg, "adminPass");
  if (!pass.ok()) return fail(pass.status());
  auto out = ctx.server_moves->evacuate(context_of(req), id, *host, *pass);
  if (!out.ok()) return fail(out.status());
  if (v < k214) return json_response(200, {{"adminPass", *out}});
  return empty_response(200);
}

Response act(Request& req, Ctx ctx, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  if (!body->is_object() || body->empty()) return fail(BadRequest("Malformed request body"));
  const std::string id = req.params["server_id"];
  const std::string name = body->begin().key();
  const Json arg = body->begin().value();
  compute::ServerActions& a = *ctx.server_actions;
  compute::ServerMoves& m = *ctx.server_moves;
  compute::RequestContext rc = context_of(req);
  if (name == "pause") return accepted(a.pause(rc, id));
  if (name == "unpause") return accepted(a.unpause(rc, id));
  if (name == "suspend") return accepted(a.suspend(rc, id));
  if (name == "resume") return accepted(a.resume(rc, id));
  if (name == "os-stop") return accepted(a.stop(rc, id));
  if (name == "os-start") return accepted(a.start(rc, id));
  if (name == "reboot") return reboot(req, ctx, id, arg);
  if (name == "lock") return lock(req, ctx, id, arg, v);
  if (name == "unlock") return accepted(a.unlock(rc, id));
  if (name == "os-resetState") {
    if (!arg.is_object() || !arg.contains("state")) return fail(BadRequest("'state' is a required property"));
    return accepted(a.reset_state(rc, id, arg["state"].is_string() ? arg["state"].get<std::string>() : arg.dump()));
  }
  if (name == "trigger_crash_dump") {
    if (v < k217) return fail(NotFound("The resource could not be found."));
    return accepted(a.trigger_crash_dump(rc, id));
  }
  if (name == "os-getConsoleOutput") return console_output(req, ctx, id, arg);
  if (name == "os-getVNCConsole") {
    if (v >= k26) return fail(NotFound("The resource could not be found."));
    std::string type = arg.is_object() ? arg.value("type", "") : "";
    if (type != "novnc" && type != "xvpvnc")
      return fail(
          invalid("type", arg.is_object() ? arg.value("type", Json()) : arg, "is not one of ['novnc', 'xvpvnc']"));
    auto c = a.vnc_console(rc, id);
    if (!c.ok()) return fail(c.status());
    return json_response(200, {{"console", {{"type", type}, {"url", console_url(req, c->token)}}}});
  }
  if (name == "createImage") return create_image(req, ctx, id, arg, v);
  if (name == "createBackup") return create_backup(req, ctx, id, arg, v);
  if (name == "changePassword") return change_password(req, ctx, id, arg);
  if (name == "rebuild") return rebuild(req, ctx, id, arg, v);
  if (name == "shelve") return accepted(a.shelve(rc, id));
  if (name == "shelveOffload") return accepted(a.shelve_offload(rc, id));
  if (name == "unshelve") return accepted(a.unshelve(rc, id));
  if (name == "rescue") {
    auto pass = optional_string(arg, "adminPass");
    if (!pass.ok()) return fail(pass.status());
    auto out = a.rescue(rc, id, *pass);
    if (!out.ok()) return fail(out.status());
    return json_response(200, {{"adminPass", *out}});
  }
  if (name == "unrescue") return accepted(a.unrescue(rc, id));
  if (name == "resize") {
    if (!arg.is_object() || !arg.contains("flavorRef")) return fail(BadRequest("'flavorRef' is a required property"));
    std::string ref = arg["flavorRef"].is_string() ? arg["flavorRef"].get<std::string>() : arg["flavorRef"].dump();
    if (auto slash = ref.rfind('/'); slash != std::string::npos) ref.erase(0, slash + 1);
    return accepted(m.resize(rc, id, ref));
  }
  if (name == "confirmResize") {
    Status st = m.confirm_resize(rc, id);
    return st.ok() ? empty_response(204) : fail(st);
  }
  if (name == "revertResize") return accepted(m.revert_resize(rc, id));
  if (name == "migrate") {
    std::optional<std::string> host;
    if (arg.is_object() && arg.contains("host")) {
      if (v < k256) return fail(BadRequest("Additional properties are not allowed ('host' was unexpected)"));
      auto h = optional_string(arg, "host");
      if (!h.ok()) return fail(h.status());
      host = *h;
    }
    return accepted(m.migrate(rc, id, host));
  }
  if (name == "os-migrateLive") return live_migrate(req, ctx, id, arg, v);
  if (name == "evacuate") return evacuate(req, ctx, id, arg, v);
  if (name == "forceDelete") {
    // Without soft delete (reclaim_instance_interval = 0) a force delete is a delete.
    Status st = ctx.servers.remove(caller(req), id);
    return st.ok() ? empty_response(202) : fail(st);
  }
  if (name == "restore") {
    // Nothing is ever SOFT_DELETED here (reclaim_instance_interval = 0): a
    // visible server is in a state restore refuses, as Nova answers then.
    auto s = ctx.servers.get(caller(req), id);
    if (!s.ok()) return fail(s.status());
    return fail(Conflict("Cannot 'restore' instance " + id + " while it is in vm_state " +
                         (*s)["vm_state"].get<std::string>()));
  }
  if ((name == "addSecurityGroup" || name == "removeSecurityGroup") && ctx.network)
    return security_group_action(req, ctx, id, name, arg);
  return fail(BadRequest("There is no such action: " + name));
}

Response remote_console(Request& req, Ctx ctx) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  if (!body->contains("remote_console") || !(*body)["remote_console"].is_object())
    return fail(BadRequest("'remote_console' is a required property"));
  const Json& rc = (*body)["remote_console"];
  std::string protocol = rc.value("protocol", ""), type = rc.value("type", "");
  if (protocol.empty()) return fail(BadRequest("'protocol' is a required property"));
  if (type.empty()) return fail(BadRequest("'type' is a required property"));
  if (protocol != "vnc" || type != "novnc")
    return fail(BadRequest("Unavailable console type " + type + "."));  // the lab serves noVNC only
  auto c = ctx.server_actions->vnc_console(context_of(req), req.params["server_id"]);
  if (!c.ok()) return fail(c.status());
  return json_response(
      200, {{"remote_console", {{"protocol", protocol}, {"type", type}, {"url", console_url(req, c->token)}}}});
}

}  // namespace

void add_server_action_routes(Router& r, Ctx ctx) {
  r.add_sync("POST", "/v2.1/servers/{server_id}/action",
             [ctx](Request& req) { return versioned(req, [&](const Microversion& v) { return act(req, ctx, v); }); });
  r.add_sync("GET", "/v2.1/servers/{server_id}/diagnostics",
             [ctx](Request& req) { return versioned(req, [&](const Microversion& v) { return diagnostics(req, ctx, v); }); });
  r.add_sync("POST", "/v2.1/servers/{server_id}/remote-consoles", [ctx](Request& req) {
    return versioned(
        req, [&](const Microversion&) { return remote_console(req, ctx); }, k26);
  });
}

}  // namespace stacklab::api::compute_api
