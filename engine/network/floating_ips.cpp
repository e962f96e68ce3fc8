// Floating IPs: an IPv4 address of an external network held by a
// network:floatingip port (no project, device_id the floating IP's id), and
// its association with a fixed IPv4 address of a port, which needs a router
// that has its gateway on the floating network and an interface on the
// port's subnet. Status: DOWN unassociated, ACTIVE associated.
#include <algorithm>

#include "engine/network/attributes.h"
#include "engine/network/l3_ports.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kFloatingIpFilters = {
    "id",        "floating_ip_address", "floating_network_id", "router_id",   "port_id",         "fixed_ip_address",
    "status",    "project_id",          "tenant_id",           "description", "revision_number", "created_at",
    "updated_at"};

namespace {

const std::set<std::string> kFloatingIpFields =
    attribute_set(kFloatingIpFilters, {"subnet_id", "tags", "port_details"});

Status floating_ip_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "FloatingIPNotFound", "Floating IP " + id + " could not be found");
}

Status bad_floating_ip(const std::string& msg) { return bad_request("floatingip", msg); }

void clear_association(Json& fip) {
  fip["port_id"] = nullptr;
  fip["fixed_ip_address"] = nullptr;
  fip["router_id"] = nullptr;
  fip["status"] = "DOWN";
}

}  // namespace

Json NetworkService::floating_ip_view(const Json& fip) const {
  Json v = fip;
  // fip-port-details: a summary of the associated port.
  v["port_details"] = nullptr;
  if (fip["port_id"].is_string())
    if (const Json* p = store_.get("port", fip["port_id"]))
      v["port_details"] = {{"name", (*p)["name"]},
                           {"network_id", (*p)["network_id"]},
                           {"mac_address", (*p)["mac_address"]},
                           {"admin_state_up", (*p)["admin_state_up"]},
                           {"status", (*p)["status"]},
                           {"device_id", (*p)["device_id"]},
                           {"device_owner", (*p)["device_owner"]}};
  return v;
}

// Associates `fip` with body.port_id (null: disassociates), choosing or
// checking the fixed address and finding the router, as Neutron's
// _internal_fip_assoc_data and get_router_for_floatingip do.
Status NetworkService::associate_floating_ip(const Credentials& caller, Json& fip, const Json& body) {
  const Json& port_id_json = body["port_id"];
  if (port_id_json.is_null()) {
    if (body.contains("fixed_ip_address") && !body["fixed_ip_address"].is_null())
      return bad_floating_ip("fixed_ip_address cannot be specified without a port_id");
    clear_association(fip);
    return {};
  }
  auto found = visible_port(caller, text_of(port_id_json));
  if (!found.ok()) return found.status();
  const Json port = **found;
  const std::string port_id = port["id"];
  if (!store_.find("port_forwarding", "floatingip_id", fip["id"]).empty())
    return neutron_error(Code::kConflict, "FipInUseByPortForwarding",
                         "Floating IP " + fip["id"].get<std::string>() + " in use by Port Forwarding resources.");
  if (!store_.find("port_forwarding", "internal_port_id", port_id).empty())
    return neutron_error(Code::kBadRequest, "PortHasPortForwarding",
                         "Cannot associate floating IP to port " + port_id +
                             " because it already has a Port Forwarding binding.");
  if (port["project_id"] != fip["project_id"] && !caller.is_admin())
    return bad_floating_ip("Cannot process floating IP association with Port " + port_id +
                           ", since that port is owned by a different tenant");
  if (port["device_owner"].get<std::string>().rfind("network:", 0) == 0)
    return bad_floating_ip("Port " + port_id + " is unable to be assigned a floating IP");

  std::string fixed_ip, subnet_id;
  if (body.contains("fixed_ip_address") && !body["fixed_ip_address"].is_null()) {
    std::string wanted = text_of(body["fixed_ip_address"]);
    auto ip = parse_ip(wanted);
    if (!ip) return invalid_attribute("fixed_ip_address", in_quotes(wanted) + " is not a valid IP address");
    if (ip->version != 4)
      return bad_floating_ip("Cannot process floating IP association with " + wanted +
                             ", since that is not an IPv4 address");
    for (const Json& f : port["fixed_ips"])
      if (f["ip_address"] == format_ip(*ip)) {
        fixed_ip = f["ip_address"];
        subnet_id = f["subnet_id"];
      }
    if (fixed_ip.empty()) return bad_floating_ip("Port " + port_id + " does not have fixed ip " + wanted);
  } else {
    std::vector<Json> v4;
    for (const Json& f : port["fixed_ips"])
      if (parse_ip(f["ip_address"])->version == 4) v4.push_back(f);
    if (v4.empty())
      return bad_floating_ip("Cannot add floating IP to port " + port_id + " that has no fixed IPv4 addresses");
    if (v4.size() > 1)
      return bad_floating_ip("Port " + port_id +
                             " has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning "
                             "a floating IP");
    fixed_ip = v4[0]["ip_address"];
    subnet_id = v4[0]["subnet_id"];
  }

  const std::string floating_net = fip["floating_network_id"];
  const std::string router_id = router_for_floating_ip(port, subnet_id, floating_net);
  if (router_id.empty())
    return neutron_error(Code::kNotFound, "ExternalGatewayForFloatingIPNotFound",
                         "External network " + floating_net + " is not reachable from subnet " + subnet_id +
                             ".  Therefore, cannot associate Port " + port_id + " with a Floating IP.");
  if (fip["port_id"] != port_id)
    for (const Json* other : store_.find("floatingip", "port_id", port_id))
      if ((*other)["floating_network_id"] == floating_net && (*other)["fixed_ip_address"] == fixed_ip)
        return neutron_error(Code::kConflict, "FloatingIPPortAlreadyAssociated",
                             "Cannot associate floating IP " + fip["floating_ip_address"].get<std::string>() + " (" +
                                 fip["id"].get<std::string>() + ") with port " + port_id + " using fixed IP " +
                                 fixed_ip + ", as that fixed IP already has a floating IP on external network " +
                                 floating_net + ".");
  fip["port_id"] = port_id;
  fip["fixed_ip_address"] = fixed_ip;
  fip["router_id"] = router_id;
  fip["status"] = "ACTIVE";
  return {};
}

std::string NetworkService::router_for_floating_ip(const Json& port, const std::string& subnet_id,
                                                   const std::string& floating_net) const {
  const Json* subnet = store_.get("subnet", subnet_id);
  std::string router_id;
  for (const Json* p : store_.find("port", "network_id", port["network_id"])) {
    if ((*p)["device_owner"] != kInterfaceOwner) continue;
    const Json* router = store_.get("router", (*p)["device_id"]);
    if (!router || !(*router)["external_gateway_info"].is_object() ||
        (*router)["external_gateway_info"]["network_id"] != floating_net)
      continue;
    for (const Json& f : (*p)["fixed_ips"]) {
      if (f["subnet_id"] != subnet_id) continue;
      if (router_id.empty() || (subnet && f["ip_address"] == (*subnet)["gateway_ip"])) router_id = (*router)["id"];
    }
  }
  return router_id;
}

Result<Json> NetworkService::create_floating_ip(const Credentials& caller, const Json& body) {
  Status st = check_attributes(body,
                               {"floating_network_id", "floating_ip_address", "subnet_id", "port_id",
                                "fixed_ip_address", "description", "tags", "project_id", "tenant_id"},
                               kFloatingIpFields, "POST");
  if (!st.ok()) return st;
  if (!body.contains("floating_network_id"))
    return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                         "Failed to parse request. Required attribute 'floating_network_id' not specified");
  auto net = visible_network(caller, text_of(body["floating_network_id"]));
  if (!net.ok()) return net.status();
  const Json network = **net;
  const std::string network_id = network["id"];
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();

  Json fip = {{"id", new_id()}, {"floating_network_id", network_id}, {"floating_ip_address", nullptr}};
  clear_association(fip);
  if (Status c = copy_string(body, "description", fip); !c.ok()) return c;
  if (Status c = copy_tags(body, fip); !c.ok()) return c;
  fip = stamp_new(std::move(fip), *owner);
  Json target = {{"project_id", *owner}};
  if (st = authorize(policy_, "create_floatingip", caller, target); !st.ok()) return st;
  if (network["router:external"] != true)
    return bad_floating_ip("Network " + network_id + " is not a valid external network");
  bool has_v4 = false;
  for (const Json* s : store_.find("subnet", "network_id", network_id)) has_v4 = has_v4 || (*s)["ip_version"] == 4;
  if (!has_v4) return bad_floating_ip("Network " + network_id + " does not contain any IPv4 subnet");

  // Neutron asks its IPAM for the subnet and/or address given, or lets it choose.
  Json wanted = Json::object();
  if (body.contains("floating_ip_address") && !body["floating_ip_address"].is_null()) {
    if (st = authorize(policy_, "create_floatingip:floating_ip_address", caller, target); !st.ok()) return st;
    std::string text = text_of(body["floating_ip_address"]);
    if (!parse_ip(text))
      return invalid_attribute("floating_ip_address", in_quotes(text) + " is not a valid IP address");
    wanted["ip_address"] = text;
  }
  if (body.contains("subnet_id") && !body["subnet_id"].is_null()) wanted["subnet_id"] = text_of(body["subnet_id"]);
  Json requested = wanted.empty() ? Json(nullptr) : Json::array({wanted});
  if (st = check_quota(*owner, "floatingip"); !st.ok()) return st;

  st = store_.transaction([&]() -> Status {
    Json port = {{"network_id", network_id},
                 {"device_id", fip["id"]},
                 {"device_owner", kFloatingIpOwner},
                 {"status", "N/A"},
                 {"security_groups", Json::array()}};
    auto created = create_port_unchecked(stamp_new(std::move(port), ""), network, requested);
    if (!created.ok()) {
      if (created.status().type() != "IpAddressGenerationFailure")
        return created.status();
      return neutron_error(Code::kBadRequest, "ExternalIpAddressExhausted",
                           "Unable to find any IP address on external network " + network_id + ".");
    }
    for (const Json& ip : (*created)["fixed_ips"])
      if (fip["floating_ip_address"].is_null() && parse_ip(ip["ip_address"])->version == 4)
        fip["floating_ip_address"] = ip["ip_address"];
    if (fip["floating_ip_address"].is_null())
      return neutron_error(Code::kBadRequest, "ExternalIpAddressExhausted",
                           "Unable to find any IP address on external network " + network_id + ".");
    if (body.contains("port_id") || body.contains("fixed_ip_address")) {
      Json assoc = {{"port_id", body.value("port_id", Json(nullptr))},
                    {"fixed_ip_address", body.value("fixed_ip_address", Json(nullptr))}};
      if (Status a = associate_floating_ip(caller, fip, assoc); !a.ok()) return a;
    }
    return store_.put("floatingip", fip["id"], fip);
  });
  if (!st.ok()) return st;
  return floating_ip_view(fip);
}

Result<const Json*> NetworkService::visible_floating_ip(const Credentials& caller, const std::string& id) const {
  const Json* fip = store_.get("floatingip", id);
  if (!fip || !policy_.allowed("get_floatingip", caller, {{"project_id", (*fip)["project_id"]}}))
    return floating_ip_not_found(id);
  return fip;
}

Result<Json> NetworkService::get_floating_ip(const Credentials& caller, const std::string& id) const {
  auto fip = visible_floating_ip(caller, id);
  if (!fip.ok()) return fip.status();
  return floating_ip_view(**fip);
}

std::vector<Json> NetworkService::list_floating_ips(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* fip : store_.list("floatingip"))
    if (policy_.allowed("get_floatingip", caller, {{"project_id", (*fip)["project_id"]}}))
      out.push_back(floating_ip_view(*fip));
  return out;
}

Result<Json> NetworkService::update_floating_ip(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = get_floating_ip(caller, id);
  if (!found.ok()) return found.status();
  Json fip = *store_.get("floatingip", id);
  Status st = check_attributes(body, {"port_id", "fixed_ip_address", "description"}, kFloatingIpFields, "PUT");
  if (!st.ok()) return st;
  if (st = authorize(policy_, "update_floatingip", caller, {{"project_id", fip["project_id"]}}); !st.ok()) return st;
  if (Status c = copy_string(body, "description", fip); !c.ok()) return c;
  if (body.contains("port_id")) {
    Json assoc = {{"port_id", body["port_id"]}, {"fixed_ip_address", body.value("fixed_ip_address", Json(nullptr))}};
    if (st = associate_floating_ip(caller, fip, assoc); !st.ok()) return st;
  } else if (body.contains("fixed_ip_address")) {
    // A new fixed address of the port it has.
    Json assoc = {{"port_id", fip["port_id"]}, {"fixed_ip_address", body["fixed_ip_address"]}};
    if (st = associate_floating_ip(caller, fip, assoc); !st.ok()) return st;
  }
  if (st = touch_and_put("floatingip", fip); !st.ok()) return st;
  return floating_ip_view(*store_.get("floatingip", id));
}

Status NetworkService::delete_floating_ip(const Credentials& caller, const std::string& id) {
  auto found = get_floating_ip(caller, id);
  if (!found.ok()) return found.status();
  if (Status st = authorize(policy_, "delete_floatingip", caller, {{"project_id", (*found)["project_id"]}}); !st.ok())
    return st;
  std::vector<Json> ports;
  for (const Json* p : store_.find("port", "device_id", id))
    if ((*p)["device_owner"] == kFloatingIpOwner) ports.push_back(*p);
  return store_.transaction([&]() -> Status {
    if (Status st = remove_port_forwardings_of("floatingip_id", id); !st.ok()) return st;
    for (const Json& p : ports)
      if (Status st = remove_port_unchecked(p); !st.ok()) return st;
    return store_.erase("floatingip", id);
  });
}

Status NetworkService::disassociate_floating_ips_of_port(const std::string& port_id) {
  if (Status st = remove_port_forwardings_of("internal_port_id", port_id); !st.ok()) return st;
  std::vector<Json> fips;
  for (const Json* fip : store_.find("floatingip", "port_id", port_id)) fips.push_back(*fip);
  for (Json& fip : fips) {
    clear_association(fip);
    if (Status st = touch_and_put("floatingip", fip); !st.ok()) return st;
  }
  return {};
}

}  // namespace stacklab::network
