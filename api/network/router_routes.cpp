// /v2.0/routers, with the interface and extra-route actions
// (PUT /v2.0/routers/{id}/add_router_interface and the others).
#include "api/network/network_routes.h"
#include "engine/network/network_errors.h"

namespace stacklab::api::network_api {

namespace {

// add_router_interface and remove_router_interface take a bare object: {"subnet_id": ...} or {"port_id": ...}.
Result<Json> interface_body(const Request& req) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->is_object())
    return network::neutron_error(Code::kBadRequest, "HTTPBadRequest", "Invalid format: " + body->dump());
  return *body;
}

}  // namespace

void add_router_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/routers", [ctx](Request& req) {
    return list_response(req, "routers", ctx.networks.list_routers(caller(req)), network::kRouterFilters);
  });
  r.add_sync("POST", "/v2.0/routers", [ctx](Request& req) {
    auto body = resource_body(req, "router");
    if (!body.ok()) return fail(body.status());
    auto router = ctx.networks.create_router(caller(req), *body);
    return router.ok() ? item_response(req, 201, "router", *router) : fail(router.status());
  });
  r.add_sync("GET", "/v2.0/routers/{id}", [ctx](Request& req) {
    auto router = ctx.networks.get_router(caller(req), req.params["id"]);
    return router.ok() ? item_response(req, 200, "router", *router) : fail(router.status());
  });
  r.add_sync("PUT", "/v2.0/routers/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "router");
    if (!body.ok()) return fail(body.status());
    auto router = ctx.networks.update_router(caller(req), req.params["id"], *body);
    return router.ok() ? item_response(req, 200, "router", *router) : fail(router.status());
  });
  r.add_sync("DELETE", "/v2.0/routers/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_router(caller(req), req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("PUT", "/v2.0/routers/{id}/add_router_interface", [ctx](Request& req) {
    auto body = interface_body(req);
    if (!body.ok()) return fail(body.status());
    auto info = ctx.networks.add_router_interface(caller(req), req.params["id"], *body);
    return info.ok() ? json_response(200, *info) : fail(info.status());
  });
  r.add_sync("PUT", "/v2.0/routers/{id}/remove_router_interface", [ctx](Request& req) {
    auto body = interface_body(req);
    if (!body.ok()) return fail(body.status());
    auto info = ctx.networks.remove_router_interface(caller(req), req.params["id"], *body);
    return info.ok() ? json_response(200, *info) : fail(info.status());
  });
  r.add_sync("PUT", "/v2.0/routers/{id}/add_extraroutes", [ctx](Request& req) {
    auto body = resource_body(req, "router");
    if (!body.ok()) return fail(body.status());
    auto router = ctx.networks.add_extraroutes(caller(req), req.params["id"], *body);
    return router.ok() ? item_response(req, 200, "router", *router) : fail(router.status());
  });
  r.add_sync("PUT", "/v2.0/routers/{id}/remove_extraroutes", [ctx](Request& req) {
    auto body = resource_body(req, "router");
    if (!body.ok()) return fail(body.status());
    auto router = ctx.networks.remove_extraroutes(caller(req), req.params["id"], *body);
    return router.ok() ? item_response(req, 200, "router", *router) : fail(router.status());
  });
}

}  // namespace stacklab::api::network_api
