// BuildAlternates: Nova's conductor side of rescheduling a failed build.
//
// The scheduler answers a build with, per instance, the selected host and up
// to max_attempts - 1 alternates (engine/scheduler/filter_scheduler.h). Nova
// passes that host list along with the build; when the spawn fails on a host
// the compute node releases the instance's allocation and hands the build
// back to the conductor, which claims the next alternate in placement (its
// allocation request from the candidates) and builds there, skipping
// alternates whose claim no longer fits; none left: MaxRetriesExceeded.
// This class keeps the remaining alternates per instance between attempts
// and makes that claim; ComputeService drives the attempts.
//
// Not on the bus: InProcessBus delivers through the Runtime's loop, which is
// outside the Clock, so a build routed through "conductor"/"scheduler" topics
// would not run in virtual time (ManualClock). The methods here are what the
// conductor's build_instances (reschedule) RPC would do, so a bus adapter can
// wrap them once the bus delivers through the Clock.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/placement/placement_service.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/request_spec.h"

namespace stacklab::compute {

// Nova's MaxRetriesExceeded fault message for an instance.
std::string max_retries_exceeded_message(const std::string& instance_uuid);

class BuildAlternates {
 public:
  explicit BuildAlternates(placement::PlacementService& placement) : placement_(placement) {}

  // The alternates the scheduler chose for an instance, best first.
  void keep(const std::string& instance_uuid, std::vector<scheduler::Selection> alternates);
  // The build ended (ACTIVE, ERROR, deleted): nothing more to retry.
  void forget(const std::string& instance_uuid);

  // Claims the instance's resources on the first remaining alternate where
  // they still fit (alternates tried are dropped, claimed or not) and
  // returns it; nullopt when none is left (MaxRetriesExceeded). The instance
  // must hold no allocation (the failed host's was released).
  std::optional<scheduler::Selection> claim_next(const std::string& instance_uuid, const scheduler::RequestSpec& spec);

  // Instances with a build in progress that still have alternates.
  std::size_t size() const { return alternates_.size(); }

 private:
  placement::PlacementService& placement_;
  std::map<std::string, std::vector<scheduler::Selection>> alternates_;
};

}  // namespace stacklab::compute
