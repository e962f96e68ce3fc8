#include "engine/network/port_firewall.h"

#include <algorithm>

#include "engine/network/ip_protocols.h"
#include "engine/network/ipam.h"
#include "engine/network/document_fields.h"

namespace stacklab::network {

namespace {

constexpr int kIcmpEchoRequest = 8;  // the ICMP type (and code 0) ping sends

const std::string& str(const Json& doc, const char* field) { return field_text(doc, field); }

std::optional<long long> number(const Json& doc, const char* field) {
  if (!doc.contains(field) || doc[field].is_null()) return std::nullopt;
  if (doc[field].is_number_integer()) return doc[field].get<long long>();
  if (doc[field].is_string()) {
    try {
      return std::stoll(doc[field].get<std::string>());
    } catch (...) {
    }
  }
  return std::nullopt;
}

bool prefix_contains(const std::string& cidr_text, const IpAddress& ip) {
  auto cidr = parse_cidr(cidr_text);
  if (!cidr) {  // an address pair may be a bare address
    auto single = parse_ip(cidr_text);
    return single && *single == ip;
  }
  return cidr->cidr.version == ip.version && cidr->cidr.contains(ip);
}

// An address of `port`: a fixed IP, or inside one of its allowed address pairs.
bool port_holds(const Json& port, const IpAddress& ip) {
  for (const Json& f : field_list(port, "fixed_ips"))
    if (auto a = parse_ip(str(f, "ip_address")); a && *a == ip) return true;
  for (const Json& pair : field_list(port, "allowed_address_pairs"))
    if (prefix_contains(str(pair, "ip_address"), ip)) return true;
  return false;
}

bool in_group(const NetworkModel& model, const std::string& group_id, const IpAddress& ip) {
  for (const auto& [id, port] : model.ports) {
    const Json& groups = field_list(port, "security_groups");
    bool member = std::any_of(groups.begin(), groups.end(),
                              [&](const Json& g) { return g.is_string() && g.get_ref<const std::string&>() == group_id; });
    if (member && port_holds(port, ip)) return true;
  }
  return false;
}

std::string group_name(const NetworkModel& model, const std::string& id) {
  auto it = model.security_groups.find(id);
  std::string name = it == model.security_groups.end() ? "" : str(it->second, "name");
  return name.empty() ? id : name;
}

bool protocol_matches(const Json& rule, const Packet& packet) {
  auto proto = protocol_number(rule.value("protocol", Json(nullptr)));
  if (!proto.ok()) return false;
  if (*proto == -1) return true;
  // ICMP rules of an IPv6 group are written "icmp" as often as "ipv6-icmp".
  bool icmp_packet = packet.protocol == 1 || packet.protocol == 58;
  if (icmp_packet) return *proto == 1 || *proto == 58;
  return *proto == packet.protocol;
}

bool ports_match(const Json& rule, const Packet& packet) {
  auto lo = number(rule, "port_range_min"), hi = number(rule, "port_range_max");
  if (packet.protocol == 1 || packet.protocol == 58)  // min is the ICMP type, max the code
    return (!lo || *lo == kIcmpEchoRequest) && (!hi || *hi == 0);
  if (packet.protocol != 6 && packet.protocol != 17) return true;
  return (!lo || *lo <= packet.port) && (!hi || packet.port <= *hi);
}

std::string describe_rule(const NetworkModel& model, const Json& rule) {
  std::string direction = str(rule, "direction");
  std::string out = direction + " " + str(rule, "ethertype") + " ";
  std::string proto = rule.value("protocol", Json(nullptr)).is_null() ? "any" : str(rule, "protocol");
  if (proto.empty()) proto = std::to_string(number(rule, "protocol").value_or(-1));
  out += proto;
  auto lo = number(rule, "port_range_min"), hi = number(rule, "port_range_max");
  if (lo) {
    out += ' ';
    out += std::to_string(*lo);
    if (hi && *hi != *lo) {
      out += '-';
      out += std::to_string(*hi);
    }
  }
  out += direction == "ingress" ? " from " : " to ";
  if (!str(rule, "remote_group_id").empty())
    out += "members of " + group_name(model, str(rule, "remote_group_id"));
  else if (!str(rule, "remote_ip_prefix").empty())
    out += str(rule, "remote_ip_prefix");
  else
    out += "anywhere";
  return out;
}

}  // namespace

std::string Packet::text() const {
  if (protocol == 1 || protocol == 58) return "icmp";
  std::string name = std::to_string(protocol);
  for (const auto& [n, number] : protocol_numbers())
    if (number == protocol && n.find('-') == std::string::npos) name = n;
  return protocol == 6 || protocol == 17 ? name + "/" + std::to_string(port) : name;
}

FirewallDecision check_port_firewall(const NetworkModel& model, const Json& port, const std::string& direction,
                                     const Packet& packet, const std::string& peer_ip) {
  if (port.value("port_security_enabled", true) == false) return {true, "port security disabled: no firewall"};
  auto peer = parse_ip(peer_ip);
  const Json& groups = field_list(port, "security_groups");
  if (groups.empty() || !peer)
    return {false, "port " + str(port, "id") + " has no security group: its firewall drops all traffic"};
  const std::string ethertype = packet.version == 6 ? "IPv6" : "IPv4";
  std::string names;
  for (const Json& g : groups) {
    std::string gid = g.get<std::string>();
    names += (names.empty() ? "" : ", ") + group_name(model, gid);
    auto rules = model.rules_by_group.find(gid);
    if (rules == model.rules_by_group.end()) continue;
    for (const Json& rule : rules->second) {
      if (str(rule, "direction") != direction || str(rule, "ethertype") != ethertype) continue;
      if (!protocol_matches(rule, packet) || !ports_match(rule, packet)) continue;
      std::string remote_group = str(rule, "remote_group_id"), prefix = str(rule, "remote_ip_prefix");
      if (!remote_group.empty() && !in_group(model, remote_group, *peer)) continue;
      if (!prefix.empty() && !prefix_contains(prefix, *peer)) continue;
      return {true, "security group " + group_name(model, gid) + ": " + describe_rule(model, rule)};
    }
  }
  std::string plural = groups.size() > 1 ? "s " : " ";
  return {false, "no " + direction + " rule in security group" + plural + names + " allows " + packet.text() +
                     (direction == "ingress" ? " from " : " to ") + peer_ip};
}

}  // namespace stacklab::network
