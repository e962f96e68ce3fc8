// Filters on where other instances run: SameHostFilter and
// DifferentHostFilter (scheduler hints same_host / different_host), and the
// hard server-group policies ServerGroupAffinityFilter and
// ServerGroupAntiAffinityFilter.
#include "engine/scheduler/filters/filter_factories.h"

#include <algorithm>

namespace stacklab::scheduler::filters {

namespace {

bool runs_any(const HostState& h, const std::vector<std::string>& uuids) {
  for (const auto& u : uuids)
    if (h.instances.count(u)) return true;
  return false;
}

// Passes hosts running at least one of the instances in hint same_host.
class SameHostFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "SameHostFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    const auto* uuids = spec.hint("same_host");
    if (!uuids || uuids->empty()) return true;
    return runs_any(h, *uuids);
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostInstances; }
};

// Passes hosts running none of the instances in hint different_host.
class DifferentHostFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "DifferentHostFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    const auto* uuids = spec.hint("different_host");
    if (!uuids || uuids->empty()) return true;
    return !runs_any(h, *uuids);
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostInstances; }
};

// Policy "affinity": once the group has hosts, only those hosts pass.
class ServerGroupAffinityFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "ServerGroupAffinityFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    const auto& g = spec.instance_group;
    if (!g || g->policy != "affinity") return true;
    if (g->hosts.empty()) return true;
    return std::find(g->hosts.begin(), g->hosts.end(), h.host) != g->hosts.end();
  }
  FilterInputs inputs() const override { return FilterInputs::kHostInstances; }
};

// Policy "anti-affinity": passes hosts running fewer group members than the
// rule max_server_per_host (1 by default). The instance being moved counts
// as not there (a resize may stay on its host).
class ServerGroupAntiAffinityFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "ServerGroupAntiAffinityFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    const auto& g = spec.instance_group;
    if (!g || g->policy != "anti-affinity") return true;
    if (!spec.instance_uuid.empty() && h.instances.count(spec.instance_uuid)) return true;
    std::int64_t max_per_host = 1;
    if (auto it = g->rules.find("max_server_per_host"); it != g->rules.end()) max_per_host = it->second;
    std::int64_t on_host = 0;
    // Members are unique; count those this host runs.
    if (h.instances.size() < g->members.size()) {
      for (const auto& u : h.instances)
        on_host += std::count(g->members.begin(), g->members.end(), u) > 0;
    } else {
      for (const auto& m : g->members) on_host += h.instances.count(m);
    }
    return on_host < max_per_host;
  }
  FilterInputs inputs() const override { return FilterInputs::kHostInstances; }
};

}  // namespace

std::unique_ptr<SchedulerFilter> same_host_filter() { return std::make_unique<SameHostFilter>(); }
std::unique_ptr<SchedulerFilter> different_host_filter() { return std::make_unique<DifferentHostFilter>(); }
std::unique_ptr<SchedulerFilter> server_group_affinity_filter() {
  return std::make_unique<ServerGroupAffinityFilter>();
}
std::unique_ptr<SchedulerFilter> server_group_anti_affinity_filter() {
  return std::make_unique<ServerGroupAntiAffinityFilter>();
}

}  // namespace stacklab::scheduler::filters
