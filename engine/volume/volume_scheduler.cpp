#include "engine/volume/volume_scheduler.h"

#include <algorithm>
#include <cmath>

#include "engine/scheduler/filters/extra_specs_ops.h"

namespace stacklab::volume {

namespace {

// The extra specs CapabilitiesFilter checks: unscoped keys and "capabilities:" ones.
bool capability_key(const std::string& key, std::string* name) {
  auto colon = key.find(':');
  if (colon == std::string::npos) {
    *name = key;
    return true;
  }
  if (key.compare(0, colon, "capabilities") != 0) return false;
  *name = key.substr(colon + 1);
  return true;
}

std::string capability_string(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();
}

// Cinder's extra_specs_ops has "<is>" (booleans as oslo's bool_from_string
// reads them; "multiattach": "<is> True" on a type) on top of Nova's operators.
bool cinder_spec_matches(const std::string& value, const std::string& requirement) {
  if (requirement.compare(0, 4, "<is>") != 0) return scheduler::extra_spec_matches(value, requirement);
  std::string arg = requirement.substr(4);
  arg.erase(0, arg.find_first_not_of(' '));
  arg.erase(std::min(arg.size(), arg.find(' ')));
  auto truthy = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s == "1" || s == "t" || s == "true" || s == "on" || s == "y" || s == "yes";
  };
  return truthy(value) == truthy(arg);
}

}  // namespace

bool provisioned_thin(const PoolStats& pool, const Json& extra_specs) {
  // Cinder provisions thin unless the type asks for thick, where the pool can.
  bool thin = extra_specs.value("provisioning:type", std::string("thin")) != "thick";
  return thin && pool.thin_provisioning_support;
}

bool availability_zone_passes(const BackendState& b, const VolumeRequest& r) {
  return r.availability_zone.empty() || r.availability_zone == b.availability_zone;
}

bool capacity_passes(const BackendState& b, const VolumeRequest& r) {
  const PoolStats& p = b.pool;
  double total = p.total_capacity_gb;
  if (total <= 0) return false;
  double free = p.free_capacity_gb - std::floor(total * p.reserved_percentage / 100.0);
  double requested = static_cast<double>(r.size_gb);
  if (provisioned_thin(p, r.extra_specs)) {
    if (p.max_over_subscription_ratio < 1) return false;
    double provisioned_ratio = (p.provisioned_capacity_gb + requested) / total;
    if (provisioned_ratio > p.max_over_subscription_ratio) return false;
    return free * p.max_over_subscription_ratio >= requested;
  }
  return free >= requested;
}

bool capabilities_pass(const BackendState& b, const VolumeRequest& r) {
  for (const auto& [key, value] : r.extra_specs.items()) {
    std::string name;
    if (!capability_key(key, &name)) continue;
    const Json& caps = b.pool.capabilities;
    if (!caps.contains(name)) return false;
    if (!cinder_spec_matches(capability_string(caps[name]), capability_string(value))) return false;
  }
  return true;
}

double capacity_weight(const BackendState& b, const VolumeRequest& r) {
  const PoolStats& p = b.pool;
  double reserved = std::floor(p.total_capacity_gb * p.reserved_percentage / 100.0);
  if (provisioned_thin(p, r.extra_specs))
    return p.total_capacity_gb * p.max_over_subscription_ratio - p.provisioned_capacity_gb - reserved;
  return p.free_capacity_gb - reserved;
}

Result<BackendState> VolumeScheduler::select(const std::vector<BackendState>& candidates,
                                             const VolumeRequest& request) const {
  std::vector<const BackendState*> passed;
  for (const auto& b : candidates)
    if (availability_zone_passes(b, request) && capacity_passes(b, request) && capabilities_pass(b, request))
      passed.push_back(&b);
  if (passed.empty()) return BadRequest("No valid backend was found. No weighed backends available");
  // Normalised to [0, 1] then multiplied, as Cinder's weighers; the first of equals wins.
  double lo = INFINITY, hi = -INFINITY;
  std::vector<double> raw;
  for (const auto* b : passed) {
    raw.push_back(capacity_weight(*b, request));
    lo = std::min(lo, raw.back());
    hi = std::max(hi, raw.back());
  }
  std::size_t best = 0;
  double best_weight = -INFINITY;
  for (std::size_t i = 0; i < passed.size(); ++i) {
    double w = (hi > lo ? (raw[i] - lo) / (hi - lo) : 0.0) * options_.capacity_weight_multiplier;
    if (w > best_weight) {
      best_weight = w;
      best = i;
    }
  }
  return *passed[best];
}

}  // namespace stacklab::volume
