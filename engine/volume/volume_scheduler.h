// The volume scheduler (cinder-scheduler's FilterScheduler): which backend
// pool gets a new volume. Filters, in Cinder's default order:
//   AvailabilityZoneFilter  the pool's zone is the one asked for;
//   CapacityFilter          the size fits: thick needs free space (less the
//                           reserved share); thin needs the provisioned ratio
//                           (provisioned + size) / total to stay within
//                           max_over_subscription_ratio and the size to fit
//                           free x ratio;
//   CapabilitiesFilter      every unscoped or "capabilities:" extra spec of
//                           the volume type matches the pool's capabilities
//                           (extra_specs_ops semantics: "<is> True", ">= 10"...).
// Then CapacityWeigher: the most free (virtual, for thin) space wins, ties
// to the first pool. Backends whose service is down or disabled are not
// candidates.
#pragma once

#include <string>
#include <vector>

#include "engine/core/status.h"
#include "engine/volume/driver.h"

namespace stacklab::volume {

// One pool as the scheduler sees it.
struct BackendState {
  std::string backend_host;  // host@backend
  std::string availability_zone;
  PoolStats pool;
  std::string host() const { return backend_host + "#" + pool.pool_name; }
};

struct VolumeRequest {
  long long size_gb = 0;
  std::string availability_zone;  // "" = any
  Json extra_specs = Json::object();
};

struct SchedulerOptions {
  double capacity_weight_multiplier = 1.0;
};

// Whether the request would be provisioned thin on this pool.
bool provisioned_thin(const PoolStats& pool, const Json& extra_specs);

bool availability_zone_passes(const BackendState& b, const VolumeRequest& r);
bool capacity_passes(const BackendState& b, const VolumeRequest& r);
bool capabilities_pass(const BackendState& b, const VolumeRequest& r);
// CapacityWeigher's raw weight (GiB of free, or free virtual, space).
double capacity_weight(const BackendState& b, const VolumeRequest& r);

class VolumeScheduler {
 public:
  explicit VolumeScheduler(SchedulerOptions options = {}) : options_(options) {}
  // The chosen pool, or 400 "No valid backend was found. <reason>".
  Result<BackendState> select(const std::vector<BackendState>& candidates, const VolumeRequest& request) const;

 private:
  SchedulerOptions options_;
};

}  // namespace stacklab::volume
