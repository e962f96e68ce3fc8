#include "scenarios/lab/exercises/state_checks.h"

#include <arpa/inet.h>

namespace stacklab::lab {

namespace {

std::optional<uint32_t> parse_ipv4(const std::string& ip) {
  in_addr a{};
  if (inet_pton(AF_INET, ip.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string id_of_named(const Json& items, const std::string& name) {
  auto found = CloudView::named(items, names::exact(name));
  return found.empty() ? "" : str(found.front(), "id");
}

// The IPv4 addresses of a server on network `network` (all networks when "").
std::vector<std::string> ipv4_addresses(const Json& server, const std::string& network) {
  std::vector<std::string> out;
  if (!server.contains("addresses") || !server["addresses"].is_object()) return out;
  for (const auto& [net, addrs] : server["addresses"].items()) {
    if (!network.empty() && !name_matches(net, names::exact(network))) continue;
    for (const auto& a : addrs)
      if (a.value("version", 0) == 4) out.push_back(str(a, "addr"));
  }
  return out;
}

bool json_int_is(const Json& v, int want) { return v.is_number() && v.get<double>() == want; }

}  // namespace

bool ipv4_in_cidr(const std::string& ip, const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return false;
  auto addr = parse_ipv4(ip), net = parse_ipv4(cidr.substr(0, slash));
  int bits = std::atoi(cidr.c_str() + slash + 1);
  if (!addr || !net || bits < 0 || bits > 32) return false;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
  return (*addr & mask) == (*net & mask);
}

Verdict require_project(CloudView& view, const NamePattern& project, std::string& project_id) {
  Verdict v;
  project_id = view.project_id(project);
  return v.require(!project_id.empty(), "no project " + project.canonical);
}

// The first of `items` named like `name` in `project` into `found`; otherwise what is missing.
Verdict require_named_in(CloudView& view, const Json& items, const std::string& kind, const NamePattern& name,
                         const NamePattern& project, Json& found) {
  std::string pid;
  Verdict v = require_project(view, project, pid);
  if (!v.done()) return v;
  auto all = view.named_in(items, name, pid);
  v.require(!all.empty(), "no " + kind + " " + name.canonical + " in project " + project.canonical);
  if (v.done()) found = all.front();
  return v;
}

Json find_server(CloudView& view, const NamePattern& name, const std::string& project_id) {
  auto found = view.named_in(view.servers(), name, project_id);
  for (const auto& s : found)
    if (str(s, "status") == "ACTIVE") return s;
  return found.empty() ? Json() : found.front();
}

Verdict check_server(CloudView& view, const ServerSpec& spec) {
  std::string pid;
  Verdict v = require_project(view, spec.project, pid);
  if (!v.done()) return v;
  auto found = view.named_in(view.servers(), spec.name, pid);
  v.require(!found.empty(), "no server " + spec.name.canonical + " in project " + spec.project.canonical);
  if (spec.exact_count > 0)
    v.require(static_cast<int>(found.size()) == spec.exact_count, std::to_string(found.size()) + " servers " +
                                                                      spec.name.canonical + ", the book has exactly " +
                                                                      std::to_string(spec.exact_count));
  for (const auto& s : found) {
    const std::string name = str(s, "name");
    v.require(str(s, "status") == "ACTIVE", name + " is " + str(s, "status") + ", not ACTIVE");
    if (!spec.flavor.empty())
      v.require(s.contains("flavor") && str(s["flavor"], "id") == id_of_named(view.flavors(), spec.flavor),
                name + " does not use flavor " + spec.flavor);
    if (spec.image == "-")
      v.require(!s.contains("image") || !s["image"].is_object(), name + " does not boot from a volume");
    else if (!spec.image.empty())
      v.require(s.contains("image") && s["image"].is_object() &&
                    str(s["image"], "id") == id_of_named(view.images(), spec.image),
                name + " does not run image " + spec.image);
    if (!spec.key_name.empty())
      v.require(name_matches(str(s, "key_name"), names::exact(spec.key_name)),
                name + " has key pair '" + str(s, "key_name") + "', not " + spec.key_name);
    if (!spec.network.empty()) {
      auto addrs = ipv4_addresses(s, spec.network);
      v.require(!addrs.empty(), name + " has no IPv4 address on network " + spec.network);
      if (!spec.cidr.empty() && !addrs.empty())
        v.require(ipv4_in_cidr(addrs.front(), spec.cidr),
                  name + "'s address " + addrs.front() + " is not in " + spec.cidr);
    }
  }
  return v;
}

bool has_ingress_rule(const Json& group, const RuleSpec& rule) {
  if (!group.is_object() || !group.contains("security_group_rules")) return false;
  for (const auto& r : group["security_group_rules"]) {
    if (str(r, "direction") != "ingress" || str(r, "ethertype") != "IPv4" || str(r, "protocol") != rule.protocol)
      continue;
    const std::string prefix = str(r, "remote_ip_prefix");
    if (!(prefix == "0.0.0.0/0" || (prefix.empty() && str(r, "remote_group_id").empty()))) continue;
    if (rule.port == 0) {
      if (r["port_range_min"].is_null()) return true;  // any ICMP type
      continue;
    }
    if (json_int_is(r["port_range_min"], rule.port) && json_int_is(r["port_range_max"], rule.port)) return true;
  }
  return false;
}

Verdict check_default_rules(CloudView& view, const NamePattern& project, const std::vector<RuleSpec>& rules,
                            int exact_rule_count) {
  std::string pid;
  Verdict v = require_project(view, project, pid);
  if (!v.done()) return v;
  Json group = view.default_security_group(pid);
  v.require(!group.is_null(), "project " + project.canonical + " has no default security group yet");
  for (const auto& r : rules) {
    std::string what = r.protocol;
    if (r.port) what.append(" ").append(std::to_string(r.port));
    v.require(has_ingress_rule(group, r),
              "the default security group has no ingress IPv4 " + what + " rule from 0.0.0.0/0");
  }
  if (exact_rule_count > 0 && group.is_object()) {
    auto n = static_cast<int>(group.value("security_group_rules", Json::array()).size());
    v.require(n == exact_rule_count, "the default security group has " + std::to_string(n) +
                                         " rules, the book shows exactly " + std::to_string(exact_rule_count));
  }
  return v;
}

Verdict check_network(CloudView& view, const NetworkSpec& spec) {
  Json net;
  Verdict v = require_named_in(view, view.networks(), "network", spec.network, spec.project, net);
  if (!v.done()) return v;
  v.require(net.value("admin_state_up", false), spec.network.canonical + " is administratively down");
  v.require(!net.value("router:external", false), spec.network.canonical + " must not be external");
  std::vector<Json> subnets;
  for (const auto& s : view.subnets())
    if (str(s, "network_id") == str(net, "id")) subnets.push_back(s);
  v.require(subnets.size() == 1,
            spec.network.canonical + " has " + std::to_string(subnets.size()) + " subnets, the book has exactly one");
  if (subnets.empty()) return v;
  const Json& sn = subnets.front();
  v.require(name_matches(str(sn, "name"), spec.subnet), "the subnet is not named " + spec.subnet.canonical);
  v.require(str(sn, "cidr") == spec.cidr, "the subnet's range is " + str(sn, "cidr") + ", not " + spec.cidr);
  v.require(json_int_is(sn["ip_version"], 4), "the subnet is not IPv4");
  v.require(str(sn, "gateway_ip") == spec.gateway, "the subnet's gateway is not " + spec.gateway);
  bool dns = false;
  for (const auto& d : sn.value("dns_nameservers", Json::array())) dns = dns || d == spec.dns;
  v.require(dns, "the subnet has no DNS name server " + spec.dns);
  v.require(sn.value("enable_dhcp", false), "DHCP is off on the subnet");
  return v;
}

Verdict check_router(CloudView& view, const NamePattern& project, const NamePattern& name, const NamePattern& subnet,
                     const std::string& interface_ip) {
  Json r;
  Verdict v = require_named_in(view, view.routers(), "router", name, project, r);
  if (!v.done()) return v;
  v.require(r.value("admin_state_up", false), name.canonical + " is administratively down");
  const Json gw = r.value("external_gateway_info", Json());
  v.require(gw.is_object() && str(gw, "network_id") == view.network_id(names::exact("public")),
            name.canonical + " has no gateway on network public");
  v.require(gw.is_object() && !gw.value("external_fixed_ips", Json::array()).empty(),
            name.canonical + "'s gateway has no external address");
  auto subnets = CloudView::named(view.subnets(), subnet);
  std::string subnet_id = subnets.empty() ? "" : str(subnets.front(), "id");
  bool interface = false;
  for (const auto& p : view.ports_of(str(r, "id"))) {
    if (str(p, "device_owner") != "network:router_interface") continue;
    for (const auto& ip : p.value("fixed_ips", Json::array()))
      interface = interface || (str(ip, "subnet_id") == subnet_id && str(ip, "ip_address") == interface_ip);
  }
  v.require(interface, name.canonical + " has no interface " + interface_ip + " on subnet " + subnet.canonical);
  return v;
}

Verdict check_floating_ip_on(CloudView& view, const NamePattern& project, const NamePattern& server) {
  std::string pid;
  Verdict v = require_project(view, project, pid);
  if (!v.done()) return v;
  Json s = find_server(view, server, pid);
  v.require(!s.is_null(), "no server " + server.canonical + " in project " + project.canonical);
  if (!v.done()) return v;
  bool associated = false;
  for (const auto& port : view.ports_of(str(s, "id")))
    for (const auto& fip : CloudView::owned_by(view.floating_ips().get<std::vector<Json>>(), pid))
      associated = associated || str(fip, "port_id") == str(port, "id");
  return v.require(associated,
                   "no floating IP of project " + project.canonical + " is associated to " + server.canonical);
}

Verdict check_keypair(CloudView& view, const Actor& who, const NamePattern& name) {
  Verdict v;
  v.require(view.cloud().sign_in(who).ok(), "user " + who.user + " cannot sign in to project " + who.project);
  if (!v.done()) return v;
  bool found = false;
  for (const auto& k : view.keypairs_of(who)) found = found || name_matches(str(k["keypair"], "name"), name);
  return v.require(found, "user " + who.user + " has no key pair " + name.canonical);
}

Verdict check_flavor(CloudView& view, const FlavorSpec& spec) {
  Verdict v;
  auto found = CloudView::named(view.flavors(), names::exact(spec.name));
  v.require(!found.empty(), "no flavor " + spec.name);
  if (!v.done()) return v;
  const Json& f = found.front();
  v.require(json_int_is(f["vcpus"], spec.vcpus), spec.name + " does not have " + std::to_string(spec.vcpus) + " VCPUs");
  v.require(json_int_is(f["ram"], spec.ram), spec.name + " does not have " + std::to_string(spec.ram) + " MB RAM");
  v.require(json_int_is(f["disk"], spec.disk),
            spec.name + " does not have a " + std::to_string(spec.disk) + " GB root disk");
  v.require(json_int_is(f.value("OS-FLV-EXT-DATA:ephemeral", Json(0)), 0), spec.name + " has an ephemeral disk");
  v.require(f["swap"] == "" || json_int_is(f["swap"], 0), spec.name + " has swap");
  v.require(f.value("os-flavor-access:is_public", false), spec.name + " is not public");
  v.require(str(f, "id").size() == 36, spec.name + "'s ID is not a generated UUID (--id auto)");
  return v;
}

Verdict check_volume(CloudView& view, const VolumeSpec& spec) {
  Json vol;
  Verdict v = require_named_in(view, view.volumes(), "volume", spec.name, spec.project, vol);
  if (!v.done()) return v;
  const std::string pid = view.project_id(spec.project);
  v.require(json_int_is(vol["size"], spec.size), spec.name.canonical + " is not " + std::to_string(spec.size) + " GB");
  if (!spec.status.empty())
    v.require(str(vol, "status") == spec.status,
              spec.name.canonical + " is " + str(vol, "status") + ", not " + spec.status);
  if (!spec.description.empty())
    v.require(str(vol, "description") == spec.description,
              spec.name.canonical + "'s description is not \"" + spec.description + "\"");
  if (!spec.attached_to.empty()) {
    Json server = find_server(view, names::exact(spec.attached_to), pid);
    bool attached = false;
    for (const auto& a : vol.value("attachments", Json::array()))
      attached = attached || (!server.is_null() && str(a, "server_id") == str(server, "id") &&
                              (spec.device.empty() || str(a, "device") == spec.device));
    v.require(attached, spec.name.canonical + " is not attached to " + spec.attached_to +
                            (spec.device.empty() ? "" : " at " + spec.device));
  }
  return v;
}

}  // namespace stacklab::lab
