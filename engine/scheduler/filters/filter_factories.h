// Constructors of the built-in filters, one per family file; make_filter
// (registry.cpp) maps class names onto them. Internal to engine/scheduler.
#pragma once

#include <memory>

#include "engine/scheduler/filter.h"

namespace stacklab::scheduler::filters {

// host_filters.cpp
std::unique_ptr<SchedulerFilter> all_hosts_filter();
std::unique_ptr<SchedulerFilter> compute_filter();
std::unique_ptr<SchedulerFilter> num_instances_filter(const SchedulerOptions& o);
std::unique_ptr<SchedulerFilter> io_ops_filter(const SchedulerOptions& o);
// availability_zone_filter.cpp
std::unique_ptr<SchedulerFilter> availability_zone_filter(const SchedulerOptions& o);
// capabilities_filters.cpp
std::unique_ptr<SchedulerFilter> compute_capabilities_filter();
std::unique_ptr<SchedulerFilter> image_properties_filter(const SchedulerOptions& o);
// affinity_filters.cpp
std::unique_ptr<SchedulerFilter> same_host_filter();
std::unique_ptr<SchedulerFilter> different_host_filter();
std::unique_ptr<SchedulerFilter> server_group_affinity_filter();
std::unique_ptr<SchedulerFilter> server_group_anti_affinity_filter();
// aggregate_filters.cpp
std::unique_ptr<SchedulerFilter> aggregate_instance_extra_specs_filter();
std::unique_ptr<SchedulerFilter> aggregate_multi_tenancy_isolation();

}  // namespace stacklab::scheduler::filters
