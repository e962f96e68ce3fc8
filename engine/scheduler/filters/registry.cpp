#include <functional>
#include <map>

#include "engine/scheduler/filters/filter_factories.h"

namespace stacklab::scheduler {

namespace {

using Factory = std::function<std::unique_ptr<SchedulerFilter>(const SchedulerOptions&)>;

const std::map<std::string, Factory, std::less<>>& factories() {
  using namespace filters;
  static const std::map<std::string, Factory, std::less<>> m = {
      {"AllHostsFilter", [](const SchedulerOptions&) { return all_hosts_filter(); }},
      {"ComputeFilter", [](const SchedulerOptions&) { return compute_filter(); }},
      {"NumInstancesFilter", num_instances_filter},
      {"IoOpsFilter", io_ops_filter},
      {"AvailabilityZoneFilter", availability_zone_filter},
      {"ComputeCapabilitiesFilter", [](const SchedulerOptions&) { return compute_capabilities_filter(); }},
      {"ImagePropertiesFilter", image_properties_filter},
      {"SameHostFilter", [](const SchedulerOptions&) { return same_host_filter(); }},
      {"DifferentHostFilter", [](const SchedulerOptions&) { return different_host_filter(); }},
      {"ServerGroupAffinityFilter", [](const SchedulerOptions&) { return server_group_affinity_filter(); }},
      {"ServerGroupAntiAffinityFilter",
       [](const SchedulerOptions&) { return server_group_anti_affinity_filter(); }},
      {"AggregateInstanceExtraSpecsFilter",
       [](const SchedulerOptions&) { return aggregate_instance_extra_specs_filter(); }},
      {"AggregateMultiTenancyIsolation",
       [](const SchedulerOptions&) { return aggregate_multi_tenancy_isolation(); }},
  };
  return m;
}

}  // namespace

Result<std::unique_ptr<SchedulerFilter>> make_filter(std::string_view name, const SchedulerOptions& options) {
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) name = name.substr(dot + 1);
  auto it = factories().find(name);
  if (it == factories().end()) return BadRequest("Filter " + std::string(name) + " is not available");
  return it->second(options);
}

const std::vector<std::string>& available_filters() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [n, f] : factories()) v.push_back(n);
    return v;
  }();
  return names;
}

}  // namespace stacklab::scheduler
