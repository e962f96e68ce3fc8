// SimulatedDataplane: the fake network driver's data plane. No packet is
// sent: the verdict is the reachability rules (engine/network/reachability.h)
// evaluated over the Neutron model, which is what ML2 with the L3 agent and
// the security-group firewall would do with the packet. The real driver's
// counterpart would send it through the qrouter/qdhcp namespaces.
#pragma once

#include "engine/network/dataplane.h"

namespace stacklab::fake {

class SimulatedDataplane : public network::NetworkDataplane {
 public:
  network::ProbeVerdict probe(const network::NetworkModel& model, const network::Probe& probe) const override;
};

}  // namespace stacklab::fake
