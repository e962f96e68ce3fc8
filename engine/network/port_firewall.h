// The security-group firewall on one port, as Neutron's firewall drivers
// (iptables hybrid, OVS) enforce it: default deny; a packet passes in one
// direction when a rule of one of the port's groups matches its ethertype,
// protocol, destination port (ICMP type and code for ICMP) and its peer
// address (remote_ip_prefix, or remote_group_id: an address of a port in
// that group, its allowed address pairs included). Stateful: the replies of
// an allowed connection always pass, so a probe checks egress at the source
// and ingress at the destination only. A port with port_security_enabled
// false has no firewall.
#pragma once

#include <string>

#include "engine/network/dataplane.h"

namespace stacklab::network {

// What is sent: ICMP is an echo request (type 8, code 0: ping).
struct Packet {
  int version = 4;           // 4 or 6
  int protocol = 1;          // IP protocol number: 1 icmp, 6 tcp, 17 udp
  int port = 0;              // tcp/udp destination port
  std::string text() const;  // "icmp", "tcp/22"
};

struct FirewallDecision {
  bool allowed = false;
  std::string why;  // allowed: the rule that matched, or "port security disabled"; else the refusal
};

// `direction` "ingress" (peer = the packet's source as the port sees it) or
// "egress" (peer = its destination).
FirewallDecision check_port_firewall(const NetworkModel& model, const Json& port, const std::string& direction,
                                     const Packet& packet, const std::string& peer_ip);

}  // namespace stacklab::network
