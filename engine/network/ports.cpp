// Ports: MAC addresses (fa:16:3e:xx:xx:xx, unique), fixed IPs from the
// subnets' pools (lowest free first), specific addresses, EUI-64 addresses on
// SLAAC subnets, security groups, allowed address pairs, extra DHCP options
// and the binding attributes.
#include <algorithm>
#include <cstdio>

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kPortFilters = {"id",
                                               "name",
                                               "network_id",
                                               "project_id",
                                               "tenant_id",
                                               "mac_address",
                                               "admin_state_up",
                                               "status",
                                               "device_id",
                                               "device_owner",
                                               "description",
                                               "port_security_enabled",
                                               "binding:host_id",
                                               "binding:vnic_type",
                                               "revision_number",
                                               "created_at",
                                               "updated_at"};

namespace {

const std::set<std::string> kPortFields =
    attribute_set(kPortFilters, {"fixed_ips", "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "tags",
                                 "binding:vif_type", "binding:vif_details", "binding:profile", "ip_allocation",
                                 "dns_name", "qos_policy_id"});

const std::set<std::string> kVnicTypes = {"normal",          "direct",           "macvtap",   "baremetal",
                                          "direct-physical", "virtio-forwarder", "smart-nic", "vdpa"};

Status port_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "PortNotFound", "Port " + id + " could not be found.");
}

// Copies the binding:profile (a dictionary) and binding:vnic_type (a known
// type) a request sets into `port`.
Status copy_binding(const Json& body, Json& port) {
  if (body.contains("binding:profile")) {
    if (!body["binding:profile"].is_object())
      return invalid_attribute("binding:profile", in_quotes(body["binding:profile"].dump()) + " is not a dictionary");
    port["binding:profile"] = body["binding:profile"];
  }
  if (body.contains("binding:vnic_type")) {
    std::string vnic = text_of(body["binding:vnic_type"]);
    if (!kVnicTypes.count(vnic))
      return invalid_attribute("binding:vnic_type", in_quotes(vnic) + " is not a valid vnic type");
    port["binding:vnic_type"] = vnic;
  }
  return {};
}

// Binding: bound to a host = the (simulated) linuxbridge agent plugged it.
void apply_binding(Json& port) {
  bool bound = !port["binding:host_id"].get<std::string>().empty();
  port["binding:vif_type"] = bound ? "bridge" : "unbound";
  port["binding:vif_details"] = bound ? Json{{"connectivity", "l2"}, {"port_filter", true}} : Json::object();
  // The network's own ports (DHCP, routers, floating IPs) keep the status their service gives them.
  if (port["device_owner"].get<std::string>().rfind("network:", 0) != 0) port["status"] = bound ? "ACTIVE" : "DOWN";
}

Result<Json> validate_address_pairs(const Json& in) {
  if (!in.is_array()) return invalid_attribute("allowed_address_pairs", in_quotes(in.dump()) + " is not a list");
  Json out = Json::array();
  for (const Json& pair : in) {
    if (!pair.is_object() || !pair.contains("ip_address"))
      return neutron_error(Code::kBadRequest, "AllowedAddressPairsMissingIP",
                           "AllowedAddressPair must contain ip_address");
    std::string ip = text_of(pair["ip_address"]);
    std::string normalized;
    if (ip.find('/') != std::string::npos) {
      auto c = parse_cidr(ip);
      if (!c) return invalid_attribute("allowed_address_pairs", in_quotes(ip) + " is not a valid IP address");
      normalized = ip;
    } else {
      auto a = parse_ip(ip);
      if (!a) return invalid_attribute("allowed_address_pairs", in_quotes(ip) + " is not a valid IP address");
      normalized = format_ip(*a);
    }
    Json entry = {{"ip_address", normalized}};
    if (pair.contains("mac_address")) {
      if (!valid_mac(text_of(pair["mac_address"])))
        return invalid_attribute("allowed_address_pairs",
                                 in_quotes(text_of(pair["mac_address"])) + " is not a valid MAC address");
      entry["mac_address"] = text_of(pair["mac_address"]);
    }
    for (const Json& seen : out)
      if (seen["ip_address"] == entry["ip_address"] && seen.value("mac_address", "") == entry.value("mac_address", ""))
        return neutron_error(Code::kBadRequest, "DuplicateAddressPairInRequest",
                             "Request contains duplicate address pair: mac_address " +
                                 entry.value("mac_address", std::string("None")) + " ip_address " + normalized + ".");
    out.push_back(entry);
  }
  return out;
}

Result<Json> validate_dhcp_opts(const Json& in) {
  if (!in.is_array()) return invalid_attribute("extra_dhcp_opts", in_quotes(in.dump()) + " is not a list");
  Json out = Json::array();
  for (const Json& opt : in) {
    if (!opt.is_object() || !opt.contains("opt_name") || !opt["opt_name"].is_string())
      return invalid_attribute("extra_dhcp_opts", in_quotes(opt.dump()) + " is not a valid extra DHCP option");
    int version = 4;
    if (opt.contains("ip_version")) {
      if (opt["ip_version"] == 6 || opt["ip_version"] == "6")
        version = 6;
      else if (!(opt["ip_version"] == 4 || opt["ip_version"] == "4"))
        return invalid_attribute("extra_dhcp_opts", in_quotes(opt["ip_version"].dump()) + " is not in [4, 6]");
    }
    out.push_back(
        {{"opt_name", opt["opt_name"]}, {"opt_value", opt.value("opt_value", Json(nullptr))}, {"ip_version", version}});
  }
  return out;
}

}  // namespace

Json NetworkService::port_target(const Json& port) const {
  const Json* n = store_.get("network", port["network_id"]);
  return {{"project_id", port["project_id"]},
          {"network:project_id", n ? (*n)["project_id"] : Json("")},
          {"shared", n && (*n)["shared"] == true}};
}

Json NetworkService::port_view(const Credentials& caller, const Json& port) const {
  Json v = port;
  Json target = port_target(port);
  for (const char* f : {"binding:host_id", "binding:profile", "binding:vif_type", "binding:vif_details"})
    if (!policy_.allowed(std::string("get_port:") + f, caller, target)) v.erase(f);
  return v;
}

Result<const Json*> NetworkService::visible_port(const Credentials& caller, const std::string& id) const {
  const Json* p = store_.get("port", id);
  if (!p || !policy_.allowed("get_port", caller, port_target(*p))) return port_not_found(id);
  return p;
}

Result<std::string> NetworkService::generate_mac() {
  // Neutron's base_mac fa:16:3e:00:00:00: the last three octets random, retried on a clash.
  for (int attempt = 0; attempt < 16; ++attempt) {
    unsigned char b[3];
    random_.fill(b, 3);
    char mac[18];
    std::snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x", b[0], b[1], b[2]);
    if (store_.find("port", "mac_address", std::string(mac)).empty()) return std::string(mac);
  }
  return neutron_error(Code::kInternal, "MacAddressGenerationFailure", "Unable to generate unique mac on network.");
}

Status NetworkService::remove_port_unchecked(const Json& port) {
  if (Status st = release_fixed_ips(port["id"], port["fixed_ips"]); !st.ok()) return st;
  return store_.erase("port", port["id"]);
}

// `port` is stamped (project, standard attributes) and holds what the request
// set; the rest gets Neutron's defaults here, inside one transaction with the
// address allocations.
Result<Json> NetworkService::create_port_unchecked(Json port, const Json& network, const Json& requested_ips,
                                                   bool router_port) {
  if (!port.contains("id")) port["id"] = new_id();
  Json defaults = {{"name", ""},
                   {"admin_state_up", true},
                   {"status", "DOWN"},
                   {"device_id", ""},
                   {"device_owner", ""},
                   {"allowed_address_pairs", Json::array()},
                   {"extra_dhcp_opts", Json::array()},
                   {"security_groups", Json::array()},
                   {"port_security_enabled", network["port_security_enabled"]},
                   {"binding:host_id", ""},
                   {"binding:vnic_type", "normal"},
                   {"binding:profile", Json::object()},
                   {"ip_allocation", "immediate"}};
  for (const auto& [k, v] : defaults.items())
    if (!port.contains(k)) port[k] = v;
  if (!port.contains("mac_address")) {
    auto mac = generate_mac();
    if (!mac.ok()) return mac.status();
    port["mac_address"] = *mac;
  }
  apply_binding(port);
  Status st = store_.transaction([&]() -> Status {
    auto ips =
        allocate_fixed_ips(network, requested_ips, port["mac_address"], port["id"], Json::array(), true, router_port);
    if (!ips.ok()) return ips.status();
    port["fixed_ips"] = *ips;
    return store_.put("port", port["id"], port);
  });
  if (!st.ok()) return st;
  return port;
}

Result<Json> NetworkService::create_port(const Credentials& caller, const Json& body) {
  Status st = check_attributes(
      body,
      {"network_id", "name", "admin_state_up", "mac_address", "fixed_ips", "device_id", "device_owner",
       "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "port_security_enabled", "description", "tags",
       "project_id", "tenant_id", "binding:host_id", "binding:vnic_type", "binding:profile"},
      kPortFields, "POST");
  if (!st.ok()) return st;
  if (!body.contains("network_id"))
    return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                         "Failed to parse request. Required attribute 'network_id' not specified");
  auto net = visible_network(caller, text_of(body["network_id"]));
  if (!net.ok()) return net.status();
  const Json network = **net;
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();

  Json port = {{"network_id", network["id"]}};
  for (const char* f : {"name", "description", "device_id", "device_owner", "binding:host_id"})
    if (Status c = copy_string(body, f, port); !c.ok()) return c;
  for (const char* f : {"admin_state_up", "port_security_enabled"})
    if (Status c = copy_boolean(body, f, port); !c.ok()) return c;
  if (Status c = copy_tags(body, port); !c.ok()) return c;
  port = stamp_new(std::move(port), *owner);
  Json target = port_target(port);
  if (st = authorize(policy_, "create_port", caller, target); !st.ok()) return st;
  if (!caller.is_admin() && network["project_id"] != *owner && network["shared"] != true &&
      !rbac_grants(network, "access_as_shared", *owner))
    return neutron_error(Code::kForbidden, "NotAuthorized",
                         "Tenant " + *owner + " not allowed to create port on this network");
  if (port.value("device_owner", "").rfind("network:", 0) == 0)
    if (st = authorize(policy_, "create_port:device_owner:network", caller, target); !st.ok()) return st;
  if (body.contains("binding:host_id"))
    if (st = authorize(policy_, "create_port:binding:host_id", caller, target); !st.ok()) return st;
  if (body.contains("binding:profile"))
    if (st = authorize(policy_, "create_port:binding:profile", caller, target); !st.ok()) return st;
  if (st = copy_binding(body, port); !st.ok()) return st;
  if (body.contains("mac_address")) {
    if (st = authorize(policy_, "create_port:mac_address", caller, target); !st.ok()) return st;
    std::string mac = text_of(body["mac_address"]);
    if (!valid_mac(mac)) return invalid_attribute("mac_address", in_quotes(mac) + " is not a valid MAC address");
    std::transform(mac.begin(), mac.end(), mac.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!store_.find("port", "mac_address", mac).empty())
      return neutron_error(Code::kConflict, "MacAddressInUse",
                           "Unable to complete operation for network " + network["id"].get<std::string>() +
                               ". The mac address " + mac + " is in use.");
    port["mac_address"] = mac;
  }
  Json requested = body.contains("fixed_ips") ? body["fixed_ips"] : Json(nullptr);
  if (requested.is_array())
    for (const Json& e : requested)
      if (e.is_object() && e.contains("ip_address"))
        if (st = authorize(policy_, "create_port:fixed_ips:ip_address", caller, target); !st.ok()) return st;
  if (body.contains("port_security_enabled") && body["port_security_enabled"] != network["port_security_enabled"])
    if (st = authorize(policy_, "create_port:port_security_enabled", caller, target); !st.ok()) return st;

  bool port_security = port.value("port_security_enabled", network["port_security_enabled"].get<bool>());
  Json groups = body.contains("security_groups") ? body["security_groups"] : Json(nullptr);
  if (!port_security) {
    if (groups.is_array() && !groups.empty())
      return neutron_error(Code::kBadRequest, "PortSecurityAndIPRequiredForSecurityGroups",
                           "Port security must be enabled and port must have an IP address in order to use security "
                           "groups.");
    port["security_groups"] = Json::array();
  } else if (port.value("device_owner", "").rfind("network:", 0) != 0 || groups.is_array()) {
    auto resolved = resolve_port_security_groups(caller, *owner, groups);
    if (!resolved.ok()) return resolved.status();
    port["security_groups"] = *resolved;
  }
  if (body.contains("allowed_address_pairs") && !body["allowed_address_pairs"].is_null()) {
    auto pairs = validate_address_pairs(body["allowed_address_pairs"]);
    if (!pairs.ok()) return pairs.status();
    if (!pairs->empty() && !port_security)
      return neutron_error(Code::kConflict, "AddressPairAndPortSecurityRequired",
                           "Port Security must be enabled in order to have allowed address pairs on a port.");
    port["allowed_address_pairs"] = *pairs;
  }
  if (body.contains("extra_dhcp_opts") && !body["extra_dhcp_opts"].is_null()) {
    auto opts = validate_dhcp_opts(body["extra_dhcp_opts"]);
    if (!opts.ok()) return opts.status();
    port["extra_dhcp_opts"] = *opts;
  }
  if (st = check_quota(*owner, "port"); !st.ok()) return st;
  auto created = create_port_unchecked(std::move(port), network, requested);
  if (!created.ok()) return created.status();
  return port_view(caller, *created);
}

Result<Json> NetworkService::get_port(const Credentials& caller, const std::string& id) const {
  auto p = visible_port(caller, id);
  if (!p.ok()) return p.status();
  return port_view(caller, **p);
}

std::vector<Json> NetworkService::list_ports(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* p : store_.list("port"))
    if (policy_.allowed("get_port", caller, port_target(*p))) out.push_back(port_view(caller, *p));
  return out;
}

Result<Json> NetworkService::update_port(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_port(caller, id);
  if (!found.ok()) return found.status();
  Json port = **found;
  Status st = check_attributes(body,
                               {"name", "admin_state_up", "fixed_ips", "device_id", "device_owner", "security_groups",
                                "allowed_address_pairs", "extra_dhcp_opts", "port_security_enabled", "description",
                                "binding:host_id", "binding:vnic_type", "binding:profile", "mac_address"},
                               kPortFields, "PUT");
  if (!st.ok()) return st;
  Json target = port_target(port);
  if (st = authorize(policy_, "update_port", caller, target); !st.ok()) return st;
  for (const char* f : {"binding:host_id", "binding:profile", "mac_address", "port_security_enabled"})
    if (body.contains(f))
      if (st = authorize(policy_, std::string("update_port:") + f, caller, target); !st.ok()) return st;
  for (const char* f : {"name", "description", "device_id", "device_owner", "binding:host_id"})
    if (Status c = copy_string(body, f, port); !c.ok()) return c;
  for (const char* f : {"admin_state_up", "port_security_enabled"})
    if (Status c = copy_boolean(body, f, port); !c.ok()) return c;
  if (st = copy_binding(body, port); !st.ok()) return st;
  if (body.contains("mac_address")) {
    std::string mac = text_of(body["mac_address"]);
    if (!valid_mac(mac)) return invalid_attribute("mac_address", in_quotes(mac) + " is not a valid MAC address");
    if (mac != port["mac_address"] && !store_.find("port", "mac_address", mac).empty())
      return neutron_error(Code::kConflict, "MacAddressInUse",
                           "Unable to complete operation for network " + port["network_id"].get<std::string>() +
                               ". The mac address " + mac + " is in use.");
    port["mac_address"] = mac;
  }
  if (body.contains("security_groups")) {
    auto resolved = resolve_port_security_groups(
        caller, port["project_id"], body["security_groups"].is_null() ? Json::array() : body["security_groups"]);
    if (!resolved.ok()) return resolved.status();
    port["security_groups"] = *resolved;
  }
  if (body.contains("allowed_address_pairs")) {
    auto pairs =
        validate_address_pairs(body["allowed_address_pairs"].is_null() ? Json::array() : body["allowed_address_pairs"]);
    if (!pairs.ok()) return pairs.status();
    port["allowed_address_pairs"] = *pairs;
  }
  if (body.contains("extra_dhcp_opts")) {
    auto opts = validate_dhcp_opts(body["extra_dhcp_opts"].is_null() ? Json::array() : body["extra_dhcp_opts"]);
    if (!opts.ok()) return opts.status();
    port["extra_dhcp_opts"] = *opts;
  }
  if (port["port_security_enabled"] == false) {
    if (!port["security_groups"].empty()) {
      if (body.contains("security_groups"))
        return neutron_error(Code::kBadRequest, "PortSecurityAndIPRequiredForSecurityGroups",
                             "Port security must be enabled and port must have an IP address in order to use "
                             "security groups.");
      return neutron_error(Code::kConflict, "PortSecurityPortHasSecurityGroup",
                           "Port has security group associated. Cannot disable port security or ip address until "
                           "security group is removed");
    }
    if (!port["allowed_address_pairs"].empty())
      return neutron_error(Code::kConflict, "AddressPairAndPortSecurityRequired",
                           "Port Security must be enabled in order to have allowed address pairs on a port.");
  }
  apply_binding(port);
  st = store_.transaction([&]() -> Status {
    if (body.contains("fixed_ips")) {
      const Json& requested = body["fixed_ips"];
      if (requested.is_array())
        for (const Json& e : requested)
          if (e.is_object() && e.contains("ip_address") &&
              std::none_of(port["fixed_ips"].begin(), port["fixed_ips"].end(),
                           [&](const Json& c) { return c["ip_address"] == e["ip_address"]; }))
            if (Status a = authorize(policy_, "update_port:fixed_ips:ip_address", caller, target); !a.ok()) return a;
      const Json* network = store_.get("network", port["network_id"]);
      auto ips = allocate_fixed_ips(*network, requested.is_null() ? Json::array() : requested, port["mac_address"], id,
                                    port["fixed_ips"]);
      if (!ips.ok()) return ips.status();
      Json released = Json::array();
      for (const Json& old : port["fixed_ips"])
        if (std::find(ips->begin(), ips->end(), old) == ips->end()) released.push_back(old);
      if (Status r = release_fixed_ips(id, released); !r.ok()) return r;
      port["fixed_ips"] = *ips;
    }
    return touch_and_put("port", port);
  });
  if (!st.ok()) return st;
  return port_view(caller, *store_.get("port", id));
}

const Json* NetworkService::network_record(const std::string& id) const { return store_.get("network", id); }

const Json* NetworkService::port_record(const std::string& id) const { return store_.get("port", id); }

const Json* NetworkService::security_group_record(const std::string& id) const {
  return store_.get("security_group", id);
}

std::vector<const Json*> NetworkService::device_ports(const std::string& device_id) const {
  return store_.find("port", "device_id", device_id);
}

std::vector<const Json*> NetworkService::port_floating_ips(const std::string& port_id) const {
  return store_.find("floatingip", "port_id", port_id);
}

Result<std::string> NetworkService::fixed_ip_holder(const std::string& network_id, const std::string& ip) const {
  auto address = parse_ip(ip);
  if (address)
    for (const Json* subnet : store_.find("subnet", "network_id", network_id)) {
      auto cidr = parse_cidr((*subnet)["cidr"]);
      if (!cidr || !cidr->cidr.contains(*address)) continue;
      const Json* held = store_.get("ip_allocation", (*subnet)["id"].get<std::string>() + "/" + format_ip(*address));
      return held ? (*held)["port_id"].get<std::string>() : std::string();
    }
  return neutron_error(Code::kBadRequest, "InvalidIpForNetwork",
                       "IP address " + ip + " is not a valid IP for any of the subnets on the specified network.");
}

Status NetworkService::delete_port(const Credentials& caller, const std::string& id) {
  auto found = visible_port(caller, id);
  if (!found.ok()) return found.status();
  Json port = **found;
  if (Status st = authorize(policy_, "delete_port", caller, port_target(port)); !st.ok()) return st;
  if (Status st = refuse_l3_port_deletion(port); !st.ok()) return st;
  return store_.transaction([&]() -> Status {
    if (Status st = disassociate_floating_ips_of_port(id); !st.ok()) return st;
    return remove_port_unchecked(port);
  });
}

}  // namespace stacklab::network
