// Scheduler benchmarks (Google Benchmark): one select_destinations call,
// one instance, over a fleet of N hosts, with Nova's default filters and
// every weigher: the plain filter-and-weigh path (every host is filtered and
// weighed) and the indexed fast path (HostIndex; its view for the request is
// built before timing starts, BM_BuildIndexView times that separately).
//
//   cmake --build build -j2 --target scheduler_bench
//   build/bench/scheduler_bench
//
// The fleet: hosts of 32-128 vCPUs, 128-512 GB RAM, 1-4 TB disk, partly
// used, in three availability zones (aggregates), 2% disabled. Each
// decision consumes the chosen host's resources, as a stream of boots
// would; the fleet is large enough that this does not empty it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "engine/core/random.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/host_index.h"

using namespace stacklab;
using namespace stacklab::scheduler;

namespace {

std::vector<HostState> fleet(std::size_t n, Random& r) {
  std::vector<std::shared_ptr<const Aggregate>> zones;
  for (const char* az : {"az1", "az2", "az3"})
    zones.push_back(std::make_shared<const Aggregate>(Aggregate{az, az, {{"availability_zone", az}}}));
  std::vector<HostState> hosts(n);
  for (std::size_t i = 0; i < n; ++i) {
    HostState& h = hosts[i];
    h.uuid = r.uuid4();
    h.host = h.nodename = h.hypervisor_hostname = "compute-" + std::to_string(i);
    h.vcpus_total = 32 << r.below(3);
    h.vcpus_used = static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(h.vcpus_total) * 4));
    h.total_usable_ram_mb = (128 * 1024) << r.below(3);
    h.free_ram_mb = h.total_usable_ram_mb - static_cast<std::int64_t>(r.below(64 * 1024));
    h.total_usable_disk_gb = 1024 << r.below(3);
    h.free_disk_mb = (h.total_usable_disk_gb - static_cast<std::int64_t>(r.below(512))) * 1024;
    h.num_instances = static_cast<int>(r.below(40));
    h.num_io_ops = static_cast<int>(r.below(4));
    h.hypervisor_type = "QEMU";
    h.hypervisor_version = 7002000;
    h.supported_instances = {{"x86_64", "qemu", "hvm"}};
    h.service.disabled = r.below(50) == 0;
    h.aggregates = {zones[i % zones.size()]};
  }
  return hosts;
}

RequestSpec boot_request() {
  RequestSpec s;
  s.flavor = {"1", "m1.small", 1, 2048, 20, 0, 0, {}};
  s.image.properties = {{"hw_architecture", "x86_64"}};
  s.project_id = "p";
  s.user_id = "u";
  return s;
}

void run(benchmark::State& state, RequestSpec request) {
  SeededRandom random(42);
  std::vector<HostState> hosts = fleet(static_cast<std::size_t>(state.range(0)), random);
  std::vector<HostState*> candidates;
  for (auto& h : hosts) candidates.push_back(&h);
  auto scheduler = FilterScheduler::create(SchedulerOptions{}, random);
  if (!scheduler.ok()) std::abort();
  for (auto _ : state) {
    auto d = (*scheduler)->select_destinations(request, candidates);
    if (!d.ok()) std::abort();
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void run_indexed(benchmark::State& state, RequestSpec request) {
  SeededRandom random(42);
  std::vector<HostState> hosts = fleet(static_cast<std::size_t>(state.range(0)), random);
  std::vector<HostState*> candidates;
  for (auto& h : hosts) candidates.push_back(&h);
  auto scheduler = FilterScheduler::create(SchedulerOptions{}, random);
  if (!scheduler.ok()) std::abort();
  HostIndex index(**scheduler, candidates);
  if (!(*scheduler)->select_destinations(request, index).ok()) std::abort();  // builds the view
  for (auto _ : state) {
    auto d = (*scheduler)->select_destinations(request, index);
    if (!d.ok()) std::abort();
    benchmark::DoNotOptimize(d);
  }
  if (index.stats().fallback != 0) std::abort();  // every decision must have been indexed
  state.counters["rebuilds/decision"] =
      static_cast<double>(index.stats().weight_rebuilds) / static_cast<double>(state.iterations() + 1);
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SelectDestination(benchmark::State& state) { run(state, boot_request()); }
void BM_SelectDestinationIndexed(benchmark::State& state) { run_indexed(state, boot_request()); }
void BM_SelectDestinationInZoneIndexed(benchmark::State& state) {
  RequestSpec s = boot_request();
  s.availability_zone = "az2";
  run_indexed(state, s);
}

// What the index costs once per fleet and request signature: the HostIndex
// and the first decision (filtering every host into the view's sorted sets).
void BM_BuildIndexView(benchmark::State& state) {
  SeededRandom random(42);
  std::vector<HostState> hosts = fleet(static_cast<std::size_t>(state.range(0)), random);
  std::vector<HostState*> candidates;
  for (auto& h : hosts) candidates.push_back(&h);
  auto scheduler = FilterScheduler::create(SchedulerOptions{}, random);
  if (!scheduler.ok()) std::abort();
  for (auto _ : state) {
    HostIndex index(**scheduler, candidates);
    auto d = (*scheduler)->select_destinations(boot_request(), index);
    benchmark::DoNotOptimize(d);
  }
}

// The same, asking for a zone (a third of the fleet passes the AZ filter).
void BM_SelectDestinationInZone(benchmark::State& state) {
  RequestSpec s = boot_request();
  s.availability_zone = "az2";
  run(state, s);
}

}  // namespace

BENCHMARK(BM_SelectDestination)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SelectDestinationInZone)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SelectDestinationIndexed)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SelectDestinationInZoneIndexed)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BuildIndexView)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
