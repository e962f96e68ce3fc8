#include "engine/scheduler/host_state.h"

#include "engine/scheduler/request_spec.h"

namespace stacklab::scheduler {

namespace {
std::string strip(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}
}  // namespace

std::map<std::string, std::set<std::string>> HostState::aggregate_metadata(const std::string* key) const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& agg : aggregates) {
    if (key && !agg->metadata.count(*key)) continue;
    for (const auto& [k, v] : agg->metadata) {
      auto& values = out[k];
      std::size_t start = 0;
      while (true) {
        auto comma = v.find(',', start);
        values.insert(strip(std::string_view(v).substr(start, comma == std::string::npos ? std::string::npos
                                                                                          : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  return out;
}

std::set<std::string> HostState::aggregate_values(const std::string& key) const {
  std::set<std::string> out;
  for (const auto& agg : aggregates) {
    auto it = agg->metadata.find(key);
    if (it != agg->metadata.end()) out.insert(it->second);
  }
  return out;
}

std::set<std::string> HostState::availability_zones(const std::string& default_zone) const {
  static const std::string kKey = "availability_zone";
  auto md = aggregate_metadata(&kKey);
  auto it = md.find(kKey);
  if (it == md.end()) return {default_zone};
  return it->second;
}

void HostState::consume_from_request(const RequestSpec& spec, const std::string& instance_uuid) {
  free_ram_mb -= spec.flavor.memory_mb;
  free_disk_mb -= (spec.flavor.root_gb + spec.flavor.ephemeral_gb) * 1024;
  vcpus_used += spec.flavor.vcpus;
  num_instances += 1;
  num_io_ops += 1;
  if (!instance_uuid.empty()) instances.insert(instance_uuid);
}

}  // namespace stacklab::scheduler
