// NetworkService: Neutron v2.0 (networks, subnets, ports with IPAM, security
// groups, subnet pools, quotas, tags, RBAC, agents) for the rest of the cloud.
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
// port_id}, which makes a fixed IP unique in its subnet across restarts;
// subnetpool, network_quota {id = project_id, <resource>: limit} (only the
// limits set away from the defaults), rbac_policy, agent.
// L3: router (its ports are the ports whose device_id is the router's id)
// and floatingip, indexed by port_id (the associated port), router_id and
// floating_network_id; port_floating_ips() is the lookup for the rest of
// the cloud.
#pragma once

#include <functional>
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
#include "engine/network/ip_allocations.h"
#include "engine/network/ipam.h"
#include "engine/ops/daemons.h"

namespace stacklab::network {

// The attributes each list (GET /v2.0/<collection>) filters and sorts on,
// Neutron's is_filter ones; each resource's known attributes include them.
extern const std::vector<std::string> kNetworkFilters, kSubnetFilters, kPortFilters, kSecurityGroupFilters,
    kSecurityGroupRuleFilters, kSubnetPoolFilters, kRbacPolicyFilters, kAgentFilters, kRouterFilters,
    kFloatingIpFilters, kPortForwardingFilters;

struct NetworkOptions {
  std::string tenant_network_type = "vxlan";  // [ml2] tenant_network_types (the first one)
  long long vni_min = 1, vni_max = 1000;      // [ml2_type_vxlan] vni_ranges
  long long gre_min = 1, gre_max = 1000;      // [ml2_type_gre] tunnel_id_ranges
  int global_physnet_mtu = 1500;              // [DEFAULT] global_physnet_mtu
  std::string availability_zone = "nova";     // [AGENT] availability_zone of the (simulated) DHCP agent
  std::string host = "openstackbootcamp";     // [DEFAULT] host: where the simulated agents run
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

  // Runs several of the calls above all-or-nothing (Neutron's bulk create:
  // POST /v2.0/ports with a list creates every port or none).
  Status atomically(const std::function<Status()>& body) { return store_.transaction(body); }

  // ---- subnet pools (subnet_pools.cpp) --------------------------------------
  // Subnets draw prefixes from a pool (subnetpool_id, or use_default_subnetpool
  // for the pool with is_default of their ip_version); deleting the subnet
  // gives the prefix back.
  Result<Json> create_subnet_pool(const Credentials& caller, const Json& body, const std::string& id = "");
  // 404 SubnetPoolNotFound unless the caller owns it, it is shared, or the caller is admin.
  Result<Json> get_subnet_pool(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_subnet_pools(const Credentials& caller) const;
  // Prefixes may be added, never removed (400 IllegalSubnetPoolPrefixUpdate).
  Result<Json> update_subnet_pool(const Credentials& caller, const std::string& id, const Json& body);
  // 409 SubnetPoolInUse while a subnet holds a prefix of it.
  Status delete_subnet_pool(const Credentials& caller, const std::string& id);

  // ---- quotas (network_quotas.cpp; resources and defaults in network_quotas.h) --
  // ok, or 409 OverQuota ("Quota exceeded for resources: ['network'].") when
  // `project_id` holding `delta` more of `resource` would pass its limit.
  // Routers and floating IPs call it with "router" / "floatingip" before creating.
  Status check_quota(const std::string& project_id, const std::string& resource, int delta = 1) const;
  // Admin only: the projects whose limits differ from the defaults, each {project_id, <resource>: limit}.
  Result<std::vector<Json>> list_quotas(const Credentials& caller) const;
  // {<resource>: limit}; admins for any project, others for their own.
  Result<Json> get_quota(const Credentials& caller, const std::string& project_id) const;
  Result<Json> get_default_quota(const Credentials& caller, const std::string& project_id) const;
  // {<resource>: {used, limit, reserved}}.
  Result<Json> get_quota_details(const Credentials& caller, const std::string& project_id) const;
  // Admin only; `body` is the "quota" object of PUT /v2.0/quotas/{project_id}.
  Result<Json> update_quota(const Credentials& caller, const std::string& project_id, const Json& body);
  // Admin only: back to the defaults.
  Status delete_quota(const Credentials& caller, const std::string& project_id);

  // ---- tags (tags.cpp) -------------------------------------------------------
  // `collection` is the URL's ("networks", "security-groups", ...), one of
  // taggable_collections(). Tags are 1-60 characters; reading needs the
  // resource visible, changing needs its owner or an admin.
  static std::vector<std::string> taggable_collections();
  Result<Json> get_tags(const Credentials& caller, const std::string& collection, const std::string& id) const;
  // ok when the resource has `tag`, else 404 TagNotFound.
  Status check_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                   const std::string& tag) const;
  Result<Json> replace_tags(const Credentials& caller, const std::string& collection, const std::string& id,
                            const Json& tags);
  Status add_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                 const std::string& tag);
  // `tag` "" removes every tag; else 404 TagNotFound when absent.
  Status remove_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                    const std::string& tag);

  // ---- RBAC policies (rbac.cpp) ----------------------------------------------
  // object_type "network", action access_as_shared / access_as_external,
  // target_tenant a project id or "*". A network's shared flag and its
  // wildcard access_as_shared policy are kept as one.
  Result<Json> create_rbac_policy(const Credentials& caller, const Json& body);
  Result<Json> get_rbac_policy(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_rbac_policies(const Credentials& caller) const;
  // Only target_tenant changes.
  Result<Json> update_rbac_policy(const Credentials& caller, const std::string& id, const Json& body);
  // 409 RbacPolicyInUse while the target project has ports on the network that no other policy covers.
  Status delete_rbac_policy(const Credentials& caller, const std::string& id);

  // ---- agents, availability zones, IP availability (agents.cpp) ---------------
  // The simulated DHCP, L3, metadata and Linux bridge agents on options().host,
  // alive (heartbeating at the clock's now) while their daemon runs, dead
  // otherwise. Admin only (others see none).
  std::vector<Json> list_agents(const Credentials& caller);
  Result<Json> get_agent(const Credentials& caller, const std::string& id);
  // Only admin_state_up and description change.
  Result<Json> update_agent(const Credentials& caller, const std::string& id, const Json& body);
  std::vector<Json> list_availability_zones(const Credentials& caller) const;
  // Which agent daemons run (default: all).
  void set_daemon_check(DaemonCheck check) { daemons_ = std::move(check); }
  // Would a guest on `network_id` get a DHCP lease now: the network has a
  // subnet with enable_dhcp and the DHCP agent serving it runs.
  bool dhcp_available(const std::string& network_id) const;
  // Admin only: per network and subnet, total_ips (the allocation pools' size) and used_ips;
  // `ip_version` 4 or 6 counts only subnets of that version (and networks having one).
  Result<std::vector<Json>> list_ip_availabilities(const Credentials& caller, int ip_version = 0) const;
  Result<Json> get_ip_availability(const Credentials& caller, const std::string& network_id) const;

  // ---- L3: routers (routers.cpp) --------------------------------------------
  // `body` is the "router" object of POST /v2.0/routers. An
  // external_gateway_info creates the gateway port (device_owner
  // network:router_gateway, no project) on a router:external network.
  Result<Json> create_router(const Credentials& caller, const Json& body, const std::string& id = "");
  Result<Json> get_router(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_routers(const Credentials& caller) const;
  // Sets, changes or clears (null/{}) the gateway; `routes` replaces the extra routes.
  Result<Json> update_router(const Credentials& caller, const std::string& id, const Json& body);
  // 409 RouterInUse while it has interfaces; removes its gateway port.
  Status delete_router(const Credentials& caller, const std::string& id);
  // PUT add_router_interface / remove_router_interface: `body` names
  // subnet_id or port_id; the answer is {id, subnet_id, subnet_ids, port_id,
  // network_id, project_id, tenant_id}.
  Result<Json> add_router_interface(const Credentials& caller, const std::string& id, const Json& body);
  Result<Json> remove_router_interface(const Credentials& caller, const std::string& id, const Json& body);
  // PUT add_extraroutes / remove_extraroutes: `body` is the "router" object with `routes`.
  Result<Json> add_extraroutes(const Credentials& caller, const std::string& id, const Json& body);
  Result<Json> remove_extraroutes(const Credentials& caller, const std::string& id, const Json& body);

  // ---- L3: floating IPs (floating_ips.cpp) -----------------------------------
  // Allocates an address (and its network:floatingip port) on an external
  // network, associated at once when `body` names a port_id.
  Result<Json> create_floating_ip(const Credentials& caller, const Json& body);
  Result<Json> get_floating_ip(const Credentials& caller, const std::string& id) const;
  std::vector<Json> list_floating_ips(const Credentials& caller) const;
  // port_id associates (404 ExternalGatewayForFloatingIPNotFound without a
  // router joining the port's subnet to the floating network), null disassociates.
  Result<Json> update_floating_ip(const Credentials& caller, const std::string& id, const Json& body);
  Status delete_floating_ip(const Credentials& caller, const std::string& id);

  // ---- L3: floating IP port forwardings (port_forwardings.cpp) ---------------
  // /v2.0/floatingips/{fip}/port_forwardings: a TCP/UDP port of an
  // unassociated floating IP forwarded to an internal address and port
  // (400 when no router joins the internal port's subnet to the floating
  // network, 409 when the floating IP or the port is bound 1:1). 404
  // FloatingIPNotFound / PortForwardingNotFound as Neutron.
  Result<Json> create_port_forwarding(const Credentials& caller, const std::string& fip_id, const Json& body);
  Result<Json> get_port_forwarding(const Credentials& caller, const std::string& fip_id, const std::string& id) const;
  Result<std::vector<Json>> list_port_forwardings(const Credentials& caller, const std::string& fip_id) const;
  Result<Json> update_port_forwarding(const Credentials& caller, const std::string& fip_id, const std::string& id,
                                      const Json& body);
  Status delete_port_forwarding(const Credentials& caller, const std::string& fip_id, const std::string& id);

  // ---- for other services (compute) ----------------------------------------
  // Stored documents without policy (the calling service decided who may see
  // them); pointers valid until the next write. Nova reads these with its
  // admin client to build a server's addresses and interfaces.
  const Json* network_record(const std::string& id) const;
  const Json* port_record(const std::string& id) const;
  const Json* security_group_record(const std::string& id) const;
  // The ports whose device_id is `device_id` (an index lookup), in id order.
  std::vector<const Json*> device_ports(const std::string& device_id) const;
  // The floating IPs associated with a port (an index lookup of the floatingip table).
  std::vector<const Json*> port_floating_ips(const std::string& port_id) const;
  // The port holding fixed address `ip` on the network ("" if free); 400
  // InvalidIpForNetwork when no subnet of the network contains it.
  Result<std::string> fixed_ip_holder(const std::string& network_id, const std::string& ip) const;

  const NetworkOptions& options() const { return options_; }

 private:
  DaemonCheck daemons_;
  bool agent_running(const std::string& binary) const { return !daemons_ || daemons_(binary, options_.host); }
  // shared helpers (network_service.cpp)
  Json stamp_new(Json doc, const std::string& project_id) const;
  Status touch_and_put(const std::string& kind, Json doc);
  std::string new_id() { return random_.uuid4(); }
  Result<std::string> owner_for_create(const Credentials& caller, const Json& body) const;
  Json network_target(const Json& network) const;
  // The target as `viewer` sees it: shared / external also through RBAC policies naming it.
  Json network_target(const Json& network, const std::string& viewer) const;

  // networks.cpp
  Result<const Json*> visible_network(const Credentials& caller, const std::string& id) const;
  Json network_view(const Credentials& caller, const Json& network) const;
  Status assign_segment(const Credentials& caller, const Json& body, Json& network);
  // subnets.cpp
  // `viewer` non-empty: shared also when an RBAC policy shares the network with it.
  Json subnet_target(const Json& subnet, const std::string& viewer = "") const;
  Result<const Json*> visible_subnet(const Credentials& caller, const std::string& id) const;
  Status remove_subnet_unchecked(const Json& subnet);
  Status ensure_dhcp_port(const Json& network, const Json& subnet);
  // ports.cpp
  Json port_target(const Json& port) const;
  Json port_view(const Credentials& caller, const Json& port) const;
  Result<const Json*> visible_port(const Credentials& caller, const std::string& id) const;
  Result<std::string> generate_mac();
  Result<Json> allocate_fixed_ips(const Json& network, const Json& requested, const std::string& mac,
                                  const std::string& port_id, const Json& current, bool add_automatic = false,
                                  bool router_port = false);
  Status release_fixed_ips(const std::string& port_id, const Json& fixed_ips);
  Status remove_port_unchecked(const Json& port);
  // subnet_pools.cpp: the cidr (and pool id, or null) of a subnet being created.
  struct SubnetCidr {
    std::string cidr;
    Json subnetpool_id;
  };
  Result<SubnetCidr> subnet_cidr_from_pool(const Credentials& caller, const Json& body, int version);
  Result<const Json*> visible_subnet_pool(const Credentials& caller, const std::string& id) const;
  // rbac.cpp
  bool rbac_grants(const Json& network, const std::string& action, const std::string& project) const;
  Status set_wildcard_share(const Json& network, bool shared);
  // tags.cpp
  Result<Json> taggable_resource(const Credentials& caller, const std::string& collection, const std::string& id,
                                 bool for_update) const;
  // agents.cpp
  Status ensure_agents();
  // `router_port`: a router's port takes a subnet's gateway even on a SLAAC
  // subnet and no automatic (EUI-64) addresses, as Neutron's router ports.
  Result<Json> create_port_unchecked(Json port, const Json& network, const Json& requested_ips,
                                     bool router_port = false);
  // security_groups.cpp
  Json security_group_view(const Json& group) const;
  Result<Json> resolve_port_security_groups(const Credentials& caller, const std::string& project_id,
                                            const Json& requested);
  Result<Json> insert_rule(Json rule);
  // routers.cpp
  Json router_target(const Json& router) const;
  Json router_view(const Credentials& caller, const Json& router) const;
  Result<const Json*> visible_router(const Credentials& caller, const std::string& id) const;
  Status set_router_gateway(const Credentials& caller, Json& router, const Json& info, const char* verb);
  Status remove_router_gateway(Json& router);
  Result<Json> validate_routes(const Json& router, const Json& routes) const;
  Result<Json> write_routes(const Credentials& caller, const std::string& id, const Json& body, bool add);
  // 409 ServicePortInUse for a router's or floating IP's port deleted through /ports.
  Status refuse_l3_port_deletion(const Json& port) const;
  // floating_ips.cpp
  Json floating_ip_view(const Json& fip) const;
  // 404 FloatingIPNotFound unless the caller may see it.
  Result<const Json*> visible_floating_ip(const Credentials& caller, const std::string& id) const;
  Status associate_floating_ip(const Credentials& caller, Json& fip, const Json& body);
  // Deleting a port leaves its floating IPs unassociated (DOWN), not deleted.
  Status disassociate_floating_ips_of_port(const std::string& port_id);
  // The router joining `subnet_id` (of `port`'s network) to `floating_network_id`,
  // the one holding the subnet's gateway first; "" when there is none.
  std::string router_for_floating_ip(const Json& port, const std::string& subnet_id,
                                     const std::string& floating_network_id) const;
  // port_forwardings.cpp
  Json port_forwarding_view(const Json& pf) const;
  Status apply_port_forwarding_fields(const Json& body, Json& pf);
  // Fills pf's internal_ip_address and a transient router_id from its internal port.
  Status resolve_port_forwarding_target(const Credentials& caller, const Json& fip, Json& pf);
  Status check_port_forwarding_collisions(const Json& pf) const;
  Status remove_port_forwarding_unchecked(const std::string& id);
  // Removes the forwardings whose `field` (floatingip_id, internal_port_id) is `value`.
  Status remove_port_forwardings_of(const std::string& field, const std::string& value);

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  NetworkOptions options_;
  IpAllocations ip_allocations_{store_};  // the ip_allocation table, every write goes through it
};

}  // namespace stacklab::network
