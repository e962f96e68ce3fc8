#include "fake_drivers/simulated_dataplane.h"

#include "engine/network/reachability.h"

namespace stacklab::fake {

network::ProbeVerdict SimulatedDataplane::probe(const network::NetworkModel& model, const network::Probe& probe) const {
  return network::evaluate_probe(model, probe);
}

}  // namespace stacklab::fake
