#include "engine/compute/build_alternates.h"

#include "engine/scheduler/placement_host_states.h"

namespace stacklab::compute {

std::string max_retries_exceeded_message(const std::string& instance_uuid) {
  // nova.exception.MaxRetriesExceeded ("Exceeded maximum number of retries. %(reason)s") with the
  // conductor's reason (nova/conductor/manager.py build_instances).
  std::string m = "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures";
  m += " for instance ";
  m += instance_uuid;
  m += ".";
  return m;
}

void BuildAlternates::keep(const std::string& instance_uuid, std::vector<scheduler::Selection> alternates) {
  if (alternates.empty()) {
    alternates_.erase(instance_uuid);
    return;
  }
  alternates_[instance_uuid] = std::move(alternates);
}

void BuildAlternates::forget(const std::string& instance_uuid) { alternates_.erase(instance_uuid); }

std::optional<scheduler::Selection> BuildAlternates::claim_next(const std::string& instance_uuid,
                                                                const scheduler::RequestSpec& spec) {
  auto it = alternates_.find(instance_uuid);
  if (it == alternates_.end()) return std::nullopt;
  std::vector<scheduler::Selection> left = std::move(it->second);
  alternates_.erase(it);
  placement::AllocationRequest request;
  request.project_id = spec.project_id;
  request.user_id = spec.user_id;
  request.consumer_type = "INSTANCE";
  request.check_generation = false;
  const placement::ResourceAmounts amounts = scheduler::resources_from_spec(spec);
  for (std::size_t i = 0; i < left.size(); ++i) {
    request.allocations.clear();
    request.allocations[left[i].compute_node_uuid] = amounts;
    if (!placement_.put_allocations(instance_uuid, request).ok()) continue;  // filled up meanwhile: next one
    scheduler::Selection chosen = left[i];
    left.erase(left.begin(), left.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    keep(instance_uuid, std::move(left));
    return chosen;
  }
  return std::nullopt;
}

}  // namespace stacklab::compute
