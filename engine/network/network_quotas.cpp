// Neutron quotas: per-project limits over the defaults, usage counted from
// the resources a project owns, and the OverQuota refusal on create.
#include "engine/network/network_quotas.h"

#include "engine/network/attributes.h"
#include "engine/network/network_errors.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

const std::vector<QuotaResource>& quota_resources() {
  static const std::vector<QuotaResource> kResources = {{"floatingip", "floatingip", 50},
                                                        {"network", "network", 100},
                                                        {"port", "port", 500},
                                                        {"rbac_policy", "rbac_policy", 10},
                                                        {"router", "router", 10},
                                                        {"security_group", "security_group", 10},
                                                        {"security_group_rule", "security_group_rule", 100},
                                                        {"subnet", "subnet", 100},
                                                        {"subnetpool", "subnetpool", -1}};
  return kResources;
}

namespace {

const QuotaResource* find_resource(const std::string& name) {
  for (const QuotaResource& r : quota_resources())
    if (name == r.name) return &r;
  return nullptr;
}

Status admin_required() {
  return neutron_error(Code::kForbidden, "AdminRequired",
                       "User does not have admin privileges: Only admin can view or configure quota.");
}

Json defaults() {
  Json q = Json::object();
  for (const QuotaResource& r : quota_resources()) q[r.name] = r.default_limit;
  return q;
}

}  // namespace

namespace {

long long used_of(const Store& store, const QuotaResource& r, const std::string& project_id) {
  return static_cast<long long>(store.find(r.table, "project_id", project_id).size());
}

long long limit_of(const Store& store, const QuotaResource& r, const std::string& project_id) {
  const Json* set = store.get("network_quota", project_id);
  if (set && set->contains(r.name)) return (*set)[r.name].get<long long>();
  return r.default_limit;
}

Status may_read(const Credentials& caller, const std::string& project_id) {
  if (caller.is_admin() || caller.project_id == project_id) return {};
  return neutron_error(Code::kForbidden, "PolicyNotAuthorized", "(rule:get_quota) is disallowed by policy");
}

}  // namespace

Status NetworkService::check_quota(const std::string& project_id, const std::string& resource, int delta) const {
  const QuotaResource* r = find_resource(resource);
  if (!r) return {};
  long long limit = limit_of(store_, *r, project_id);
  if (limit < 0 || used_of(store_, *r, project_id) + delta <= limit) return {};
  return neutron_error(Code::kConflict, "OverQuota", "Quota exceeded for resources: ['" + resource + "'].");
}

Result<std::vector<Json>> NetworkService::list_quotas(const Credentials& caller) const {
  if (!caller.is_admin()) return admin_required();
  std::vector<Json> out;
  for (const Json* set : store_.list("network_quota")) {
    Json q = defaults();
    for (const auto& [k, v] : set->items())
      if (find_resource(k)) q[k] = v;
    q["project_id"] = (*set)["id"];
    q["tenant_id"] = (*set)["id"];
    out.push_back(q);
  }
  return out;
}

Result<Json> NetworkService::get_quota(const Credentials& caller, const std::string& project_id) const {
  if (Status st = may_read(caller, project_id); !st.ok()) return st;
  Json q = Json::object();
  for (const QuotaResource& r : quota_resources()) q[r.name] = limit_of(store_, r, project_id);
  return q;
}

Result<Json> NetworkService::get_default_quota(const Credentials& caller, const std::string& project_id) const {
  if (Status st = may_read(caller, project_id); !st.ok()) return st;
  return defaults();
}

Result<Json> NetworkService::get_quota_details(const Credentials& caller, const std::string& project_id) const {
  if (Status st = may_read(caller, project_id); !st.ok()) return st;
  Json q = Json::object();
  for (const QuotaResource& r : quota_resources())
    q[r.name] = {{"used", used_of(store_, r, project_id)}, {"limit", limit_of(store_, r, project_id)}, {"reserved", 0}};
  return q;
}

Result<Json> NetworkService::update_quota(const Credentials& caller, const std::string& project_id, const Json& body) {
  if (!caller.is_admin()) return admin_required();
  const Json* existing = store_.get("network_quota", project_id);
  Json set = existing ? *existing : Json{{"id", project_id}};
  std::string unknown;
  for (const auto& [key, value] : body.items()) {
    if (!find_resource(key)) {
      if (!unknown.empty()) unknown += ", ";
      unknown += in_quotes(key);
      continue;
    }
    long long limit = 0;
    if (value.is_number_integer()) {
      limit = value.get<long long>();
    } else if (value.is_string() && !value.get<std::string>().empty() && value.get<std::string>().size() < 12 &&
               value.get<std::string>().find_first_not_of("-0123456789") == std::string::npos) {
      limit = std::stoll(value.get<std::string>());
    } else {
      return invalid_attribute("quota", in_quotes(text_of(value)) + " is not an integer");
    }
    if (limit < -1) return invalid_attribute("quota", in_quotes(std::to_string(limit)) + " should be >= -1");
    set[key] = limit;
  }
  if (!unknown.empty())
    return neutron_error(Code::kBadRequest, "HTTPBadRequest", "Unrecognized attribute(s) " + unknown);
  if (Status st = store_.put("network_quota", project_id, set); !st.ok()) return st;
  return get_quota(caller, project_id);
}

Status NetworkService::delete_quota(const Credentials& caller, const std::string& project_id) {
  if (!caller.is_admin()) return admin_required();
  if (!store_.get("network_quota", project_id))
    return neutron_error(Code::kNotFound, "TenantQuotaNotFound",
                         "Quota for tenant " + project_id + " could not be found.");
  return store_.erase("network_quota", project_id);
}

}  // namespace stacklab::network
