// Volume benchmarks (Google Benchmark), in the engine without HTTP:
//
//   BM_VolumeCycleAttachments  one volume's life as modern Nova drives it:
//                              create (scheduled onto the lab's LVM pool),
//                              attachment create with a connector,
//                              os-complete, attachment delete, volume delete;
//   BM_VolumeCycleLegacy       the same with the legacy hand-off Nova's
//                              os-volume_attachments uses here (reserve,
//                              initialize_connection, attach, begin_detaching,
//                              terminate_connection, detach);
//   BM_VolumeSchedulerSelect/N one cinder-scheduler decision (AZ, capacity and
//                              capabilities filters, capacity weigher) over N
//                              pools, thick and thin mixed.
//
//   cmake --build build --target volume_bench && build/bench/volume_bench
//
// The cycles run on a ManualClock with the fake driver's --fast durations
// (zero): the clock is advanced once per step, so the numbers are the
// manager's, the store's (in memory) and the fake driver's cost.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"
#include "fake_drivers/fake_volume_driver.h"

using namespace stacklab;
using namespace std::chrono_literals;

namespace {

Credentials member() {
  Credentials c;
  c.user_id = "u-bench";
  c.project_id = "bench";
  c.roles = {"member", "reader"};
  return c;
}

// The lab's Cinder: one fake LVM backend (a large pool), the lab's type, default quotas.
struct Cinder {
  Cinder() {
    volume::register_volume_policy(policy);
    store = std::move(*Store::open({}));
    fake::FakeBackend lvm;
    lvm.pools.front().total_capacity_gb = 1e6;
    driver = std::make_unique<fake::FakeVolumeDriver>(clock, random, lvm, fake::VolumeOperationTimes::fast());
    backends = std::make_unique<volume::VolumeBackends>(*store, clock, policy, "openstackbootcamp");
    backends->add(*driver);
    types = std::make_unique<volume::VolumeTypeService>(*store, clock, random, policy, "lvmdriver-1");
    (void)types->create_unchecked({"lvmdriver-1", "", true, {{"volume_backend_name", "lvmdriver-1"}}});
    quotas = std::make_unique<volume::VolumeQuotas>(*store, policy, *types);
    volumes = std::make_unique<volume::VolumeService>(*store, clock, random, policy, *backends, scheduler, *types,
                                                      *quotas, nullptr);
  }
  // A new available 1 GiB volume.
  std::string create() {
    volume::NewVolume spec;
    spec.size = 1;
    auto v = volumes->create(caller, spec);
    if (!v.ok()) std::abort();
    clock.advance(0s);
    return (*v)["id"];
  }
  void remove(const std::string& id) {
    if (!volumes->remove(caller, id, false).ok()) std::abort();
    clock.advance(0s);
    if (store->get(volume::kVolumeKind, id)) std::abort();
  }

  ManualClock clock;
  SeededRandom random{7};
  Policy policy;
  volume::VolumeScheduler scheduler;
  Credentials caller = member();
  std::unique_ptr<Store> store;
  std::unique_ptr<fake::FakeVolumeDriver> driver;
  std::unique_ptr<volume::VolumeBackends> backends;
  std::unique_ptr<volume::VolumeTypeService> types;
  std::unique_ptr<volume::VolumeQuotas> quotas;
  std::unique_ptr<volume::VolumeService> volumes;
};

const Json kConnector = {{"host", "compute-1"},
                         {"initiator", "iqn.2010-10.org.openstack:compute-1"},
                         {"ip", "127.0.0.1"},
                         {"platform", "x86_64"},
                         {"os_type", "linux"},
                         {"multipath", false},
                         {"mountpoint", "/dev/vdb"}};
const char* const kServer = "4f6b8a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

void BM_VolumeCycleAttachments(benchmark::State& state) {
  Cinder c;
  for (auto _ : state) {
    std::string id = c.create();
    auto a = c.volumes->create_attachment(c.caller, id, kServer, kConnector, "");
    if (!a.ok()) std::abort();
    std::string aid = (*a)["id"];
    if (!c.volumes->complete_attachment(c.caller, aid).ok()) std::abort();
    if (!c.volumes->delete_attachment(c.caller, aid).ok()) std::abort();
    c.remove(id);
  }
  state.counters["cycles/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VolumeCycleAttachments);

void BM_VolumeCycleLegacy(benchmark::State& state) {
  Cinder c;
  volume::AttachTarget target;
  target.instance_uuid = kServer;
  target.instance_host = "compute-1";
  target.mountpoint = "/dev/vdb";
  for (auto _ : state) {
    std::string id = c.create();
    if (!c.volumes->reserve(c.caller, id).ok()) std::abort();
    if (!c.volumes->initialize_connection(c.caller, id, kConnector).ok()) std::abort();
    auto a = c.volumes->attach(c.caller, id, target);
    if (!a.ok()) std::abort();
    if (!c.volumes->begin_detaching(c.caller, id).ok()) std::abort();
    if (!c.volumes->terminate_connection(c.caller, id, kConnector).ok()) std::abort();
    if (!c.volumes->detach(c.caller, id, (*a)["id"]).ok()) std::abort();
    c.remove(id);
  }
  state.counters["cycles/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VolumeCycleLegacy);

// N pools of 1-64 TiB, partly used, a third thin (ratio 20), in three zones.
std::vector<volume::BackendState> pools(std::size_t n, Random& r) {
  std::vector<volume::BackendState> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    volume::BackendState& b = out[i];
    b.backend_host = "cinder-" + std::to_string(i) + "@lvm";
    b.availability_zone = std::string("az") + std::to_string(i % 3 + 1);
    b.pool.pool_name = "lvm";
    b.pool.total_capacity_gb = static_cast<double>(1024ULL << r.below(7));
    b.pool.free_capacity_gb = b.pool.total_capacity_gb * static_cast<double>(r.below(100)) / 100.0;
    b.pool.provisioned_capacity_gb = b.pool.total_capacity_gb - b.pool.free_capacity_gb;
    bool thin = i % 3 == 0;
    b.pool.thin_provisioning_support = thin;
    b.pool.thick_provisioning_support = !thin;
    b.pool.max_over_subscription_ratio = 20.0;
    b.pool.reserved_percentage = static_cast<int>(r.below(3)) * 5;
    b.pool.capabilities = {{"volume_backend_name", "lvm"}, {"storage_protocol", "iSCSI"}, {"multiattach", true}};
  }
  return out;
}

void BM_VolumeSchedulerSelect(benchmark::State& state) {
  SeededRandom random(42);
  auto candidates = pools(static_cast<std::size_t>(state.range(0)), random);
  volume::VolumeScheduler scheduler;
  volume::VolumeRequest request{100, "az2", {{"volume_backend_name", "lvm"}, {"multiattach", "<is> True"}}};
  for (auto _ : state) {
    auto chosen = scheduler.select(candidates, request);
    if (!chosen.ok()) std::abort();
    benchmark::DoNotOptimize(chosen);
  }
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VolumeSchedulerSelect)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
