#include "engine/compute/resource_tracker.h"

namespace stacklab::compute {

namespace {

bool same(const placement::Inventory& a, const placement::Inventory& b) {
  return a.total == b.total && a.reserved == b.reserved && a.min_unit == b.min_unit && a.max_unit == b.max_unit &&
         a.step_size == b.step_size && a.allocation_ratio == b.allocation_ratio;
}

bool same(const std::map<std::string, placement::Inventory>& a, const std::map<std::string, placement::Inventory>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [rc, inv] : a) {
    auto it = b.find(rc);
    if (it == b.end() || !same(inv, it->second)) return false;
  }
  return true;
}

}  // namespace

ResourceOptions ResourceOptions::from_config(const Config& config) {
  ResourceOptions o;
  o.cpu_allocation_ratio = config.get_double("DEFAULT", "cpu_allocation_ratio", o.cpu_allocation_ratio);
  o.ram_allocation_ratio = config.get_double("DEFAULT", "ram_allocation_ratio", o.ram_allocation_ratio);
  o.disk_allocation_ratio = config.get_double("DEFAULT", "disk_allocation_ratio", o.disk_allocation_ratio);
  o.reserved_host_memory_mb = config.get_int("DEFAULT", "reserved_host_memory_mb", o.reserved_host_memory_mb);
  o.reserved_host_disk_mb = config.get_int("DEFAULT", "reserved_host_disk_mb", o.reserved_host_disk_mb);
  o.reserved_host_cpus = config.get_int("DEFAULT", "reserved_host_cpus", o.reserved_host_cpus);
  return o;
}

ResourceTracker::ResourceTracker(placement::PlacementService& placement, Clock& clock, ResourceOptions options)
    : placement_(placement), clock_(clock), options_(options) {}

// Nova's _normalize_inventory_from_cn_obj: max_unit is the total; disk
// reserved is the MB option rounded up to GB.
std::map<std::string, placement::Inventory> ResourceTracker::inventories(const HostResources& r) const {
  std::map<std::string, placement::Inventory> inv;
  auto add = [&](const char* rc, std::int64_t total, std::int64_t reserved, double ratio) {
    if (total <= 0) return;
    placement::Inventory i;
    i.total = total;
    i.reserved = reserved;
    i.max_unit = total;
    i.allocation_ratio = ratio;
    inv[rc] = i;
  };
  add("VCPU", r.vcpus, options_.reserved_host_cpus, options_.cpu_allocation_ratio);
  add("MEMORY_MB", r.memory_mb, options_.reserved_host_memory_mb, options_.ram_allocation_ratio);
  add("DISK_GB", r.local_gb, (options_.reserved_host_disk_mb + 1023) / 1024, options_.disk_allocation_ratio);
  return inv;
}

Result<std::string> ResourceTracker::update_available_resource(const ComputeDriver& driver, const NodeReport& report) {
  auto res = driver.get_available_resource();
  if (!res.ok()) return res.status();
  const std::string& name = res->hypervisor_hostname;

  const placement::ResourceProvider* rp = placement_.provider_by_name(name);
  if (!rp) {
    auto created = placement_.create_provider(name);
    if (!created.ok()) return created.status();
    rp = *created;
  }
  const std::string uuid = rp->uuid;

  auto inv = inventories(*res);
  if (!same(inv, rp->inventories)) {
    auto r = placement_.set_inventories(uuid, rp->generation, inv);
    if (!r.ok()) return r.status();
    rp = *r;
  }

  std::set<std::string> traits = capability_traits(driver.capabilities());
  traits.insert("COMPUTE_NODE");
  for (const auto& t : report.traits) {
    if (!placement_.trait_exists(t)) {
      Status st = placement_.create_trait(t);
      if (!st.ok()) return st;
    }
    traits.insert(t);
  }
  if (traits != rp->traits) {
    auto r = placement_.set_traits(uuid, rp->generation, traits);
    if (!r.ok()) return r.status();
    rp = *r;
  }

  if (report.aggregates && *report.aggregates != rp->aggregates) {
    auto r = placement_.set_aggregates(uuid, rp->generation, *report.aggregates);
    if (!r.ok()) return r.status();
  }
  last_report_[name] = clock_.now();
  return uuid;
}

std::string ResourceTracker::provider_uuid(const std::string& nodename) const {
  const auto* rp = placement_.provider_by_name(nodename);
  return rp ? rp->uuid : "";
}

std::optional<TimePoint> ResourceTracker::last_report(const std::string& nodename) const {
  auto it = last_report_.find(nodename);
  if (it == last_report_.end()) return std::nullopt;
  return it->second;
}

}  // namespace stacklab::compute
