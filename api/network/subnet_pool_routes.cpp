// /v2.0/subnetpools.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

void add_subnet_pool_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/subnetpools", [ctx](Request& req) {
    return list_response(req, "subnetpools", ctx.networks.list_subnet_pools(caller(req)), network::kSubnetPoolFilters);
  });
  r.add_sync("POST", "/v2.0/subnetpools", [ctx](Request& req) {
    auto body = resource_body(req, "subnetpool");
    if (!body.ok()) return fail(body.status());
    auto p = ctx.networks.create_subnet_pool(caller(req), *body);
    return p.ok() ? item_response(req, 201, "subnetpool", *p) : fail(p.status());
  });
  r.add_sync("GET", "/v2.0/subnetpools/{id}", [ctx](Request& req) {
    auto p = ctx.networks.get_subnet_pool(caller(req), req.params["id"]);
    return p.ok() ? item_response(req, 200, "subnetpool", *p) : fail(p.status());
  });
  r.add_sync("PUT", "/v2.0/subnetpools/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "subnetpool");
    if (!body.ok()) return fail(body.status());
    auto p = ctx.networks.update_subnet_pool(caller(req), req.params["id"], *body);
    return p.ok() ? item_response(req, 200, "subnetpool", *p) : fail(p.status());
  });
  r.add_sync("DELETE", "/v2.0/subnetpools/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_subnet_pool(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
