// /v2.0/floatingips and their port forwardings.
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

  // floating-ip-port-forwarding
  const std::string forwardings = "/v2.0/floatingips/{fip}/port_forwardings";
  r.add_sync("GET", forwardings, [ctx](Request& req) {
    auto items = ctx.networks.list_port_forwardings(caller(req), req.params["fip"]);
    if (!items.ok()) return fail(items.status());
    return list_response(req, "port_forwardings", *items, network::kPortForwardingFilters);
  });
  r.add_sync("POST", forwardings, [ctx](Request& req) {
    auto body = resource_body(req, "port_forwarding");
    if (!body.ok()) return fail(body.status());
    auto pf = ctx.networks.create_port_forwarding(caller(req), req.params["fip"], *body);
    return pf.ok() ? item_response(req, 201, "port_forwarding", *pf) : fail(pf.status());
  });
  r.add_sync("GET", forwardings + "/{id}", [ctx](Request& req) {
    auto pf = ctx.networks.get_port_forwarding(caller(req), req.params["fip"], req.params["id"]);
    return pf.ok() ? item_response(req, 200, "port_forwarding", *pf) : fail(pf.status());
  });
  r.add_sync("PUT", forwardings + "/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "port_forwarding");
    if (!body.ok()) return fail(body.status());
    auto pf = ctx.networks.update_port_forwarding(caller(req), req.params["fip"], req.params["id"], *body);
    return pf.ok() ? item_response(req, 200, "port_forwarding", *pf) : fail(pf.status());
  });
  r.add_sync("DELETE", forwardings + "/{id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_port_forwarding(caller(req), req.params["fip"], req.params["id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
