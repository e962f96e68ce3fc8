// Routers: the gateway port on an external network (ext-gw-mode's
// enable_snat), interfaces by subnet (the subnet's gateway address) or by
// port, extra routes whose next hop must be on a connected subnet, and the
// rules that keep a router and its ports consistent (RouterInUse,
// ServicePortInUse, floating IPs that need the gateway or an interface).
//
// A router's ports are the ports whose device_id is the router's id:
// network:router_gateway (no project, as Neutron hides it from tenants) and
// network:router_interface (router_interfaces.cpp).
#include <algorithm>

#include "engine/network/attributes.h"
#include "engine/network/l3_ports.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kRouterFilters = {
    "id",          "name", "admin_state_up",  "status",     "project_id", "tenant_id", "description",
    "distributed", "ha",   "revision_number", "created_at", "updated_at"};

namespace {

const std::set<std::string> kRouterFields = attribute_set(
    kRouterFilters,
    {"external_gateway_info", "routes", "availability_zone_hints", "availability_zones", "flavor_id", "tags"});

constexpr std::size_t kMaxRoutes = 30;  // [DEFAULT] max_routes

Status router_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "RouterNotFound", "Router " + id + " could not be found");
}

Status bad_router(const std::string& msg) { return bad_request("router", msg); }

// Python's repr of a routes list, as InvalidRoutes prints it.
std::string routes_repr(const Json& routes) {
  std::string out = "[";
  for (const Json& r : routes) {
    if (out.size() > 1) out += ", ";
    out += "{'destination': '" + text_of(r.value("destination", Json(""))) + "', 'nexthop': '" +
           text_of(r.value("nexthop", Json(""))) + "'}";
  }
  return out + "]";
}

}  // namespace

Json NetworkService::router_target(const Json& router) const { return {{"project_id", router["project_id"]}}; }

Result<const Json*> NetworkService::visible_router(const Credentials& caller, const std::string& id) const {
  const Json* r = store_.get("router", id);
  if (!r || !policy_.allowed("get_router", caller, router_target(*r))) return router_not_found(id);
  return r;
}

Json NetworkService::router_view(const Credentials& caller, const Json& router) const {
  Json v = router;
  v.erase("gw_port_id");
  if (v["external_gateway_info"].is_object()) {
    Json ips = Json::array();
    if (const Json* gw = store_.get("port", router.value("gw_port_id", "")))
      for (const Json& ip : (*gw)["fixed_ips"]) ips.push_back(ip);
    v["external_gateway_info"]["external_fixed_ips"] = ips;
  }
  // The zones of the (simulated) L3 agents hosting it: the one agent's.
  v["availability_zones"] = Json::array({options_.availability_zone});
  for (const char* f : {"distributed", "ha"})
    if (!policy_.allowed(std::string("get_router:") + f, caller, router_target(router))) v.erase(f);
  return v;
}

Status NetworkService::remove_router_gateway(Json& router) {
  if (!router["external_gateway_info"].is_object()) return {};
  std::string router_id = router["id"], net_id = router["external_gateway_info"]["network_id"];
  for (const Json* fip : store_.find("floatingip", "router_id", router_id))
    if ((*fip)["floating_network_id"] == net_id)
      return neutron_error(Code::kConflict, "RouterExternalGatewayInUseByFloatingIp",
                           "Gateway cannot be updated for router " + router_id +
                               ", since a gateway to external network " + net_id +
                               " is required by one or more floating IPs.");
  if (const Json* gw = store_.get("port", router.value("gw_port_id", "")))
    if (Status st = remove_port_unchecked(Json(*gw)); !st.ok()) return st;
  router["external_gateway_info"] = nullptr;
  router.erase("gw_port_id");
  return {};
}

// Applies an external_gateway_info of a create or update (`verb` names the
// policy rules). Runs inside the caller's transaction.
Status NetworkService::set_router_gateway(const Credentials& caller, Json& router, const Json& info, const char* verb) {
  const std::string v = verb;
  Json target = router_target(router);
  if (Status st = authorize(policy_, v + ":external_gateway_info", caller, target); !st.ok()) return st;
  if (!info.is_null() && !info.is_object())
    return invalid_attribute("external_gateway_info", in_quotes(info.dump()) + " is not a dictionary");
  // Neutron: no network_id (null, {}, or only other keys) clears the gateway.
  if (info.is_null() || !info.contains("network_id") || info["network_id"].is_null())
    return remove_router_gateway(router);
  for (const auto& [key, value] : info.items())
    if (key != "network_id" && key != "enable_snat" && key != "external_fixed_ips")
      return invalid_attribute("external_gateway_info", "Unrecognized attribute(s) '" + key + "'");
  if (Status st = authorize(policy_, v + ":external_gateway_info:network_id", caller, target); !st.ok()) return st;
  auto net = visible_network(caller, text_of(info["network_id"]));
  if (!net.ok()) return net.status();
  const Json network = **net;
  const std::string network_id = network["id"];
  if (network["router:external"] != true) return bad_router("Network " + network_id + " is not an external network");
  bool snat = true;
  if (info.contains("enable_snat")) {
    if (Status st = authorize(policy_, v + ":external_gateway_info:enable_snat", caller, target); !st.ok()) return st;
    auto b = to_boolean("enable_snat", info["enable_snat"]);
    if (!b.ok()) return b.status();
    snat = *b;
  }
  Json requested = nullptr;
  if (info.contains("external_fixed_ips")) {
    if (Status st = authorize(policy_, v + ":external_gateway_info:external_fixed_ips", caller, target); !st.ok())
      return st;
    requested = info["external_fixed_ips"];
    if (!requested.is_null() && !requested.is_array())
      return invalid_attribute("external_fixed_ips", in_quotes(requested.dump()) + " is not a list");
  }

  const Json* current = store_.get("port", router.value("gw_port_id", ""));
  if (current && (*current)["network_id"] == network_id) {
    if (requested.is_array()) {
      Json port = *current;
      auto ips = allocate_fixed_ips(network, requested, port["mac_address"], port["id"], port["fixed_ips"]);
      if (!ips.ok()) return ips.status();
      Json released = Json::array();
      for (const Json& old : port["fixed_ips"])
        if (std::find(ips->begin(), ips->end(), old) == ips->end()) released.push_back(old);
      if (Status st = release_fixed_ips(port["id"], released); !st.ok()) return st;
      port["fixed_ips"] = *ips;
      if (Status st = touch_and_put("port", port); !st.ok()) return st;
    }
  } else {
    if (Status st = remove_router_gateway(router); !st.ok()) return st;
    Json port = {{"network_id", network_id},
                 {"device_id", router["id"]},
                 {"device_owner", kGatewayOwner},
                 {"status", "ACTIVE"},
                 {"security_groups", Json::array()}};
    auto created = create_port_unchecked(stamp_new(std::move(port), ""), network, requested);
    if (!created.ok()) return created.status();
    router["gw_port_id"] = (*created)["id"];
  }
  router["external_gateway_info"] = {{"network_id", network_id}, {"enable_snat", snat}};
  return {};
}

Result<Json> NetworkService::validate_routes(const Json& router, const Json& routes) const {
  if (!routes.is_array()) return invalid_attribute("routes", in_quotes(routes.dump()) + " is not a list");
  if (routes.size() > kMaxRoutes)
    return neutron_error(Code::kBadRequest, "RoutesExhausted",
                         "Unable to complete operation for " + router["id"].get<std::string>() +
                             ". The number of routes exceeds the maximum " + std::to_string(kMaxRoutes) + ".");
  std::vector<Cidr> connected;
  std::set<std::string> own_ips;
  for (const Json* p : store_.find("port", "device_id", router["id"]))
    for (const Json& ip : (*p)["fixed_ips"]) {
      own_ips.insert(ip["ip_address"]);
      if (const Json* s = store_.get("subnet", ip["subnet_id"])) connected.push_back(parse_cidr((*s)["cidr"])->cidr);
    }
  Json out = Json::array();
  for (const Json& r : routes) {
    auto dest = r.is_object() && r.contains("destination") ? parse_cidr(text_of(r["destination"])) : std::nullopt;
    auto hop = r.is_object() && r.contains("nexthop") ? parse_ip(text_of(r["nexthop"])) : std::nullopt;
    if (!dest || !hop || r.size() != 2 || dest->cidr.version != hop->version)
      return invalid_attribute("routes", "Invalid data format for hostroute: '" + r.dump() + "'");
    Json route = {{"destination", dest->cidr.str()}, {"nexthop", format_ip(*hop)}};
    if (std::find(out.begin(), out.end(), route) != out.end())
      return invalid_attribute("routes", "Duplicate hostroute '" + r.dump() + "'");
    if (std::none_of(connected.begin(), connected.end(), [&](const Cidr& c) { return c.contains(*hop); }))
      return neutron_error(
          Code::kBadRequest, "InvalidRoutes",
          "Invalid format for routes: " + routes_repr(routes) + ", the nexthop is not connected with router");
    if (own_ips.count(format_ip(*hop)))
      return neutron_error(Code::kBadRequest, "InvalidRoutes",
                           "Invalid format for routes: " + routes_repr(routes) + ", the nexthop is used by router");
    out.push_back(route);
  }
  return out;
}

Result<Json> NetworkService::create_router(const Credentials& caller, const Json& body, const std::string& id) {
  Status st = check_attributes(body,
                               {"name", "description", "admin_state_up", "external_gateway_info", "distributed", "ha",
                                "availability_zone_hints", "flavor_id", "tags", "project_id", "tenant_id"},
                               kRouterFields, "POST");
  if (!st.ok()) return st;
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();
  Json r = {{"id", id.empty() ? new_id() : id},
            {"name", ""},
            {"admin_state_up", true},
            {"status", "ACTIVE"},
            {"external_gateway_info", nullptr},
            {"routes", Json::array()},
            {"distributed", false},
            {"ha", false},
            {"availability_zone_hints", Json::array()},
            {"flavor_id", nullptr}};
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, r); !c.ok()) return c;
  for (const char* f : {"admin_state_up", "distributed", "ha"})
    if (Status c = copy_boolean(body, f, r); !c.ok()) return c;
  if (Status c = copy_tags(body, r); !c.ok()) return c;
  if (body.contains("flavor_id") && !body["flavor_id"].is_null())
    return neutron_error(Code::kNotFound, "FlavorNotFound",
                         "Flavor " + text_of(body["flavor_id"]) + " could not be found.");
  if (auto hints = body.find("availability_zone_hints"); hints != body.end()) {
    if (!hints->is_array())
      return invalid_attribute("availability_zone_hints", in_quotes(hints->dump()) + " is not a list");
    for (const Json& h : *hints)
      if (h != options_.availability_zone)
        return neutron_error(Code::kNotFound, "AvailabilityZoneNotFound",
                             "AvailabilityZone " + text_of(h) + " could not be found.");
    r["availability_zone_hints"] = *hints;
  }
  r = stamp_new(std::move(r), *owner);
  Json target = router_target(r);
  if (st = authorize(policy_, "create_router", caller, target); !st.ok()) return st;
  for (const char* f : {"distributed", "ha"})
    if (body.contains(f))
      if (st = authorize(policy_, std::string("create_router:") + f, caller, target); !st.ok()) return st;
  if (st = check_quota(*owner, "router"); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (body.contains("external_gateway_info"))
      if (Status g = set_router_gateway(caller, r, body["external_gateway_info"], "create_router"); !g.ok()) return g;
    return store_.put("router", r["id"], r);
  });
  if (!st.ok()) return st;
  return router_view(caller, r);
}

Result<Json> NetworkService::get_router(const Credentials& caller, const std::string& id) const {
  auto r = visible_router(caller, id);
  if (!r.ok()) return r.status();
  return router_view(caller, **r);
}

std::vector<Json> NetworkService::list_routers(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* r : store_.list("router"))
    if (policy_.allowed("get_router", caller, router_target(*r))) out.push_back(router_view(caller, *r));
  return out;
}

Result<Json> NetworkService::update_router(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_router(caller, id);
  if (!found.ok()) return found.status();
  Json r = **found;
  Status st = check_attributes(
      body, {"name", "description", "admin_state_up", "external_gateway_info", "routes", "distributed", "ha"},
      kRouterFields, "PUT");
  if (!st.ok()) return st;
  Json target = router_target(r);
  if (st = authorize(policy_, "update_router", caller, target); !st.ok()) return st;
  for (const char* f : {"distributed", "ha"})
    if (body.contains(f))
      if (st = authorize(policy_, std::string("update_router:") + f, caller, target); !st.ok()) return st;
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, r); !c.ok()) return c;
  for (const char* f : {"admin_state_up", "distributed", "ha"})
    if (Status c = copy_boolean(body, f, r); !c.ok()) return c;
  st = store_.transaction([&]() -> Status {
    if (body.contains("external_gateway_info"))
      if (Status g = set_router_gateway(caller, r, body["external_gateway_info"], "update_router"); !g.ok()) return g;
    if (body.contains("routes")) {
      auto routes = validate_routes(r, body["routes"].is_null() ? Json::array() : body["routes"]);
      if (!routes.ok()) return routes.status();
      r["routes"] = *routes;
    }
    return touch_and_put("router", r);
  });
  if (!st.ok()) return st;
  return router_view(caller, *store_.get("router", id));
}

Status NetworkService::delete_router(const Credentials& caller, const std::string& id) {
  auto found = visible_router(caller, id);
  if (!found.ok()) return found.status();
  Json r = **found;
  if (Status st = authorize(policy_, "delete_router", caller, router_target(r)); !st.ok()) return st;
  for (const Json* p : store_.find("port", "device_id", id))
    if ((*p)["device_owner"] == kInterfaceOwner)
      return neutron_error(Code::kConflict, "RouterInUse", "Router " + id + " still has ports");
  return store_.transaction([&]() -> Status {
    if (Status st = remove_router_gateway(r); !st.ok()) return st;
    return store_.erase("router", id);
  });
}

Result<Json> NetworkService::write_routes(const Credentials& caller, const std::string& id, const Json& body,
                                          bool add) {
  auto found = visible_router(caller, id);
  if (!found.ok()) return found.status();
  Json r = **found;
  if (Status st = authorize(policy_, add ? "add_extraroutes" : "remove_extraroutes", caller, router_target(r));
      !st.ok())
    return st;
  if (Status st = check_attributes(body, {"routes"}, kRouterFields, "PUT"); !st.ok()) return st;
  if (!body.contains("routes"))
    return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                         "Failed to parse request. Required attribute 'routes' not specified");
  Json routes = r["routes"];
  if (add) {
    // Validated as a whole: the new ones after those the router has.
    if (!body["routes"].is_array())
      return invalid_attribute("routes", in_quotes(body["routes"].dump()) + " is not a list");
    Json merged = routes;
    for (const Json& route : body["routes"]) merged.push_back(route);
    Json unique = Json::array();
    for (const Json& route : merged)
      if (std::find(unique.begin(), unique.end(), route) == unique.end()) unique.push_back(route);
    auto checked = validate_routes(r, unique);
    if (!checked.ok()) return checked.status();
    routes = *checked;
  } else {
    if (!body["routes"].is_array())
      return invalid_attribute("routes", in_quotes(body["routes"].dump()) + " is not a list");
    Json kept = Json::array();
    for (const Json& route : routes) {
      bool drop = std::any_of(body["routes"].begin(), body["routes"].end(), [&](const Json& gone) {
        auto dest =
            gone.is_object() && gone.contains("destination") ? parse_cidr(text_of(gone["destination"])) : std::nullopt;
        auto hop = gone.is_object() && gone.contains("nexthop") ? parse_ip(text_of(gone["nexthop"])) : std::nullopt;
        return dest && hop && dest->cidr.str() == route["destination"] && format_ip(*hop) == route["nexthop"];
      });
      if (!drop) kept.push_back(route);
    }
    routes = kept;
  }
  r["routes"] = routes;
  if (Status st = touch_and_put("router", r); !st.ok()) return st;
  return router_view(caller, *store_.get("router", id));
}

Result<Json> NetworkService::add_extraroutes(const Credentials& caller, const std::string& id, const Json& body) {
  return write_routes(caller, id, body, true);
}

Result<Json> NetworkService::remove_extraroutes(const Credentials& caller, const std::string& id, const Json& body) {
  return write_routes(caller, id, body, false);
}

Status NetworkService::refuse_l3_port_deletion(const Json& port) const {
  const std::string owner = port["device_owner"];
  const std::string device = port["device_id"];
  bool guarded = false;
  if (owner == kFloatingIpOwner)
    guarded = store_.get("floatingip", device) != nullptr;
  else if (owner == kGatewayOwner || owner == kInterfaceOwner)
    guarded = store_.get("router", device) != nullptr;
  if (!guarded) return {};
  return neutron_error(Code::kConflict, "ServicePortInUse",
                       "Port " + port["id"].get<std::string>() +
                           " cannot be deleted directly via the port API: has device owner " + owner + ".");
}

}  // namespace stacklab::network
