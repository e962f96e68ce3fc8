// Floating IP port forwardings (the floating-ip-port-forwarding extension):
// a TCP or UDP port of an unassociated floating IP forwarded to a port of
// one fixed IPv4 address of a Neutron port, through the router that joins
// that port's subnet to the floating network. The floating IP then takes
// that router as its router_id (and keeps port_id null); it is used either
// 1:1 (associated with a port) or by forwardings, never both.
//
// Store table port_forwarding {id, floatingip_id, project_id, protocol,
// external_port, internal_port, internal_ip_address, internal_port_id,
// description}, indexed by floatingip_id and internal_port_id.
#include "engine/network/attributes.h"
#include "engine/network/ipam.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kPortForwardingFilters = {
    "id", "external_port", "protocol", "internal_port_id", "description"};

namespace {

const std::set<std::string> kPortForwardingFields =
    attribute_set(kPortForwardingFilters, {"internal_port", "internal_ip_address", "floatingip_id", "project_id",
                                           "tenant_id", "external_port_range", "internal_port_range"});

Status bad_port_forwarding(const std::string& msg) { return bad_request("port_forwarding", msg); }

Status port_forwarding_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "PortForwardingNotFound", "Port Forwarding " + id + " could not be found.");
}

// A TCP/UDP port number 1-65535, given as a number or its text.
Result<int> port_number(const std::string& field, const Json& value) {
  long long n = 0;
  if (value.is_number_integer()) {
    n = value.get<long long>();
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
      return invalid_attribute(field, "'" + s + "' is not an integer");
    n = std::stoll(s);
  } else {
    return invalid_attribute(field, "'" + text_of(value) + "' is not an integer");
  }
  if (n < 1 || n > 65535) return invalid_attribute(field, std::to_string(n) + " is not in range 1 through 65535");
  return static_cast<int>(n);
}

}  // namespace

// Neutron's _find_a_router_for_fip_port_forwarding and its checks: the
// internal address (one of the port's IPv4 addresses, its first one by
// default) and the router joining its subnet to the floating network.
Status NetworkService::resolve_port_forwarding_target(const Credentials& caller, const Json& fip, Json& pf) {
  auto found = visible_port(caller, pf["internal_port_id"].get<std::string>());
  if (!found.ok()) return found.status();
  const Json port = **found;
  const std::string port_id = port["id"];
  std::vector<Json> v4;
  for (const Json& f : port["fixed_ips"])
    if (parse_ip(f["ip_address"])->version == 4) v4.push_back(f);
  if (v4.empty()) return bad_port_forwarding("Requested internal port " + port_id + " must allocate an IPv4 address at least");
  std::string subnet_id;
  if (pf["internal_ip_address"].is_null()) {
    pf["internal_ip_address"] = v4[0]["ip_address"];
    subnet_id = v4[0]["subnet_id"];
  } else {
    auto wanted = parse_ip(text_of(pf["internal_ip_address"]));
    for (const Json& f : v4)
      if (wanted && f["ip_address"] == format_ip(*wanted)) subnet_id = f["subnet_id"];
    if (subnet_id.empty())
      return bad_port_forwarding("Requested internal IP address " + text_of(pf["internal_ip_address"]) +
                                 " is not suitable for internal neutron port " + port_id +
                                 ", as its fixed_ips are " + Json(v4).dump());
    pf["internal_ip_address"] = format_ip(*wanted);
  }
  if (auto bound = store_.find("floatingip", "port_id", port_id); !bound.empty())
    return neutron_error(Code::kConflict, "PortHasBindingFloatingIP",
                         "Cannot create port forwarding to floating IP " +
                             (*bound.front())["floating_ip_address"].get<std::string>() + " (" +
                             (*bound.front())["id"].get<std::string>() + ") with port " + port_id + " using fixed IP " +
                             pf["internal_ip_address"].get<std::string>() +
                             ", as that port already has a binding floating IP.");
  const std::string router_id = router_for_floating_ip(port, subnet_id, fip["floating_network_id"]);
  if (router_id.empty())
    return bad_port_forwarding("External network " + fip["floating_network_id"].get<std::string>() +
                               " is not reachable from subnet " + subnet_id + ". Cannot set Port forwarding for port " +
                               port_id + " with Floating IP " + fip["id"].get<std::string>());
  if (fip["router_id"].is_string() && fip["router_id"] != router_id)
    return bad_port_forwarding("The port " + port_id + " is not connected to router " +
                               fip["router_id"].get<std::string>() + ", which the floating IP " +
                               fip["id"].get<std::string>() + " uses for its port forwardings");
  pf["router_id"] = router_id;  // taken off before storing
  return {};
}

// No two forwardings of a floating IP share an external port and protocol,
// nor two of one internal address an internal port and protocol.
Status NetworkService::check_port_forwarding_collisions(const Json& pf) const {
  for (const Json* other : store_.find("port_forwarding", "floatingip_id", pf["floatingip_id"])) {
    if ((*other)["id"] == pf["id"] || (*other)["protocol"] != pf["protocol"]) continue;
    if ((*other)["external_port"] == pf["external_port"])
      return bad_port_forwarding("A duplicate port forwarding entry with same attributes already exists, conflicting "
                                 "values are {'floatingip_id': '" + pf["floatingip_id"].get<std::string>() +
                                 "', 'external_port': " + pf["external_port"].dump() + "}");
  }
  for (const Json* other : store_.find("port_forwarding", "internal_port_id", pf["internal_port_id"])) {
    if ((*other)["id"] == pf["id"] || (*other)["protocol"] != pf["protocol"]) continue;
    if ((*other)["internal_ip_address"] == pf["internal_ip_address"] &&
        (*other)["internal_port"] == pf["internal_port"])
      return bad_port_forwarding("A duplicate port forwarding entry with same attributes already exists, conflicting "
                                 "values are {'internal_port_id': '" + pf["internal_port_id"].get<std::string>() +
                                 "', 'internal_ip_address': '" + pf["internal_ip_address"].get<std::string>() +
                                 "', 'internal_port': " + pf["internal_port"].dump() + "}");
  }
  return {};
}

Status NetworkService::apply_port_forwarding_fields(const Json& body, Json& pf) {
  if (body.contains("protocol")) {
    const std::string p = text_of(body["protocol"]);
    if (p != "tcp" && p != "udp")
      return invalid_attribute("protocol", "'" + p + "' is not in ['tcp', 'udp', 'dccp', 'sctp', 'icmp', 'ipv6-icmp']");
    pf["protocol"] = p;
  }
  for (const char* field : {"external_port", "internal_port"})
    if (body.contains(field)) {
      auto n = port_number(field, body[field]);
      if (!n.ok()) return n.status();
      pf[field] = *n;
    }
  if (body.contains("internal_port_id")) pf["internal_port_id"] = text_of(body["internal_port_id"]);
  if (body.contains("internal_ip_address")) {
    std::string text = text_of(body["internal_ip_address"]);
    auto ip = parse_ip(text);
    if (!ip || ip->version != 4)
      return invalid_attribute("internal_ip_address", "'" + text + "' is not a valid IPv4 address");
    pf["internal_ip_address"] = format_ip(*ip);
  }
  return copy_string(body, "description", pf);
}

Result<Json> NetworkService::create_port_forwarding(const Credentials& caller, const std::string& fip_id,
                                                    const Json& body) {
  Status st = check_attributes(body,
                               {"external_port", "internal_port", "internal_ip_address", "protocol",
                                "internal_port_id", "description", "project_id", "tenant_id"},
                               kPortForwardingFields, "POST");
  if (!st.ok()) return st;
  auto found = visible_floating_ip(caller, fip_id);
  if (!found.ok()) return found.status();
  Json fip = **found;
  if (st = authorize(policy_, "create_floatingip_port_forwarding", caller, {{"project_id", fip["project_id"]}});
      !st.ok())
    return st;
  for (const char* required : {"external_port", "internal_port", "internal_port_id", "protocol"})
    if (!body.contains(required))
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           std::string("Failed to parse request. Required attribute '") + required + "' not specified");
  Json pf = {{"id", new_id()},
             {"floatingip_id", fip_id},
             {"project_id", fip["project_id"]},
             {"internal_ip_address", nullptr},
             {"description", ""}};
  if (st = apply_port_forwarding_fields(body, pf); !st.ok()) return st;
  if (fip["port_id"].is_string())
    return neutron_error(Code::kConflict, "FloatingIPPortAlreadyAssociated",
                         "Cannot associate floating IP " + fip["floating_ip_address"].get<std::string>() + " (" +
                             fip_id + ") with port " + pf["internal_port_id"].get<std::string>() +
                             ", as the floating IP is already associated with port " +
                             fip["port_id"].get<std::string>() + ".");
  if (st = resolve_port_forwarding_target(caller, fip, pf); !st.ok()) return st;
  const std::string router_id = pf["router_id"];
  pf.erase("router_id");
  if (st = check_port_forwarding_collisions(pf); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (fip["router_id"] != router_id) {
      fip["router_id"] = router_id;
      if (Status s = touch_and_put("floatingip", fip); !s.ok()) return s;
    }
    return store_.put("port_forwarding", pf["id"], pf);
  });
  if (!st.ok()) return st;
  return port_forwarding_view(pf);
}

Json NetworkService::port_forwarding_view(const Json& pf) const {
  Json v = pf;
  v.erase("floatingip_id");
  v.erase("project_id");
  const int in = pf["internal_port"], ex = pf["external_port"];
  v["internal_port_range"] = std::to_string(in) + ":" + std::to_string(in);
  v["external_port_range"] = std::to_string(ex) + ":" + std::to_string(ex);
  return v;
}

Result<Json> NetworkService::get_port_forwarding(const Credentials& caller, const std::string& fip_id,
                                                 const std::string& id) const {
  auto fip = visible_floating_ip(caller, fip_id);
  if (!fip.ok()) return fip.status();
  const Json* pf = store_.get("port_forwarding", id);
  if (!pf || (*pf)["floatingip_id"] != fip_id) return port_forwarding_not_found(id);
  return port_forwarding_view(*pf);
}

Result<std::vector<Json>> NetworkService::list_port_forwardings(const Credentials& caller,
                                                                const std::string& fip_id) const {
  auto fip = visible_floating_ip(caller, fip_id);
  if (!fip.ok()) return fip.status();
  std::vector<Json> out;
  for (const Json* pf : store_.find("port_forwarding", "floatingip_id", fip_id)) out.push_back(port_forwarding_view(*pf));
  return out;
}

Result<Json> NetworkService::update_port_forwarding(const Credentials& caller, const std::string& fip_id,
                                                    const std::string& id, const Json& body) {
  Status st = check_attributes(
      body, {"external_port", "internal_port", "internal_ip_address", "protocol", "internal_port_id", "description"},
      kPortForwardingFields, "PUT");
  if (!st.ok()) return st;
  auto found = visible_floating_ip(caller, fip_id);
  if (!found.ok()) return found.status();
  Json fip = **found;
  const Json* stored = store_.get("port_forwarding", id);
  if (!stored || (*stored)["floatingip_id"] != fip_id) return port_forwarding_not_found(id);
  if (st = authorize(policy_, "update_floatingip_port_forwarding", caller, {{"project_id", fip["project_id"]}});
      !st.ok())
    return st;
  Json pf = *stored;
  if (st = apply_port_forwarding_fields(body, pf); !st.ok()) return st;
  if (body.contains("internal_port_id") && !body.contains("internal_ip_address") &&
      pf["internal_port_id"] != (*stored)["internal_port_id"])
    pf["internal_ip_address"] = nullptr;  // the new port's first IPv4 address
  if (pf["internal_port_id"] != (*stored)["internal_port_id"] ||
      pf["internal_ip_address"] != (*stored)["internal_ip_address"]) {
    Json others = fip;
    // The floating IP's router may change only when this is its one forwarding.
    if (store_.find("port_forwarding", "floatingip_id", fip_id).size() == 1) others["router_id"] = nullptr;
    if (st = resolve_port_forwarding_target(caller, others, pf); !st.ok()) return st;
    fip["router_id"] = pf["router_id"];
    pf.erase("router_id");
  }
  if (st = check_port_forwarding_collisions(pf); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (fip != **found)
      if (Status s = touch_and_put("floatingip", fip); !s.ok()) return s;
    return store_.put("port_forwarding", id, pf);
  });
  if (!st.ok()) return st;
  return port_forwarding_view(pf);
}

Status NetworkService::delete_port_forwarding(const Credentials& caller, const std::string& fip_id,
                                              const std::string& id) {
  auto found = visible_floating_ip(caller, fip_id);
  if (!found.ok()) return found.status();
  const Json* pf = store_.get("port_forwarding", id);
  if (!pf || (*pf)["floatingip_id"] != fip_id) return port_forwarding_not_found(id);
  if (Status st =
          authorize(policy_, "delete_floatingip_port_forwarding", caller, {{"project_id", (**found)["project_id"]}});
      !st.ok())
    return st;
  return remove_port_forwarding_unchecked(id);
}

// The last forwarding of a floating IP gone, it has no router any more.
Status NetworkService::remove_port_forwarding_unchecked(const std::string& id) {
  const Json* pf = store_.get("port_forwarding", id);
  if (!pf) return {};
  const std::string fip_id = (*pf)["floatingip_id"];
  return store_.transaction([&]() -> Status {
    if (Status st = store_.erase("port_forwarding", id); !st.ok()) return st;
    const Json* fip = store_.get("floatingip", fip_id);
    if (fip && (*fip)["port_id"].is_null() && store_.find("port_forwarding", "floatingip_id", fip_id).empty() &&
        !(*fip)["router_id"].is_null()) {
      Json updated = *fip;
      updated["router_id"] = nullptr;
      return touch_and_put("floatingip", updated);
    }
    return Status{};
  });
}

Status NetworkService::remove_port_forwardings_of(const std::string& field, const std::string& value) {
  std::vector<std::string> ids;
  for (const Json* pf : store_.find("port_forwarding", field, value)) ids.push_back((*pf)["id"]);
  for (const auto& id : ids)
    if (Status st = remove_port_forwarding_unchecked(id); !st.ok()) return st;
  return {};
}

}  // namespace stacklab::network
