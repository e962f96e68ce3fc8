// SchedulerOptions: nova.conf's [filter_scheduler] (and [scheduler]
// max_attempts), with Nova's defaults.
#pragma once

#include <string>
#include <vector>

#include "engine/core/config.h"

namespace stacklab::scheduler {

struct SchedulerOptions {
  // The filter list of the book's era (Queens..Wallaby); today's upstream
  // dropped AvailabilityZoneFilter in favour of a placement pre-filter, which
  // stacklab's placement query does not do, so the filter stays.
  std::vector<std::string> enabled_filters = {"AvailabilityZoneFilter",        "ComputeFilter",
                                              "ComputeCapabilitiesFilter",     "ImagePropertiesFilter",
                                              "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter"};
  // "nova.scheduler.weights.all_weighers" = every weigher stacklab has.
  std::vector<std::string> weight_classes = {"nova.scheduler.weights.all_weighers"};
  double ram_weight_multiplier = 1.0;
  double cpu_weight_multiplier = 1.0;
  double disk_weight_multiplier = 1.0;
  double io_ops_weight_multiplier = -1.0;
  double num_instances_weight_multiplier = 0.0;
  double soft_affinity_weight_multiplier = 1.0;
  double soft_anti_affinity_weight_multiplier = 1.0;
  int host_subset_size = 1;  // values below 1 count as 1 (oslo.config refuses them)
  bool shuffle_best_same_weighed_hosts = false;
  int max_instances_per_host = 50;
  int max_io_ops_per_host = 8;
  std::string image_properties_default_architecture;  // "" = None
  std::string default_availability_zone = "nova";     // [DEFAULT]
  // stacklab's own [filter_scheduler] stacklab_host_index: answer requests
  // through a HostIndex (the indexed fast path) where it applies.
  bool use_host_index = true;
  int max_attempts = 3;                                // [scheduler]; alternates = max_attempts - 1

  // Reads [filter_scheduler], [scheduler] max_attempts and [DEFAULT]
  // default_availability_zone; missing keys keep the defaults above. List
  // values are comma-separated, class paths may be qualified
  // (nova.scheduler.filters.compute_filter.ComputeFilter).
  static SchedulerOptions from_config(const Config& config);
};

}  // namespace stacklab::scheduler
