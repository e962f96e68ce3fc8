#include "engine/network/network_probes.h"

#include "engine/network/ipam.h"
#include "engine/network/document_fields.h"

namespace stacklab::network {

namespace {

constexpr const char* kInternetAddress = "8.8.8.8";  // what the book pings as "the internet"

const std::string& str(const Json& doc, const char* field) { return field_text(doc, field); }

bool is_compute_port(const Json& port) { return str(port, "device_owner").rfind("compute:", 0) == 0; }

bool holds_fixed(const Json& port, const IpAddress& ip) {
  for (const Json& f : field_list(port, "fixed_ips"))
    if (auto a = parse_ip(str(f, "ip_address")); a && *a == ip) return true;
  return false;
}

std::string first_ipv4(const Json& port) {
  for (const Json& f : field_list(port, "fixed_ips"))
    if (auto a = parse_ip(str(f, "ip_address")); a && a->version == 4) return format_ip(*a);
  return "";
}

// The lab host's address: the gateway of the first external network's IPv4 subnet.
std::string host_address(const NetworkModel& model) {
  for (const auto& [id, net] : model.networks) {
    if (net.value("router:external", false) != true) continue;
    for (const auto& [sid, s] : model.subnets)
      if (str(s, "network_id") == id && s.value("ip_version", 4) == 4 && !str(s, "gateway_ip").empty())
        return str(s, "gateway_ip");
  }
  return "";
}

bool is_external_gateway(const NetworkModel& model, const IpAddress& ip) {
  for (const auto& [sid, s] : model.subnets) {
    const Json* net = model.networks.count(str(s, "network_id")) ? &model.networks.at(str(s, "network_id")) : nullptr;
    auto gw = parse_ip(str(s, "gateway_ip"));
    if (net && net->value("router:external", false) == true && gw && *gw == ip) return true;
  }
  return false;
}

bool may_see(const Credentials& caller, const std::string& project_id) {
  return caller.is_admin() || (!project_id.empty() && project_id == caller.project_id);
}

}  // namespace

std::string ProbeOutcome::tool() const {
  if (probe.protocol == "icmp") return "ping";
  if (probe.protocol == "tcp" && probe.port == 22) return "ssh";
  return "probe";
}

Json ProbeOutcome::to_json() const {
  Json out = verdict.to_json();
  out["from"] = from.description;
  out["to"] = to.description;
  out["protocol"] = probe.protocol;
  out["port"] = probe.protocol == "icmp" ? Json(nullptr) : Json(probe.port);
  out["tool"] = tool();
  return out;
}

NetworkProbes::NetworkProbes(const Store& store, const NetworkDataplane& dataplane, const GuestDirectory& guests,
                             HostInfo host)
    : store_(store), dataplane_(dataplane), guests_(guests), host_(std::move(host)) {}

namespace {

// The store tables a model is read from.
constexpr const char* kModelTables[] = {"network", "subnet",         "port",
                                        "router",  "floatingip",     "security_group",
                                        "security_group_rule", "port_forwarding"};

}  // namespace

const NetworkModel& NetworkProbes::current_model() const {
  std::vector<std::uint64_t> versions;
  for (const char* table : kModelTables) versions.push_back(store_.version(table));
  if (versions != cached_versions_) {
    NetworkModel m;
    m.host = host_;
    const std::pair<const char*, std::map<std::string, Json>*> tables[] = {
        {"network", &m.networks}, {"subnet", &m.subnets},          {"port", &m.ports},
        {"router", &m.routers},   {"floatingip", &m.floating_ips}, {"security_group", &m.security_groups}};
    for (const auto& [kind, into] : tables)
      for (const Json* doc : store_.list(kind)) (*into)[str(*doc, "id")] = *doc;
    for (const Json* rule : store_.list("security_group_rule"))
      m.rules_by_group[str(*rule, "security_group_id")].push_back(*rule);
    for (const Json* pf : store_.list("port_forwarding")) m.forwardings_by_fip[str(*pf, "floatingip_id")].push_back(*pf);
    m.index();
    cached_ = std::move(m);
    cached_versions_ = std::move(versions);
  }
  // Guests change state (a stop, a reboot) without Neutron's tables changing: read them each time.
  cached_.guests.clear();
  for (const auto& [id, port] : cached_.ports)
    if (is_compute_port(port))
      if (auto g = guests_.guest(str(port, "device_id"))) cached_.guests[g->id] = *g;
  return cached_;
}

NetworkModel NetworkProbes::model() const { return current_model(); }

Result<ProbeOutcome> NetworkProbes::probe(const Credentials& caller, const Json& body) const {
  if (!body.is_object()) return BadRequest("The request body must be an object with 'from' and 'to'.");
  for (const char* end : {"from", "to"})
    if (!body.contains(end)) return BadRequest(std::string(end) + " is a required property.");
  ProbeOutcome out;
  out.probe.protocol = body.value("protocol", Json("icmp")).is_string() ? body.value("protocol", "icmp") : "";
  if (out.probe.protocol != "icmp" && out.probe.protocol != "tcp" && out.probe.protocol != "udp")
    return BadRequest("Invalid protocol: 'icmp', 'tcp' or 'udp' expected.");
  const Json port = body.value("port", Json(nullptr));
  if (out.probe.protocol == "icmp") {
    if (!port.is_null()) return BadRequest("An icmp probe takes no port.");
  } else {
    if (!port.is_number_integer() || port.get<long long>() < 1 || port.get<long long>() > 65535)
      return BadRequest("A " + out.probe.protocol + " probe needs a destination 'port' from 1 to 65535.");
    out.probe.port = port.get<int>();
  }
  const NetworkModel& m = current_model();
  auto from = resolve(caller, m, body["from"], "from");
  if (!from.ok()) return from.status();
  auto to = resolve(caller, m, body["to"], "to");
  if (!to.ok()) return to.status();
  out.from = std::move(*from);
  out.to = std::move(*to);
  out.probe.from = out.from.endpoint;
  out.probe.to = out.to.endpoint;
  out.verdict = dataplane_.probe(m, out.probe);
  hide_foreign(caller, m, out.verdict);
  return out;
}

Result<ResolvedEnd> NetworkProbes::resolve(const Credentials& caller, const NetworkModel& m, const Json& end,
                                           const char* which) const {
  const std::string what = which;
  ResolvedEnd r;
  if (end == "host") {
    r.endpoint.kind = ProbeEndpoint::Kind::kHost;
    r.description = {{"type", "host"}, {"name", host_.name}, {"ip", host_address(m)}};
    return r;
  }
  auto internet = [] {
    ResolvedEnd i;
    i.endpoint = {ProbeEndpoint::Kind::kIp, "", kInternetAddress};
    i.description = {{"type", "ip"}, {"name", "internet"}, {"ip", kInternetAddress}};
    return i;
  };
  if (end == "internet") return internet();
  if (!end.is_object())
    return BadRequest("'" + what + "' must be \"host\", \"internet\" or an object naming a server, port or ip.");
  std::string ip_text = end.contains("ip") ? (end["ip"].is_string() ? end["ip"].get<std::string>() : "?") : "";
  std::optional<IpAddress> ip;
  if (!ip_text.empty()) {
    ip = parse_ip(ip_text);
    if (!ip) return BadRequest("Invalid '" + what + "' ip '" + ip_text + "': an IP address expected.");
  }
  if (end.contains("server")) {
    if (!end["server"].is_string()) return BadRequest("'" + what + "' server must be a name or an ID.");
    auto server = guests_.find_server(caller, end["server"].get<std::string>());
    if (!server.ok()) return server.status();
    for (const Json* port : store_.find("port", "device_id", server->id))
      if (ip ? holds_fixed(*port, *ip) : !first_ipv4(*port).empty()) return resolve_port(caller, *port, ip_text);
    if (ip) return BadRequest("Server " + server->name + " has no address " + ip_text + ".");
    return Conflict("Server " + server->name + " has no network interface with an IPv4 address.");
  }
  if (end.contains("port")) {
    const Json* port = end["port"].is_string() ? store_.get("port", end["port"].get<std::string>()) : nullptr;
    if (!port || !may_see(caller, str(*port, "project_id")))
      return NotFound("Port " + (end["port"].is_string() ? end["port"].get<std::string>() : end["port"].dump()) +
                      " could not be found.");
    if (ip && !holds_fixed(*port, *ip) && what == "to")
      return BadRequest("Port " + str(*port, "id") + " has no address " + ip_text + ".");
    return resolve_port(caller, *port, ip_text);
  }
  if (!ip) return BadRequest("'" + what + "' must name a server, a port or an ip.");
  // A bare address: a VM port holding it (the caller's first, when several networks overlap), the host, or as it is.
  const Json* holder = nullptr;
  for (const auto& [id, port] : m.ports)
    if (is_compute_port(port) && holds_fixed(port, *ip) && (!holder || may_see(caller, str(port, "project_id"))))
      holder = &port;
  if (holder && may_see(caller, str(*holder, "project_id"))) return resolve_port(caller, *holder, ip_text);
  if (is_external_gateway(m, *ip)) {
    r.endpoint.kind = ProbeEndpoint::Kind::kHost;
    r.description = {{"type", "host"}, {"name", host_.name}, {"ip", format_ip(*ip)}};
    return r;
  }
  if (holder && what == "from") return NotFound("No port of yours holds " + ip_text + ".");
  if (format_ip(*ip) == kInternetAddress) return internet();
  r.endpoint = {ProbeEndpoint::Kind::kIp, "", format_ip(*ip)};
  r.description = {{"type", "ip"}, {"ip", format_ip(*ip)}};
  return r;
}

Result<ResolvedEnd> NetworkProbes::resolve_port(const Credentials& caller, const Json& port,
                                                const std::string& ip) const {
  if (!may_see(caller, str(port, "project_id"))) return NotFound("Port " + str(port, "id") + " could not be found.");
  ResolvedEnd r;
  r.endpoint = {ProbeEndpoint::Kind::kPort, str(port, "id"), ip};
  std::string address = ip.empty() ? first_ipv4(port) : ip;
  r.description = {{"type", "port"},
                   {"id", str(port, "id")},
                   {"name", str(port, "name")},
                   {"port_id", str(port, "id")},
                   {"ip", address}};
  if (is_compute_port(port))
    if (auto g = guests_.guest(str(port, "device_id")))
      r.description = {
          {"type", "server"}, {"id", g->id}, {"name", g->name}, {"port_id", str(port, "id")}, {"ip", address}};
  return r;
}

void NetworkProbes::hide_foreign(const Credentials& caller, const NetworkModel& m, ProbeVerdict& verdict) const {
  if (caller.is_admin()) return;
  for (Hop& hop : verdict.hops) {
    if (hop.id.empty()) continue;
    std::string owner;
    if (auto p = m.ports.find(hop.id); p != m.ports.end()) owner = str(p->second, "project_id");
    if (auto rt = m.routers.find(hop.id); rt != m.routers.end()) owner = str(rt->second, "project_id");
    if (owner == caller.project_id) continue;
    hop.id.clear();
    hop.name = "another project's " + hop.type;
  }
}

}  // namespace stacklab::network
