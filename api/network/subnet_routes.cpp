// /v2.0/subnets.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

namespace {}  // namespace

void add_subnet_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/subnets", [ctx](Request& req) {
    return list_response(req, "subnets", ctx.networks.list_subnets(caller(req)), network::kSubnetFilters);
  });
  r.add_sync("POST", "/v2.0/subnets", [ctx](Request& req) {
    return create_response(req, ctx, "subnet", "subnets",
                           [&](const Json& body) { return ctx.networks.create_subnet(caller(req), body); });
  });
  r.add_sync("GET", "/v2.0/subnets/{subnet_id}", [ctx](Request& req) {
    auto s = ctx.networks.get_subnet(caller(req), req.params["subnet_id"]);
    return s.ok() ? item_response(req, 200, "subnet", *s) : fail(s.status());
  });
  r.add_sync("PUT", "/v2.0/subnets/{subnet_id}", [ctx](Request& req) {
    auto body = resource_body(req, "subnet");
    if (!body.ok()) return fail(body.status());
    auto s = ctx.networks.update_subnet(caller(req), req.params["subnet_id"], *body);
    return s.ok() ? item_response(req, 200, "subnet", *s) : fail(s.status());
  });
  r.add_sync("DELETE", "/v2.0/subnets/{subnet_id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_subnet(caller(req), req.params["subnet_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
