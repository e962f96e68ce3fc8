// Reachability: the simulated data plane's rules, as a pure function of the
// Neutron model (what ML2 with the L3 agent and the security-group firewall
// would do with one packet).
//
// A probe's packet leaves its source (a running VM's port whose address it
// got by DHCP and is allowed to send from, through the port's egress
// rules; or the lab host on br-ex; or the internet) and is forwarded:
//   - on one network (L2, both ends admin up) straight to the port holding
//     the address (a fixed IP or an allowed address pair);
//   - off its subnet to the next hop (a subnet host route, else the
//     subnet's gateway_ip), which must be a router interface holding it;
//   - by a router (admin up) onto a subnet it has an interface on, else
//     through an extra route's next hop, else out of its gateway on the
//     external network, SNATed to the source's floating IP or, with
//     enable_snat, to the gateway address;
//   - on the external network to a floating IP, which its router DNATs to
//     the associated fixed IP; to the host (the external subnet's gateway);
//     or, for addresses outside every subnet, through the host to the
//     internet. Project networks are not reachable from the host except
//     through floating IPs, and nothing on the internet reaches 172.24.4.0/24.
// It is delivered when the destination answers (a running VM whose ingress
// rules allow the packet from its source as seen after NAT; a router's or
// DHCP port answers ping) and the reply finds its way back through a router
// the request crossed (connection tracking undoes the NAT there).
#pragma once

#include "engine/network/dataplane.h"

namespace stacklab::network {

ProbeVerdict evaluate_probe(const NetworkModel& model, const Probe& probe);

}  // namespace stacklab::network
