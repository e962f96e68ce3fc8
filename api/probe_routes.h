// The network probe endpoint: "would this ping or SSH work", answered by the
// data plane from the current state.
//
//   POST /_stacklab/network/probe
//        {"from": END, "to": END, "protocol": "icmp"|"tcp"|"udp", "port": N}
//     -> 200 {"probe": {"reachable", "hops", "reason", "from", "to", "protocol", "port", "tool"}}
//
// END and who may probe what: engine/network/network_probes.h (policy
// "stacklab:network:probe", by default any member or admin of a project).
// Each probe is also a guest event in the audit log: service "guest",
// action "guest.ping" (icmp), "guest.ssh" (tcp/22) or "guest.probe", with
// "from", "to", "result" ("success" or "failure") and "reason". Errors in
// Keystone's shape (400 bad request, 403 policy, 404 unknown end, 409
// ambiguous server name).
#pragma once

#include "api/audit_log.h"
#include "api/router.h"
#include "engine/core/clock.h"
#include "engine/network/network_probes.h"

namespace stacklab::api {

struct ProbeDeps {
  network::NetworkProbes& probes;
  AuditLog& audit;
  Clock& clock;
};

void add_probe_routes(Router& router, ProbeDeps deps);

}  // namespace stacklab::api
