// Router interfaces: PUT add_router_interface / remove_router_interface,
// by subnet (a network:router_interface port holding the subnet's gateway
// address, in the subnet's project) or by an unbound port. IPv6 subnets of
// one network share one interface port, as Neutron attaches them. An
// interface stays while a floating IP or an extra route goes through it.
#include <algorithm>

#include "engine/network/attributes.h"
#include "engine/network/l3_ports.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

namespace {

Status bad_router(const std::string& msg) { return bad_request("router", msg); }

bool has_ip_on(const Json& port, const std::string& subnet_id) {
  return std::any_of(port["fixed_ips"].begin(), port["fixed_ips"].end(),
                     [&](const Json& ip) { return ip["subnet_id"] == subnet_id; });
}

bool only_ipv6(const Json& port) {
  return std::all_of(port["fixed_ips"].begin(), port["fixed_ips"].end(),
                     [](const Json& ip) { return parse_ip(ip["ip_address"])->version == 6; });
}

// The answer of both calls: {id, subnet_id, subnet_ids, port_id, network_id, project_id, tenant_id}.
Json interface_info(const Json& router, const Json& port, const Json& subnet_ids) {
  return {{"id", router["id"]},
          {"tenant_id", router["project_id"]},
          {"project_id", router["project_id"]},
          {"port_id", port["id"]},
          {"network_id", port["network_id"]},
          {"subnet_id", subnet_ids.empty() ? Json(nullptr) : subnet_ids[0]},
          {"subnet_ids", subnet_ids}};
}

}  // namespace

Result<Json> NetworkService::add_router_interface(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_router(caller, id);
  if (!found.ok()) return found.status();
  Json r = **found;
  if (Status st = authorize(policy_, "add_router_interface", caller, router_target(r)); !st.ok()) return st;
  if (!body.is_object()) return bad_router("Either subnet_id or port_id must be specified");
  bool by_port = body.contains("port_id") && !body["port_id"].is_null();
  bool by_subnet = body.contains("subnet_id") && !body["subnet_id"].is_null();
  if (!by_port && !by_subnet) return bad_router("Either subnet_id or port_id must be specified");
  if (by_port && by_subnet) return bad_router("Cannot specify both subnet-id and port-id");

  std::vector<Json> interfaces;
  for (const Json* p : store_.find("port", "device_id", id))
    if ((*p)["device_owner"] == kInterfaceOwner) interfaces.push_back(*p);
  // One interface per subnet, and no two connected subnets that overlap.
  auto check_subnet_free = [&](const Json& subnet) -> Status {
    Cidr cidr = parse_cidr(subnet["cidr"])->cidr;
    for (const Json& p : interfaces)
      for (const Json& ip : p["fixed_ips"]) {
        if (ip["subnet_id"] == subnet["id"])
          return bad_router("Router already has a port on subnet " + subnet["id"].get<std::string>());
        const Json* other = store_.get("subnet", ip["subnet_id"]);
        if (other && parse_cidr((*other)["cidr"])->cidr.overlaps(cidr))
          return bad_router("Cidr " + cidr.str() + " of subnet " + subnet["id"].get<std::string>() +
                            " overlaps with cidr " + (*other)["cidr"].get<std::string>() + " of subnet " +
                            (*other)["id"].get<std::string>());
      }
    return {};
  };

  Json port;
  Json subnet_ids = Json::array();
  Status st;
  if (by_subnet) {
    auto s = visible_subnet(caller, text_of(body["subnet_id"]));
    if (!s.ok()) return s.status();
    const Json subnet = **s;
    if (subnet["gateway_ip"].is_null()) return bad_router("Subnet for router interface must have a gateway IP");
    if (st = check_subnet_free(subnet); !st.ok()) return st;
    const Json network = *store_.get("network", subnet["network_id"]);
    Json wanted = {{"subnet_id", subnet["id"]}, {"ip_address", subnet["gateway_ip"]}};
    subnet_ids.push_back(subnet["id"]);
    st = store_.transaction([&]() -> Status {
      for (const Json& existing : interfaces)
        if (subnet["ip_version"] == 6 && existing["network_id"] == network["id"] && only_ipv6(existing)) {
          port = existing;
          Json requested = port["fixed_ips"];
          requested.push_back(wanted);
          auto ips =
              allocate_fixed_ips(network, requested, port["mac_address"], port["id"], port["fixed_ips"], false, true);
          if (!ips.ok()) return ips.status();
          port["fixed_ips"] = *ips;
          return touch_and_put("port", port);
        }
      Json fresh = {{"network_id", network["id"]},
                    {"device_id", id},
                    {"device_owner", kInterfaceOwner},
                    {"status", "ACTIVE"},
                    {"security_groups", Json::array()}};
      auto created = create_port_unchecked(stamp_new(std::move(fresh), subnet["project_id"]), network,
                                           Json::array({wanted}), true);
      if (!created.ok()) return created.status();
      port = *created;
      return touch_and_put("router", r);
    });
  } else {
    auto p = visible_port(caller, text_of(body["port_id"]));
    if (!p.ok()) return p.status();
    port = **p;
    std::string port_id = port["id"];
    if (!port["device_id"].get<std::string>().empty())
      return neutron_error(Code::kConflict, "PortInUse",
                           "Unable to complete operation on port " + port_id + " for network " +
                               port["network_id"].get<std::string>() + ". Port already has an attached device " +
                               port["device_id"].get<std::string>() + ".");
    if (port["fixed_ips"].empty()) return bad_router("Router port must have at least one fixed IP");
    int v4 = 0;
    for (const Json& ip : port["fixed_ips"]) {
      const Json* subnet = store_.get("subnet", ip["subnet_id"]);
      if (!subnet) continue;
      if ((*subnet)["ip_version"] == 4 && ++v4 > 1)
        return bad_router("Cannot have multiple IPv4 subnets on router port");
      if (st = check_subnet_free(*subnet); !st.ok()) return st;
      subnet_ids.push_back(ip["subnet_id"]);
    }
    port["device_id"] = id;
    port["device_owner"] = kInterfaceOwner;
    port["status"] = "ACTIVE";
    st = store_.transaction([&]() -> Status {
      if (Status put = touch_and_put("port", port); !put.ok()) return put;
      return touch_and_put("router", r);
    });
  }
  if (!st.ok()) return st;
  return interface_info(r, port, subnet_ids);
}

Result<Json> NetworkService::remove_router_interface(const Credentials& caller, const std::string& id,
                                                     const Json& body) {
  auto found = visible_router(caller, id);
  if (!found.ok()) return found.status();
  Json r = **found;
  if (Status st = authorize(policy_, "remove_router_interface", caller, router_target(r)); !st.ok()) return st;
  bool by_port = body.is_object() && body.contains("port_id") && !body["port_id"].is_null();
  bool by_subnet = body.is_object() && body.contains("subnet_id") && !body["subnet_id"].is_null();
  if (!by_port && !by_subnet) return bad_router("Either subnet_id or port_id must be specified");

  Json port;
  std::vector<std::string> subnets;  // the subnets this removal disconnects
  if (by_port) {
    std::string port_id = text_of(body["port_id"]);
    const Json* p = store_.get("port", port_id);
    if (!p || (*p)["device_id"] != id || (*p)["device_owner"] != kInterfaceOwner)
      return neutron_error(Code::kNotFound, "RouterInterfaceNotFound",
                           "Router " + id + " does not have an interface with id " + port_id);
    port = *p;
    if (by_subnet && !has_ip_on(port, text_of(body["subnet_id"])))
      return neutron_error(Code::kNotFound, "RouterInterfaceNotFoundForSubnet",
                           "Router " + id + " has no interface on subnet " + text_of(body["subnet_id"]));
    for (const Json& ip : port["fixed_ips"]) subnets.push_back(ip["subnet_id"]);
  } else {
    std::string subnet_id = text_of(body["subnet_id"]);
    auto s = visible_subnet(caller, subnet_id);
    if (!s.ok()) return s.status();
    for (const Json* p : store_.find("port", "device_id", id))
      if ((*p)["device_owner"] == kInterfaceOwner && has_ip_on(*p, subnet_id)) port = *p;
    if (port.is_null())
      return neutron_error(Code::kNotFound, "RouterInterfaceNotFoundForSubnet",
                           "Router " + id + " has no interface on subnet " + subnet_id);
    subnets.push_back(subnet_id);
  }
  // Floating IPs and routes that reach through the interface keep it.
  for (const std::string& sid : subnets) {
    const Json* subnet = store_.get("subnet", sid);
    if (!subnet) continue;
    Cidr cidr = parse_cidr((*subnet)["cidr"])->cidr;
    for (const Json* fip : store_.find("floatingip", "router_id", id))
      if ((*fip)["fixed_ip_address"].is_string() && cidr.contains(*parse_ip((*fip)["fixed_ip_address"])))
        return neutron_error(Code::kConflict, "RouterInterfaceInUseByFloatingIP",
                             "Router interface for subnet " + sid + " on router " + id +
                                 " cannot be deleted, as it is required by one or more floating IPs.");
    for (const Json& route : r["routes"])
      if (cidr.contains(*parse_ip(route["nexthop"])))
        return neutron_error(Code::kConflict, "RouterInterfaceInUseByRoute",
                             "Router interface for subnet " + sid + " on router " + id +
                                 " cannot be deleted, as it is required by one or more routes.");
  }
  Status st = store_.transaction([&]() -> Status {
    Json kept = Json::array(), released = Json::array();
    for (const Json& ip : port["fixed_ips"])
      (std::find(subnets.begin(), subnets.end(), ip["subnet_id"]) == subnets.end() ? kept : released).push_back(ip);
    if (kept.empty()) {
      if (Status rm = remove_port_unchecked(port); !rm.ok()) return rm;
    } else {
      if (Status rel = release_fixed_ips(port["id"], released); !rel.ok()) return rel;
      port["fixed_ips"] = kept;
      if (Status put = touch_and_put("port", port); !put.ok()) return put;
    }
    return touch_and_put("router", r);
  });
  if (!st.ok()) return st;
  return interface_info(r, port, Json(subnets));
}

}  // namespace stacklab::network
