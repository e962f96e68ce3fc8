// /v2.0/floatingips.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

void add_floating_ip_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/floatingips", [ctx](Request& req) {
    return list_response(req, "floatingips", ctx.networks.list_floating_ips(caller(req)), network::kFloatingIpFilters);
  });
  r.add_sync("POST", "/v2.0/floatingips", [ctx](Request& req) {
    auto body = resource_body(req, "floatingip");
    if (!body.ok()) return fail(body.status());
    auto fip = ctx.networks.create_floating_ip(caller(req), *body);
    return fip.ok() ? item_response(req, 201, "floatingip", *fip) : fail(fip.status());
  });
  r.add_sync("GET", "/v2.0/floatingips/{id}", [ctx](Request& req) {
    auto fip = ctx.networks.get_floating_ip(caller(req), req.params["id"]);
    return fip.ok() ? item_response(req, 200, "floatingip", *fip) : fail(fip.status());
  });
  r.add_sync("PUT", "/v2.0/floatingips/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "floatingip");
    if (!body.ok()) return fail(body.status());
    auto fip = ctx.networks.update_floating_ip(caller(req), req.params["id"], *body);
    return fip.ok() ? item_response(req, 200, "floatingip", *fip) : fail(fip.status());
  });
  r.add_sync("DELETE", "/v2.0/floatingips/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_floating_ip(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
