// SchedulerFilter: one of Nova's host filters.
//
// A filter answers, for one host and one request, whether the host may take
// the request (Nova's host_passes). Filters only read the HostState and the
// RequestSpec; they keep no state between calls, so one instance serves
// every request.
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

// What a filter's answer depends on, besides the request. The indexed fast
// path (a later step) uses it: a kHostAttributes filter can be answered by
// an index over attributes that change only when a host is updated (its
// service, aggregates, hypervisor); a kHostUsage filter reads counters that
// change with every placement (num_instances, num_io_ops), so an index must be
// updated on consume; a kHostInstances filter reads which instances run where
// and is answered through the few hosts those instances are on; kNothing
// passes every host.
enum class FilterInputs { kNothing, kHostAttributes, kHostUsage, kHostInstances };

class SchedulerFilter {
 public:
  virtual ~SchedulerFilter() = default;
  virtual std::string_view name() const = 0;
  virtual bool host_passes(const HostState& host, const RequestSpec& spec) const = 0;
  // Nova's run_filter_once_per_request: the answer cannot change between the
  // instances of one multi-instance request, so it runs for the first only.
  virtual bool run_filter_once_per_request() const { return false; }
  virtual FilterInputs inputs() const = 0;
};

// The filter of that class name (qualified names like
// nova.scheduler.filters.compute_filter.ComputeFilter accepted), configured
// from `options`; BadRequest for a filter stacklab does not have.
Result<std::unique_ptr<SchedulerFilter>> make_filter(std::string_view name, const SchedulerOptions& options);
// Every filter name make_filter knows.
const std::vector<std::string>& available_filters();

}  // namespace stacklab::scheduler
