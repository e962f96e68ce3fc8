// Subnets: cidr, gateway and allocation-pool validation with Neutron's
// messages, IPv6 address modes, overlap within a network, the DHCP port of a
// DHCP-enabled subnet, and SubnetInUse on delete.
#include <algorithm>

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<std::string> kSubnetFilters = {
    "id",          "name",       "network_id",      "project_id",   "tenant_id",         "ip_version",
    "cidr",        "gateway_ip", "enable_dhcp",     "ipv6_ra_mode", "ipv6_address_mode", "subnetpool_id",
    "description", "segment_id", "revision_number", "created_at",   "updated_at"};

namespace {

const std::set<std::string> kSubnetFields =
    attribute_set(kSubnetFilters, {"allocation_pools", "dns_nameservers", "host_routes", "prefixlen",
                                   "use_default_subnetpool", "tags", "service_types"});

// What POST may set: every attribute but those the server makes.
const std::set<std::string> kSubnetCreatable = [] {
  std::set<std::string> out = kSubnetFields;
  for (const char* made : {"id", "created_at", "updated_at", "revision_number"}) out.erase(made);
  return out;
}();

constexpr std::size_t kMaxDnsNameservers = 5;  // [DEFAULT] max_dns_nameservers
constexpr std::size_t kMaxSubnetHostRoutes = 20;

Status subnet_not_found(const std::string& id) {
  return neutron_error(Code::kNotFound, "SubnetNotFound", "Subnet " + id + " could not be found.");
}

std::string range_text(int version, const IpRange& r) {
  return format_ip(version, r.first) + "-" + format_ip(version, r.last);
}

bool automatic_addresses(const Json& subnet) {
  return subnet["ipv6_address_mode"] == "slaac" || subnet["ipv6_address_mode"] == "dhcpv6-stateless";
}

// Validates the parts of a subnet that depend on each other (gateway, pools,
// DNS, routes, IPv6 modes) and writes the normalized values into `s`.
// `body` holds what the request sets; `s` what the subnet has so far.
Status validate_subnet(const Json& body, Json& s, bool creating) {
  auto parsed = parse_cidr(s["cidr"]);
  const Cidr cidr = parsed->cidr;
  const int v = cidr.version;

  // gateway_ip: absent = the first host on create; null = none.
  std::optional<IpAddress> gateway;
  if (body.contains("gateway_ip")) {
    if (!body["gateway_ip"].is_null()) {
      auto gw = body["gateway_ip"].is_string() ? parse_ip(body["gateway_ip"]) : std::nullopt;
      if (!gw || gw->version != v)
        return invalid_attribute("gateway_ip", in_quotes(text_of(body["gateway_ip"])) + " is not a valid IP address");
      gateway = gw;
    }
  } else if (creating) {
    if (cidr.size() > 1) gateway = IpAddress{v, cidr.first() + 1};
  } else if (s["gateway_ip"].is_string()) {
    gateway = parse_ip(s["gateway_ip"]);
  }
  if (gateway && cidr.contains(*gateway) && cidr.size() > 2 &&
      (gateway->value == cidr.first() || (v == 4 && gateway->value == cidr.last())))
    return invalid_input("Gateway is not valid on subnet");
  s["gateway_ip"] = gateway ? Json(format_ip(*gateway)) : Json(nullptr);

  // allocation_pools: given, kept, or Neutron's default (whole cidr but network, broadcast, gateway).
  std::vector<IpRange> pools;
  if (body.contains("allocation_pools") && !body["allocation_pools"].is_null()) {
    const Json& in = body["allocation_pools"];
    if (!in.is_array())
      return invalid_attribute("allocation_pools", "Invalid data format for IP pool: '" + in.dump() + "'");
    for (const Json& p : in) {
      if (!p.is_object() || !p.contains("start") || !p.contains("end"))
        return invalid_attribute("allocation_pools", "Invalid data format for IP pool: '" + p.dump() + "'");
      auto start = parse_ip(text_of(p["start"])), end = parse_ip(text_of(p["end"]));
      if (!start || !end)
        return invalid_attribute("allocation_pools",
                                 in_quotes(text_of(!start ? p["start"] : p["end"])) + " is not a valid IP address");
      if (start->version != v || end->version != v || start->value > end->value)
        return neutron_error(Code::kBadRequest, "InvalidAllocationPool",
                             "The allocation pool " + text_of(p["start"]) + "-" + text_of(p["end"]) + " is not valid.");
      IpRange r{start->value, end->value};
      Uint128 lo = cidr.first(), hi = cidr.last();
      if (cidr.size() > 2) {
        lo += 1;
        if (v == 4) hi -= 1;
      }
      if (r.first < lo || r.last > hi)
        return neutron_error(
            Code::kBadRequest, "OutOfBoundsAllocationPool",
            "The allocation pool " + range_text(v, r) + " spans beyond the subnet cidr " + cidr.str() + ".");
      pools.push_back(r);
    }
    for (std::size_t i = 0; i < pools.size(); ++i)
      for (std::size_t j = i + 1; j < pools.size(); ++j)
        if (pools[i].first <= pools[j].last && pools[j].first <= pools[i].last)
          return neutron_error(Code::kBadRequest, "OverlappingAllocationPools",
                               "Found overlapping allocation pools: " + range_text(v, pools[i]) + " and " +
                                   range_text(v, pools[j]) + " for subnet " + cidr.str() + ".");
  } else if (creating) {
    pools = default_pools(cidr, gateway);
  } else {
    for (const Json& p : s["allocation_pools"])
      pools.push_back({parse_ip(p["start"])->value, parse_ip(p["end"])->value});
  }
  if (gateway)
    for (const IpRange& r : pools)
      if (gateway->value >= r.first && gateway->value <= r.last)
        return neutron_error(
            Code::kConflict, "GatewayConflictWithAllocationPools",
            "Gateway ip " + format_ip(*gateway) + " conflicts with allocation pool " + range_text(v, r));
  Json pool_json = Json::array();
  for (const IpRange& r : pools) pool_json.push_back({{"start", format_ip(v, r.first)}, {"end", format_ip(v, r.last)}});
  s["allocation_pools"] = pool_json;

  if (body.contains("dns_nameservers") && !body["dns_nameservers"].is_null()) {
    const Json& in = body["dns_nameservers"];
    if (!in.is_array()) return invalid_attribute("dns_nameservers", in_quotes(in.dump()) + " is not a list");
    if (in.size() > kMaxDnsNameservers)
      return neutron_error(Code::kBadRequest, "DNSNameServersExhausted",
                           "Unable to complete operation for " + text_of(s["id"]) +
                               ". The number of DNS nameservers exceeds the limit " +
                               std::to_string(kMaxDnsNameservers) + ".");
    Json out = Json::array();
    for (const Json& d : in) {
      auto ip = parse_ip(text_of(d));
      if (!ip) return invalid_attribute("dns_nameservers", in_quotes(text_of(d)) + " is not a valid nameserver");
      if (std::find(out.begin(), out.end(), Json(format_ip(*ip))) != out.end())
        return invalid_attribute("dns_nameservers", "Duplicate nameserver '" + text_of(d) + "'");
      out.push_back(format_ip(*ip));
    }
    s["dns_nameservers"] = out;
  }
  if (body.contains("host_routes") && !body["host_routes"].is_null()) {
    const Json& in = body["host_routes"];
    if (!in.is_array()) return invalid_attribute("host_routes", in_quotes(in.dump()) + " is not a list");
    if (in.size() > kMaxSubnetHostRoutes)
      return neutron_error(Code::kBadRequest, "HostRoutesExhausted",
                           "Unable to complete operation for " + text_of(s["id"]) +
                               ". The number of host routes exceeds the limit " + std::to_string(kMaxSubnetHostRoutes) +
                               ".");
    Json out = Json::array();
    for (const Json& r : in) {
      auto dest = r.is_object() && r.contains("destination") ? parse_cidr(text_of(r["destination"])) : std::nullopt;
      auto hop = r.is_object() && r.contains("nexthop") ? parse_ip(text_of(r["nexthop"])) : std::nullopt;
      if (!dest || !hop || dest->cidr.version != v || hop->version != v)
        return invalid_attribute("host_routes", "Invalid data format for hostroute: '" + r.dump() + "'");
      out.push_back({{"destination", dest->cidr.str()}, {"nexthop", format_ip(*hop)}});
    }
    s["host_routes"] = out;
  }

  for (const char* mode : {"ipv6_ra_mode", "ipv6_address_mode"}) {
    if (!body.contains(mode) || body[mode].is_null()) continue;
    std::string m = text_of(body[mode]);
    if (m != "slaac" && m != "dhcpv6-stateful" && m != "dhcpv6-stateless")
      return invalid_attribute(mode, in_quotes(m) + " is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']");
    s[mode] = m;
  }
  const Json &ra = s["ipv6_ra_mode"], &am = s["ipv6_address_mode"];
  if (!ra.is_null() || !am.is_null()) {
    if (v != 6) return invalid_input("ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4");
    if (s["enable_dhcp"] == false)
      return invalid_input("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False");
    if (!ra.is_null() && !am.is_null() && ra != am)
      return invalid_input("ipv6_ra_mode set to '" + text_of(ra) + "' with ipv6_address_mode set to '" + text_of(am) +
                           "' is not valid. If both attributes are set, they must be the same value");
    if (automatic_addresses(s) && cidr.prefix != 64)
      return invalid_input("Invalid CIDR " + cidr.str() +
                           " for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the "
                           "prefix to be /64");
  }
  return {};
}

}  // namespace

Json NetworkService::subnet_target(const Json& subnet, const std::string& viewer) const {
  const Json* n = store_.get("network", subnet["network_id"]);
  bool shared = n && ((*n)["shared"] == true || (!viewer.empty() && rbac_grants(*n, "access_as_shared", viewer)));
  return {{"project_id", subnet["project_id"]},
          {"shared", shared},
          {"network:project_id", n ? (*n)["project_id"] : Json("")}};
}

Result<const Json*> NetworkService::visible_subnet(const Credentials& caller, const std::string& id) const {
  const Json* s = store_.get("subnet", id);
  if (!s || !policy_.allowed("get_subnet", caller, subnet_target(*s, caller.project_id))) return subnet_not_found(id);
  return s;
}

Result<Json> NetworkService::create_subnet(const Credentials& caller, const Json& body, const std::string& id) {
  Status st = check_attributes(body, kSubnetCreatable, kSubnetFields, "POST");
  if (!st.ok()) return st;
  for (const char* required : {"network_id", "ip_version"})
    if (!body.contains(required))
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           std::string("Failed to parse request. Required attribute '") + required + "' not specified");
  auto net = visible_network(caller, text_of(body["network_id"]));
  if (!net.ok()) return net.status();
  const Json network = **net;
  auto owner = owner_for_create(caller, body);
  if (!owner.ok()) return owner.status();

  int version = 0;
  if (body["ip_version"] == 4 || body["ip_version"] == "4") version = 4;
  if (body["ip_version"] == 6 || body["ip_version"] == "6") version = 6;
  if (!version) return invalid_attribute("ip_version", in_quotes(text_of(body["ip_version"])) + " is not in [4, 6]");
  auto from_pool = subnet_cidr_from_pool(caller, body, version);
  if (!from_pool.ok()) return from_pool.status();
  const std::string cidr_text = from_pool->cidr;
  auto parsed = parse_cidr(cidr_text);
  if (!parsed) return invalid_attribute("cidr", in_quotes(cidr_text) + " is not a valid IP subnet");
  if (parsed->had_host_bits)
    return invalid_attribute("cidr", in_quotes(cidr_text) + " isn't a recognized IP subnet cidr, '" +
                                         parsed->cidr.str() + "' is recommended");
  if (parsed->cidr.version != version) return invalid_input("Cidr and IP version mismatch");

  Json s = {{"id", id.empty() ? new_id() : id},
            {"name", ""},
            {"network_id", network["id"]},
            {"ip_version", version},
            {"cidr", parsed->cidr.str()},
            {"dns_nameservers", Json::array()},
            {"host_routes", Json::array()},
            {"enable_dhcp", true},
            {"ipv6_ra_mode", nullptr},
            {"ipv6_address_mode", nullptr},
            {"subnetpool_id", from_pool->subnetpool_id},
            {"service_types", Json::array()},
            {"segment_id", nullptr}};
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, s); !c.ok()) return c;
  if (Status c = copy_boolean(body, "enable_dhcp", s); !c.ok()) return c;
  if (Status c = copy_tags(body, s); !c.ok()) return c;
  s = stamp_new(std::move(s), *owner);
  if (st = authorize(policy_, "create_subnet", caller, subnet_target(s)); !st.ok()) return st;
  if (st = check_quota(*owner, "subnet"); !st.ok()) return st;
  if (st = validate_subnet(body, s, true); !st.ok()) return st;
  for (const Json* other : store_.find("subnet", "network_id", network["id"]))
    if (parse_cidr((*other)["cidr"])->cidr.overlaps(parsed->cidr))
      return invalid_input("Requested subnet with cidr: " + parsed->cidr.str() +
                           " for network: " + network["id"].get<std::string>() + " overlaps with another subnet");

  st = store_.transaction([&]() -> Status {
    if (Status put = store_.put("subnet", s["id"], s); !put.ok()) return put;
    if (Status bump = touch_and_put("network", network); !bump.ok()) return bump;
    // A new SLAAC subnet gives every port of the network its EUI-64 address, as Neutron does.
    if (automatic_addresses(s)) {
      std::vector<Json> ports;
      for (const Json* p : store_.find("port", "network_id", network["id"])) ports.push_back(*p);
      for (Json& p : ports) {
        auto ip = eui64_address(parsed->cidr, p["mac_address"]);
        std::string addr = format_ip(*ip);
        std::string alloc_id = s["id"].get<std::string>() + "/" + addr;
        Json alloc = {{"id", alloc_id},
                      {"subnet_id", s["id"]},
                      {"network_id", network["id"]},
                      {"ip_address", addr},
                      {"port_id", p["id"]}};
        if (Status put = ip_allocations_.put(alloc); !put.ok()) return put;
        p["fixed_ips"].push_back({{"subnet_id", s["id"]}, {"ip_address", addr}});
        if (Status put = touch_and_put("port", p); !put.ok()) return put;
      }
    }
    if (s["enable_dhcp"] == true) return ensure_dhcp_port(*store_.get("network", network["id"]), s);
    return {};
  });
  if (!st.ok()) return st;
  return *store_.get("subnet", s["id"]);
}

Result<Json> NetworkService::get_subnet(const Credentials& caller, const std::string& id) const {
  auto s = visible_subnet(caller, id);
  if (!s.ok()) return s.status();
  return **s;
}

std::vector<Json> NetworkService::list_subnets(const Credentials& caller) const {
  std::vector<Json> out;
  for (const Json* s : store_.list("subnet"))
    if (policy_.allowed("get_subnet", caller, subnet_target(*s, caller.project_id))) out.push_back(*s);
  return out;
}

Result<Json> NetworkService::update_subnet(const Credentials& caller, const std::string& id, const Json& body) {
  auto found = visible_subnet(caller, id);
  if (!found.ok()) return found.status();
  Json s = **found;
  Status st = check_attributes(body,
                               {"name", "description", "gateway_ip", "allocation_pools", "dns_nameservers",
                                "host_routes", "enable_dhcp", "service_types"},
                               kSubnetFields, "PUT");
  if (!st.ok()) return st;
  if (st = authorize(policy_, "update_subnet", caller, subnet_target(s)); !st.ok()) return st;
  bool had_dhcp = s["enable_dhcp"] == true;
  for (const char* f : {"name", "description"})
    if (Status c = copy_string(body, f, s); !c.ok()) return c;
  if (Status c = copy_boolean(body, "enable_dhcp", s); !c.ok()) return c;
  if (st = validate_subnet(body, s, false); !st.ok()) return st;
  st = store_.transaction([&]() -> Status {
    if (Status put = touch_and_put("subnet", s); !put.ok()) return put;
    if (!had_dhcp && s["enable_dhcp"] == true) return ensure_dhcp_port(*store_.get("network", s["network_id"]), s);
    return {};
  });
  if (!st.ok()) return st;
  return *store_.get("subnet", id);
}

Status NetworkService::delete_subnet(const Credentials& caller, const std::string& id) {
  auto found = visible_subnet(caller, id);
  if (!found.ok()) return found.status();
  Json s = **found;
  if (Status st = authorize(policy_, "delete_subnet", caller, subnet_target(s)); !st.ok()) return st;
  // Automatic (SLAAC) addresses and the DHCP port's address go with the subnet; any other allocation keeps it.
  std::set<std::string> port_ids;
  for (const Json* a : store_.find("ip_allocation", "subnet_id", id)) {
    const Json* p = store_.get("port", (*a)["port_id"]);
    // A router's interface holds even a SLAAC subnet (its gateway address).
    bool router_interface = p && (*p)["device_owner"] == "network:router_interface";
    if (p && (*p)["device_owner"] != "network:dhcp" && (!automatic_addresses(s) || router_interface))
      return neutron_error(Code::kConflict, "SubnetInUse",
                           "Unable to complete operation on subnet " + id +
                               ": One or more ports have an IP allocation from this subnet.");
    if (p) port_ids.insert((*p)["id"]);
  }
  return store_.transaction([&]() -> Status {
    for (const std::string& pid : port_ids) {
      Json p = *store_.get("port", pid);
      Json kept = Json::array();
      for (const Json& ip : p["fixed_ips"])
        if (ip["subnet_id"] != id) kept.push_back(ip);
      p["fixed_ips"] = kept;
      Status st =
          kept.empty() && p["device_owner"] == "network:dhcp" ? store_.erase("port", pid) : touch_and_put("port", p);
      if (!st.ok()) return st;
    }
    if (Status st = remove_subnet_unchecked(s); !st.ok()) return st;
    if (const Json* n = store_.get("network", s["network_id"])) return touch_and_put("network", *n);
    return {};
  });
}

Status NetworkService::remove_subnet_unchecked(const Json& subnet) {
  std::vector<std::string> allocations;
  for (const Json* a : store_.find("ip_allocation", "subnet_id", subnet["id"])) allocations.push_back((*a)["id"]);
  for (const std::string& a : allocations)
    if (Status st = ip_allocations_.erase(a); !st.ok()) return st;
  return store_.erase("subnet", subnet["id"]);
}

// The simulated DHCP agent's port: one per network, with an address on each
// DHCP-enabled subnet (the first free one: .2 on a fresh subnet), as
// neutron-dhcp-agent creates it.
Status NetworkService::ensure_dhcp_port(const Json& network, const Json& subnet) {
  const Json* existing = nullptr;
  for (const Json* p : store_.find("port", "network_id", network["id"]))
    if ((*p)["device_owner"] == "network:dhcp") existing = p;
  Json requested = Json::array({{{"subnet_id", subnet["id"]}}});
  if (existing) {
    Json port = *existing;
    for (const Json& ip : port["fixed_ips"])
      if (ip["subnet_id"] == subnet["id"]) return {};
    auto ips = allocate_fixed_ips(network, requested, port["mac_address"], port["id"], Json::array());
    if (!ips.ok()) return ips.status();
    for (const Json& ip : *ips) port["fixed_ips"].push_back(ip);
    return touch_and_put("port", port);
  }
  std::string device_id = "dhcp";
  device_id += random_.uuid4();
  device_id += "-";
  device_id += network["id"].get<std::string>();
  Json port = {{"network_id", network["id"]},      {"device_owner", "network:dhcp"}, {"device_id", device_id},
               {"security_groups", Json::array()}, {"port_security_enabled", false}, {"status", "ACTIVE"}};
  auto created = create_port_unchecked(stamp_new(port, network["project_id"]), network, requested);
  return created.ok() ? Status{} : created.status();
}

}  // namespace stacklab::network
