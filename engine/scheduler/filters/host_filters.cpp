// Filters on the host's own state: AllHostsFilter, ComputeFilter (service
// enabled and up), NumInstancesFilter, IoOpsFilter.
#include "engine/scheduler/filters/filter_factories.h"

namespace stacklab::scheduler::filters {

namespace {

class AllHostsFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "AllHostsFilter"; }
  bool host_passes(const HostState&, const RequestSpec&) const override { return true; }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kNothing; }
};

// Passes hosts whose nova-compute service is enabled and has reported recently.
class ComputeFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "ComputeFilter"; }
  bool host_passes(const HostState& h, const RequestSpec&) const override {
    return !h.service.disabled && h.service.up;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }
};

// Passes hosts with fewer than max_instances_per_host instances.
class NumInstancesFilter final : public SchedulerFilter {
 public:
  explicit NumInstancesFilter(int max) : max_(max) {}
  std::string_view name() const override { return "NumInstancesFilter"; }
  bool host_passes(const HostState& h, const RequestSpec&) const override { return h.num_instances < max_; }
  FilterInputs inputs() const override { return FilterInputs::kHostUsage; }

 private:
  int max_;
};

// Passes hosts with fewer than max_io_ops_per_host concurrent IO-heavy operations.
class IoOpsFilter final : public SchedulerFilter {
 public:
  explicit IoOpsFilter(int max) : max_(max) {}
  std::string_view name() const override { return "IoOpsFilter"; }
  bool host_passes(const HostState& h, const RequestSpec&) const override { return h.num_io_ops < max_; }
  FilterInputs inputs() const override { return FilterInputs::kHostUsage; }

 private:
  int max_;
};

}  // namespace

std::unique_ptr<SchedulerFilter> all_hosts_filter() { return std::make_unique<AllHostsFilter>(); }
std::unique_ptr<SchedulerFilter> compute_filter() { return std::make_unique<ComputeFilter>(); }
std::unique_ptr<SchedulerFilter> num_instances_filter(const SchedulerOptions& o) {
  return std::make_unique<NumInstancesFilter>(o.max_instances_per_host);
}
std::unique_ptr<SchedulerFilter> io_ops_filter(const SchedulerOptions& o) {
  return std::make_unique<IoOpsFilter>(o.max_io_ops_per_host);
}

}  // namespace stacklab::scheduler::filters
