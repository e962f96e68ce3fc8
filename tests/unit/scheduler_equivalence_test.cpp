// The indexed fast path (HostIndex) against the plain filter-and-weigh path:
// the same randomized fleets and request streams go through both, and every
// decision (selected hosts, alternates, NoValidHost) and the resulting host
// states must be identical.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "engine/core/random.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/host_index.h"

using namespace stacklab;
using namespace stacklab::scheduler;

namespace {

std::uint64_t pick(Random& r, std::uint64_t n) { return r.below(n); }

struct Fleet {
  std::vector<std::shared_ptr<const Aggregate>> aggregates;
  std::vector<HostState> hosts;
};

// `ties`: values drawn from a few levels, so many hosts weigh the same.
Fleet make_fleet(Random& r, std::size_t n, bool ties, bool two_cells) {
  Fleet f;
  const std::size_t zones = 1 + pick(r, 3);
  for (std::size_t z = 0; z < zones; ++z) {
    std::string az = "az" + std::to_string(z + 1);
    f.aggregates.push_back(std::make_shared<const Aggregate>(Aggregate{az, az, {{"availability_zone", az}}}));
  }
  f.aggregates.push_back(std::make_shared<const Aggregate>(Aggregate{"ssd", "ssd", {{"ssd", "true"}}}));
  f.hosts.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    HostState& h = f.hosts[i];
    h.uuid = "node-" + std::to_string(i);
    h.host = h.nodename = h.hypervisor_hostname = "compute-" + std::to_string(i);
    h.cell_uuid = two_cells && pick(r, 3) == 0 ? "cell2" : "cell1";
    if (ties) {
      h.vcpus_total = 8 * static_cast<std::int64_t>(1 + pick(r, 2));
      h.vcpus_used = static_cast<std::int64_t>(pick(r, 3));
      h.total_usable_ram_mb = 16384;
      h.free_ram_mb = 4096 * static_cast<std::int64_t>(1 + pick(r, 3));
      h.total_usable_disk_gb = 100;
      h.free_disk_mb = 1024 * 50 * static_cast<std::int64_t>(1 + pick(r, 2));
      h.num_io_ops = static_cast<int>(pick(r, 2));
    } else {
      h.vcpus_total = 16 << pick(r, 3);
      h.vcpus_used = static_cast<std::int64_t>(pick(r, static_cast<std::uint64_t>(h.vcpus_total) * 3));
      h.total_usable_ram_mb = (64 * 1024) << pick(r, 3);
      h.free_ram_mb = h.total_usable_ram_mb - static_cast<std::int64_t>(pick(r, 48 * 1024));
      h.total_usable_disk_gb = 500 << pick(r, 3);
      h.free_disk_mb = (h.total_usable_disk_gb - static_cast<std::int64_t>(pick(r, 400))) * 1024;
      h.num_io_ops = static_cast<int>(pick(r, 5));
    }
    h.num_instances = static_cast<int>(pick(r, 20));
    h.hypervisor_type = pick(r, 10) == 0 ? "Xen" : "QEMU";
    h.hypervisor_version = 7002000;
    h.supported_instances = {{pick(r, 8) == 0 ? "aarch64" : "x86_64", "qemu", "hvm"}};
    h.traits = {pick(r, 2) ? "HW_CPU_X86_AVX2" : "COMPUTE_STATUS_DISABLED"};
    h.service.disabled = pick(r, 20) == 0;
    h.service.up = pick(r, 30) != 0;
    const std::uint64_t z = pick(r, zones + 1);  // zones: in no zone aggregate -> "nova"
    if (z < zones) h.aggregates.push_back(f.aggregates[z]);
    if (pick(r, 4) == 0) h.aggregates.push_back(f.aggregates.back());
  }
  return f;
}

RequestSpec make_request(Random& r, std::size_t zones, bool allow_groups) {
  RequestSpec s;
  s.flavor.vcpus = static_cast<int>(1 + pick(r, 8));
  s.flavor.memory_mb = 512 << pick(r, 5);
  s.flavor.root_gb = static_cast<std::int64_t>(1 + pick(r, 40));
  s.flavor.ephemeral_gb = static_cast<std::int64_t>(pick(r, 3) == 0 ? pick(r, 10) : 0);
  s.num_instances = static_cast<int>(1 + (pick(r, 3) == 0 ? pick(r, 5) : 0));
  switch (pick(r, 5)) {
    case 0: s.availability_zone = "az" + std::to_string(1 + pick(r, zones)); break;
    case 1: s.availability_zone = "nova"; break;
    case 2: if (pick(r, 4) == 0) s.availability_zone = "nowhere"; break;
    default: break;
  }
  switch (pick(r, 4)) {
    case 0: s.image.properties = {{"hw_architecture", "x86_64"}}; break;
    case 1: if (pick(r, 3) == 0) s.image.properties = {{"hw_architecture", "aarch64"}}; break;
    default: break;
  }
  if (pick(r, 6) == 0) s.flavor.extra_specs = {{"capabilities:hypervisor_type", "s== QEMU"}};
  s.project_id = "p" + std::to_string(pick(r, 3));
  if (allow_groups && pick(r, 10) == 0) {  // outside the index: must fall back
    InstanceGroup g;
    g.uuid = "g";
    g.policy = pick(r, 2) ? "anti-affinity" : "soft-affinity";
    s.instance_group = g;
  }
  if (pick(r, 40) == 0) s.force_hosts = {"compute-0"};
  return s;
}

// Refuses every host whose number ends in 3 for odd-vCPU flavors.
class PickyClaimer final : public ResourceClaimer {
 public:
  bool claim(const HostState& h, const RequestSpec& spec, const std::string&) override {
    return !(spec.flavor.vcpus % 2 == 1 && h.host.back() == '3');
  }
  void release(const std::vector<std::string>&) override {}
};

std::string describe(const Result<std::vector<Destination>>& r) {
  if (!r.ok()) return "error " + r.status().message();
  std::string s;
  for (const auto& d : *r) {
    s += d.selected.host + "@" + d.selected.cell_uuid + " [";
    for (const auto& a : d.alternates) s += a.host + " ";
    s += "] ";
  }
  return s;
}

std::string state_of(const HostState& h) {
  return h.host + " " + std::to_string(h.free_ram_mb) + " " + std::to_string(h.free_disk_mb) + " " +
         std::to_string(h.vcpus_used) + " " + std::to_string(h.num_instances) + " " + std::to_string(h.num_io_ops) +
         " " + std::to_string(h.instances.size()) + " " + (h.service.disabled ? "d" : "e");
}

struct Totals {
  std::uint64_t decisions = 0, indexed = 0, fallback = 0, undone = 0;
};

void run_case(std::uint64_t seed, std::size_t n, SchedulerOptions options, int requests, Totals& totals,
              bool index_on = true) {
  SeededRandom r(seed);
  const bool ties = pick(r, 3) == 0;
  const bool two_cells = pick(r, 3) == 0;
  Fleet plain_fleet = make_fleet(r, n, ties, two_cells);
  Fleet indexed_fleet = plain_fleet;  // shares the (immutable) aggregates
  std::vector<HostState*> plain_hosts;
  for (auto& h : plain_fleet.hosts) plain_hosts.push_back(&h);
  std::vector<HostState*> indexed_hosts;
  for (auto& h : indexed_fleet.hosts) indexed_hosts.push_back(&h);

  options.use_host_index = false;
  SeededRandom plain_random(seed), indexed_random(seed);
  auto plain = FilterScheduler::create(options, plain_random);
  options.use_host_index = index_on;
  auto indexed = FilterScheduler::create(options, indexed_random);
  ASSERT_TRUE(plain.ok() && indexed.ok());
  HostIndex index(**indexed, indexed_hosts);
  PickyClaimer claimer;

  const std::size_t zones = plain_fleet.aggregates.size() - 1;
  for (int q = 0; q < requests; ++q) {
    RequestSpec spec = make_request(r, zones, true);
    std::vector<std::string> uuids;
    if (pick(r, 2) == 0)
      for (int k = 0; k < spec.num_instances; ++k) uuids.push_back("inst-" + std::to_string(q) + "-" + std::to_string(k));
    ResourceClaimer* c = pick(r, 4) == 0 ? &claimer : nullptr;
    auto a = (*plain)->select_destinations(spec, plain_hosts, uuids, c);
    auto b = (*indexed)->select_destinations(spec, index, uuids, c);
    ASSERT_EQ(describe(a), describe(b)) << "seed " << seed << " hosts " << n << " request " << q;
    ++totals.decisions;

    // The world changes between decisions: a host is disabled, re-enabled
    // or reports different free resources.
    if (pick(r, 3) == 0) {
      const std::size_t i = pick(r, n);
      const std::uint64_t what = pick(r, 3);
      const std::int64_t ram = static_cast<std::int64_t>(pick(r, 64 * 1024));
      for (HostState* h : {plain_hosts[i], indexed_hosts[i]}) {
        if (what == 0) h->service.disabled = !h->service.disabled;
        if (what == 1) h->free_ram_mb = ram;
        if (what == 2) h->num_io_ops = 0;
      }
      index.update(indexed_hosts[i]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(state_of(*plain_hosts[i]), state_of(*indexed_hosts[i]));
  totals.indexed += index.stats().indexed;
  totals.fallback += index.stats().fallback;
  totals.undone += index.stats().undone;
}

}  // namespace

TEST(SchedulerEquivalence, IndexedPathPicksWhatThePlainPathPicks) {
  const std::size_t sizes[] = {1, 2, 3, 5, 8, 13, 40, 100, 300, 1000, 3000};
  Totals totals;
  std::uint64_t seed = 1;
  for (std::size_t n : sizes) {
    const int cases = n >= 1000 ? 4 : 30;
    const int requests = n >= 1000 ? 60 : 40;
    for (int c = 0; c < cases; ++c, ++seed) {
      SchedulerOptions options;
      SeededRandom r(seed * 7919);
      options.max_attempts = static_cast<int>(1 + pick(r, 4));
      switch (pick(r, 4)) {
        case 0: options.num_instances_weight_multiplier = -1.0; break;
        case 1: options.ram_weight_multiplier = 0.0, options.cpu_weight_multiplier = 2.5; break;
        case 2: options.io_ops_weight_multiplier = 0.0, options.disk_weight_multiplier = -0.5; break;
        default: break;
      }
      run_case(seed, n, options, requests, totals);
      if (HasFatalFailure()) return;
    }
  }
  std::printf("equivalence: %llu decisions, %llu indexed, %llu fell back (%llu undone on a tie)\n",
              static_cast<unsigned long long>(totals.decisions), static_cast<unsigned long long>(totals.indexed),
              static_cast<unsigned long long>(totals.fallback), static_cast<unsigned long long>(totals.undone));
  EXPECT_EQ(totals.indexed + totals.fallback, totals.decisions);
  EXPECT_GT(totals.indexed, totals.decisions / 2);
}

// Configurations the index does not answer: every decision goes to the plain
// path, and the answers still agree.
TEST(SchedulerEquivalence, UnsupportedConfigurationsFallBack) {
  Totals totals;
  SchedulerOptions subset;
  subset.host_subset_size = 3;
  SchedulerOptions usage_filters;
  usage_filters.enabled_filters.push_back("NumInstancesFilter");
  std::uint64_t seed = 5000;
  for (const auto& o : {subset, usage_filters}) run_case(seed++, 200, o, 30, totals);
  run_case(seed++, 200, SchedulerOptions{}, 30, totals, /*index_on=*/false);
  EXPECT_EQ(totals.indexed, 0u);
  EXPECT_EQ(totals.fallback, totals.decisions);
}

// With all weighers off every host weighs 0: input order decides.
TEST(SchedulerEquivalence, NoActiveWeighers) {
  Totals totals;
  SchedulerOptions o;
  o.ram_weight_multiplier = o.cpu_weight_multiplier = o.disk_weight_multiplier = o.io_ops_weight_multiplier = 0;
  for (std::uint64_t seed = 9000; seed < 9010; ++seed) run_case(seed, 50, o, 30, totals);
  EXPECT_GT(totals.indexed, 0u);
}

// A long stream of boots into one fleet, as the benchmark runs it: most
// decisions reuse the view's weight order (re-keying consumed hosts) rather
// than rebuilding it, and every one matches the plain path.
TEST(SchedulerEquivalence, LongStreamReusesTheWeightOrder) {
  SeededRandom r(77);
  Fleet plain_fleet = make_fleet(r, 2000, false, true);
  Fleet indexed_fleet = plain_fleet;
  std::vector<HostState*> plain_hosts, indexed_hosts;
  for (auto& h : plain_fleet.hosts) plain_hosts.push_back(&h);
  for (auto& h : indexed_fleet.hosts) indexed_hosts.push_back(&h);
  SchedulerOptions o;
  o.use_host_index = false;
  SeededRandom ra(1), rb(1);
  auto plain = FilterScheduler::create(o, ra);
  o.use_host_index = true;
  auto indexed = FilterScheduler::create(o, rb);
  ASSERT_TRUE(plain.ok() && indexed.ok());
  HostIndex index(**indexed, indexed_hosts);
  const int decisions = 1500;
  for (int q = 0; q < decisions; ++q) {
    RequestSpec spec;
    spec.flavor.vcpus = static_cast<int>(1 + pick(r, 4));
    spec.flavor.memory_mb = 1024 << pick(r, 3);
    spec.flavor.root_gb = 20;
    spec.image.properties = {{"hw_architecture", "x86_64"}};
    if (pick(r, 4) == 0) spec.availability_zone = "az1";
    auto a = (*plain)->select_destinations(spec, plain_hosts);
    auto b = (*indexed)->select_destinations(spec, index);
    ASSERT_EQ(describe(a), describe(b)) << "decision " << q;
  }
  EXPECT_EQ(index.stats().indexed, static_cast<std::uint64_t>(decisions));
  EXPECT_LT(index.stats().weight_rebuilds, static_cast<std::uint64_t>(decisions / 4));
  std::printf("long stream: %d decisions, %llu weight-order rebuilds\n", decisions,
              static_cast<unsigned long long>(index.stats().weight_rebuilds));
}
