#include "engine/compute/server_groups.h"

#include <algorithm>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

const char* kGroup = "server_group";

std::string not_found(const std::string& id) { return "Instance group " + id + " could not be found."; }

}  // namespace

ServerGroupService::ServerGroupService(Store& store, Clock& clock, Random& random, const Policy& policy,
                                       const QuotaService& quotas)
    : store_(store), clock_(clock), random_(random), policy_(policy), quotas_(quotas) {
  store_.define(kGroup, {"project_id"});
  store_.define("server", {"project_id"});
}

std::vector<std::string> ServerGroupService::live_members(const Json& group) const {
  std::vector<std::string> out;
  for (const auto& m : group["members"]) {
    const Json* s = store_.get("server", m.get<std::string>());
    if (s && !(*s).value("deleted", false)) out.push_back(m);
  }
  return out;
}

Json ServerGroupService::with_live_members(const Json& group) const {
  Json g = group;
  g["members"] = live_members(group);
  return g;
}

Result<Json> ServerGroupService::create(const Credentials& caller, const NewServerGroup& r) {
  Status st = authorize(policy_, "os_compute_api:os-server-groups:create", caller,
                        Json{{"project_id", caller.project_id}, {"user_id", caller.user_id}});
  if (!st.ok()) return st;
  static const std::vector<std::string> kPolicies = {"anti-affinity", "affinity", "soft-anti-affinity",
                                                     "soft-affinity"};
  if (std::find(kPolicies.begin(), kPolicies.end(), r.policy) == kPolicies.end())
    return BadRequest("Invalid input for field/attribute policy. Value: " + r.policy + ". '" + r.policy +
                      "' is not one of ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']");
  if (!r.rules.is_object()) return BadRequest("Invalid input for field/attribute rules.");
  for (const auto& [k, v] : r.rules.items()) {
    if (k != "max_server_per_host")
      return BadRequest("Additional properties are not allowed ('" + k + "' was unexpected)");
    if (r.policy != "anti-affinity")
      return BadRequest("Only anti-affinity policy supports \"max_server_per_host\" rule.");
    long long n = v.is_number_integer() ? v.get<long long>() : 0;
    if (v.is_string()) try {
        n = std::stoll(v.get<std::string>());
      } catch (...) {
        n = 0;
      }
    if (n < 1)
      return BadRequest("Invalid input for field/attribute max_server_per_host. Value: " + v.dump() +
                        ". It must be a positive integer.");
  }
  st = quotas_.check_server_groups(caller.project_id, caller.user_id);
  if (!st.ok()) return st;
  Json rules = Json::object();
  for (const auto& [k, v] : r.rules.items()) rules[k] = v.is_string() ? Json(std::stoll(v.get<std::string>())) : v;
  std::string id = random_.uuid4();
  Json doc = {{"id", id},
              {"name", r.name},
              {"project_id", caller.project_id},
              {"user_id", caller.user_id},
              {"policy", r.policy},
              {"rules", rules},
              {"members", Json::array()},
              {"created_at", format_iso_seconds(clock_.now())}};
  st = store_.put(kGroup, id, doc);
  if (!st.ok()) return st;
  return doc;
}

Result<Json> ServerGroupService::get(const Credentials& caller, const std::string& id) const {
  const Json* g = store_.get(kGroup, id);
  if (!g) return NotFound(not_found(id));
  Status st = authorize(policy_, "os_compute_api:os-server-groups:show", caller,
                        Json{{"project_id", (*g)["project_id"]}, {"user_id", (*g)["user_id"]}});
  if (!st.ok()) return NotFound(not_found(id));
  return with_live_members(*g);
}

Result<std::vector<Json>> ServerGroupService::list(const Credentials& caller, const ServerGroupFilter& f) const {
  Status st = authorize(policy_, "os_compute_api:os-server-groups:index", caller,
                        Json{{"project_id", caller.project_id}, {"user_id", caller.user_id}});
  if (!st.ok()) return st;
  bool all =
      f.all_projects && policy_.allowed("os_compute_api:os-server-groups:index:all_projects", caller, Json::object());
  std::vector<const Json*> docs = all ? store_.list(kGroup) : store_.find(kGroup, "project_id", caller.project_id);
  std::vector<Json> out;
  for (std::size_t i = f.offset; i < docs.size(); ++i) {
    if (f.limit && out.size() >= *f.limit) break;
    out.push_back(with_live_members(*docs[i]));
  }
  return out;
}

Status ServerGroupService::remove(const Credentials& caller, const std::string& id) {
  const Json* g = store_.get(kGroup, id);
  if (!g) return NotFound(not_found(id));
  Status st = authorize(policy_, "os_compute_api:os-server-groups:delete", caller,
                        Json{{"project_id", (*g)["project_id"]}, {"user_id", (*g)["user_id"]}});
  if (!st.ok()) return st;
  return store_.erase(kGroup, id);
}

Status ServerGroupService::check_members(const Credentials& caller, const std::string& group_id, int count) const {
  const Json* g = store_.get(kGroup, group_id);
  if (!g || !policy_.allowed("os_compute_api:os-server-groups:show", caller,
                             Json{{"project_id", (*g)["project_id"]}, {"user_id", (*g)["user_id"]}}))
    return BadRequest(not_found(group_id));
  long long limit = quotas_.limits((*g)["project_id"], (*g)["user_id"]).at("server_group_members");
  if (limit >= 0 && static_cast<long long>(live_members(*g).size()) + count > limit)
    return Status(Code::kOverQuota, "Quota exceeded, too many servers in group");
  return {};
}

Status ServerGroupService::add_members(const std::string& group_id, const std::vector<std::string>& server_ids) {
  const Json* g = store_.get(kGroup, group_id);
  if (!g) return NotFound(not_found(group_id));
  Json doc = *g;
  Json members = Json::array();
  for (const auto& m : live_members(doc)) members.push_back(m);  // prunes deleted servers
  for (const auto& id : server_ids) members.push_back(id);
  doc["members"] = members;
  return store_.put(kGroup, group_id, std::move(doc));
}

std::optional<scheduler::InstanceGroup> ServerGroupService::instance_group(const std::string& group_id) const {
  const Json* g = store_.get(kGroup, group_id);
  if (!g) return std::nullopt;
  scheduler::InstanceGroup out;
  out.uuid = (*g)["id"];
  out.name = (*g)["name"];
  out.policy = (*g)["policy"];
  for (const auto& [k, v] : (*g)["rules"].items())
    if (v.is_number_integer()) out.rules[k] = v.get<std::int64_t>();
  out.members = live_members(*g);
  for (const auto& m : out.members) {
    const Json* s = store_.get("server", m);
    if (s && (*s)["host"].is_string()) {
      std::string h = (*s)["host"];
      if (std::find(out.hosts.begin(), out.hosts.end(), h) == out.hosts.end()) out.hosts.push_back(h);
    }
  }
  return out;
}

}  // namespace stacklab::compute
