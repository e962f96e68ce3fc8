#include "engine/scheduler/placement_host_states.h"

namespace stacklab::scheduler {

using placement::ResourceAmounts;

namespace {

std::int64_t used(const placement::ResourceProvider& rp, const std::string& rc) {
  auto it = rp.usage.find(rc);
  return it == rp.usage.end() ? 0 : it->second;
}

}  // namespace

HostState host_state_from_provider(const placement::PlacementService& placement,
                                   const placement::ResourceProvider& rp, const HostStateSources& sources) {
  HostState h;
  h.uuid = rp.uuid;
  h.nodename = rp.name;
  h.hypervisor_hostname = rp.name;
  if (auto it = rp.inventories.find("VCPU"); it != rp.inventories.end()) {
    h.vcpus_total = it->second.total;
    h.cpu_allocation_ratio = it->second.allocation_ratio;
  }
  h.vcpus_used = used(rp, "VCPU");
  if (auto it = rp.inventories.find("MEMORY_MB"); it != rp.inventories.end()) {
    h.total_usable_ram_mb = it->second.total;
    h.free_ram_mb = it->second.total - it->second.reserved - used(rp, "MEMORY_MB");
    h.ram_allocation_ratio = it->second.allocation_ratio;
  }
  if (auto it = rp.inventories.find("DISK_GB"); it != rp.inventories.end()) {
    h.total_usable_disk_gb = it->second.total;
    h.free_disk_mb = (it->second.total - it->second.reserved - used(rp, "DISK_GB")) * 1024;
    h.disk_mb_used = (it->second.reserved + used(rp, "DISK_GB")) * 1024;
    h.disk_allocation_ratio = it->second.allocation_ratio;
  }
  h.traits = rp.traits;
  for (const auto& agg : rp.aggregates) {
    auto it = sources.aggregates.find(agg);
    h.aggregates.push_back(it != sources.aggregates.end()
                               ? it->second
                               : std::make_shared<const Aggregate>(Aggregate{agg, "", {}}));
  }
  ComputeNodeInfo info;
  bool known = false;
  if (auto it = sources.nodes.find(rp.uuid); it != sources.nodes.end()) {
    info = it->second;
    known = true;
  }
  h.host = info.host.empty() ? rp.name : info.host;
  h.cell_uuid = info.cell_uuid;
  h.hypervisor_type = info.hypervisor_type;
  h.hypervisor_version = info.hypervisor_version;
  h.cpu_info = info.cpu_info;
  h.supported_instances = info.supported_instances;
  h.stats = info.stats;
  h.service = info.service;
  h.num_io_ops = info.num_io_ops;
  if (known) {
    h.instances.insert(info.instances.begin(), info.instances.end());
  } else if (sources.instances_from_allocations) {
    for (const auto& [consumer, amounts] : placement.provider_allocations(rp.uuid)) h.instances.insert(consumer);
  }
  h.num_instances = static_cast<int>(h.instances.size());
  return h;
}

ResourceAmounts resources_from_spec(const RequestSpec& spec) {
  const auto& f = spec.flavor;
  std::int64_t swap_gb = (f.swap + 1023) / 1024;
  std::int64_t disk = (spec.is_bfv ? 0 : f.root_gb) + f.ephemeral_gb + swap_gb;
  ResourceAmounts r;
  if (f.vcpus) r["VCPU"] = f.vcpus;
  if (f.memory_mb) r["MEMORY_MB"] = f.memory_mb;
  if (disk) r["DISK_GB"] = disk;
  return r;
}

std::vector<HostState> candidate_host_states(const placement::PlacementService& placement, const RequestSpec& spec,
                                             const HostStateSources& sources) {
  placement::CandidateQuery query;
  query.resources = resources_from_spec(spec);
  std::vector<HostState> out;
  for (const auto& c : placement.allocation_candidates(query))
    out.push_back(host_state_from_provider(placement, *c.provider, sources));
  return out;
}

bool PlacementClaimer::claim(const HostState& host, const RequestSpec& spec, const std::string& instance_uuid) {
  placement::AllocationRequest r;
  r.allocations[host.uuid] = resources_from_spec(spec);
  r.project_id = spec.project_id;
  r.user_id = spec.user_id;
  r.consumer_type = "INSTANCE";
  r.check_generation = false;
  return placement_.put_allocations(instance_uuid, r).ok();
}

void PlacementClaimer::release(const std::vector<std::string>& instance_uuids) {
  for (const auto& u : instance_uuids) (void)placement_.delete_allocations(u);
}

}  // namespace stacklab::scheduler
