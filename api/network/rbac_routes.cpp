// /v2.0/rbac-policies.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

void add_rbac_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/rbac-policies", [ctx](Request& req) {
    return list_response(req, "rbac_policies", ctx.networks.list_rbac_policies(caller(req)),
                         network::kRbacPolicyFilters);
  });
  r.add_sync("POST", "/v2.0/rbac-policies", [ctx](Request& req) {
    auto body = resource_body(req, "rbac_policy");
    if (!body.ok()) return fail(body.status());
    auto p = ctx.networks.create_rbac_policy(caller(req), *body);
    return p.ok() ? item_response(req, 201, "rbac_policy", *p) : fail(p.status());
  });
  r.add_sync("GET", "/v2.0/rbac-policies/{id}", [ctx](Request& req) {
    auto p = ctx.networks.get_rbac_policy(caller(req), req.params["id"]);
    return p.ok() ? item_response(req, 200, "rbac_policy", *p) : fail(p.status());
  });
  r.add_sync("PUT", "/v2.0/rbac-policies/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "rbac_policy");
    if (!body.ok()) return fail(body.status());
    auto p = ctx.networks.update_rbac_policy(caller(req), req.params["id"], *body);
    return p.ok() ? item_response(req, 200, "rbac_policy", *p) : fail(p.status());
  });
  r.add_sync("DELETE", "/v2.0/rbac-policies/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_rbac_policy(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
