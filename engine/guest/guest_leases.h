// GuestLeases: whether each guest got its IPv4 addresses from DHCP when it
// last booted (architecture.md §4.7: the guest broadcasts DHCPDISCOVER at
// boot and the network's dnsmasq, run by the DHCP agent, answers).
//
//   guest_lease {id: server uuid, without_lease: [port ids], booted_at_us}
//
// The guest asks on every boot and only then (cirros's udhcpc gives up and
// the image carries on without an address): an interface whose network had
// no DHCP agent running at that moment stays without IPv4 until the next
// boot, a reboot, even once the agent is back. A lease once got is kept
// through later agent outages. Stored, so a restart or a snapshot keeps it;
// a server without a row (booted before leases were tracked) has them all.
// Every method runs on the engine loop.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::guest {

class GuestLeases {
 public:
  struct Nic {
    std::string port_id, network_id;
  };
  // The server's ports (Neutron's, by device_id).
  using PortsOf = std::function<std::vector<Nic>(const std::string& server_id)>;
  // Would the network's DHCP server answer now (agent running, a subnet with DHCP on)?
  using DhcpAnswers = std::function<bool(const std::string& network_id)>;

  GuestLeases(Store& store, Clock& clock, PortsOf ports_of, DhcpAnswers dhcp_answers);

  // The guest of `server_id` boots now: each interface asks DHCP once.
  Status booted(const std::string& server_id);
  // Follows compute's saves (ComputeService::on_saved): a guest boots when a
  // spawn, reboot, power-on, rebuild, unshelve or resize ends with it running.
  void server_saved(const Json& before, const Json& after);

  // The ports of `server_id` whose interface got no lease at its last boot.
  std::set<std::string> without_lease(const std::string& server_id) const;
  // Did a guest boot at or after `since` with a lease on each of its (one or more) interfaces?
  bool leased_boot_since(TimePoint since) const;

 private:
  Store& store_;
  Clock& clock_;
  PortsOf ports_of_;
  DhcpAnswers dhcp_answers_;
};

}  // namespace stacklab::guest
