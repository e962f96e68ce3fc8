// Hypervisors: Nova's compute nodes as os-hypervisors shows them, a view
// (never stored) over the managed nodes, their nova-compute records and
// placement.
//
//   hypervisor {seq (Nova's integer id: the node's), uuid (its resource
//               provider's), hypervisor_hostname, host_ip, state, status,
//               service {host, id, uuid, disabled_reason}, vcpus,
//               vcpus_used, memory_mb, memory_mb_used, local_gb,
//               local_gb_used, free_ram_mb, free_disk_gb, running_vms,
//               current_workload, disk_available_least, hypervisor_type,
//               hypervisor_version, cpu_info {}, servers [{uuid, name}],
//               uptime}
//
// Totals and facts come from the driver's get_available_resource (from
// placement's inventories when the host cannot be reached); what is used is
// placement's usage plus the reserved amounts, as Nova's resource tracker
// counts it. A node that never reported to placement has no compute node
// and is not shown. Admin-only by policy.
#pragma once

#include <string>
#include <vector>

#include "engine/compute/compute_services.h"
#include "engine/compute/resource_tracker.h"
#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/placement/placement_service.h"

namespace stacklab::compute {

class Hypervisors {
 public:
  Hypervisors(const ServiceRegistry& services, const placement::PlacementService& placement,
              const ResourceTracker& tracker, const Clock& clock, const Policy& policy);

  // `action`: the policy rule's last part (list, list-detail, show, search, servers, uptime, statistics).
  Result<std::vector<Json>> list(const Credentials& caller, const std::string& action) const;
  // By integer id or uuid; 404 "Hypervisor with ID '<id>' could not be found.".
  Result<Json> get(const Credentials& caller, const std::string& action, const std::string& id) const;
  // Nova's statistics: sums over the nodes, and their count.
  Result<Json> statistics(const Credentials& caller) const;

 private:
  std::vector<Json> records() const;
  Json record(const ManagedNode& node, const Json& service) const;

  const ServiceRegistry& services_;
  const placement::PlacementService& placement_;
  const ResourceTracker& tracker_;
  const Clock& clock_;
  const Policy& policy_;
  TimePoint booted_;
};

}  // namespace stacklab::compute
