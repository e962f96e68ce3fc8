// Nova's server groups: a policy (affinity, anti-affinity, soft-affinity,
// soft-anti-affinity; 2.64 rules {max_server_per_host}) over a set of
// member servers, read by the scheduler's group filters and weighers.
//
//   server_group {id (uuid), name, project_id, user_id, policy,
//                 rules {}, members [server uuids], created_at}
//
// Members join when a server is created with the scheduler hint `group`;
// a deleted server is no longer a member (members are read through the
// live servers). Every method runs on the engine loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/compute/quotas.h"
#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/scheduler/request_spec.h"

namespace stacklab::compute {

struct NewServerGroup {
  std::string name;
  std::string policy;
  Json rules = Json::object();
};

struct ServerGroupFilter {
  bool all_projects = false;  // admins only
  std::size_t offset = 0;
  std::optional<std::size_t> limit;
};

class ServerGroupService {
 public:
  ServerGroupService(Store& store, Clock& clock, Random& random, const Policy& policy, const QuotaService& quotas);

  // 400 for a bad policy or rules; 403 by policy or over quota.
  Result<Json> create(const Credentials& caller, const NewServerGroup& group);
  // 404 "Instance group <id> could not be found." unless visible.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // The caller's project's groups (every project's with all_projects, admins).
  Result<std::vector<Json>> list(const Credentials& caller, const ServerGroupFilter& filter) const;
  Status remove(const Credentials& caller, const std::string& id);

  // For server create: the group of the hint exists and can take `count`
  // more members (403 "Quota exceeded, too many servers in group").
  Status check_members(const Credentials& caller, const std::string& group_id, int count) const;
  Status add_members(const std::string& group_id, const std::vector<std::string>& server_ids);
  // The group as the scheduler sees it: policy, rules, live members and their hosts.
  std::optional<scheduler::InstanceGroup> instance_group(const std::string& group_id) const;

 private:
  std::vector<std::string> live_members(const Json& group) const;
  Json with_live_members(const Json& group) const;

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  const QuotaService& quotas_;
};

}  // namespace stacklab::compute
