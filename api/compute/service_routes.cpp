// /v2.1/os-services: list (host, binary filters; forced_down from 2.11),
// update (below 2.53 the legacy enable / disable / disable-log-reason /
// force-down actions by host and binary; from 2.53 by uuid with status,
// disabled_reason, forced_down), delete. Ids are integers below 2.53, uuids from it.
#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k211{2, 11}, k253{2, 53};

Json service_view(const Json& s, const HostCtx& ctx, const Microversion& v) {
  Json j = {{"id", v >= k253 ? s["id"] : s["seq"]},
            {"binary", s["binary"]},
            {"host", s["host"]},
            {"zone", ctx.zones.zone_of(s)},
            {"status", s["disabled"].get<bool>() ? "disabled" : "enabled"},
            {"state", s["state"]},
            {"updated_at", s["updated_at"]},
            {"disabled_reason", s["disabled_reason"]}};
  if (v >= k211) j["forced_down"] = s["forced_down"];
  return j;
}

Status string_field(const Json& body, const char* key, bool required) {
  if (!body.contains(key)) return required ? BadRequest(std::string("'") + key + "' is a required property") : Status{};
  const Json& f = body[key];
  if (!f.is_string())
    return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + f.dump() + ". " +
                      f.dump() + " is not of type 'string'");
  if (f.get<std::string>().empty() || f.get<std::string>().size() > 255)
    return BadRequest(std::string("Invalid input for field/attribute ") + key + ". Value: " + f.dump() +
                      ". Length must be between 1 and 255");
  return {};
}

// PUT /os-services/{enable|disable|disable-log-reason|force-down} (below 2.53).
Response legacy_update(Request& req, const HostCtx& ctx, const Microversion& v, const std::string& action) {
  bool known = action == "enable" || action == "disable" || action == "disable-log-reason" ||
               (action == "force-down" && v >= k211);
  if (!known) return fail(NotFound("Unknown action"));
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  if (!body->is_object()) return fail(BadRequest("The request body must be an object"));
  for (const char* key : {"host", "binary"})
    if (Status st = string_field(*body, key, true); !st.ok()) return fail(st);
  std::string host = (*body)["host"], binary = (*body)["binary"];
  compute::ServiceUpdate u;
  Json out = {{"host", host}, {"binary", binary}};
  if (action == "enable") {
    u.disabled = false;
    out["status"] = "enabled";
  } else if (action == "disable" || action == "disable-log-reason") {
    u.disabled = true;
    out["status"] = "disabled";
    if (action == "disable-log-reason") {
      if (!body->contains("disabled_reason")) return fail(BadRequest("Missing disabled reason field"));
      if (Status st = string_field(*body, "disabled_reason", true); !st.ok()) return fail(st);
      u.disabled_reason = std::optional<std::string>((*body)["disabled_reason"].get<std::string>());
      out["disabled_reason"] = (*body)["disabled_reason"];
    } else {
      u.disabled_reason = std::optional<std::string>();
    }
  } else {
    if (!body->contains("forced_down")) return fail(BadRequest("Missing forced_down field"));
    if (!(*body)["forced_down"].is_boolean())
      return fail(BadRequest("Invalid input for field/attribute forced_down. Value: " + (*body)["forced_down"].dump() +
                             ". " + (*body)["forced_down"].dump() + " is not of type 'boolean'"));
    u.forced_down = (*body)["forced_down"].get<bool>();
    out["forced_down"] = *u.forced_down;
  }
  auto updated = ctx.services.update_by_host(caller(req), host, binary, u);
  if (!updated.ok()) return fail(updated.status());
  return json_response(200, {{"service", out}});
}

// PUT /os-services/{uuid} (2.53+).
Response update_v253(Request& req, const HostCtx& ctx, const Microversion& v, const std::string& id) {
  if (!is_uuid_like(id)) return fail(BadRequest("Invalid uuid " + id));
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  if (!body->is_object()) return fail(BadRequest("The request body must be an object"));
  if (Status st = only_keys(*body, {"status", "disabled_reason", "forced_down"}); !st.ok()) return fail(st);
  compute::ServiceUpdate u;
  if (body->contains("status")) {
    const Json& s = (*body)["status"];
    if (s != "enabled" && s != "disabled")
      return fail(BadRequest("Invalid input for field/attribute status. Value: " + s.dump() + ". " + s.dump() +
                             " is not one of ['enabled', 'disabled']"));
    u.disabled = s == "disabled";
    if (!*u.disabled) u.disabled_reason = std::optional<std::string>();
  }
  if (body->contains("disabled_reason")) {
    if (Status st = string_field(*body, "disabled_reason", false); !st.ok()) return fail(st);
    if ((*body).value("status", "") != "disabled")
      return fail(BadRequest("Specifying 'disabled_reason' with status other than 'disabled' is invalid."));
    u.disabled_reason = std::optional<std::string>((*body)["disabled_reason"].get<std::string>());
  }
  if (body->contains("forced_down")) {
    if (!(*body)["forced_down"].is_boolean())
      return fail(BadRequest("Invalid input for field/attribute forced_down. Value: " + (*body)["forced_down"].dump() +
                             ". " + (*body)["forced_down"].dump() + " is not of type 'boolean'"));
    u.forced_down = (*body)["forced_down"].get<bool>();
  }
  if (!u.disabled && !u.forced_down)
    return fail(BadRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified."));
  auto updated = ctx.services.update(caller(req), id, u);
  if (!updated.ok()) return fail(updated.status());
  return json_response(200, {{"service", service_view(*updated, ctx, v)}});
}

}  // namespace

void add_service_routes(Router& r, HostCtx ctx) {
  r.add_sync("GET", "/v2.1/os-services", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto all =
          ctx.services.list(caller(req), req.query_param("host").value_or(""), req.query_param("binary").value_or(""));
      if (!all.ok()) return fail(all.status());
      Json list = Json::array();
      for (const Json& s : *all) list.push_back(service_view(s, ctx, v));
      return json_response(200, {{"services", list}});
    });
  });
  r.add_sync("PUT", "/v2.1/os-services/{service_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      std::string id = req.params["service_id"];
      return v >= k253 ? update_v253(req, ctx, v, id) : legacy_update(req, ctx, v, id);
    });
  });
  r.add_sync("DELETE", "/v2.1/os-services/{service_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      std::string id = req.params["service_id"];
      bool by_uuid = v >= k253;
      if (by_uuid && !is_uuid_like(id)) return fail(BadRequest("Invalid uuid " + id));
      if (!by_uuid && (id.empty() || id.find_first_not_of("0123456789") != std::string::npos))
        return fail(BadRequest("Invalid input received: id must be an integer"));
      Status st = ctx.services.remove(caller(req), id, by_uuid);
      if (!st.ok()) return fail(st);
      return empty_response(204);
    });
  });
}

}  // namespace stacklab::api::compute_api
