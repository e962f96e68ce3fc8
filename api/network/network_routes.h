// Neutron v2.0's REST mapping onto NetworkService, served at /networking:
// version documents, extensions, networks, subnets, ports, security groups
// and their rules, subnet pools, quotas, tags, RBAC policies, agents,
// availability zones, IP availabilities, routers and floating IPs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/router.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_service.h"

namespace stacklab::api::network_api {

struct Ctx {
  network::NetworkService& networks;
};

Router make_network_router(Ctx ctx);

// ---- shared by the route files ----
void add_extension_routes(Router& r);
void add_subnet_routes(Router& r, Ctx ctx);
void add_port_routes(Router& r, Ctx ctx);
void add_security_group_routes(Router& r, Ctx ctx);
void add_subnet_pool_routes(Router& r, Ctx ctx);
void add_quota_routes(Router& r, Ctx ctx);
void add_tag_routes(Router& r, Ctx ctx);
void add_rbac_routes(Router& r, Ctx ctx);
void add_agent_routes(Router& r, Ctx ctx);
void add_router_routes(Router& r, Ctx ctx);
void add_floating_ip_routes(Router& r, Ctx ctx);
// {"NeutronError": {"type", "message", "detail"}} with the status's Neutron exception name.
Response fail(const Status& st);
Credentials caller(const Request& req);
// The `resource` object of a POST/PUT body ("network"), or 400 as Neutron words it.
Result<Json> resource_body(const Request& req, const std::string& resource);
// A Neutron list answer: filters on `filter_fields` (repeated values OR'ed,
// tags/tags-any/not-tags/not-tags-any), sort_key/sort_dir, limit/marker with
// "<collection>_links", and `fields`.
Response list_response(const Request& req, const std::string& collection, std::vector<Json> items,
                       const std::vector<std::string>& filter_fields);
// One resource as {"<resource>": {...}}, cut to the request's `fields`.
Response item_response(const Request& req, int status, const std::string& resource, Json item);
// POST /v2.0/<collection>: {"<resource>": {...}} creates one (201 {"<resource>": ...});
// Neutron's bulk form {"<collection>": [{...}, ...]} creates all of them or none
// (201 {"<collection>": [...]}).
Response create_response(const Request& req, Ctx ctx, const std::string& resource, const std::string& collection,
                         const std::function<Result<Json>(const Json& body)>& create);

}  // namespace stacklab::api::network_api
