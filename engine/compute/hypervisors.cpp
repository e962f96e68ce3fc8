#include "engine/compute/hypervisors.h"

#include <cstdio>
#include <ctime>

#include "engine/compute/compute_policy.h"

namespace stacklab::compute {

namespace {

std::int64_t amount(const placement::ResourceAmounts& a, const char* rc) {
  auto it = a.find(rc);
  return it == a.end() ? 0 : it->second;
}

std::int64_t total(const placement::ResourceProvider& rp, const char* rc) {
  auto it = rp.inventories.find(rc);
  return it == rp.inventories.end() ? 0 : it->second.total;
}

// What `uptime` prints: " 16:55:10 up 3 days,  2:05,  1 user,  load average: 0.00, 0.00, 0.00".
std::string uptime_line(TimePoint now, Duration up) {
  std::time_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  long long minutes = std::chrono::duration_cast<std::chrono::minutes>(up).count();
  long long days = minutes / (24 * 60), hours = minutes / 60 % 24, mins = minutes % 60;
  char buf[160];
  if (days > 0)
    std::snprintf(buf, sizeof buf,
                  " %02d:%02d:%02d up %lld day%s, %2lld:%02lld,  1 user,  load average: 0.00, 0.00, 0.00", tm.tm_hour,
                  tm.tm_min, tm.tm_sec, days, days == 1 ? "" : "s", hours, mins);
  else
    std::snprintf(buf, sizeof buf, " %02d:%02d:%02d up %2lld:%02lld,  1 user,  load average: 0.00, 0.00, 0.00",
                  tm.tm_hour, tm.tm_min, tm.tm_sec, hours, mins);
  return buf;
}

Status check(const Policy& policy, const std::string& action, const Credentials& caller) {
  std::string rule = "os_compute_api:os-hypervisors:";
  rule += action;
  return authorize(policy, rule, caller);
}

}  // namespace

Hypervisors::Hypervisors(const ServiceRegistry& services, const placement::PlacementService& placement,
                         const ResourceTracker& tracker, const Clock& clock, const Policy& policy)
    : services_(services),
      placement_(placement),
      tracker_(tracker),
      clock_(clock),
      policy_(policy),
      booted_(clock.now()) {}

Json Hypervisors::record(const ManagedNode& node, const Json& service) const {
  const placement::ResourceProvider* rp = placement_.provider_by_name(node.host);
  const ResourceOptions& o = tracker_.options();
  HostResources r;
  auto res = node.driver ? node.driver->get_available_resource() : Result<HostResources>(NotFound(node.host));
  if (res.ok()) {
    r = *res;
  } else {
    r.hypervisor_hostname = node.host;
    r.vcpus = static_cast<int>(total(*rp, "VCPU"));
    r.memory_mb = total(*rp, "MEMORY_MB");
    r.local_gb = total(*rp, "DISK_GB");
  }
  std::int64_t vcpus_used = amount(rp->usage, "VCPU");
  std::int64_t mem_used = amount(rp->usage, "MEMORY_MB") + o.reserved_host_memory_mb;
  std::int64_t disk_used = amount(rp->usage, "DISK_GB") + (o.reserved_host_disk_mb + 1023) / 1024;
  Json servers = Json::array();
  if (node.driver) {
    auto uuids = node.driver->list_instance_uuids();
    if (uuids.ok())
      for (const auto& u : *uuids) {
        auto info = node.driver->get_info(u);
        servers.push_back({{"uuid", u}, {"name", info.ok() ? info->name : ""}});
      }
  }
  if (!res.ok()) servers = Json::array();
  std::int64_t running = res.ok() ? static_cast<std::int64_t>(servers.size())
                                  : static_cast<std::int64_t>(placement_.provider_allocations(rp->uuid).size());
  std::string host_ip = r.host_ip;
  return {{"seq", service["node_seq"]},
          {"uuid", rp->uuid},
          {"hypervisor_hostname", r.hypervisor_hostname.empty() ? node.host : r.hypervisor_hostname},
          {"host_ip", host_ip},
          {"state", service["state"]},
          {"status", service["disabled"].get<bool>() ? "disabled" : "enabled"},
          {"service",
           {{"host", node.host},
            {"id", service["seq"]},
            {"uuid", service["id"]},
            {"disabled_reason", service["disabled_reason"]}}},
          {"vcpus", r.vcpus},
          {"vcpus_used", vcpus_used},
          {"memory_mb", r.memory_mb},
          {"memory_mb_used", mem_used},
          {"local_gb", r.local_gb},
          {"local_gb_used", disk_used},
          {"free_ram_mb", r.memory_mb - mem_used},
          {"free_disk_gb", r.local_gb - disk_used},
          {"running_vms", running},
          {"current_workload", 0},
          {"disk_available_least", r.local_gb - disk_used},
          {"hypervisor_type", r.hypervisor_type},
          {"hypervisor_version", r.hypervisor_version},
          {"cpu_info", r.cpu_info},
          {"servers", servers},
          {"uptime", uptime_line(clock_.now(), clock_.now() - booted_)}};
}

std::vector<Json> Hypervisors::records() const {
  std::vector<Json> out;
  for (const Json& s : services_.all()) {
    if (s["binary"] != "nova-compute") continue;
    const ManagedNode* n = services_.node(s["host"].get<std::string>());
    if (!n || !placement_.provider_by_name(n->host)) continue;
    out.push_back(record(*n, s));
  }
  return out;
}

Result<std::vector<Json>> Hypervisors::list(const Credentials& caller, const std::string& action) const {
  if (Status st = check(policy_, action, caller); !st.ok()) return st;
  return records();
}

Result<Json> Hypervisors::get(const Credentials& caller, const std::string& action, const std::string& id) const {
  if (Status st = check(policy_, action, caller); !st.ok()) return st;
  for (Json& h : records())
    if (h["uuid"] == id || std::to_string(h["seq"].get<long long>()) == id) return std::move(h);
  return NotFound("Hypervisor with ID '" + id + "' could not be found.");
}

Result<Json> Hypervisors::statistics(const Credentials& caller) const {
  if (Status st = check(policy_, "statistics", caller); !st.ok()) return st;
  Json s = {{"count", 0}};
  const char* keys[] = {"vcpus",
                        "vcpus_used",
                        "memory_mb",
                        "memory_mb_used",
                        "local_gb",
                        "local_gb_used",
                        "free_ram_mb",
                        "free_disk_gb",
                        "current_workload",
                        "running_vms",
                        "disk_available_least"};
  for (const char* k : keys) s[k] = 0;
  for (const Json& h : records()) {
    s["count"] = s["count"].get<long long>() + 1;
    for (const char* k : keys) s[k] = s[k].get<long long>() + h[k].get<long long>();
  }
  return s;
}

}  // namespace stacklab::compute
