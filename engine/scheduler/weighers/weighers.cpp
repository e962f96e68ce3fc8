// Nova's weighers: RAMWeigher, CPUWeigher, DiskWeigher, NumInstancesWeigher,
// IoOpsWeigher, ServerGroupSoftAffinityWeigher,
// ServerGroupSoftAntiAffinityWeigher; and the weighing step.
#include <algorithm>
#include <unordered_map>

#include "engine/scheduler/filters/extra_specs_ops.h"
#include "engine/scheduler/weigher.h"

namespace stacklab::scheduler {

namespace {

// Free RAM in MB (physical, not overcommitted). Positive multiplier spreads.
class RAMWeigher final : public HostWeigher {
 public:
  explicit RAMWeigher(const SchedulerOptions& o) : HostWeigher("ram_weight_multiplier", o.ram_weight_multiplier) {}
  std::string_view name() const override { return "RAMWeigher"; }
  double weigh(const HostState& h, const RequestSpec&) const override { return static_cast<double>(h.free_ram_mb); }
};

// Free vCPUs with overcommit: vcpus_total * cpu_allocation_ratio - vcpus_used.
class CPUWeigher final : public HostWeigher {
 public:
  explicit CPUWeigher(const SchedulerOptions& o) : HostWeigher("cpu_weight_multiplier", o.cpu_weight_multiplier) {}
  std::string_view name() const override { return "CPUWeigher"; }
  double weigh(const HostState& h, const RequestSpec&) const override {
    return static_cast<double>(h.vcpus_total) * h.cpu_allocation_ratio - static_cast<double>(h.vcpus_used);
  }
};

// Free local disk in MB.
class DiskWeigher final : public HostWeigher {
 public:
  explicit DiskWeigher(const SchedulerOptions& o)
      : HostWeigher("disk_weight_multiplier", o.disk_weight_multiplier) {}
  std::string_view name() const override { return "DiskWeigher"; }
  double weigh(const HostState& h, const RequestSpec&) const override { return static_cast<double>(h.free_disk_mb); }
};

// Instances on the host; multiplier 0 by default (negative spreads, positive packs).
class NumInstancesWeigher final : public HostWeigher {
 public:
  explicit NumInstancesWeigher(const SchedulerOptions& o)
      : HostWeigher("num_instances_weight_multiplier", o.num_instances_weight_multiplier) {}
  std::string_view name() const override { return "NumInstancesWeigher"; }
  double weigh(const HostState& h, const RequestSpec&) const override { return h.num_instances; }
};

// IO-heavy operations in progress; multiplier -1 by default (prefer idle hosts).
class IoOpsWeigher final : public HostWeigher {
 public:
  explicit IoOpsWeigher(const SchedulerOptions& o)
      : HostWeigher("io_ops_weight_multiplier", o.io_ops_weight_multiplier) {}
  std::string_view name() const override { return "IoOpsWeigher"; }
  double weigh(const HostState& h, const RequestSpec&) const override { return h.num_io_ops; }
};

// Members of the request's group on the host, when the group's policy is `policy`.
double group_members_on_host(const HostState& h, const RequestSpec& spec, std::string_view policy) {
  const auto& g = spec.instance_group;
  if (!g || g->policy != policy) return 0;
  double n = 0;
  for (const auto& m : g->members) n += h.instances.count(m);
  return n;
}

// soft-affinity: more group members on the host weigh more.
class ServerGroupSoftAffinityWeigher final : public HostWeigher {
 public:
  explicit ServerGroupSoftAffinityWeigher(const SchedulerOptions& o)
      : HostWeigher("soft_affinity_weight_multiplier", o.soft_affinity_weight_multiplier) {}
  std::string_view name() const override { return "ServerGroupSoftAffinityWeigher"; }
  double weigh(const HostState& h, const RequestSpec& spec) const override {
    return group_members_on_host(h, spec, "soft-affinity");
  }
  bool request_independent() const override { return false; }
};

// soft-anti-affinity: more group members on the host weigh less.
class ServerGroupSoftAntiAffinityWeigher final : public HostWeigher {
 public:
  explicit ServerGroupSoftAntiAffinityWeigher(const SchedulerOptions& o)
      : HostWeigher("soft_anti_affinity_weight_multiplier", o.soft_anti_affinity_weight_multiplier) {}
  std::string_view name() const override { return "ServerGroupSoftAntiAffinityWeigher"; }
  double weigh(const HostState& h, const RequestSpec& spec) const override {
    return -group_members_on_host(h, spec, "soft-anti-affinity");
  }
  bool request_independent() const override { return false; }
};

template <typename W>
std::unique_ptr<HostWeigher> make(const SchedulerOptions& o) {
  return std::make_unique<W>(o);
}

using Factory = std::unique_ptr<HostWeigher> (*)(const SchedulerOptions&);
// The order all_weighers yields.
const std::vector<std::pair<std::string, Factory>>& factories() {
  static const std::vector<std::pair<std::string, Factory>> v = {
      {"RAMWeigher", make<RAMWeigher>},
      {"CPUWeigher", make<CPUWeigher>},
      {"DiskWeigher", make<DiskWeigher>},
      {"NumInstancesWeigher", make<NumInstancesWeigher>},
      {"IoOpsWeigher", make<IoOpsWeigher>},
      {"ServerGroupSoftAffinityWeigher", make<ServerGroupSoftAffinityWeigher>},
      {"ServerGroupSoftAntiAffinityWeigher", make<ServerGroupSoftAntiAffinityWeigher>},
  };
  return v;
}

}  // namespace

double HostWeigher::multiplier(const HostState& host) const {
  bool found = false;
  double best = 0;
  for (const auto& agg : host.aggregates) {
    auto it = agg->metadata.find(multiplier_key_);
    if (it == agg->metadata.end()) continue;
    auto f = python_float(it->second);
    if (!f) return configured_;  // Nova logs the bad value and uses the option
    best = found ? std::min(best, *f) : *f;
    found = true;
  }
  return found ? best : configured_;
}

Result<std::vector<std::unique_ptr<HostWeigher>>> make_weighers(const SchedulerOptions& options) {
  std::vector<std::unique_ptr<HostWeigher>> out;
  for (std::string_view name : options.weight_classes) {
    if (name == "nova.scheduler.weights.all_weighers") {
      for (const auto& [n, f] : factories()) out.push_back(f(options));
      continue;
    }
    if (auto dot = name.rfind('.'); dot != std::string_view::npos) name = name.substr(dot + 1);
    auto it = std::find_if(factories().begin(), factories().end(), [&](const auto& p) { return p.first == name; });
    if (it == factories().end()) return BadRequest("Weigher " + std::string(name) + " is not available");
    out.push_back(it->second(options));
  }
  return out;
}

void normalize(std::vector<double>& values) {
  if (values.empty()) return;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  double minval = *lo, maxval = *hi;
  if (minval == maxval) {
    std::fill(values.begin(), values.end(), 0.0);
    return;
  }
  double range = maxval - minval;
  for (auto& v : values) v = (v - minval) / range;
}

std::vector<WeighedHost> weigh_hosts(const std::vector<std::unique_ptr<HostWeigher>>& weighers,
                                     const std::vector<HostState*>& hosts, const RequestSpec& spec) {
  std::vector<WeighedHost> out;
  out.reserve(hosts.size());
  for (HostState* h : hosts) out.push_back({h, 0.0});
  if (out.size() <= 1) return out;
  std::vector<double> values(hosts.size()), multipliers(hosts.size());
  // Hosts share aggregates: look each one's override up once per weigher.
  struct Override {
    bool present, bad;
    double value;
  };
  std::unordered_map<const Aggregate*, Override> overrides;
  for (const auto& w : weighers) {
    overrides.clear();
    bool all_zero = true;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      double m = w->configured_multiplier();
      bool found = false;
      for (const auto& agg : hosts[i]->aggregates) {
        auto [it, fresh] = overrides.try_emplace(agg.get(), Override{false, false, 0.0});
        if (fresh) {
          auto md = agg->metadata.find(w->multiplier_key());
          if (md != agg->metadata.end()) {
            auto f = python_float(md->second);
            it->second = f ? Override{true, false, *f} : Override{true, true, 0.0};
          }
        }
        const Override& o = it->second;
        if (!o.present) continue;
        if (o.bad) {  // Nova logs the bad value and uses the option
          m = w->configured_multiplier();
          break;
        }
        m = found ? std::min(m, o.value) : o.value;
        found = true;
      }
      multipliers[i] = m;
      all_zero = all_zero && m == 0.0;
    }
    if (all_zero) continue;  // adds 0.0 to every weight
    for (std::size_t i = 0; i < hosts.size(); ++i) values[i] = w->weigh(*hosts[i], spec);
    normalize(values);
    for (std::size_t i = 0; i < hosts.size(); ++i) out[i].weight += multipliers[i] * values[i];
  }
  return out;
}

}  // namespace stacklab::scheduler
