// HostStates from placement, and claims through it.
//
// Placement knows each compute node's inventories, usage, traits and
// aggregate uuids; it does not know the service status, the hypervisor's
// details, aggregate metadata or the instances (Nova's HostManager gets
// those from the compute nodes and the aggregate table). Those come in as
// ComputeNodeInfo / Aggregate overlays when the caller has them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/placement/placement_service.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/host_state.h"
#include "engine/scheduler/request_spec.h"

namespace stacklab::scheduler {

// What the compute service reports about a node, beyond placement.
struct ComputeNodeInfo {
  std::string host;  // the nova-compute host; defaults to the provider's name
  std::string cell_uuid;
  std::string hypervisor_type = "QEMU";
  std::int64_t hypervisor_version = 0;
  nlohmann::json cpu_info = nlohmann::json::object();
  std::vector<SupportedInstance> supported_instances;
  std::map<std::string, std::string> stats;
  ServiceStatus service;
  int num_io_ops = 0;
  std::vector<std::string> instances;  // when set, num_instances is its size
};

struct HostStateSources {
  // Nova aggregates by uuid; a placement aggregate not here has no metadata.
  std::map<std::string, std::shared_ptr<const Aggregate>> aggregates;
  // Per provider uuid; a provider not here gets ComputeNodeInfo's defaults.
  std::map<std::string, ComputeNodeInfo> nodes;
  // Without node info, count the provider's consumers as its instances
  // (a scan of all consumers per provider: for small fleets and tests).
  bool instances_from_allocations = false;
};

// A HostState for a compute node provider: VCPU, MEMORY_MB and DISK_GB
// inventories give totals and allocation ratios; free = total - reserved - used.
HostState host_state_from_provider(const placement::PlacementService& placement,
                                   const placement::ResourceProvider& rp, const HostStateSources& sources = {});

// Placement's resources for one instance of the flavor (Nova's
// resources_from_flavor): VCPU, MEMORY_MB, DISK_GB = root (unless boot from
// volume) + ephemeral + swap rounded up to GB; zero amounts left out.
placement::ResourceAmounts resources_from_spec(const RequestSpec& spec);

// The HostStates of the providers with allocation candidates for `spec`,
// in placement's order.
std::vector<HostState> candidate_host_states(const placement::PlacementService& placement, const RequestSpec& spec,
                                             const HostStateSources& sources = {});

// Claims with PUT /allocations (the scheduler's claim_resources); release
// deletes the allocations of the given consumers.
class PlacementClaimer final : public ResourceClaimer {
 public:
  explicit PlacementClaimer(placement::PlacementService& placement) : placement_(placement) {}
  bool claim(const HostState& host, const RequestSpec& spec, const std::string& instance_uuid) override;
  void release(const std::vector<std::string>& instance_uuids) override;

 private:
  placement::PlacementService& placement_;
};

}  // namespace stacklab::scheduler
