// ResourceTracker: keeps placement's view of compute nodes in step with
// their hypervisors (the reporting half of Nova's resource tracker).
//
// update_available_resource() reads a driver's get_available_resource() and
// makes the node's resource provider (named by its hypervisor hostname)
// match it: VCPU, MEMORY_MB and DISK_GB inventories with nova.conf's
// allocation ratios and reserved amounts, the traits (COMPUTE_NODE, the
// driver's capability traits, the node's own), and, when given, its
// aggregates. Writes happen only when something changed, so periodic
// reports do not bump generations. Claims for instances are placement's
// allocations (the scheduler's claimer), not this class's. Runs on the
// engine loop.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "engine/compute/driver.h"
#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/placement/placement_service.h"

namespace stacklab::compute {

// nova.conf's [DEFAULT] options; the defaults are the book's release's.
struct ResourceOptions {
  double cpu_allocation_ratio = 16.0;
  double ram_allocation_ratio = 1.5;
  double disk_allocation_ratio = 1.0;
  std::int64_t reserved_host_memory_mb = 512;
  std::int64_t reserved_host_disk_mb = 0;
  std::int64_t reserved_host_cpus = 0;
  static ResourceOptions from_config(const Config& config);
};

// What the node reports beyond the driver's resources.
struct NodeReport {
  std::set<std::string> traits;                     // e.g. CUSTOM_*; created when missing
  std::optional<std::set<std::string>> aggregates;  // placement aggregate uuids; unset = leave as is
};

class ResourceTracker {
 public:
  ResourceTracker(placement::PlacementService& placement, Clock& clock, ResourceOptions options = {});

  // Reports one node. Returns its provider's uuid. When the driver cannot
  // report (host down) returns its error and changes nothing in placement;
  // placement errors (e.g. an inventory shrinking below its usage) are
  // returned too, with the provider left as it was.
  Result<std::string> update_available_resource(const ComputeDriver& driver, const NodeReport& report = {});

  // The provider uuid of a node reported before ("" if never).
  std::string provider_uuid(const std::string& nodename) const;
  // When the node last reported successfully (nullopt if never): what a
  // service-group check reads to call a host down.
  std::optional<TimePoint> last_report(const std::string& nodename) const;

  const ResourceOptions& options() const { return options_; }

 private:
  std::map<std::string, placement::Inventory> inventories(const HostResources& r) const;

  placement::PlacementService& placement_;
  Clock& clock_;
  ResourceOptions options_;
  std::map<std::string, TimePoint> last_report_;
};

}  // namespace stacklab::compute
