#include "fake_drivers/simulated_fleet.h"

namespace stacklab::fake {

using nlohmann::json;

namespace {

const char* kAzPrefix = "az:";  // key of a zone's aggregate in aggregate_uuid_

Status apply(const json& j, FleetHost& h) {
  if (!j.is_object()) return BadRequest("A fleet host must be an object");
  try {
    if (j.contains("cores")) h.host.vcpus = j["cores"].get<int>();
    if (j.contains("ram_mb")) h.host.memory_mb = j["ram_mb"].get<std::int64_t>();
    if (j.contains("disk_gb")) h.host.disk_gb = j["disk_gb"].get<std::int64_t>();
    if (j.contains("availability_zone")) h.host.availability_zone = j["availability_zone"].get<std::string>();
    if (j.contains("host_ip")) h.host.host_ip = j["host_ip"].get<std::string>();
    if (j.contains("aggregates")) h.aggregates = j["aggregates"].get<std::vector<std::string>>();
    if (j.contains("traits")) h.traits = j["traits"].get<std::set<std::string>>();
    if (j.contains("spawn_failure_rate")) h.faults.spawn_failure_rate = j["spawn_failure_rate"].get<double>();
    if (j.contains("slowness")) h.faults.slowness = j["slowness"].get<double>();
  } catch (const json::exception& e) {
    return BadRequest(std::string("Invalid fleet description: ") + e.what());
  }
  if (h.host.vcpus <= 0 || h.host.memory_mb <= 0 || h.host.disk_gb < 0)
    return BadRequest("A fleet host needs cores > 0, ram_mb > 0 and disk_gb >= 0");
  return Status::Ok();
}

}  // namespace

Result<std::vector<FleetHost>> parse_fleet(const json& d) {
  FleetHost base;
  if (d.is_object() && d.contains("defaults")) {
    if (Status st = apply(d["defaults"], base); !st.ok()) return st;
  }
  std::vector<FleetHost> out;
  if (!d.is_object() || !d.contains("hosts")) {
    out.push_back(base);
    return out;
  }
  if (!d["hosts"].is_array()) return BadRequest("Invalid fleet description: 'hosts' must be a list");
  for (const auto& g : d["hosts"]) {
    FleetHost h = base;
    if (Status st = apply(g, h); !st.ok()) return st;
    std::string name = g.value("name", base.host.hostname);
    long long count = g.value("count", 1LL);
    if (count < 1) return BadRequest("Invalid fleet description: count must be >= 1");
    for (long long i = 1; i <= count; ++i) {
      h.host.hostname = count == 1 ? name : name + "-" + std::to_string(i);
      out.push_back(h);
    }
  }
  return out;
}

SimulatedFleet::SimulatedFleet(Clock& clock, Random& random, std::vector<FleetHost> hosts, OperationTimes times)
    : hosts_(std::move(hosts)) {
  auto aggregate = [&](const std::string& key, const std::string& name, std::map<std::string, std::string> md) {
    if (aggregate_uuid_.count(key)) return;
    std::string uuid = random.uuid4();
    aggregate_uuid_[key] = uuid;
    aggregates_[uuid] = std::make_shared<const scheduler::Aggregate>(scheduler::Aggregate{uuid, name, md});
  };
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    const FleetHost& h = hosts_[i];
    if (h.host.availability_zone != "nova")
      aggregate(kAzPrefix + h.host.availability_zone, h.host.availability_zone,
                {{"availability_zone", h.host.availability_zone}});
    for (const auto& a : h.aggregates) aggregate(a, a, {});
    by_name_[h.host.hostname] = i;
    drivers_.push_back(std::make_unique<FakeComputeDriver>(clock, random, h.host, times, h.faults));
  }
}

Result<std::unique_ptr<SimulatedFleet>> SimulatedFleet::from_json(Clock& clock, Random& random, const json& d,
                                                                  OperationTimes times) {
  auto hosts = parse_fleet(d);
  if (!hosts.ok()) return hosts.status();
  return std::make_unique<SimulatedFleet>(clock, random, std::move(*hosts), times);
}

void SimulatedFleet::forget_guests() {
  for (auto& d : drivers_) d->forget_guests();
}

FakeComputeDriver* SimulatedFleet::driver(const std::string& hostname) {
  auto it = by_name_.find(hostname);
  return it == by_name_.end() ? nullptr : drivers_[it->second].get();
}

Result<std::size_t> SimulatedFleet::report(compute::ResourceTracker& tracker) {
  std::size_t reported = 0;
  for (std::size_t i = 0; i < drivers_.size(); ++i) {
    if (drivers_[i]->faults().host_down) continue;
    const FleetHost& h = hosts_[i];
    compute::NodeReport r;
    r.traits = h.traits;
    std::set<std::string> aggs;
    if (h.host.availability_zone != "nova") aggs.insert(aggregate_uuid_.at(kAzPrefix + h.host.availability_zone));
    for (const auto& a : h.aggregates) aggs.insert(aggregate_uuid_.at(a));
    r.aggregates = std::move(aggs);
    auto uuid = tracker.update_available_resource(*drivers_[i], r);
    if (!uuid.ok()) return uuid.status();
    ++reported;
  }
  return reported;
}

scheduler::HostStateSources SimulatedFleet::host_state_sources(const compute::ResourceTracker& tracker) const {
  scheduler::HostStateSources s;
  s.aggregates = aggregates_;
  for (const auto& d : drivers_) {
    std::string uuid = tracker.provider_uuid(d->nodename());
    if (uuid.empty()) continue;
    scheduler::ComputeNodeInfo info;
    info.host = d->nodename();
    info.hypervisor_type = "QEMU";
    info.hypervisor_version = compute::HostResources{}.hypervisor_version;
    info.supported_instances = {{"x86_64", "qemu", "hvm"}, {"i686", "qemu", "hvm"}};
    info.service.up = !d->faults().host_down;
    auto uuids = d->list_instance_uuids();
    if (uuids.ok()) info.instances = *uuids;
    s.nodes[uuid] = std::move(info);
  }
  return s;
}

std::vector<compute::AggregateSeed> SimulatedFleet::aggregate_seeds() const {
  std::map<std::string, compute::AggregateSeed> by_uuid;
  for (const auto& [uuid, agg] : aggregates_) by_uuid[uuid] = {uuid, agg->name, agg->metadata, {}};
  for (const FleetHost& h : hosts_) {
    if (h.host.availability_zone != "nova")
      by_uuid[aggregate_uuid_.at(kAzPrefix + h.host.availability_zone)].hosts.push_back(h.host.hostname);
    for (const auto& a : h.aggregates) by_uuid[aggregate_uuid_.at(a)].hosts.push_back(h.host.hostname);
  }
  // In the order the description names them (zones and aggregates as first met).
  std::vector<compute::AggregateSeed> out;
  std::set<std::string> seen;
  for (const FleetHost& h : hosts_) {
    std::vector<std::string> keys;
    if (h.host.availability_zone != "nova") keys.push_back(kAzPrefix + h.host.availability_zone);
    keys.insert(keys.end(), h.aggregates.begin(), h.aggregates.end());
    for (const auto& k : keys) {
      const std::string& uuid = aggregate_uuid_.at(k);
      if (seen.insert(uuid).second) out.push_back(by_uuid[uuid]);
    }
  }
  return out;
}

std::vector<compute::ManagedNode> SimulatedFleet::managed_nodes() const {
  std::vector<compute::ManagedNode> out;
  for (std::size_t i = 0; i < drivers_.size(); ++i)
    out.push_back({hosts_[i].host.hostname, drivers_[i].get(), hosts_[i].traits});
  return out;
}

}  // namespace stacklab::fake
