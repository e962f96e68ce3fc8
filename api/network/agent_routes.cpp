// /v2.0/agents, /v2.0/availability_zones and /v2.0/network-ip-availabilities.
#include "api/network/network_routes.h"

namespace stacklab::api::network_api {

namespace {

const std::vector<std::string> kAvailabilityZoneFilters = {"name", "resource", "state"};
const std::vector<std::string> kIpAvailabilityFilters = {"network_id", "network_name", "project_id", "tenant_id"};

}  // namespace

void add_agent_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.0/agents", [ctx](Request& req) {
    return list_response(req, "agents", ctx.networks.list_agents(caller(req)), network::kAgentFilters);
  });
  r.add_sync("GET", "/v2.0/agents/{id}", [ctx](Request& req) {
    auto a = ctx.networks.get_agent(caller(req), req.params["id"]);
    return a.ok() ? item_response(req, 200, "agent", *a) : fail(a.status());
  });
  r.add_sync("PUT", "/v2.0/agents/{id}", [ctx](Request& req) {
    auto body = resource_body(req, "agent");
    if (!body.ok()) return fail(body.status());
    auto a = ctx.networks.update_agent(caller(req), req.params["id"], *body);
    return a.ok() ? item_response(req, 200, "agent", *a) : fail(a.status());
  });

  r.add_sync("GET", "/v2.0/availability_zones", [ctx](Request& req) {
    return list_response(req, "availability_zones", ctx.networks.list_availability_zones(caller(req)),
                         kAvailabilityZoneFilters);
  });

  r.add_sync("GET", "/v2.0/network-ip-availabilities", [ctx](Request& req) {
    int version = 0;
    if (auto v = req.query_param("ip_version")) {
      if (*v != "4" && *v != "6")
        return fail(network::invalid_attribute("ip_version", network::in_quotes(*v) + " is not in [4, 6]"));
      version = *v == "4" ? 4 : 6;
    }
    auto list = ctx.networks.list_ip_availabilities(caller(req), version);
    if (!list.ok()) return fail(list.status());
    return list_response(req, "network_ip_availabilities", std::move(*list), kIpAvailabilityFilters);
  });
  r.add_sync("GET", "/v2.0/network-ip-availabilities/{network_id}", [ctx](Request& req) {
    auto a = ctx.networks.get_ip_availability(caller(req), req.params["network_id"]);
    return a.ok() ? item_response(req, 200, "network_ip_availability", *a) : fail(a.status());
  });
}

}  // namespace stacklab::api::network_api
