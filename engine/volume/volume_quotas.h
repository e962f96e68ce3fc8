// Cinder's quotas, counted from live volumes, snapshots and backups (no
// reservations): limits per project over the "default" quota class over
// the upstream defaults, with per-volume-type resources
// (volumes_<type>, snapshots_<type>, gigabytes_<type>, -1 by default).
//
//   volume_quota       {id: project_id, limits {resource: value}}
//   volume_quota_class {id: class name, limits {resource: value}}
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
#include "engine/volume/volume_types.h"

namespace stacklab::volume {

using QuotaLimits = std::map<std::string, long long>;

// volumes 10, snapshots 10, gigabytes 1000, backups 10, backup_gigabytes
// 1000, per_volume_gigabytes -1, groups 10; [quota] quota_<resource> overrides.
QuotaLimits volume_quota_defaults(const Config& config = Config());

// Limit, usage and the resource order of one project's quota set.
struct QuotaRow {
  std::string resource;
  long long limit = -1, in_use = 0;
};

class VolumeQuotas {
 public:
  VolumeQuotas(Store& store, const Policy& policy, const VolumeTypeService& types,
               QuotaLimits defaults = volume_quota_defaults());

  // Every resource, fixed ones first, then the per-type ones by type name.
  std::vector<std::string> resources() const;
  QuotaLimits defaults() const;
  QuotaLimits limits(const std::string& project_id) const;
  QuotaLimits usage(const std::string& project_id) const;

  Result<std::vector<QuotaRow>> show(const Credentials& caller, const std::string& project_id) const;
  Result<QuotaLimits> show_defaults(const Credentials& caller, const std::string& project_id) const;
  // 400 for unknown resources, values below -1, or limits below usage.
  Result<QuotaLimits> update(const Credentials& caller, const std::string& project_id, const QuotaLimits& values);
  Status remove(const Credentials& caller, const std::string& project_id);
  Result<QuotaLimits> show_class(const Credentials& caller, const std::string& class_name) const;
  Result<QuotaLimits> update_class(const Credentials& caller, const std::string& class_name, const QuotaLimits& values);
  // GET /limits: ok for the caller's own project.
  Status authorize_limits(const Credentials& caller, const std::string& project_id) const;

  // Enforcement, 413 with Cinder's messages, for `count` more volumes (or
  // snapshots) adding `gigabytes` in total, of type `type_name`.
  Status check_volumes(const std::string& project_id, const std::string& type_name, int count,
                       long long gigabytes) const;
  Status check_snapshots(const std::string& project_id, const std::string& type_name, long long gigabytes) const;
  // One more backup of `gigabytes` (backups, backup_gigabytes).
  Status check_backups(const std::string& project_id, long long gigabytes) const;
  // Growing a volume by `delta` gigabytes (extend), to `new_size`.
  Status check_extend(const std::string& project_id, const std::string& type_name, long long delta,
                      long long new_size) const;

 private:
  QuotaLimits stored(const std::string& kind, const std::string& id) const;
  Status check_gigabytes(const QuotaLimits& limits, const QuotaLimits& used, const std::string& type_name,
                         long long gigabytes) const;
  Result<QuotaLimits> validate(const QuotaLimits& values) const;

  Store& store_;
  const Policy& policy_;
  const VolumeTypeService& types_;
  QuotaLimits builtin_;
};

}  // namespace stacklab::volume
