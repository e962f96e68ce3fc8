// /v2.1/os-availability-zone and /detail (admin), and add_host_routes().
#include <cctype>

#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"

namespace stacklab::api::compute_api {

bool is_uuid_like(const std::string& s) {
  std::size_t hex = 0;
  for (char c : s) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    ++hex;
  }
  return hex == 32;
}

void add_availability_zone_routes(Router& r, HostCtx ctx) {
  r.add_sync("GET", "/v2.1/os-availability-zone", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto zones = ctx.zones.list(caller(req));
      if (!zones.ok()) return fail(zones.status());
      return json_response(200, {{"availabilityZoneInfo", *zones}});
    });
  });
  r.add_sync("GET", "/v2.1/os-availability-zone/detail", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto zones = ctx.zones.detail(caller(req));
      if (!zones.ok()) return fail(zones.status());
      return json_response(200, {{"availabilityZoneInfo", *zones}});
    });
  });
}

void add_host_routes(Router& r, HostCtx ctx) {
  add_service_routes(r, ctx);
  add_hypervisor_routes(r, ctx);
  add_aggregate_routes(r, ctx);
  add_availability_zone_routes(r, ctx);
}

}  // namespace stacklab::api::compute_api
