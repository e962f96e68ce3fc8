// Fixed IPs of ports: Neutron's IPAM over the subnets' allocation pools
// (lowest free address first), specific addresses, the EUI-64 address of
// every SLAAC subnet, and the ip_allocation rows that keep an address unique
// in its subnet.
#include <algorithm>
#include <map>

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

namespace {

bool automatic_addresses(const Json& subnet) {
  return subnet["ipv6_address_mode"] == "slaac" || subnet["ipv6_address_mode"] == "dhcpv6-stateless";
}

std::vector<IpRange> pools_of(const Json& subnet) {
  std::vector<IpRange> pools;
  for (const Json& p : subnet["allocation_pools"])
    pools.push_back({parse_ip(p["start"])->value, parse_ip(p["end"])->value});
  return pools;
}

}  // namespace

// Resolves `requested` (the fixed_ips of a request, or null for "choose for
// me") into {subnet_id, ip_address} entries and records their allocations.
// Entries already in `current` (the port's fixed_ips) stay as they are; the
// caller releases those no longer wanted.
Result<Json> NetworkService::allocate_fixed_ips(const Json& network, const Json& requested, const std::string& mac,
                                                const std::string& port_id, const Json& current, bool add_automatic,
                                                bool router_port) {
  std::string network_id = network["id"];
  std::vector<Json> subnets;
  for (const Json* s : store_.find("subnet", "network_id", network_id)) subnets.push_back(*s);
  std::stable_sort(subnets.begin(), subnets.end(),
                   [](const Json& a, const Json& b) { return a["created_at"] < b["created_at"]; });

  // What to allocate: (subnet, optional specific address).
  std::vector<std::pair<Json, std::optional<IpAddress>>> wanted;
  if (requested.is_null()) {
    // Neutron: one address from the first IPv4 subnet (and one from the first stateful IPv6 subnet)
    // that has room, and the automatic address of every SLAAC subnet.
    bool v4_done = false, v6_done = false;
    std::vector<Json> v4_candidates, v6_candidates;
    for (const Json& s : subnets) {
      if (automatic_addresses(s)) continue;  // added below
      if (s["ip_version"] == 4)
        v4_candidates.push_back(s);
      else
        v6_candidates.push_back(s);
    }
    for (auto* candidates : {&v4_candidates, &v6_candidates}) {
      bool& done = candidates == &v4_candidates ? v4_done : v6_done;
      for (const Json& s : *candidates) {
        if (!done && lowest_free(pools_of(s), ip_allocations_.used(s["id"]))) {
          wanted.push_back({s, std::nullopt});
          done = true;
        }
      }
      if (!candidates->empty() && !done)
        return neutron_error(Code::kConflict, "IpAddressGenerationFailure",
                             "No more IP addresses available on network " + network_id + ".");
    }
  } else {
    if (!requested.is_array()) return invalid_attribute("fixed_ips", in_quotes(requested.dump()) + " is not a list");
    for (const Json& entry : requested) {
      if (!entry.is_object()) return invalid_attribute("fixed_ips", in_quotes(entry.dump()) + " is not a dictionary");
      for (const auto& [k, v] : entry.items())
        if (k != "subnet_id" && k != "ip_address")
          return invalid_attribute("fixed_ips", "Unrecognized attribute(s) '" + k + "'");
      std::optional<IpAddress> ip;
      if (entry.contains("ip_address")) {
        ip = parse_ip(text_of(entry["ip_address"]));
        if (!ip)
          return invalid_attribute("fixed_ips", in_quotes(text_of(entry["ip_address"])) + " is not a valid IP address");
      }
      const Json* subnet = nullptr;
      if (entry.contains("subnet_id")) {
        std::string sid = text_of(entry["subnet_id"]);
        const Json* s = store_.get("subnet", sid);
        if (!s) return neutron_error(Code::kNotFound, "SubnetNotFound", "Subnet " + sid + " could not be found.");
        if ((*s)["network_id"] != network_id)
          return invalid_input("Failed to create port on network " + network_id +
                               ", because fixed_ips included invalid subnet " + sid);
        subnet = s;
        if (ip && !parse_cidr((*s)["cidr"])->cidr.contains(*ip))
          return neutron_error(
              Code::kBadRequest, "InvalidIpForSubnet",
              "IP address " + text_of(entry["ip_address"]) + " is not a valid IP for the specified subnet.");
      } else if (ip) {
        for (const Json& s : subnets)
          if (parse_cidr(s["cidr"])->cidr.contains(*ip)) subnet = store_.get("subnet", s["id"]);
        if (!subnet)
          return neutron_error(Code::kBadRequest, "InvalidIpForNetwork",
                               "IP address " + text_of(entry["ip_address"]) +
                                   " is not a valid IP for any of the subnets on the specified network.");
      } else {
        return invalid_attribute("fixed_ips", in_quotes(entry.dump()) + " names neither subnet_id nor ip_address");
      }
      if (ip && automatic_addresses(*subnet) && !router_port)
        return invalid_input("IPv6 address " + format_ip(*ip) + " can not be directly assigned to a port on subnet " +
                             (*subnet)["id"].get<std::string>() +
                             " since the subnet is configured for automatic addresses");
      if (ip) {
        Cidr c = parse_cidr((*subnet)["cidr"])->cidr;
        if (c.version == 4 && c.prefix < 31 && (ip->value == c.first() || ip->value == c.last()))
          return neutron_error(Code::kBadRequest, "InvalidIpForSubnet",
                               "IP address " + format_ip(*ip) + " is not a valid IP for the specified subnet.");
      }
      wanted.push_back({*subnet, ip});
    }
  }
  if ((requested.is_null() || add_automatic) && !router_port) {
    // Every SLAAC / DHCPv6-stateless subnet gives the port its EUI-64 address, asked for or not.
    for (const Json& s : subnets)
      if (automatic_addresses(s) &&
          std::none_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first["id"] == s["id"]; }))
        wanted.push_back({s, std::nullopt});
  }

  Json result = Json::array();
  for (auto& [subnet, ip] : wanted) {
    std::string sid = subnet["id"];
    Cidr cidr = parse_cidr(subnet["cidr"])->cidr;
    IpAddress address;
    if (ip) {
      address = *ip;
    } else if (automatic_addresses(subnet)) {
      address = *eui64_address(cidr, mac);
    } else {
      // Keep an address the port already has on this subnet when only the subnet is asked for again.
      bool kept = false;
      for (const Json& c : current)
        if (c["subnet_id"] == sid &&
            std::none_of(result.begin(), result.end(), [&](const Json& r) { return r == c; })) {
          address = *parse_ip(c["ip_address"]);
          kept = true;
          break;
        }
      if (!kept) {
        // Taken addresses include this call's earlier ones: put() below marks them.
        auto free = lowest_free(pools_of(subnet), ip_allocations_.used(sid));
        if (!free)
          return neutron_error(Code::kConflict, "IpAddressGenerationFailure",
                               "No more IP addresses available for subnet " + sid + ".");
        address = IpAddress{cidr.version, *free};
      }
    }
    std::string text = format_ip(address);
    Json fixed = {{"subnet_id", sid}, {"ip_address", text}};
    std::string alloc_id = sid + "/" + text;
    const Json* existing = store_.get("ip_allocation", alloc_id);
    if (existing && (*existing)["port_id"] == port_id) {
      result.push_back(fixed);  // already this port's
      continue;
    }
    if (existing || std::find(result.begin(), result.end(), fixed) != result.end())
      return neutron_error(Code::kConflict, "IpAddressAlreadyAllocated",
                           "IP address " + text + " already allocated in subnet " + sid);
    Json alloc = {
        {"id", alloc_id}, {"subnet_id", sid}, {"network_id", network_id}, {"ip_address", text}, {"port_id", port_id}};
    if (Status st = ip_allocations_.put(alloc); !st.ok()) return st;
    result.push_back(fixed);
  }
  return result;
}

Status NetworkService::release_fixed_ips(const std::string& port_id, const Json& fixed_ips) {
  for (const Json& ip : fixed_ips) {
    std::string alloc_id = ip["subnet_id"].get<std::string>() + "/" + ip["ip_address"].get<std::string>();
    const Json* a = store_.get("ip_allocation", alloc_id);
    if (a && (*a)["port_id"] == port_id)
      if (Status st = ip_allocations_.erase(alloc_id); !st.ok()) return st;
  }
  return {};
}

}  // namespace stacklab::network
