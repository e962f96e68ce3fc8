#include "engine/network/reachability.h"

#include <algorithm>

#include "engine/network/ipam.h"
#include "engine/network/l3_ports.h"
#include "engine/network/port_firewall.h"
#include "engine/network/document_fields.h"

namespace stacklab::network {

namespace {

// Routers a packet may cross before the probe calls it a loop (extra routes
// pointing at each other).
constexpr int kMaxRouters = 8;

const std::string& str(const Json& doc, const char* field) { return field_text(doc, field); }

std::string name_of(const Json& doc) {
  std::string name = str(doc, "name");
  return name.empty() ? str(doc, "id") : name;
}

bool admin_up(const Json& doc) { return doc.value("admin_state_up", true) != false; }

const Json* find(const std::map<std::string, Json>& docs, const std::string& id) {
  auto it = docs.find(id);
  return it == docs.end() ? nullptr : &it->second;
}

bool cidr_contains(const std::string& cidr_text, const std::string& ip_text) {
  auto cidr = parse_cidr(cidr_text);
  auto ip = parse_ip(ip_text);
  return cidr && ip && cidr->cidr.version == ip->version && cidr->cidr.contains(*ip);
}

bool same_ip(const std::string& a, const std::string& b) {
  auto x = parse_ip(a), y = parse_ip(b);
  return x && y && *x == *y;
}

// The next hop of the route (host route, extra route) whose destination
// holds `ip` with the longest prefix; nullopt when none does.
std::optional<std::string> longest_match(const Json& routes, const std::string& ip) {
  std::optional<std::string> best;
  int best_len = -1;
  for (const Json& r : routes) {
    auto dest = parse_cidr(str(r, "destination"));
    if (dest && cidr_contains(str(r, "destination"), ip) && dest->cidr.prefix > best_len) {
      best = str(r, "nexthop");
      best_len = dest->cidr.prefix;
    }
  }
  return best;
}

// Reads the model: which subnet, port, router or floating IP an address or id belongs to.
class ModelView {
 public:
  explicit ModelView(const NetworkModel& m) : m_(m) {}

  const Json* network(const std::string& id) const { return find(m_.networks, id); }
  const Json* router(const std::string& id) const { return find(m_.routers, id); }
  const Json* subnet(const std::string& id) const { return find(m_.subnets, id); }

  bool external(const Json& network) const { return network.value("router:external", false) == true; }

  // The subnet of `network_id` ("" = any network) whose cidr holds `ip`.
  const Json* subnet_containing(const std::string& network_id, const std::string& ip) const {
    for (const auto& [id, s] : m_.subnets)
      if ((network_id.empty() || str(s, "network_id") == network_id) && cidr_contains(str(s, "cidr"), ip)) return &s;
    return nullptr;
  }

  // The port answering for `ip` on `network_id`: a fixed IP first, else an
  // allowed address pair (a VIP). Floating IP ports only reserve the address.
  const Json* holder(const std::string& network_id, const std::string& ip) const {
    const Json* pair_holder = nullptr;
    for (const Json* port : ports_on(network_id)) {
      const Json& p = *port;
      if (str(p, "device_owner") == kFloatingIpOwner) continue;
      for (const Json& f : field_list(p, "fixed_ips"))
        if (same_ip(str(f, "ip_address"), ip)) return &p;
      for (const Json& pair : field_list(p, "allowed_address_pairs")) {
        std::string a = str(pair, "ip_address");
        if (!pair_holder && (same_ip(a, ip) || cidr_contains(a, ip))) pair_holder = &p;
      }
    }
    return pair_holder;
  }

  const Json* floating_ip_at(const std::string& ip) const {
    index_floating_ips();
    auto it = floating_ip_by_address_.find(canonical_ip(ip));
    return it == floating_ip_by_address_.end() ? nullptr : it->second;
  }

  // The floating IP of `port_id`'s fixed address `ip`, if one is associated.
  const Json* floating_ip_of(const std::string& port_id, const std::string& ip) const {
    index_floating_ips();
    auto it = floating_ips_by_port_.find(port_id);
    if (it == floating_ips_by_port_.end()) return nullptr;
    for (const Json* f : it->second)
      if (same_ip(str(*f, "fixed_ip_address"), ip)) return f;
    return nullptr;
  }

  // The router's ports: its interfaces and its gateway.
  std::vector<const Json*> router_ports(const std::string& router_id) const {
    return indexed_ports(m_.port_ids_by_router, ports_by_router_, router_id);
  }

  // The ports on `network_id`, in id order.
  std::vector<const Json*> ports_on(const std::string& network_id) const {
    return indexed_ports(m_.port_ids_by_network, ports_by_network_, network_id);
  }

  // The first address of `port` of `version` (its subnet through `subnet_id`).
  std::string address(const Json& port, int version, std::string* subnet_id = nullptr) const {
    for (const Json& f : field_list(port, "fixed_ips")) {
      auto ip = parse_ip(str(f, "ip_address"));
      if (!ip || ip->version != version) continue;
      if (subnet_id) *subnet_id = str(f, "subnet_id");
      return str(f, "ip_address");
    }
    return "";
  }

  // Where the host sits on external network `network_id`: br-ex holds the
  // gateway address of its subnet of `version`.
  std::string host_address(const std::string& network_id, int version) const {
    for (const auto& [id, s] : m_.subnets)
      if (str(s, "network_id") == network_id && s.value("ip_version", 4) == version && !str(s, "gateway_ip").empty())
        return str(s, "gateway_ip");
    return "";
  }

  // The external network the host reaches `ip` on: the one holding it, else the first.
  const Json* host_network(const std::string& ip) const {
    const Json* first = nullptr;
    for (const auto& [id, n] : m_.networks) {
      if (!external(n)) continue;
      if (subnet_containing(id, ip)) return &n;
      if (!first) first = &n;
    }
    return first;
  }

  // Where a host on `subnet` sends a packet for `ip` off its subnet: the
  // longest matching host route's next hop, else the gateway ("" if none).
  std::string next_hop(const Json& subnet, const std::string& ip) const {
    return longest_match(field_list(subnet, "host_routes"), ip).value_or(str(subnet, "gateway_ip"));
  }

  const NetworkModel& model() const { return m_; }

 private:
  // One pass over the model's ports or floating IPs on first use, so that a
  // probe does not scan every port of a large cloud at each hop.
  // From the model's own index when it has one, else from this view's.
  std::vector<const Json*> indexed_ports(const std::map<std::string, std::vector<std::string>>& model_index,
                                         const std::map<std::string, std::vector<const Json*>>& own_index,
                                         const std::string& key) const {
    std::vector<const Json*> out;
    if (m_.indexed) {
      auto it = model_index.find(key);
      if (it != model_index.end())
        for (const std::string& id : it->second) out.push_back(find(m_.ports, id));
      return out;
    }
    index_ports();
    auto it = own_index.find(key);
    return it == own_index.end() ? out : it->second;
  }
  void index_ports() const {
    if (ports_indexed_) return;
    ports_indexed_ = true;
    for (const auto& [id, p] : m_.ports) {
      ports_by_network_[str(p, "network_id")].push_back(&p);
      const std::string& owner = str(p, "device_owner");
      if (owner == kInterfaceOwner || owner == kGatewayOwner) ports_by_router_[str(p, "device_id")].push_back(&p);
    }
  }
  void index_floating_ips() const {
    if (floating_ips_indexed_) return;
    floating_ips_indexed_ = true;
    for (const auto& [id, f] : m_.floating_ips) {
      floating_ip_by_address_.emplace(canonical_ip(str(f, "floating_ip_address")), &f);
      if (!str(f, "port_id").empty()) floating_ips_by_port_[str(f, "port_id")].push_back(&f);
    }
  }
  static std::string canonical_ip(const std::string& text) {
    auto ip = parse_ip(text);
    return ip ? format_ip(*ip) : text;
  }

  const NetworkModel& m_;
  mutable bool ports_indexed_ = false, floating_ips_indexed_ = false;
  mutable std::map<std::string, std::vector<const Json*>> ports_by_network_, ports_by_router_, floating_ips_by_port_;
  mutable std::map<std::string, const Json*> floating_ip_by_address_;
};

class Trace {
 public:
  Trace(const NetworkModel& model, const Probe& probe) : view_(model), probe_(probe) {}

  ProbeVerdict run() {
    if (!set_packet() || !set_destination()) return std::move(verdict_);
    bool ok = false;
    switch (probe_.from.kind) {
      case ProbeEndpoint::Kind::kPort:
        ok = leave_port();
        break;
      case ProbeEndpoint::Kind::kHost:
        ok = leave_host();
        break;
      case ProbeEndpoint::Kind::kIp:
        ok = leave_internet();
        break;
    }
    verdict_.reachable = ok;
    if (ok) verdict_.reason.clear();
    return std::move(verdict_);
  }

 private:
  bool fail(std::string reason) {
    verdict_.reason = std::move(reason);
    return false;
  }
  void hop(std::string type, const Json* doc, std::string address, std::string detail) {
    Hop h{std::move(type), doc ? str(*doc, "id") : "", doc ? name_of(*doc) : "", std::move(address), std::move(detail)};
    verdict_.hops.push_back(std::move(h));
  }
  void hop_named(std::string type, std::string name, std::string address, std::string detail) {
    verdict_.hops.push_back({std::move(type), "", std::move(name), std::move(address), std::move(detail)});
  }
  const std::string& host_name() const { return view_.model().host.name; }

  bool set_packet() {
    if (probe_.protocol == "icmp")
      packet_.protocol = 1;
    else if (probe_.protocol == "tcp")
      packet_.protocol = 6;
    else if (probe_.protocol == "udp")
      packet_.protocol = 17;
    else
      return fail("unknown protocol " + probe_.protocol + ": icmp, tcp or udp");
    packet_.port = probe_.port;
    return true;
  }

  // The destination address: the port's (its first IPv4 unless one is named), the host's, or the one given.
  bool set_destination() {
    const ProbeEndpoint& to = probe_.to;
    if (to.kind == ProbeEndpoint::Kind::kPort) {
      const Json* port = find(view_.model().ports, to.port_id);
      if (!port) return fail("port " + to.port_id + " does not exist");
      dst_ip_ = to.ip.empty() ? view_.address(*port, 4) : to.ip;
      if (dst_ip_.empty()) return fail("port " + to.port_id + " has no IPv4 address to send to");
    } else if (to.kind == ProbeEndpoint::Kind::kHost) {
      const Json* ext = view_.host_network("");
      if (!ext) return fail("there is no external network: the host's br-ex connects to nothing");
      dst_ip_ = view_.host_address(str(*ext, "id"), 4);
    } else {
      dst_ip_ = to.ip;
    }
    auto ip = parse_ip(dst_ip_);
    if (!ip) return fail(dst_ip_ + " is not an IP address");
    packet_.version = ip->version;
    addressed_ip_ = dst_ip_;
    return true;
  }

  // ---- sources ---------------------------------------------------------------

  bool leave_port() {
    const Json* port = find(view_.model().ports, probe_.from.port_id);
    if (!port) return fail("port " + probe_.from.port_id + " does not exist");
    src_port_ = port;
    const std::string owner = str(*port, "device_owner");
    if (owner.rfind("compute:", 0) != 0)
      return fail("port " + name_of(*port) + " is not a VM's port (device_owner " + owner +
                  "): probes start at a VM, the host or the internet");
    const Json* net = view_.network(str(*port, "network_id"));
    std::string subnet_id;
    src_ip_ = probe_.from.ip.empty() ? view_.address(*port, packet_.version, &subnet_id) : probe_.from.ip;
    hop("port", port, src_ip_, "the VM's interface on " + (net ? name_of(*net) : std::string("?")));
    if (!guest_answers(*port, "sends")) return false;
    if (!admin_up(*port)) return fail("port " + name_of(*port) + " is administratively down (admin_state_up false)");
    if (!net) return fail("the port's network is gone");
    if (!admin_up(*net)) return fail("network " + name_of(*net) + " is administratively down (admin_state_up false)");
    if (src_ip_.empty())
      return fail("the VM has no IPv" + std::to_string(packet_.version) + " address on " + name_of(*net));
    if (subnet_id.empty()) {  // an address the caller chose: the port must own it, else anti-spoofing drops it
      for (const Json& f : field_list(*port, "fixed_ips"))
        if (same_ip(str(f, "ip_address"), src_ip_)) subnet_id = str(f, "subnet_id");
      if (const Json* s = view_.subnet_containing(str(*net, "id"), src_ip_); s && subnet_id.empty())
        subnet_id = str(*s, "id");  // an allowed address pair's address sends as its subnet's host
      const Json* owner_port = view_.holder(str(*net, "id"), src_ip_);
      if (owner_port != port && port->value("port_security_enabled", true) != false)
        return fail("port " + name_of(*port) + " may not send from " + src_ip_ +
                    ": it is neither its fixed IP nor an allowed address pair (anti-spoofing)");
    }
    if (!got_address_by_dhcp(subnet_id)) return false;
    FirewallDecision egress = check_port_firewall(view_.model(), *port, "egress", packet_, addressed_ip_);
    if (!egress.allowed) return fail(egress.why);
    verdict_.hops.back().detail += "; out: " + egress.why;
    return route_from_port(*net, subnet_id);
  }

  bool leave_host() {
    const Json* ext = view_.host_network(dst_ip_);
    if (!ext) return fail("there is no external network: the host's br-ex connects to nothing");
    src_ip_ = view_.host_address(str(*ext, "id"), packet_.version);
    hop_named("host", host_name(), src_ip_, "the lab host, on " + name_of(*ext) + " through br-ex");
    if (same_ip(src_ip_, dst_ip_)) return true;
    if (view_.subnet_containing(str(*ext, "id"), dst_ip_)) return on_network(*ext);
    return beyond_external(*ext);
  }

  bool leave_internet() {
    src_ip_ = probe_.from.ip;
    hop_named("internet", "internet", src_ip_, "");
    if (!view_.subnet_containing("", dst_ip_) && probe_.to.kind == ProbeEndpoint::Kind::kIp)
      return fail("both ends are on the internet: nothing in the cloud lies between them");
    return fail("nothing on the internet reaches " + dst_ip_ +
                ": the external network is the lab host's own range behind br-ex, which forwards nothing "
                "inbound (floating IPs are reachable from the host only)");
  }

  // ---- checks at the ends --------------------------------------------------------

  // A compute port's guest must be running to send or answer.
  bool guest_answers(const Json& port, const char* verb) {
    const std::string device = str(port, "device_id");
    auto it = view_.model().guests.find(device);
    if (it == view_.model().guests.end())
      return fail("no VM is behind port " + name_of(port) + " (device " + (device.empty() ? "none" : device) + ")");
    const GuestState& g = it->second;
    if (g.answers()) return true;
    return fail("VM " + g.name + " is " + g.status + ": only a running (ACTIVE) VM " + verb + " packets");
  }

  bool got_address_by_dhcp(const std::string& subnet_id) {
    const Json* subnet = view_.subnet(subnet_id);
    if (!subnet || subnet->value("ip_version", 4) != 4 || subnet->value("enable_dhcp", true) != false) return true;
    return fail("the VM has no address on " + name_of(*subnet) + ": DHCP is disabled there (enable_dhcp false), " +
                "so the guest never configured " + view_.address(*find(view_.model().ports, probe_.from.port_id), 4));
  }

  // ---- forwarding --------------------------------------------------------------

  // A VM sends: on its own subnet directly, else to its next hop.
  bool route_from_port(const Json& net, const std::string& subnet_id) {
    if (view_.subnet_containing(str(net, "id"), dst_ip_)) return on_network(net);
    const Json* subnet = view_.subnet(subnet_id);
    if (!subnet) return fail("the VM's subnet is gone");
    const std::string cidr = str(*subnet, "cidr");
    std::string via = view_.next_hop(*subnet, dst_ip_);
    if (via.empty())
      return fail("subnet " + name_of(*subnet) + " (" + cidr + ") has no gateway: the VM cannot send beyond it");
    const Json* next = view_.holder(str(net, "id"), via);
    if (!next) {
      if (view_.external(net) && same_ip(via, view_.host_address(str(net, "id"), packet_.version))) {
        hop_named("host", host_name(), via, "the gateway of " + name_of(*subnet) + " is the host's br-ex");
        return beyond_external(net);
      }
      return fail("no router connects " + cidr + " to " + destination_words() + ": nothing holds " + via +
                  ", the gateway of subnet " + name_of(*subnet));
    }
    const Json* router =
        str(*next, "device_owner") == kInterfaceOwner ? view_.router(str(*next, "device_id")) : nullptr;
    if (!router) return fail("the next hop " + via + " of subnet " + name_of(*subnet) + " is not a router");
    return at_router(*router, via);
  }

  // A router forwards: to a subnet it is on, by an extra route, or out of its gateway.
  bool at_router(const Json& router, const std::string& arrived_at) {
    if (++routers_seen_ > kMaxRouters)
      return fail("routing loop: the packet crossed " + std::to_string(kMaxRouters) + " routers");
    hop("router", &router, arrived_at, "");
    if (!admin_up(router))
      return fail("router " + name_of(router) + " is administratively down (admin_state_up false)");
    routers_crossed_.push_back(str(router, "id"));
    const Json* gateway = nullptr;
    for (const Json* p : view_.router_ports(str(router, "id"))) {
      if (str(*p, "device_owner") == kGatewayOwner) {
        gateway = p;
        continue;
      }
      for (const Json& f : field_list(*p, "fixed_ips")) {
        const Json* s = view_.subnet(str(f, "subnet_id"));
        if (!s || !cidr_contains(str(*s, "cidr"), dst_ip_)) continue;
        verdict_.hops.back().detail = "forwards onto " + name_of(*s) + " (" + str(*s, "cidr") + ")";
        const Json* net = view_.network(str(*p, "network_id"));
        return net ? on_network(*net) : fail("the router's network is gone");
      }
    }
    const Json* ext = gateway ? view_.network(str(*gateway, "network_id")) : nullptr;
    if (ext && view_.subnet_containing(str(*ext, "id"), dst_ip_)) return snat(router, *gateway) && on_network(*ext);
    if (auto via = extra_route(router)) return follow_extra_route(router, *via);
    if (!ext && view_.subnet_containing("", dst_ip_))
      return fail("router " + name_of(router) + " has no interface on " + dst_ip_ + "'s subnet and no route to it");
    if (!ext)
      return fail("router " + name_of(router) + " has no external gateway: no router connects " +
                  source_subnet_words() + " to the external network");
    return snat(router, *gateway) && beyond_external(*ext);
  }

  std::optional<std::string> extra_route(const Json& router) const {
    return longest_match(field_list(router, "routes"), dst_ip_);
  }

  bool follow_extra_route(const Json& router, const std::string& via) {
    verdict_.hops.back().detail = "extra route to " + dst_ip_ + " via " + via;
    for (const Json* p : view_.router_ports(str(router, "id"))) {
      if (!view_.subnet_containing(str(*p, "network_id"), via)) continue;
      const Json* next = view_.holder(str(*p, "network_id"), via);
      const Json* next_router = next && str(*next, "device_owner").rfind("network:router_", 0) == 0
                                    ? view_.router(str(*next, "device_id"))
                                    : nullptr;
      if (!next_router)
        return fail("router " + name_of(router) + "'s extra route sends " + dst_ip_ + " to " + via +
                    ", which is not another router");
      return at_router(*next_router, via);
    }
    return fail("router " + name_of(router) + "'s extra route next hop " + via + " is on none of its subnets");
  }

  // Leaving through the gateway: a project address is rewritten to the
  // source's floating IP (1:1 NAT) or, with enable_snat, to the gateway's.
  bool snat(const Json& router, const Json& gateway_port) {
    const Json* src_net = src_port_ ? view_.network(str(*src_port_, "network_id")) : nullptr;
    if (translated_ || !src_net || view_.external(*src_net)) return true;  // already an external address
    translated_ = true;
    if (const Json* fip = view_.floating_ip_of(str(*src_port_, "id"), src_ip_);
        fip && str(*fip, "router_id") == str(router, "id")) {
      src_ip_ = str(*fip, "floating_ip_address");
      hop("snat", &router, src_ip_, "source " + str(*fip, "fixed_ip_address") + " becomes its floating IP " + src_ip_);
      return true;
    }
    const Json& info = router.value("external_gateway_info", Json::object());
    if (info.is_object() && info.value("enable_snat", true) == false)
      return fail("router " + name_of(router) + " does not SNAT (enable_snat false) and " + src_ip_ +
                  " has no floating IP: replies to a project address could never come back");
    std::string before = src_ip_;
    src_ip_ = view_.address(gateway_port, packet_.version);
    hop("snat", &router, src_ip_, "source " + before + " becomes the router's gateway address " + src_ip_);
    return true;
  }

  // Onto the external network's far side: the host, and through it the internet.
  bool beyond_external(const Json& ext) {
    if (const Json* inside = view_.subnet_containing("", dst_ip_)) {
      const Json* net = view_.network(str(*inside, "network_id"));
      return fail("project networks are isolated: " + dst_ip_ + " is on " + (net ? name_of(*net) : "?") + " (" +
                  str(*inside, "cidr") + "), which no route from " + name_of(ext) + " reaches" + floating_hint());
    }
    if (verdict_.hops.empty() || verdict_.hops.back().type != "host")
      hop_named("host", host_name(), view_.host_address(str(ext, "id"), packet_.version),
                "br-ex on " + name_of(ext) + ", forwards to the internet");
    hop_named("internet", "internet", dst_ip_, "");
    return true;
  }

  // Delivery on one network (L2), or the floating IP / host on an external one.
  bool on_network(const Json& net) {
    if (!admin_up(net)) return fail("network " + name_of(net) + " is administratively down (admin_state_up false)");
    const std::string net_id = str(net, "id");
    if (const Json* port = view_.holder(net_id, dst_ip_)) return deliver(*port);
    if (view_.external(net)) {
      if (const Json* fip = view_.floating_ip_at(dst_ip_)) return dnat(*fip);
      if (same_ip(dst_ip_, view_.host_address(net_id, packet_.version))) {
        hop_named("host", host_name(), dst_ip_, "the lab host's br-ex");
        return true;
      }
    }
    return fail("nothing on " + name_of(net) + " holds " + dst_ip_ + ": no port has that address");
  }

  bool dnat(const Json& fip) {
    const std::string address = str(fip, "floating_ip_address");
    if (str(fip, "port_id").empty()) return forward(fip);
    const Json* router = view_.router(str(fip, "router_id"));
    if (!router) return fail("floating IP " + address + " has no router to translate it");
    dst_ip_ = str(fip, "fixed_ip_address");
    hop("dnat", router, address, "floating IP " + address + " becomes " + dst_ip_ + " on router " + name_of(*router));
    return at_router(*router, address);
  }

  // An unassociated floating IP with port forwardings: the packet's
  // protocol and port must match one, which rewrites address and port.
  bool forward(const Json& fip) {
    const std::string address = str(fip, "floating_ip_address");
    auto pfs = view_.model().forwardings_by_fip.find(str(fip, "id"));
    if (pfs == view_.model().forwardings_by_fip.end() || pfs->second.empty())
      return fail("floating IP " + address + " is not associated with any port");
    const Json* router = view_.router(str(fip, "router_id"));
    if (!router) return fail("floating IP " + address + " has no router to translate it");
    const std::string proto = packet_.protocol == 6 ? "tcp" : packet_.protocol == 17 ? "udp" : "icmp";
    for (const Json& pf : pfs->second) {
      if (str(pf, "protocol") != proto || pf.value("external_port", 0) != packet_.port) continue;
      dst_ip_ = str(pf, "internal_ip_address");
      packet_.port = pf.value("internal_port", 0);
      hop("dnat", router, address + ":" + std::to_string(probe_.port),
          "port forwarding: " + address + " " + proto + "/" + std::to_string(probe_.port) + " becomes " + dst_ip_ +
              " " + proto + "/" + std::to_string(packet_.port) + " on router " + name_of(*router));
      return at_router(*router, address);
    }
    return fail("floating IP " + address + " forwards only some ports, and no port forwarding matches " +
                packet_.text());
  }

  bool deliver(const Json& port) {
    const std::string owner = str(port, "device_owner");
    const Json* net = view_.network(str(port, "network_id"));
    if (probe_.to.kind == ProbeEndpoint::Kind::kPort && str(port, "id") != probe_.to.port_id)
      return fail(dst_ip_ + " on " + (net ? name_of(*net) : "?") + " is port " + name_of(port) +
                  ", not the destination: its network is not connected to " + source_subnet_words());
    if (!admin_up(port)) {
      hop("port", &port, dst_ip_, "");
      return fail("port " + name_of(port) + " is administratively down (admin_state_up false)");
    }
    if (owner == kInterfaceOwner || owner == kGatewayOwner || owner == "network:dhcp") {
      const Json* router = owner == "network:dhcp" ? nullptr : view_.router(str(port, "device_id"));
      hop(router ? "router" : "port", router ? router : &port, dst_ip_,
          router ? "the router's own address" : "the DHCP server of " + (net ? name_of(*net) : std::string("?")));
      if (router && !admin_up(*router))
        return fail("router " + name_of(*router) + " is administratively down (admin_state_up false)");
      bool dhcp_service = owner == "network:dhcp" && packet_.protocol == 17 && (probe_.port == 53 || probe_.port == 67);
      if (packet_.protocol != 1 && !dhcp_service)
        return fail("nothing listens on " + packet_.text() + " at " + dst_ip_ + " (" +
                    name_of(router ? *router : port) + " only answers ping)");
      return true;
    }
    hop("port", &port, dst_ip_, "the VM's interface on " + (net ? name_of(*net) : std::string("?")));
    if (owner.rfind("compute:", 0) != 0)
      return fail("port " + name_of(port) + " is not attached to a VM: nothing answers at " + dst_ip_);
    if (!guest_answers(port, "answers")) return false;
    for (const Json& f : field_list(port, "fixed_ips")) {
      const Json* subnet = view_.subnet(str(f, "subnet_id"));
      if (same_ip(str(f, "ip_address"), dst_ip_) && subnet && subnet->value("ip_version", 4) == 4 &&
          subnet->value("enable_dhcp", true) == false)
        return fail("the VM never configured " + dst_ip_ + ": DHCP is disabled on " + name_of(*subnet) +
                    " (enable_dhcp false)");
    }
    FirewallDecision ingress = check_port_firewall(view_.model(), port, "ingress", packet_, src_ip_);
    if (!ingress.allowed) return fail(ingress.why);
    verdict_.hops.back().detail += "; in: " + ingress.why;
    return reply_returns(port);
  }

  // The reply goes to src_ip_: on the same subnet directly, else through
  // the port's next hop, which must be a router the request crossed (where
  // connection tracking undoes the NAT).
  bool reply_returns(const Json& port) {
    const std::string net_id = str(port, "network_id");
    if (view_.subnet_containing(net_id, src_ip_)) return true;
    std::string subnet_id;
    for (const Json& f : field_list(port, "fixed_ips"))
      if (same_ip(str(f, "ip_address"), dst_ip_)) subnet_id = str(f, "subnet_id");
    const Json* subnet = view_.subnet(subnet_id);
    std::string via = subnet ? view_.next_hop(*subnet, src_ip_) : "";
    const Json* next = via.empty() ? nullptr : view_.holder(net_id, via);
    const std::string router_id = next ? str(*next, "device_id") : "";
    if (std::find(routers_crossed_.begin(), routers_crossed_.end(), router_id) != routers_crossed_.end()) return true;
    if (subnet && view_.external(*view_.network(net_id)) && same_ip(via, view_.host_address(net_id, packet_.version)))
      return true;  // a VM on the external network answers through the host
    std::string where = subnet ? name_of(*subnet) : "its subnet";
    if (!next)
      return fail("the reply cannot come back: nothing holds " + (via.empty() ? std::string("a gateway") : via) +
                  ", the gateway of " + where);
    return fail("the reply cannot come back: " + dst_ip_ + " answers through " + via +
                ", not through the router the request came by");
  }

  // ---- words ----------------------------------------------------------------------

  std::string destination_words() const {
    if (view_.subnet_containing("", dst_ip_)) return dst_ip_;
    return "the external network (for " + dst_ip_ + ")";
  }
  std::string source_subnet_words() const {
    const Json* s = view_.subnet_containing(src_port_ ? str(*src_port_, "network_id") : "", src_ip_);
    return s ? str(*s, "cidr") : src_ip_;
  }
  std::string floating_hint() const {
    for (const auto& [id, f] : view_.model().floating_ips)
      if (same_ip(str(f, "fixed_ip_address"), dst_ip_) && !str(f, "port_id").empty())
        return "; use its floating IP " + str(f, "floating_ip_address");
    return "; only a floating IP makes a project address reachable from outside";
  }

  ModelView view_;
  const Probe& probe_;
  ProbeVerdict verdict_;
  Packet packet_;
  std::string dst_ip_;        // the destination as it is now (after DNAT)
  std::string addressed_ip_;  // the destination as the sender addressed it
  std::string src_ip_;        // the source as it is now (after SNAT)
  const Json* src_port_ = nullptr;
  bool translated_ = false;  // SNAT happened (a second router leaves the address alone)
  std::vector<std::string> routers_crossed_;
  int routers_seen_ = 0;
};

}  // namespace

ProbeVerdict evaluate_probe(const NetworkModel& model, const Probe& probe) { return Trace(model, probe).run(); }

}  // namespace stacklab::network
