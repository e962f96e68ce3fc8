#include "engine/compute/usage.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

std::optional<TimePoint> time_of(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  return parse_iso(v.get<std::string>());
}

}  // namespace

double usage_hours(std::optional<TimePoint> launched, std::optional<TimePoint> terminated, TimePoint start,
                   TimePoint stop) {
  if (!launched) return 0;
  if (terminated && *terminated < start) return 0;
  if (*launched > stop) return 0;
  TimePoint from = std::max(*launched, start);
  TimePoint to = terminated ? std::min(stop, *terminated) : stop;
  return std::chrono::duration<double>(to - from).count() / 3600.0;
}

std::string python_isoformat(TimePoint t) {
  std::string s = format_iso_micro(t);  // 2026-01-01T00:00:00.000000Z
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  if (s.size() > 7 && s.compare(s.size() - 7, 7, ".000000") == 0) s.resize(s.size() - 7);
  return s;
}

UsageService::UsageService(Store& store, Clock& clock, const Policy& policy)
    : store_(store), clock_(clock), policy_(policy) {
  store_.define("server", {"project_id"});
}

Result<UsageReport> UsageService::report(const Credentials& caller, const UsageQuery& q) const {
  Status st = q.project_id.empty() ? authorize(policy_, "os_compute_api:os-simple-tenant-usage:list", caller,
                                               Json{{"project_id", caller.project_id}})
                                   : authorize(policy_, "os_compute_api:os-simple-tenant-usage:show", caller,
                                               Json{{"project_id", q.project_id}});
  if (!st.ok()) return st;
  if (!(q.start < q.stop)) return BadRequest("Invalid start time. The start time cannot occur after the end time.");

  // Nova's get_active_by_window: launched before the end, not terminated before the start.
  std::vector<const Json*> docs =
      q.project_id.empty() ? store_.list("server") : store_.find("server", "project_id", q.project_id);
  std::vector<const Json*> active;
  for (const Json* d : docs) {
    auto launched = time_of((*d)["launched_at"]);
    auto terminated = time_of((*d)["terminated_at"]);
    if (!launched || !(*launched < q.stop)) continue;
    if (terminated && !(*terminated > q.start)) continue;
    active.push_back(d);
  }
  std::sort(active.begin(), active.end(), [](const Json* a, const Json* b) {
    if ((*a)["created_at"] != (*b)["created_at"]) return (*a)["created_at"] < (*b)["created_at"];
    return (*a)["seq"] < (*b)["seq"];
  });
  std::size_t first = 0;
  if (!q.marker.empty()) {
    while (first < active.size() && (*active[first])["id"] != q.marker) ++first;
    if (first == active.size()) return BadRequest("marker [" + q.marker + "] not found");
    ++first;
  }
  std::size_t last = active.size();
  UsageReport out;
  if (q.limit && first + *q.limit < last) last = first + *q.limit;
  out.more = q.limit && last - first == *q.limit && *q.limit > 0;

  std::map<std::string, Json> tenants;
  std::vector<std::string> order;
  TimePoint now = clock_.now();
  for (std::size_t i = first; i < last; ++i) {
    const Json& s = *active[i];
    auto launched = time_of(s["launched_at"]);
    auto terminated = time_of(s["terminated_at"]);
    double hours = usage_hours(launched, terminated, q.start, q.stop);
    const Json& f = s["flavor"];
    long long memory = f.value("ram", 0LL), vcpus = f.value("vcpus", 0LL);
    long long local_gb = f.value("disk", 0LL) + f.value("ephemeral", 0LL);
    Json info = {{"hours", hours},
                 {"instance_id", s["id"]},
                 {"name", s["name"]},
                 {"tenant_id", s["project_id"]},
                 {"memory_mb", memory},
                 {"local_gb", local_gb},
                 {"vcpus", vcpus},
                 {"flavor", f["original_name"]},
                 {"started_at", python_isoformat(*launched)},
                 {"ended_at", terminated ? Json(python_isoformat(*terminated)) : Json(nullptr)},
                 {"state", terminated ? Json("terminated") : s["vm_state"]}};
    Duration up = (terminated ? *terminated : now) - *launched;
    info["uptime"] = static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(up).count());
    std::string tenant = s["project_id"];
    auto it = tenants.find(tenant);
    if (it == tenants.end()) {
      Json summary = {{"tenant_id", tenant},
                      {"total_local_gb_usage", 0.0},
                      {"total_vcpus_usage", 0.0},
                      {"total_memory_mb_usage", 0.0},
                      {"total_hours", 0.0},
                      {"start", python_isoformat(q.start)},
                      {"stop", python_isoformat(q.stop)}};
      if (q.detailed) summary["server_usages"] = Json::array();
      it = tenants.emplace(tenant, summary).first;
      order.push_back(tenant);
    }
    Json& sum = it->second;
    sum["total_local_gb_usage"] = sum["total_local_gb_usage"].get<double>() + local_gb * hours;
    sum["total_vcpus_usage"] = sum["total_vcpus_usage"].get<double>() + vcpus * hours;
    sum["total_memory_mb_usage"] = sum["total_memory_mb_usage"].get<double>() + memory * hours;
    sum["total_hours"] = sum["total_hours"].get<double>() + hours;
    if (q.detailed) sum["server_usages"].push_back(info);
    out.server_usages.push_back(std::move(info));
  }
  for (const auto& t : order) out.tenant_usages.push_back(tenants[t]);
  return out;
}

}  // namespace stacklab::compute
