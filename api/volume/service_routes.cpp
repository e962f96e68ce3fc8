// /os-services (list, enable, disable, disable-log-reason),
// /os-availability-zone and /scheduler-stats/get_pools.
#include "api/errors.h"
#include "api/volume/volume_api.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::api::volume_api {

void add_service_routes(Router& r, Ctx ctx, const std::string& root) {
  volume::VolumeBackends& b = ctx.backends;
  r.add_sync("GET", root + "/os-services", [&b](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto services =
          b.services(caller(req), req.query_param("host").value_or(""), req.query_param("binary").value_or(""));
      if (!services.ok()) return fail(services.status());
      return json_response(200, {{"services", *services}});
    });
  });
  r.add_sync("PUT", root + "/os-services/{action}", [&b](Request& req) {
    return versioned(req, [&](const Microversion&) {
      const std::string& action = req.params["action"];
      if (action != "enable" && action != "disable" && action != "disable-log-reason")
        return fail(NotFound("Unknown action " + action));
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      std::string host = body->value("host", std::string()), binary = body->value("binary", std::string());
      if (host.empty()) return fail(BadRequest("Missing required element 'host' in request body."));
      if (binary.empty()) binary = body->value("service", std::string());
      std::string reason = body->value("disabled_reason", std::string());
      if (action == "disable-log-reason" && reason.empty())
        return fail(BadRequest("Disabled reason contains invalid characters or is too long"));
      auto s = b.set_enabled(caller(req), host, binary, action == "enable", reason);
      if (!s.ok()) return fail(s.status());
      Json out = {{"host", host},
                  {"binary", binary},
                  {"service", binary},
                  {"disabled", action != "enable"},
                  {"status", action == "enable" ? "enabled" : "disabled"}};
      if (action == "disable-log-reason") out["disabled_reason"] = reason;
      return json_response(200, out);
    });
  });
  r.add_sync("GET", root + "/os-availability-zone", [&b](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Json zones = Json::array();
      for (const auto& z : b.availability_zones())
        zones.push_back({{"zoneName", z}, {"zoneState", {{"available", true}}}});
      return json_response(200, {{"availabilityZoneInfo", zones}});
    });
  });
  r.add_sync("GET", root + "/scheduler-stats/get_pools", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      if (Status st = volume::authorize(ctx.volumes.policy(), "volume_extension:services:index", caller(req)); !st.ok())
        return fail(st);
      bool detail = parse_bool(Json(req.query_param("detail").value_or("false"))).value_or(false);
      Json pools = Json::array();
      for (auto p : ctx.backends.pools()) {
        if (!detail) p.erase("capabilities");
        pools.push_back(p);
      }
      return json_response(200, {{"pools", pools}});
    });
  });
}

}  // namespace stacklab::api::volume_api
