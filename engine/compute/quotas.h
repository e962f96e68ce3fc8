// Nova's quotas, counted from live resources (no reservations): limits per
// project (and per user inside a project), quota classes ("default" feeds
// every project), the checks server create, keypair create and server group
// create make.
//
//   quota_class {id: class name, limits {resource: value}}
//   quota       {id: "<project_id>" or "<project_id>/<user_id>", project_id,
//                user_id ("" for the project), limits {resource: value}}
//
// A limit of -1 is unlimited. Every method runs on the engine loop.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

// Resource name -> limit, in Nova's resource order.
using QuotaLimits = std::map<std::string, long long>;

// Nova's resources and their upstream defaults (network ones are the
// nova-network proxies, shown below 2.36).
const std::vector<std::string>& quota_resources();
QuotaLimits upstream_quota_defaults();
// Defaults with [quota] <resource> overrides from the configuration.
QuotaLimits quota_defaults_from_config(const Config& config);

// Usage of a project (or of one user in it), counted from the store.
struct QuotaUsage {
  long long instances = 0, cores = 0, ram = 0, server_groups = 0, key_pairs = 0;
  long long of(const std::string& resource) const;
};

class QuotaService {
 public:
  QuotaService(Store& store, const Policy& policy, QuotaLimits defaults = upstream_quota_defaults());

  // The "default" class over the built-in defaults.
  QuotaLimits defaults() const;
  // Effective limits of a project, or of a user in it when user_id is set.
  QuotaLimits limits(const std::string& project_id, const std::string& user_id = "") const;
  // Counted usage; user_id "" = the whole project (key pairs: of `key_user`).
  QuotaUsage usage(const std::string& project_id, const std::string& user_id = "",
                   const std::string& key_user = "") const;

  // REST-facing operations (policy checked here).
  Result<QuotaLimits> show(const Credentials& caller, const std::string& project_id, const std::string& user_id) const;
  Result<QuotaLimits> show_defaults(const Credentials& caller, const std::string& project_id) const;
  // Sets limits (validated against usage unless `force`); 400 with Nova's messages.
  Result<QuotaLimits> update(const Credentials& caller, const std::string& project_id, const std::string& user_id,
                             const QuotaLimits& values, bool force);
  Status remove(const Credentials& caller, const std::string& project_id, const std::string& user_id);
  Result<QuotaLimits> show_class(const Credentials& caller, const std::string& class_name) const;
  Result<QuotaLimits> update_class(const Credentials& caller, const std::string& class_name, const QuotaLimits& values);

  const Policy& policy() const { return policy_; }
  // GET /limits: ok for the caller's own project, else os_compute_api:limits:other_project.
  Status authorize_limits(const Credentials& caller, const std::string& project_id) const;

  // Enforcement. How many of [min_count, max_count] servers of this size fit
  // the instances/cores/ram quotas, or 403 with Nova's TooManyInstances message.
  Result<int> check_servers(const std::string& project_id, const std::string& user_id, int min_count, int max_count,
                            long long vcpus, long long ram_mb) const;
  // 403 "Quota exceeded, too many key pairs." when a user may not add one.
  Status check_key_pairs(const std::string& project_id, const std::string& user_id) const;
  // 403 "Quota exceeded, too many server groups."
  Status check_server_groups(const std::string& project_id, const std::string& user_id) const;
  // 403 "Maximum number of metadata items exceeds <n>" for `count` items.
  Status check_metadata_items(const std::string& project_id, std::size_t count) const;

 private:
  QuotaLimits stored(const std::string& kind, const std::string& id) const;
  Status put_limits(const std::string& kind, const std::string& id, Json doc, const QuotaLimits& values);

  Store& store_;
  const Policy& policy_;
  QuotaLimits builtin_;
};

}  // namespace stacklab::compute
