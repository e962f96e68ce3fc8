// Network benchmarks (Google Benchmark), through the engine (no HTTP):
//
//   - BM_PortCreateFill: one project network with a /16 subnet, filled with
//     5,000 and 60,000 ports by NetworkService::create_port (IPAM picks the next free
//     address each time). Reports ports/s over the whole fill and the CPU
//     cost of one port in the first and in the last thousand, which tells
//     whether allocating an address gets slower as the subnet fills.
//   - BM_ProbeEvaluate: the simulated data plane's verdict over a prebuilt
//     model of 1,000 routers (each with a gateway on `public`, one project
//     network behind it) and 10,000 VM ports (10 per network, one floating
//     IP per network), for a mix of probes: VM to VM on one network, VM to
//     another network's floating IP, the host to a floating IP (SSH), a VM
//     to the internet.
//   - BM_ProbeWithSnapshot: the same probes as POST /_stacklab/network/probe
//     answers them through NetworkProbes: resolving both ends, the model
//     (Neutron's documents re-read only when their tables changed, the
//     guests' states read every time) and the verdict.
//
//   cmake --build build --target network_bench
//   build/bench/network_bench
#include <benchmark/benchmark.h>

#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/network/network_policy.h"
#include "engine/network/network_probes.h"
#include "engine/network/network_service.h"
#include "engine/network/reachability.h"
#include "fake_drivers/simulated_dataplane.h"

using namespace stacklab;
using namespace stacklab::network;

namespace {

Credentials member(const std::string& project) {
  Credentials c;
  c.user_id = "u-" + project;
  c.project_id = project;
  c.roles = {"member", "reader"};
  return c;
}

Credentials admin() {
  Credentials c = member("admin");
  c.roles.insert("admin");
  return c;
}

Json must(Result<Json> r) {
  if (!r.ok()) {
    fprintf(stderr, "setup failed: %s\n", r.status().message().c_str());
    std::abort();
  }
  return *r;
}

// A NetworkService over an in-memory store, as the unit tests build it.
struct NetworkEngine {
  ManualClock clock;
  SeededRandom random{42};
  Policy policy;
  std::unique_ptr<Store> store = std::move(*Store::open({}));
  std::unique_ptr<NetworkService> service;

  NetworkEngine() {
    register_network_policy(policy);
    NetworkOptions options;
    options.vni_max = 100000;  // VXLAN VNIs for 1,000+ project networks (the lab's range is 1:1000)
    service = std::make_unique<NetworkService>(*store, clock, random, policy, options);
  }
  void unlimited(const std::string& project) {
    must(service->update_quota(admin(), project,
                               {{"port", -1}, {"network", -1}, {"subnet", -1}, {"router", -1}, {"floatingip", -1}}));
  }
};

// Process CPU seconds: what one port costs, whatever else the machine runs.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void BM_PortCreateFill(benchmark::State& state) {
  const int ports = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    NetworkEngine engine;
    const Credentials bench = member("bench");
    engine.unlimited("bench");
    Json net = must(engine.service->create_network(bench, {{"name", "big"}}));
    must(engine.service->create_subnet(bench, {{"network_id", net["id"]}, {"ip_version", 4}, {"cidr", "10.0.0.0/16"}}));
    state.ResumeTiming();

    double first_block = 0, last_block = 0;
    double block_start = cpu_seconds();
    for (int i = 0; i < ports; ++i) {
      must(engine.service->create_port(bench, {{"network_id", net["id"]}}));
      if ((i + 1) % 1000 == 0) {
        double s = cpu_seconds() - block_start;
        if (i + 1 == 1000) first_block = s;
        last_block = s;
        block_start = cpu_seconds();
      }
    }
    state.counters["first_1k_us_per_port"] = first_block * 1e3;
    state.counters["last_1k_us_per_port"] = last_block * 1e3;
  }
  state.counters["ports_per_s"] =
      benchmark::Counter(static_cast<double>(ports) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PortCreateFill)->Arg(5000)->Arg(60000)->Iterations(1)->Unit(benchmark::kSecond);

// Compute's side for the probes: every VM port's guest is running.
class RunningGuests : public GuestDirectory {
 public:
  std::map<std::string, GuestState> guests;
  std::optional<GuestState> guest(const std::string& id) const override {
    auto it = guests.find(id);
    return it == guests.end() ? std::nullopt : std::optional<GuestState>(it->second);
  }
  Result<GuestState> find_server(const Credentials&, const std::string& name_or_id) const override {
    auto it = guests.find(name_or_id);
    if (it == guests.end()) return NotFound("No server with a name or ID of '" + name_or_id + "' exists.");
    return it->second;
  }
};

// 1,000 routers, each joining `public` to one project network of 10 VMs.
struct LargeTopology {
  static constexpr int kRouters = 1000, kVmsPerNetwork = 10;
  NetworkEngine engine;
  RunningGuests guests;
  fake::SimulatedDataplane dataplane;
  std::unique_ptr<NetworkProbes> probes;
  std::vector<std::vector<Json>> vm_ports;  // per network
  std::vector<std::string> fips;            // per network, on its first VM
  std::vector<Json> probe_bodies;
  NetworkModel model;

  LargeTopology() {
    const Credentials bench = member("bench");
    engine.unlimited("bench");
    engine.unlimited("admin");
    Json pub = must(engine.service->create_network(admin(), {{"name", "public"}, {"router:external", true}}));
    must(engine.service->create_subnet(
        admin(), {{"network_id", pub["id"]}, {"ip_version", 4}, {"cidr", "172.24.0.0/16"}, {"enable_dhcp", false}}));
    Json group = must(engine.service->ensure_default_security_group("bench"));
    for (const char* proto : {"icmp", "tcp"}) {
      Json rule = {{"security_group_id", group["id"]}, {"direction", "ingress"}, {"protocol", proto}};
      if (std::string(proto) == "tcp") rule["port_range_min"] = rule["port_range_max"] = 22;
      must(engine.service->create_security_group_rule(bench, rule));
    }
    for (int r = 0; r < kRouters; ++r) {
      const std::string n = std::to_string(r);
      Json net = must(engine.service->create_network(bench, {{"name", std::string("net-") + n}}));
      Json sub = must(engine.service->create_subnet(
          bench, {{"network_id", net["id"]},
                  {"ip_version", 4},
                  {"cidr", std::string("10.") + std::to_string(r / 250) + "." + std::to_string(r % 250) + ".0/24"}}));
      Json router = must(engine.service->create_router(
          bench, {{"name", std::string("router-") + n}, {"external_gateway_info", {{"network_id", pub["id"]}}}}));
      must(engine.service->add_router_interface(bench, router["id"], {{"subnet_id", sub["id"]}}));
      std::vector<Json> ports;
      for (int v = 0; v < kVmsPerNetwork; ++v) {
        const std::string device = std::string("vm-") + n + "-" + std::to_string(v);
        ports.push_back(must(engine.service->create_port(
            bench, {{"network_id", net["id"]}, {"device_owner", "compute:nova"}, {"device_id", device}})));
        guests.guests[device] = {device, device, "bench", "ACTIVE", 1};
      }
      Json fip = must(engine.service->create_floating_ip(
          bench, {{"floating_network_id", pub["id"]}, {"port_id", ports[0]["id"]}}));
      fips.push_back(fip["floating_ip_address"]);
      vm_ports.push_back(std::move(ports));
    }
    probes = std::make_unique<NetworkProbes>(*engine.store, dataplane, guests);
    model = probes->model();
    for (int i = 0; i < 64; ++i) probe_bodies.push_back(probe_body(i));
  }

  // The i-th probe of the mix, as a request body of POST /_stacklab/network/probe.
  Json probe_body(int i) const {
    const int a = (i * 389) % kRouters, b = (i * 577 + 1) % kRouters;
    const Json from_vm = {{"port", vm_ports[a][i % kVmsPerNetwork]["id"]}};
    switch (i % 4) {
      case 0:
        return {{"from", from_vm}, {"to", {{"port", vm_ports[a][(i + 1) % kVmsPerNetwork]["id"]}}}, {"protocol", "icmp"}};
      case 1:
        return {{"from", from_vm}, {"to", {{"ip", fips[b]}}}, {"protocol", "icmp"}};
      case 2:
        return {{"from", "host"}, {"to", {{"ip", fips[b]}}}, {"protocol", "tcp"}, {"port", 22}};
      default:
        return {{"from", from_vm}, {"to", "internet"}, {"protocol", "icmp"}};
    }
  }
};

LargeTopology& topology() {
  static LargeTopology t;
  return t;
}

void BM_ProbeEvaluate(benchmark::State& state) {
  LargeTopology& t = topology();
  std::vector<Probe> resolved;
  for (const Json& body : t.probe_bodies) resolved.push_back(t.probes->probe(admin(), body)->probe);
  std::size_t i = 0, reachable = 0;
  for (auto _ : state) {
    ProbeVerdict v = t.dataplane.probe(t.model, resolved[i++ % resolved.size()]);
    reachable += v.reachable;
    benchmark::DoNotOptimize(v);
  }
  state.counters["reachable_share"] = static_cast<double>(reachable) / static_cast<double>(state.iterations());
  state.counters["probes_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProbeEvaluate)->Unit(benchmark::kMicrosecond);

void BM_ProbeWithSnapshot(benchmark::State& state) {
  LargeTopology& t = topology();
  std::size_t i = 0;
  for (auto _ : state) {
    auto outcome = t.probes->probe(admin(), t.probe_bodies[i++ % t.probe_bodies.size()]);
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["probes_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProbeWithSnapshot)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
