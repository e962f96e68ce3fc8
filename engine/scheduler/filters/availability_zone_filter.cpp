// AvailabilityZoneFilter: a request for a zone passes the hosts whose
// aggregates put them in that zone; a host in no zone aggregate is in
// [DEFAULT] default_availability_zone ("nova").
#include <cctype>

#include "engine/scheduler/filters/filter_factories.h"

namespace stacklab::scheduler::filters {

namespace {

const std::string kZoneKey = "availability_zone";

bool lists(std::string_view values, std::string_view zone) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  while (true) {
    auto comma = values.find(',');
    if (trim(values.substr(0, comma)) == zone) return true;
    if (comma == std::string_view::npos) return false;
    values.remove_prefix(comma + 1);
  }
}

class AvailabilityZoneFilter final : public SchedulerFilter {
 public:
  explicit AvailabilityZoneFilter(std::string default_zone) : default_zone_(std::move(default_zone)) {}
  std::string_view name() const override { return "AvailabilityZoneFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    if (spec.availability_zone.empty()) return true;
    // Without allocating: any aggregate's comma-separated zone list naming it.
    bool zoned = false;
    for (const auto& agg : h.aggregates) {
      auto it = agg->metadata.find(kZoneKey);
      if (it == agg->metadata.end()) continue;
      zoned = true;
      if (lists(it->second, spec.availability_zone)) return true;
    }
    return !zoned && spec.availability_zone == default_zone_;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }

 private:
  std::string default_zone_;
};

}  // namespace

std::unique_ptr<SchedulerFilter> availability_zone_filter(const SchedulerOptions& o) {
  return std::make_unique<AvailabilityZoneFilter>(o.default_availability_zone);
}

}  // namespace stacklab::scheduler::filters
