// /v2.0/ports, with Neutron's fixed_ips filter (?fixed_ips=ip_address=X,
// ?fixed_ips=subnet_id=Y; ip_address_substr too).
#include <algorithm>

#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

namespace {

// Each fixed_ips=key=value narrows the ports to those with a matching address.
void filter_fixed_ips(std::vector<Json>& ports, const Request& req) {
  for (auto [it, end] = req.query.equal_range("fixed_ips"); it != end; ++it) {
    auto eq = it->second.find('=');
    if (eq == std::string::npos) continue;
    std::string key = it->second.substr(0, eq), value = it->second.substr(eq + 1);
    std::erase_if(ports, [&](const Json& port) {
      const Json& ips = port["fixed_ips"];
      return std::none_of(ips.begin(), ips.end(), [&](const Json& ip) {
        if (key == "ip_address_substr") return ip["ip_address"].get<std::string>().find(value) != std::string::npos;
        return ip.contains(key) && ip[key] == value;
      });
    });
  }
}

}  // namespace

void add_port_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/ports", [ctx](Request& req) {
    std::vector<Json> ports = ctx.networks.list_ports(caller(req));
    filter_fixed_ips(ports, req);
    return list_response(req, "ports", std::move(ports), network::kPortFilters);
  });
  r.add_sync("POST", "/v2.0/ports", [ctx](Request& req) {
    return create_response(req, ctx, "port", "ports",
                           [&](const Json& body) { return ctx.networks.create_port(caller(req), body); });
  });
  r.add_sync("GET", "/v2.0/ports/{port_id}", [ctx](Request& req) {
    auto p = ctx.networks.get_port(caller(req), req.params["port_id"]);
    return p.ok() ? item_response(req, 200, "port", *p) : fail(p.status());
  });
  r.add_sync("PUT", "/v2.0/ports/{port_id}", [ctx](Request& req) {
    auto body = resource_body(req, "port");
    if (!body.ok()) return fail(body.status());
    auto p = ctx.networks.update_port(caller(req), req.params["port_id"], *body);
    return p.ok() ? item_response(req, 200, "port", *p) : fail(p.status());
  });
  r.add_sync("DELETE", "/v2.0/ports/{port_id}", [ctx](Request& req) {
    Status st = ctx.networks.delete_port(caller(req), req.params["port_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
}

}  // namespace stacklab::api::network_api
