// Filters on host aggregates' metadata: AggregateInstanceExtraSpecsFilter
// and AggregateMultiTenancyIsolation.
#include "engine/scheduler/filters/extra_specs_ops.h"
#include "engine/scheduler/filters/filter_factories.h"

namespace stacklab::scheduler::filters {

namespace {

// Every flavor extra spec that is unscoped or scoped
// "aggregate_instance_extra_specs:" must be matched by a value of that key
// in one of the host's aggregates; a key no aggregate has fails the host.
class AggregateInstanceExtraSpecsFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "AggregateInstanceExtraSpecsFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    const auto& specs = spec.flavor.extra_specs;
    if (specs.empty()) return true;
    auto metadata = h.aggregate_metadata();
    static const std::string kScope = "aggregate_instance_extra_specs";
    for (const auto& [full_key, req] : specs) {
      std::string key = full_key;
      if (auto colon = full_key.find(':'); colon != std::string::npos) {
        if (full_key.compare(0, colon, kScope) != 0 || colon != kScope.size()) continue;
        key = full_key.substr(colon + 1);
      }
      auto it = metadata.find(key);
      if (it == metadata.end() || it->second.empty()) return false;
      bool any = false;
      for (const auto& v : it->second)
        if (extra_spec_matches(v, req)) {
          any = true;
          break;
        }
      if (!any) return false;
    }
    return true;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }
};

// A host in aggregates with filter_tenant_id* keys takes only those
// projects; a host without such keys takes every project.
class AggregateMultiTenancyIsolation final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "AggregateMultiTenancyIsolation"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    if (h.aggregates.empty()) return true;
    bool restricted = false;
    for (const auto& [key, values] : h.aggregate_metadata()) {
      if (key.rfind("filter_tenant_id", 0) != 0) continue;
      restricted = restricted || !values.empty();
      if (values.count(spec.project_id)) return true;
    }
    return !restricted;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }
};

}  // namespace

std::unique_ptr<SchedulerFilter> aggregate_instance_extra_specs_filter() {
  return std::make_unique<AggregateInstanceExtraSpecsFilter>();
}
std::unique_ptr<SchedulerFilter> aggregate_multi_tenancy_isolation() {
  return std::make_unique<AggregateMultiTenancyIsolation>();
}

}  // namespace stacklab::scheduler::filters
