// NetworkDataplane: the data plane's contract, "can this packet get there".
//
// Neutron's API (NetworkService) is the control plane: it stores what the
// networks, ports, routers, floating IPs and security groups should be. A
// data plane is what carries packets accordingly: ML2 agents, the L3 agent's
// qrouter namespaces (SNAT, floating IP DNAT, extra routes) and the
// security-group firewall on each port. Its one question: would a packet of
// `protocol` (and destination `port`) from one endpoint reach another, and
// would the answer come back?
//
// The model it answers from is a snapshot (NetworkModel) of Neutron's
// documents plus the power state of the guests behind compute ports, taken on
// the engine loop; an implementation reads nothing else, so the same probe
// gives the same verdict in real and in virtual time. The simulated
// implementation (fake_drivers/simulated_dataplane.h) evaluates the rules in
// memory; a real one would send the packet through the namespaces.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::network {

// The guest behind a compute port (device_id = the instance uuid), as Nova
// reports it.
struct GuestState {
  std::string id, name, project_id;
  std::string status;   // Nova's API status: ACTIVE, SHUTOFF, PAUSED, SHELVED_OFFLOADED, ...
  int power_state = 0;  // Nova's power_state: 1 = running
  // Only a running guest has a network stack that sends and answers.
  bool answers() const { return status == "ACTIVE" && power_state == 1; }
};

// Where the lab's host sits: DevStack's br-ex holds the gateway address of
// the external network's subnet (172.24.4.1 on public), and the host
// forwards (masquerades) onwards to the internet.
struct HostInfo {
  std::string name = "openstackbootcamp";
};

// Neutron's documents as stored (field names as the API's), by id, and the
// guests by instance uuid.
struct NetworkModel {
  std::map<std::string, Json> networks, subnets, ports, routers, floating_ips, security_groups;
  std::map<std::string, std::vector<Json>> rules_by_group;  // security_group_id -> its rules
  std::map<std::string, std::vector<Json>> forwardings_by_fip;  // floatingip_id -> its port forwardings
  // Lookups over `ports` that index() fills: by network_id, and a router's
  // interface and gateway ports by router id. A model without them
  // (indexed false) is scanned instead; one answering many probes indexes once.
  bool indexed = false;
  std::map<std::string, std::vector<std::string>> port_ids_by_network, port_ids_by_router;
  void index();
  std::map<std::string, GuestState> guests;
  HostInfo host;
};

// One end of a probe, already resolved against the model.
struct ProbeEndpoint {
  enum class Kind {
    kPort,  // a port (a VM's, a router's, a DHCP port); `ip` one of its addresses
    kHost,  // the lab host on the external network (br-ex)
    kIp     // an address nothing in the model holds but a floating IP may: the internet, or a FIP
  };
  Kind kind = Kind::kIp;
  std::string port_id;
  std::string ip;  // kPort: the source/destination address ("" = its first IPv4); kIp: the address
};

struct Probe {
  ProbeEndpoint from, to;
  std::string protocol = "icmp";  // icmp (an echo request: ping), tcp, udp
  int port = 0;                   // tcp/udp destination port (22 for SSH)
};

// One step of the path the packet takes: a VM's port, a router, a NAT, the
// host, the internet.
struct Hop {
  std::string type;  // "port", "router", "snat", "dnat", "host", "internet", "network"
  std::string id, name, address;
  std::string detail;  // what happens there, in a student's words
  Json to_json() const;
};

struct ProbeVerdict {
  bool reachable = false;
  std::vector<Hop> hops;  // as far as the packet got
  std::string reason;     // why it stopped ("" when reachable)
  Json to_json() const;
};

class NetworkDataplane {
 public:
  virtual ~NetworkDataplane() = default;
  // The verdict for `probe` over `model`. Pure: no state is changed, the
  // same model and probe give the same verdict; safe to call any number of times.
  virtual ProbeVerdict probe(const NetworkModel& model, const Probe& probe) const = 0;
};

// What the network engine needs to know about the guests (Nova's side),
// given by compute (engine/compute/guest_directory.h).
class GuestDirectory {
 public:
  virtual ~GuestDirectory() = default;
  // The guest with instance uuid `id`, if it exists (any project).
  virtual std::optional<GuestState> guest(const std::string& id) const = 0;
  // The server `name_or_id` as `caller` may see it: 404 when it cannot, 409
  // when a name is ambiguous.
  virtual Result<GuestState> find_server(const Credentials& caller, const std::string& name_or_id) const = 0;
};

}  // namespace stacklab::network
