// NetworkService: Neutron v2.0 (networks, subnets, ports with IPAM, security
// groups) for the rest of the cloud.
//
// The network service's public header: api/network maps REST onto it, and
// compute will create, bind and delete ports through it. Resources travel as
// JSON documents with Neutron's field names, already cut to what the caller
// may see (provider:* and binding:* only for admins). Failures carry
// Neutron's exception names (network_errors.h). Every method runs on the
// engine loop.
//
// Store tables: network, subnet, port, security_group, security_group_rule,
// and ip_allocation {id "<subnet>/<ip>", subnet_id, network_id, ip_address,
// port_id}, which makes a fixed IP unique in its subnet across restarts.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/network/ipam.h"

namespace stacklab::network {

// The attributes each list (GET /v2.0/<collection>) filters and sorts on,
// Neutron's is_filter ones; each resource's known attributes include them.
extern const std::vector<std::string> kNetworkFilters, kSubnetFilters, kPortFilters, kSecurityGroupFilters,
    kSecurityGroupRuleFilters;

struct NetworkOptions {
  std::string tenant_network_type = "vxlan";  // [ml2] tenant_network_types (the first one)
  long long vni_min = 1, vni_max = 1000;      // [ml2_type_vxlan] vni_ranges
  long long gre_min = 1, gre_max = 1000;      // [ml2_type_gre] tunnel_id_ranges
  int global_physnet_mtu = 1500;              // [DEFAULT] global_physnet_mtu
  std::string availability_zone = "nova";     // [AGENT] availability_zone of the (simulated) DHCP agent
  static NetworkOptions from_config(const Config& config);
};

class NetworkService {
 public:
  NetworkService(Store& store, Clock& clock, Random& random, const Policy& policy, NetworkOptions options = {});

  // ---- networks -------------------------------------------------------------
  // `body` is the "network" object of POST /v2.0/networks. `id` is for seeding
  // (the lab's book ids); clients cannot choose ids.
  Result<Json> create_network(const Credentials& caller, const Json& body, const std::string& id = "");
  // 404 NetworkNotFound unless the caller may see it (owner, admin, shared, external).
  Result<Json> get_network(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_networks(const Credentials& caller) const;
  Result<Json> update_network(const Credentials& caller, const std::string& id, const Json& body);
  // 409 NetworkInUse while ports other than DHCP ports are on it; removes its subnets.
  Status delete_network(const Credentials& caller, const std::string& id);

  // ---- subnets --------------------------------------------------------------
  Result<Json> create_subnet(const Credentials& caller, const Json& body, const std::string& id = "");
  Result<Json> get_subnet(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_subnets(const Credentials& caller) const;
  Result<Json> update_subnet(const Credentials& caller, const std::string& id, const Json& body);
  // 409 SubnetInUse while a port other than a DHCP port has an address on it.
  Status delete_subnet(const Credentials& caller, const std::string& id);

  // ---- ports ----------------------------------------------------------------
  Result<Json> create_port(const Credentials& caller, const Json& body);
  Result<Json> get_port(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_ports(const Credentials& caller) const;
  Result<Json> update_port(const Credentials& caller, const std::string& id, const Json& body);
  Status delete_port(const Credentials& caller, const std::string& id);

  // ---- security groups ------------------------------------------------------
  // The project's "default" group, created with its four rules on first use
  // (with `id` when given: lab seeding uses the book's).
  Result<Json> ensure_default_security_group(const std::string& project_id, const std::string& id = "");
  Result<Json> create_security_group(const Credentials& caller, const Json& body);
  Result<Json> get_security_group(const Credentials& caller, const std::string& id) const;
  // Creates the caller's project's default group first, as Neutron does.
  std::vector<Json> list_security_groups(const Credentials& caller);
  Result<Json> update_security_group(const Credentials& caller, const std::string& id, const Json& body);
  // 409 SecurityGroupInUse while a port uses it; 409 for a member's default group.
  Status delete_security_group(const Credentials& caller, const std::string& id);
  Result<Json> create_security_group_rule(const Credentials& caller, const Json& body);
  Result<Json> get_security_group_rule(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_security_group_rules(const Credentials& caller) const;
  Status delete_security_group_rule(const Credentials& caller, const std::string& id);

  // ---- for other services (compute) ----------------------------------------
  // Stored documents without policy (the calling service decided who may see
  // them); pointers valid until the next write. Nova reads these with its
  // admin client to build a server's addresses and interfaces.
  const Json* network_record(const std::string& id) const;
  const Json* port_record(const std::string& id) const;
  const Json* security_group_record(const std::string& id) const;
  // The ports whose device_id is `device_id` (an index lookup), in id order.
  std::vector<const Json*> device_ports(const std::string& device_id) const;
  // The floating IPs associated with a port (the routers' "floatingip" table; none before it exists).
  std::vector<const Json*> port_floating_ips(const std::string& port_id) const;
  // The port holding fixed address `ip` on the network ("" if free); 400
  // InvalidIpForNetwork when no subnet of the network contains it.
  Result<std::string> fixed_ip_holder(const std::string& network_id, const std::string& ip) const;

  const NetworkOptions& options() const { return options_; }

 private:
  // shared helpers (network_service.cpp)
  Json stamp_new(Json doc, const std::string& project_id) const;
  Status touch_and_put(const std::string& kind, Json doc);
  std::string new_id() { return random_.uuid4(); }
  Result<std::string> owner_for_create(const Credentials& caller, const Json& body) const;
  Json network_target(const Json& network) const;

  // networks.cpp
  Result<const Json*> visible_network(const Credentials& caller, const std::string& id) const;
  Json network_view(const Credentials& caller, const Json& network) const;
  Status assign_segment(const Credentials& caller, const Json& body, Json& network);
  // subnets.cpp
  Json subnet_target(const Json& subnet) const;
  Result<const Json*> visible_subnet(const Credentials& caller, const std::string& id) const;
  Status remove_subnet_unchecked(const Json& subnet);
  Status ensure_dhcp_port(const Json& network, const Json& subnet);
  // ports.cpp
  Json port_target(const Json& port) const;
  Json port_view(const Credentials& caller, const Json& port) const;
  Result<const Json*> visible_port(const Credentials& caller, const std::string& id) const;
  Result<std::string> generate_mac();
  Result<Json> allocate_fixed_ips(const Json& network, const Json& requested, const std::string& mac,
                                  const std::string& port_id, const Json& current, bool add_automatic = false);
  Status release_fixed_ips(const std::string& port_id, const Json& fixed_ips);
  Status remove_port_unchecked(const Json& port);
  Result<Json> create_port_unchecked(Json port, const Json& network, const Json& requested_ips);
  // security_groups.cpp
  Json security_group_view(const Json& group) const;
  Result<Json> resolve_port_security_groups(const Credentials& caller, const std::string& project_id,
                                            const Json& requested);
  Result<Json> insert_rule(Json rule);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  NetworkOptions options_;
};

}  // namespace stacklab::network
