#include "engine/compute/quotas.h"

#include <algorithm>

#include "engine/compute/compute_policy.h"

namespace stacklab::compute {

namespace {

const char* kClass = "quota_class";
const char* kQuota = "quota";

std::string quota_id(const std::string& project_id, const std::string& user_id) {
  std::string id = project_id;
  if (!user_id.empty()) {
    id += '/';
    id += user_id;
  }
  return id;
}

bool unlimited(long long v) { return v < 0; }

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& quota_resources() {
  static const std::vector<std::string> kResources = {"instances",
                                                      "cores",
                                                      "ram",
                                                      "metadata_items",
                                                      "key_pairs",
                                                      "server_groups",
                                                      "server_group_members",
                                                      "injected_files",
                                                      "injected_file_content_bytes",
                                                      "injected_file_path_bytes",
                                                      "fixed_ips",
                                                      "floating_ips",
                                                      "security_groups",
                                                      "security_group_rules"};
  return kResources;
}

QuotaLimits upstream_quota_defaults() {
  return {{"instances", 10},
          {"cores", 20},
          {"ram", 51200},
          {"metadata_items", 128},
          {"key_pairs", 100},
          {"server_groups", 10},
          {"server_group_members", 10},
          {"injected_files", 5},
          {"injected_file_content_bytes", 10240},
          {"injected_file_path_bytes", 255},
          {"fixed_ips", -1},
          {"floating_ips", 10},
          {"security_groups", 10},
          {"security_group_rules", 20}};
}

QuotaLimits quota_defaults_from_config(const Config& config) {
  QuotaLimits d = upstream_quota_defaults();
  for (auto& [k, v] : d) v = config.get_int("quota", k, v);
  return d;
}

long long QuotaUsage::of(const std::string& r) const {
  if (r == "instances") return instances;
  if (r == "cores") return cores;
  if (r == "ram") return ram;
  if (r == "server_groups") return server_groups;
  if (r == "key_pairs") return key_pairs;
  return 0;
}

QuotaService::QuotaService(Store& store, const Policy& policy, QuotaLimits defaults)
    : store_(store), policy_(policy), builtin_(std::move(defaults)) {
  store_.define(kClass);
  store_.define(kQuota, {"project_id"});
  store_.define("server", {"project_id"});
  store_.define("server_group", {"project_id"});
  store_.define("keypair", {"user_id"});
}

QuotaLimits QuotaService::stored(const std::string& kind, const std::string& id) const {
  QuotaLimits out;
  if (const Json* d = store_.get(kind, id))
    for (const auto& [k, v] : (*d)["limits"].items()) out[k] = v.get<long long>();
  return out;
}

QuotaLimits QuotaService::defaults() const {
  QuotaLimits d = builtin_;
  for (const auto& [k, v] : stored(kClass, "default")) d[k] = v;
  return d;
}

QuotaLimits QuotaService::limits(const std::string& project_id, const std::string& user_id) const {
  QuotaLimits l = defaults();
  for (const auto& [k, v] : stored(kQuota, quota_id(project_id, ""))) l[k] = v;
  if (!user_id.empty())
    for (const auto& [k, v] : stored(kQuota, quota_id(project_id, user_id))) l[k] = v;
  return l;
}

QuotaUsage QuotaService::usage(const std::string& project_id, const std::string& user_id,
                               const std::string& key_user) const {
  QuotaUsage u;
  for (const Json* s : store_.find("server", "project_id", project_id)) {
    if ((*s).value("deleted", false)) continue;
    if (!user_id.empty() && (*s).value("user_id", "") != user_id) continue;
    ++u.instances;
    u.cores += (*s)["flavor"].value("vcpus", 0LL);
    u.ram += (*s)["flavor"].value("ram", 0LL);
  }
  for (const Json* g : store_.find("server_group", "project_id", project_id))
    if (user_id.empty() || (*g).value("user_id", "") == user_id) ++u.server_groups;
  std::string ku = key_user.empty() ? user_id : key_user;
  if (!ku.empty()) u.key_pairs = static_cast<long long>(store_.find("keypair", "user_id", ku).size());
  return u;
}

Result<QuotaLimits> QuotaService::show(const Credentials& caller, const std::string& project_id,
                                       const std::string& user_id) const {
  Status st = authorize(policy_, "os_compute_api:os-quota-sets:show", caller, Json{{"project_id", project_id}});
  if (!st.ok()) return st;
  return limits(project_id, user_id);
}

Result<QuotaLimits> QuotaService::show_defaults(const Credentials& caller, const std::string& project_id) const {
  Status st = authorize(policy_, "os_compute_api:os-quota-sets:defaults", caller, Json{{"project_id", project_id}});
  if (!st.ok()) return st;
  return defaults();
}

Status QuotaService::put_limits(const std::string& kind, const std::string& id, Json doc, const QuotaLimits& values) {
  const Json* cur = store_.get(kind, id);
  Json limits = cur ? (*cur)["limits"] : Json::object();
  for (const auto& [k, v] : values) limits[k] = v;
  doc["id"] = id;
  doc["limits"] = limits;
  return store_.put(kind, id, std::move(doc));
}

Result<QuotaLimits> QuotaService::update(const Credentials& caller, const std::string& project_id,
                                         const std::string& user_id, const QuotaLimits& values, bool force) {
  Status st = authorize(policy_, "os_compute_api:os-quota-sets:update", caller, Json{{"project_id", project_id}});
  if (!st.ok()) return st;
  QuotaUsage used = usage(project_id, user_id, user_id.empty() ? caller.user_id : user_id);
  QuotaLimits project = limits(project_id);
  for (const auto& [k, v] : values) {
    if (v < -1) return BadRequest("Quota limit " + std::to_string(v) + " for " + k + " must be -1 or greater.");
    if (force) continue;
    long long minimum = used.of(k);
    if (!unlimited(v) && v < minimum)
      return BadRequest("Quota limit " + std::to_string(v) + " for " + k +
                        " must be greater than or equal to already used and reserved " + std::to_string(minimum) + ".");
    // A user's limit may not exceed the project's.
    if (!user_id.empty() && !unlimited(project[k]) && (unlimited(v) || v > project[k]))
      return BadRequest("Quota limit " + std::to_string(v) + " for " + k + " must be less than or equal to " +
                        std::to_string(project[k]) + ".");
  }
  st =
      put_limits(kQuota, quota_id(project_id, user_id), Json{{"project_id", project_id}, {"user_id", user_id}}, values);
  if (!st.ok()) return st;
  return limits(project_id, user_id);
}

Status QuotaService::remove(const Credentials& caller, const std::string& project_id, const std::string& user_id) {
  Status st = authorize(policy_, "os_compute_api:os-quota-sets:delete", caller, Json{{"project_id", project_id}});
  if (!st.ok()) return st;
  return store_.transaction([&]() -> Status {
    if (!user_id.empty()) return store_.erase(kQuota, quota_id(project_id, user_id));
    std::vector<std::string> ids;
    for (const Json* d : store_.find(kQuota, "project_id", project_id)) ids.push_back((*d)["id"]);
    for (const auto& id : ids) {
      Status s = store_.erase(kQuota, id);
      if (!s.ok()) return s;
    }
    return Status{};
  });
}

Result<QuotaLimits> QuotaService::show_class(const Credentials& caller, const std::string& class_name) const {
  Status st = authorize(policy_, "os_compute_api:os-quota-class-sets:show", caller,
                        Json{{"quota_class", class_name}, {"project_id", caller.project_id}});
  if (!st.ok()) return st;
  // Nova: every class other than "default" reads the defaults where unset.
  QuotaLimits l = defaults();
  for (const auto& [k, v] : stored(kClass, class_name)) l[k] = v;
  return l;
}

Result<QuotaLimits> QuotaService::update_class(const Credentials& caller, const std::string& class_name,
                                               const QuotaLimits& values) {
  Status st = authorize(policy_, "os_compute_api:os-quota-class-sets:update", caller,
                        Json{{"quota_class", class_name}, {"project_id", caller.project_id}});
  if (!st.ok()) return st;
  for (const auto& [k, v] : values)
    if (v < -1) return BadRequest("Quota limit " + std::to_string(v) + " for " + k + " must be -1 or greater.");
  st = put_limits(kClass, class_name, Json::object(), values);
  if (!st.ok()) return st;
  QuotaLimits l = defaults();
  for (const auto& [k, v] : stored(kClass, class_name)) l[k] = v;
  return l;
}

Status QuotaService::authorize_limits(const Credentials& caller, const std::string& project_id) const {
  Status st = authorize(policy_, "os_compute_api:limits", caller, Json{{"project_id", project_id}});
  if (!st.ok() || project_id == caller.project_id) return st;
  return authorize(policy_, "os_compute_api:limits:other_project", caller, Json{{"project_id", project_id}});
}

Result<int> QuotaService::check_servers(const std::string& project_id, const std::string& user_id, int min_count,
                                        int max_count, long long vcpus, long long ram_mb) const {
  struct Scope {
    QuotaLimits limits;
    QuotaUsage used;
  };
  std::vector<Scope> scopes = {{limits(project_id), usage(project_id)}};
  if (!user_id.empty() && store_.get(kQuota, quota_id(project_id, user_id)))
    scopes.push_back({limits(project_id, user_id), usage(project_id, user_id)});
  const std::vector<std::pair<std::string, long long>> per = {
      {"cores", vcpus}, {"instances", 1}, {"ram", ram_mb}};  // Nova lists overs sorted
  long long allowed = max_count;
  for (const Scope& sc : scopes)
    for (const auto& [r, each] : per) {
      long long limit = sc.limits.at(r);
      if (unlimited(limit) || each <= 0) continue;
      long long head = std::max(0LL, limit - sc.used.of(r));
      allowed = std::min(allowed, head / each);
    }
  if (allowed >= min_count) return static_cast<int>(allowed);
  // Nova's TooManyInstances, about the resources the request (at max_count) exceeds.
  for (const Scope& sc : scopes) {
    std::vector<std::string> overs, reqs, useds, limits_s;
    for (const auto& [r, each] : per) {
      long long limit = sc.limits.at(r);
      if (unlimited(limit) || sc.used.of(r) + each * max_count <= limit) continue;
      overs.push_back(r);
      if (r == "instances") {
        std::string n = std::to_string(min_count);
        if (min_count != max_count) {
          n += '-';
          n += std::to_string(max_count);
        }
        reqs.push_back(n);
      } else {
        reqs.push_back(std::to_string(each * max_count));
      }
      useds.push_back(std::to_string(sc.used.of(r)));
      limits_s.push_back(std::to_string(limit));
    }
    if (overs.empty()) continue;
    return Status(Code::kOverQuota, "Quota exceeded for " + join(overs) + ": Requested " + join(reqs) +
                                        ", but already used " + join(useds) + " of " + join(limits_s) + " " +
                                        join(overs));
  }
  return Status(Code::kOverQuota, "Quota exceeded for instances: Cannot run any more instances of this type.");
}

Status QuotaService::check_key_pairs(const std::string& project_id, const std::string& user_id) const {
  long long limit = limits(project_id, user_id).at("key_pairs");
  if (unlimited(limit)) return {};
  if (static_cast<long long>(store_.find("keypair", "user_id", user_id).size()) >= limit)
    return Status(Code::kOverQuota, "Quota exceeded, too many key pairs.");
  return {};
}

Status QuotaService::check_server_groups(const std::string& project_id, const std::string& user_id) const {
  long long limit = limits(project_id, user_id).at("server_groups");
  if (unlimited(limit)) return {};
  if (usage(project_id).server_groups >= limit)
    return Status(Code::kOverQuota, "Quota exceeded, too many server groups.");
  return {};
}

Status QuotaService::check_metadata_items(const std::string& project_id, std::size_t count) const {
  long long limit = limits(project_id).at("metadata_items");
  if (unlimited(limit) || static_cast<long long>(count) <= limit) return {};
  return Status(Code::kOverQuota, "Maximum number of metadata items exceeds " + std::to_string(limit));
}

}  // namespace stacklab::compute
