#include "engine/scheduler/scheduler_options.h"

#include <algorithm>

namespace stacklab::scheduler {

namespace {

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

SchedulerOptions SchedulerOptions::from_config(const Config& c) {
  SchedulerOptions o;
  const std::string s = "filter_scheduler";
  if (c.has(s, "enabled_filters")) o.enabled_filters = split_list(c.get(s, "enabled_filters"));
  if (c.has(s, "weight_classes")) o.weight_classes = split_list(c.get(s, "weight_classes"));
  o.ram_weight_multiplier = c.get_double(s, "ram_weight_multiplier", o.ram_weight_multiplier);
  o.cpu_weight_multiplier = c.get_double(s, "cpu_weight_multiplier", o.cpu_weight_multiplier);
  o.disk_weight_multiplier = c.get_double(s, "disk_weight_multiplier", o.disk_weight_multiplier);
  o.io_ops_weight_multiplier = c.get_double(s, "io_ops_weight_multiplier", o.io_ops_weight_multiplier);
  o.num_instances_weight_multiplier =
      c.get_double(s, "num_instances_weight_multiplier", o.num_instances_weight_multiplier);
  o.soft_affinity_weight_multiplier =
      c.get_double(s, "soft_affinity_weight_multiplier", o.soft_affinity_weight_multiplier);
  o.soft_anti_affinity_weight_multiplier =
      c.get_double(s, "soft_anti_affinity_weight_multiplier", o.soft_anti_affinity_weight_multiplier);
  o.host_subset_size = std::max<int>(1, static_cast<int>(c.get_int(s, "host_subset_size", o.host_subset_size)));
  o.shuffle_best_same_weighed_hosts =
      c.get_bool(s, "shuffle_best_same_weighed_hosts", o.shuffle_best_same_weighed_hosts);
  o.max_instances_per_host = static_cast<int>(c.get_int(s, "max_instances_per_host", o.max_instances_per_host));
  o.max_io_ops_per_host = static_cast<int>(c.get_int(s, "max_io_ops_per_host", o.max_io_ops_per_host));
  o.use_host_index = c.get_bool(s, "stacklab_host_index", o.use_host_index);
  o.image_properties_default_architecture = c.get(s, "image_properties_default_architecture", "");
  o.default_availability_zone = c.get("DEFAULT", "default_availability_zone", o.default_availability_zone);
  o.max_attempts = std::max<int>(1, static_cast<int>(c.get_int("scheduler", "max_attempts", o.max_attempts)));
  return o;
}

}  // namespace stacklab::scheduler
