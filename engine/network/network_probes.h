// NetworkProbes: "would a ping or SSH from A to B work", asked of the data
// plane about the current state (POST /_stacklab/network/probe).
//
// A request names its two ends and what is sent:
//   {"from": END, "to": END, "protocol": "icmp" | "tcp" | "udp", "port": 22}
// where END is "host" (the lab host on br-ex), "internet" (8.8.8.8), or an
// object {"server": name or id}, {"port": id} or {"ip": address}; "server"
// and "port" may add "ip" to pick one of the port's addresses. An address
// held by a VM port is that port; the external subnet's gateway is the host;
// any other address (a floating IP, 8.8.8.8) is taken as it is.
//
// Who may ask: an admin about anything; a member about its own project's
// servers and ports (others are 404, as Nova and Neutron answer), towards
// any address. A member's verdict names no other project's ports or routers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/store.h"
#include "engine/network/dataplane.h"

namespace stacklab::network {

// A probe's end as the caller named it, resolved: what the answer reports.
struct ResolvedEnd {
  ProbeEndpoint endpoint;
  Json description;  // {"type": "server"|"port"|"host"|"ip", "id", "name", "port_id", "ip"}
};

struct ProbeOutcome {
  ResolvedEnd from, to;
  Probe probe;
  ProbeVerdict verdict;
  // What a student would have run: "ping" (icmp), "ssh" (tcp/22), else "probe".
  std::string tool() const;
  Json to_json() const;  // {"from", "to", "protocol", "port", "reachable", "hops", "reason"}
};

class NetworkProbes {
 public:
  NetworkProbes(const Store& store, const NetworkDataplane& dataplane, const GuestDirectory& guests,
                HostInfo host = {});

  // 400 for a malformed request, 404 for an end the caller cannot see, 409
  // for an ambiguous server name or a server without an interface.
  Result<ProbeOutcome> probe(const Credentials& caller, const Json& body) const;

  // The snapshot the data plane answers from: Neutron's documents and the guests behind compute ports.
  NetworkModel model() const;

 private:
  Result<ResolvedEnd> resolve(const Credentials& caller, const NetworkModel& model, const Json& end,
                              const char* which) const;
  Result<ResolvedEnd> resolve_port(const Credentials& caller, const Json& port, const std::string& ip) const;
  void hide_foreign(const Credentials& caller, const NetworkModel& model, ProbeVerdict& verdict) const;

  // model() without the copy: Neutron's documents re-read only when one of
  // their tables changed (Store::version), the guests' states at every call.
  // Valid until the next call; the engine loop is the only caller.
  const NetworkModel& current_model() const;

  const Store& store_;
  const NetworkDataplane& dataplane_;
  const GuestDirectory& guests_;
  HostInfo host_;
  mutable NetworkModel cached_;
  mutable std::vector<std::uint64_t> cached_versions_;
};

}  // namespace stacklab::network
