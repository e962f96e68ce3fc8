#include "engine/guest/guest_machine.h"

#include <algorithm>

#include "engine/network/ipam.h"

namespace stacklab::guest {

namespace {

std::string str(const Json& doc, const char* field) {
  return doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>() : "";
}

const Json* find(const std::map<std::string, Json>& docs, const std::string& id) {
  auto it = docs.find(id);
  return it == docs.end() ? nullptr : &it->second;
}

GuestInterface interface_of(const Json& port, const network::NetworkModel& model, bool leased) {
  GuestInterface i;
  i.port_id = str(port, "id");
  i.mac = str(port, "mac_address");
  if (const Json* net = find(model.networks, str(port, "network_id"));
      net && net->contains("mtu") && (*net)["mtu"].is_number_integer())
    i.mtu = (*net)["mtu"].get<int>();
  for (const Json& f : port.value("fixed_ips", Json::array())) {
    auto ip = network::parse_ip(str(f, "ip_address"));
    const Json* subnet = find(model.subnets, str(f, "subnet_id"));
    auto cidr = subnet ? network::parse_cidr(str(*subnet, "cidr")) : std::nullopt;
    if (!ip || !cidr) continue;
    if (ip->version == 4) {
      // The guest configures IPv4 by DHCP only: without it the address stays Neutron's alone.
      if (i.ipv4.empty() && subnet->value("enable_dhcp", true) != false && !leased) {
        i.no_lease = true;
      } else if (i.ipv4.empty() && subnet->value("enable_dhcp", true) != false) {
        i.ipv4 = network::format_ip(*ip);
        i.ipv4_prefix = cidr->cidr.prefix;
        i.gateway = str(*subnet, "gateway_ip");
      }
    } else {
      i.ipv6.push_back({network::format_ip(*ip), cidr->cidr.prefix});
    }
  }
  if (auto ll = network::parse_cidr("fe80::/64"))
    if (auto a = network::eui64_address(ll->cidr, i.mac)) i.link_local = network::format_ip(*a);
  return i;
}

}  // namespace

GuestMachine machine_of(const GuestRecord& record, const network::NetworkModel& model,
                        const std::set<std::string>& without_lease) {
  GuestMachine m;
  m.record = record;
  m.os = guest_os_of(record.image_name, record.os_distro);
  std::vector<const Json*> ports;
  for (const auto& [id, port] : model.ports)
    if (str(port, "device_id") == record.state.id && str(port, "device_owner").rfind("compute:", 0) == 0)
      ports.push_back(&port);
  // Interfaces in the order they were plugged (ISO timestamps sort as text), ties by id.
  std::sort(ports.begin(), ports.end(), [](const Json* a, const Json* b) {
    return std::make_pair(str(*a, "created_at"), str(*a, "id")) < std::make_pair(str(*b, "created_at"), str(*b, "id"));
  });
  for (const Json* port : ports) {
    GuestInterface i = interface_of(*port, model, without_lease.count(str(*port, "id")) == 0);
    i.name = "eth" + std::to_string(m.interfaces.size());
    m.interfaces.push_back(std::move(i));
  }
  return m;
}

std::string ipv4_netmask(int prefix) {
  std::uint32_t mask = prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
  return network::format_ip(4, mask);
}

std::string ipv4_broadcast(const std::string& ip, int prefix) {
  auto a = network::parse_ip(ip);
  if (!a || a->version != 4) return "";
  std::uint32_t host = prefix >= 32 ? 0 : prefix <= 0 ? 0xffffffffu : (1u << (32 - prefix)) - 1;
  return network::format_ip(4, (static_cast<std::uint32_t>(a->value) | host));
}

}  // namespace stacklab::guest
