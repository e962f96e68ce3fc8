// HostWeigher: one of Nova's host weighers, and the weighing step.
//
// A weigher gives each host a raw value (free RAM, free vCPUs, ...). Over the
// hosts that passed the filters, each weigher's raw values are normalized to
// 0..1 (min -> 0, max -> 1; all equal -> all 0), multiplied by the weigher's
// multiplier for that host (the [filter_scheduler] option, overridden by
// the same key in the host's aggregates' metadata, the smallest if several)
// and summed. Higher totals win.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/status.h"
#include "engine/scheduler/host_state.h"
#include "engine/scheduler/request_spec.h"
#include "engine/scheduler/scheduler_options.h"

namespace stacklab::scheduler {

class HostWeigher {
 public:
  HostWeigher(std::string multiplier_key, double configured)
      : multiplier_key_(std::move(multiplier_key)), configured_(configured) {}
  virtual ~HostWeigher() = default;
  virtual std::string_view name() const = 0;
  // The raw value (Nova's _weigh_object).
  virtual double weigh(const HostState& host, const RequestSpec& spec) const = 0;
  // True when the raw value is a host counter independent of the request
  // (free RAM, free vCPUs, ...): the indexed fast path can keep hosts sorted
  // by it. False for values that depend on the request (server groups).
  virtual bool request_independent() const { return true; }

  // The multiplier for `host`: its aggregates' value of the option's key
  // (the smallest if several; the configured one if any is not a number),
  // else the configured value.
  double multiplier(const HostState& host) const;
  double configured_multiplier() const { return configured_; }
  const std::string& multiplier_key() const { return multiplier_key_; }

 private:
  std::string multiplier_key_;
  double configured_;
};

// The weighers named by [filter_scheduler] weight_classes, in that order
// ("nova.scheduler.weights.all_weighers" = all of them); BadRequest for an
// unknown one.
Result<std::vector<std::unique_ptr<HostWeigher>>> make_weighers(const SchedulerOptions& options);

// A host and its total weight.
struct WeighedHost {
  HostState* host;
  double weight;
};

// Weighs `hosts` (Nova's get_weighed_objects): one or no host is returned
// with weight 0 unweighed; otherwise every weigher adds
// multiplier * normalized value. The result is in input order; sorting is
// the caller's.
std::vector<WeighedHost> weigh_hosts(const std::vector<std::unique_ptr<HostWeigher>>& weighers,
                                     const std::vector<HostState*>& hosts, const RequestSpec& spec);

// Nova's normalize(): min -> 0, max -> 1, all equal -> all 0. In place.
void normalize(std::vector<double>& values);

}  // namespace stacklab::scheduler
