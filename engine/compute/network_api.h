// NetworkApi: the compute side's view of networking (Nova's
// nova/network/neutron.py API), over network::NetworkService.
//
// Vocabulary: an instance's "interfaces" are the Neutron ports whose
// device_id is the instance uuid. Nova either created a port for the
// instance (from a requested network: it deletes it when done) or was given
// one (a requested port: it only unbinds it when done). Which is which, and
// the order the interfaces were added, is compute's own record: the
// "instance_port" table {id (port id), instance_uuid, preexisting, position,
// tag}, the part of Nova's network info cache that Neutron does not hold.
// Everything else (addresses, MACs, groups, status) is read from Neutron at
// view time, so it is never stale.
//
// Calls made for an instance run as the compute service (admin, scoped to
// the instance's project), as Nova's admin client does; calls that check a
// user's request (validate, attach, security groups) run as that user.
// Failures are returned with Nova's messages (Neutron's exception names
// stripped). Every method runs on the engine loop.
#pragma once

#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/network/network_service.h"

namespace stacklab::compute {

// One entry of a server create's `networks`.
struct RequestedNetwork {
  std::string network_id;  // "" when a port is given
  std::string port_id;     // "" when a network is given
  std::string fixed_ip;    // "" = any
  std::string tag;
};

// The networking part of a server create request.
struct NetworkRequest {
  enum class Mode {
    kOmitted,  // no `networks` (< 2.37): the only usable network, else none
    kList,     // the listed networks and ports
    kAuto,     // "auto" (2.37+): the only usable network; none is a 400
    kNone      // "none" (2.37+): no interfaces
  };
  Mode mode = Mode::kOmitted;
  std::vector<RequestedNetwork> networks;
  std::vector<std::string> security_groups;  // names or ids; empty = "default"
};

class NetworkApi {
 public:
  NetworkApi(Store& store, network::NetworkService& networks);

  // Checks a create request as the user making it, before anything is
  // stored (Nova's validate_networks): 400 for an unknown network or port, a
  // network without subnets, an address outside the network's subnets, an
  // unknown security group, "auto" with nothing to use, one port or one
  // fixed IP for several instances; 409 for several usable networks, a port
  // or address in use. Returns the plan the build allocates from:
  // {"networks": [{network_id, port_id, fixed_ip, tag}], "security_groups": [ids]}.
  Result<Json> validate(const Credentials& caller, const NetworkRequest& request, int max_count);

  // Creates or claims the instance's ports from `plan` (in its order), bound
  // to `host`: device_id the instance, device_owner "compute:<zone>",
  // created ports with the plan's groups. On failure nothing is left: ports
  // created are deleted, given ones released.
  Status allocate(const Json& instance, const Json& plan, const std::string& host);
  // Deletes the ports Nova created and releases (unbinds, device cleared)
  // the ones it was given; the record goes. Idempotent.
  void deallocate(const std::string& instance_uuid);
  // The binding follows the instance: bound to its new host, unbound when
  // it has none (shelve offload, a reschedule in between).
  void host_changed(const Json& before, const Json& after);

  // Nova's "addresses" of an instance: {network name: [{version, addr,
  // OS-EXT-IPS:type fixed|floating, OS-EXT-IPS-MAC:mac_addr}]}, interfaces
  // in the order they were added.
  Json addresses(const std::string& instance_uuid) const;
  // The security groups of the instance's ports, [{"name": ...}] once each;
  // null when it has no interface (Nova then leaves the key out).
  Json security_group_names(const std::string& instance_uuid) const;
  // os-interface's interfaceAttachments: {port_state, fixed_ips, mac_addr, net_id, port_id, tag}.
  std::vector<Json> interfaces(const std::string& instance_uuid) const;

  // Attaches a port (404 unknown, 409 in use) or a new port on a network
  // (404 unknown, `fixed_ips` [{ip_address}] optional) to the instance, as
  // `caller`; the new interface.
  Result<Json> attach(const Credentials& caller, const Json& instance, const std::string& port_id,
                      const std::string& network_id, const Json& fixed_ips, const std::string& tag);
  // 404 "Port <id> is not attached" unless it is one of the instance's.
  Status detach(const Json& instance, const std::string& port_id);

  // The group (by name or id, in the instance's project) added to or removed
  // from every interface: 404 unknown group, 400 when removing one the
  // instance does not have (as Nova) or adding one it already has.
  Status add_security_group(const Credentials& caller, const Json& instance, const std::string& name);
  Status remove_security_group(const Credentials& caller, const Json& instance, const std::string& name);
  // The groups of the instance's interfaces as Neutron shows them to `caller`.
  std::vector<Json> security_groups(const Credentials& caller, const std::string& instance_uuid) const;
  // Nova's security group proxy (/os-security-groups/{id}, up to 2.35): one
  // of the caller's project's groups by id or name (404 otherwise).
  Result<Json> find_security_group(const Credentials& caller, const std::string& name_or_id);
  // The proxy's update (name, description) and delete of a group found as above.
  Result<Json> update_security_group(const Credentials& caller, const std::string& name_or_id, const Json& changes);
  Status delete_security_group(const Credentials& caller, const std::string& name_or_id);

 private:
  // The group joins (add) or leaves every port of the instance.
  Status change_security_group(const Credentials& caller, const Json& instance, const std::string& name, bool add);
  // The instance's interfaces: its ports, ordered by the record's position.
  std::vector<const Json*> ports_of(const std::string& instance_uuid) const;
  // Resolves group names or ids in `project_id` (400 for an unknown one).
  Result<Json> resolve_groups(const Credentials& caller, const std::string& project_id,
                              const std::vector<std::string>& names);
  Result<Json> find_group(const Credentials& caller, const std::string& project_id, const std::string& name,
                          bool not_found_is_404);
  // Creates or claims one interface; the port.
  Result<Json> plug(const Json& instance, const Json& entry, const Json& groups, const std::string& host, int position);
  void unplug(const std::string& port_id, bool preexisting);
  int next_position(const std::string& instance_uuid) const;

  Store& store_;
  network::NetworkService& networks_;
};

// The credentials compute acts with for an instance's ports: admin in the instance's project.
Credentials compute_service_credentials(const std::string& project_id);

}  // namespace stacklab::compute
