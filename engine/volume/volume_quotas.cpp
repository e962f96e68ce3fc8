#include "engine/volume/volume_quotas.h"

#include <algorithm>

#include "engine/volume/model.h"
#include "engine/volume/volume_policy.h"

namespace stacklab::volume {

namespace {

const char* const kQuotaKind = "volume_quota";
const char* const kClassKind = "volume_quota_class";
const std::vector<std::string> kFixed = {
    "volumes", "snapshots", "gigabytes", "backups", "backup_gigabytes", "per_volume_gigabytes", "groups"};

std::string type_name_of(const Store& store, const Json& doc) {
  const Json* t = store.get("volume_type", doc.value("volume_type_id", std::string()));
  return t ? (*t)["name"].get<std::string>() : std::string();
}

long long get(const QuotaLimits& l, const std::string& r) {
  auto it = l.find(r);
  return it == l.end() ? -1 : it->second;
}

long long used(const QuotaLimits& u, const std::string& r) {
  auto it = u.find(r);
  return it == u.end() ? 0 : it->second;
}

Status over_limit(std::string message) { return Status(Code::kPayloadTooLarge, std::move(message)); }

}  // namespace

QuotaLimits volume_quota_defaults(const Config& config) {
  QuotaLimits d = {{"volumes", 10}, {"snapshots", 10},          {"gigabytes", 1000},
                   {"backups", 10}, {"backup_gigabytes", 1000}, {"per_volume_gigabytes", -1},
                   {"groups", 10}};
  for (auto& [r, v] : d) v = config.get_int("quota", "quota_" + r, v);
  return d;
}

VolumeQuotas::VolumeQuotas(Store& store, const Policy& policy, const VolumeTypeService& types, QuotaLimits defaults)
    : store_(store), policy_(policy), types_(types), builtin_(std::move(defaults)) {
  store_.define(kQuotaKind);
  store_.define(kClassKind);
  define_volume_tables(store_);
}

std::vector<std::string> VolumeQuotas::resources() const {
  std::vector<std::string> out = kFixed;
  std::vector<std::string> names;
  for (const Json* t : types_.all()) names.push_back((*t)["name"]);
  std::sort(names.begin(), names.end());
  for (const char* prefix : {"volumes_", "snapshots_", "gigabytes_"})
    for (const auto& n : names) out.push_back(prefix + n);
  return out;
}

QuotaLimits VolumeQuotas::stored(const std::string& kind, const std::string& id) const {
  QuotaLimits out;
  if (const Json* doc = store_.get(kind, id))
    for (const auto& [k, v] : (*doc)["limits"].items()) out[k] = v.get<long long>();
  return out;
}

QuotaLimits VolumeQuotas::defaults() const {
  QuotaLimits out;
  QuotaLimits cls = stored(kClassKind, "default");
  for (const auto& r : resources()) {
    auto it = cls.find(r);
    out[r] = it != cls.end() ? it->second : get(builtin_, r);
  }
  return out;
}

QuotaLimits VolumeQuotas::limits(const std::string& project_id) const {
  QuotaLimits out = defaults();
  for (const auto& [k, v] : stored(kQuotaKind, project_id))
    if (out.count(k)) out[k] = v;
  return out;
}

QuotaLimits VolumeQuotas::usage(const std::string& project_id) const {
  QuotaLimits u;
  for (const Json* v : store_.find(kVolumeKind, "project_id", project_id)) {
    long long size = (*v)["size"].get<long long>();
    std::string t = type_name_of(store_, *v);
    ++u["volumes"];
    u["gigabytes"] += size;
    if (!t.empty()) {
      ++u["volumes_" + t];
      u["gigabytes_" + t] += size;
    }
  }
  for (const Json* s : store_.find(kSnapshotKind, "project_id", project_id)) {
    long long size = (*s)["size"].get<long long>();
    ++u["snapshots"];
    u["gigabytes"] += size;
    const Json* vol = store_.get(kVolumeKind, (*s)["volume_id"].get<std::string>());
    std::string t = vol ? type_name_of(store_, *vol) : "";
    if (!t.empty()) {
      ++u["snapshots_" + t];
      u["gigabytes_" + t] += size;
    }
  }
  for (const Json* b : store_.find(kBackupKind, "project_id", project_id)) {
    ++u["backups"];
    u["backup_gigabytes"] += (*b)["size"].get<long long>();
  }
  return u;
}

Result<std::vector<QuotaRow>> VolumeQuotas::show(const Credentials& caller, const std::string& project_id) const {
  if (Status st = authorize(policy_, "volume_extension:quotas:show", caller, {{"project_id", project_id}}); !st.ok())
    return st;
  QuotaLimits l = limits(project_id), u = usage(project_id);
  std::vector<QuotaRow> out;
  for (const auto& r : resources()) out.push_back({r, get(l, r), used(u, r)});
  return out;
}

Result<QuotaLimits> VolumeQuotas::show_defaults(const Credentials& caller, const std::string& project_id) const {
  if (Status st = authorize(policy_, "volume_extension:quotas:show", caller, {{"project_id", project_id}}); !st.ok())
    return st;
  return defaults();
}

Result<QuotaLimits> VolumeQuotas::validate(const QuotaLimits& values) const {
  std::vector<std::string> known = resources();
  std::vector<std::string> bad;
  for (const auto& [k, v] : values)
    if (std::find(known.begin(), known.end(), k) == known.end()) bad.push_back(k);
  if (!bad.empty()) {
    std::string list;
    for (const auto& b : bad) list += (list.empty() ? "" : ", ") + b;
    return BadRequest("Bad key(s) in quota set: " + list);
  }
  for (const auto& [k, v] : values)
    if (v < -1 || v > 2147483647)
      return BadRequest("Invalid input received: Quota limit for " + k + " must be -1 or between 0 and 2147483647.");
  return values;
}

Result<QuotaLimits> VolumeQuotas::update(const Credentials& caller, const std::string& project_id,
                                         const QuotaLimits& values) {
  if (Status st = authorize(policy_, "volume_extension:quotas:update", caller, {{"project_id", project_id}}); !st.ok())
    return st;
  auto checked = validate(values);
  if (!checked.ok()) return checked;
  QuotaLimits u = usage(project_id);
  for (const auto& [k, v] : values)
    if (v != -1 && k != "per_volume_gigabytes" && v < used(u, k))
      return BadRequest("Invalid input received: Quota limit " + std::to_string(v) + " for " + k +
                        " must be equal or greater than existing resources. Current usage is " +
                        std::to_string(used(u, k)) + ".");
  QuotaLimits merged = stored(kQuotaKind, project_id);
  for (const auto& [k, v] : values) merged[k] = v;
  Json doc = {{"id", project_id}, {"limits", merged}};
  if (Status st = store_.put(kQuotaKind, project_id, doc); !st.ok()) return st;
  return limits(project_id);
}

Status VolumeQuotas::remove(const Credentials& caller, const std::string& project_id) {
  if (Status st = authorize(policy_, "volume_extension:quotas:delete", caller, {{"project_id", project_id}}); !st.ok())
    return st;
  return store_.erase(kQuotaKind, project_id);
}

Result<QuotaLimits> VolumeQuotas::show_class(const Credentials& caller, const std::string& class_name) const {
  if (Status st = authorize(policy_, "volume_extension:quota_classes", caller); !st.ok()) return st;
  QuotaLimits out = defaults();
  if (class_name != "default")
    for (const auto& [k, v] : stored(kClassKind, class_name))
      if (out.count(k)) out[k] = v;
  return out;
}

Result<QuotaLimits> VolumeQuotas::update_class(const Credentials& caller, const std::string& class_name,
                                               const QuotaLimits& values) {
  if (Status st = authorize(policy_, "volume_extension:quota_classes", caller); !st.ok()) return st;
  auto checked = validate(values);
  if (!checked.ok()) return checked;
  QuotaLimits merged = stored(kClassKind, class_name);
  for (const auto& [k, v] : values) merged[k] = v;
  if (Status st = store_.put(kClassKind, class_name, Json{{"id", class_name}, {"limits", merged}}); !st.ok()) return st;
  return show_class(caller, class_name);
}

Status VolumeQuotas::authorize_limits(const Credentials& caller, const std::string& project_id) const {
  return authorize(policy_, "limits_extension:used_limits", caller, {{"project_id", project_id}});
}

Status VolumeQuotas::check_gigabytes(const QuotaLimits& l, const QuotaLimits& u, const std::string& type_name,
                                     long long gigabytes) const {
  for (std::string r : {std::string("gigabytes"), "gigabytes_" + type_name}) {
    long long limit = get(l, r);
    if (limit >= 0 && used(u, r) + gigabytes > limit)
      return over_limit("Requested volume or snapshot exceeds allowed " + r + " quota. Requested " +
                        std::to_string(gigabytes) + "G, quota is " + std::to_string(limit) + "G and " +
                        std::to_string(used(u, r)) + "G has been consumed.");
  }
  return {};
}

Status VolumeQuotas::check_volumes(const std::string& project_id, const std::string& type_name, int count,
                                   long long gigabytes) const {
  QuotaLimits l = limits(project_id), u = usage(project_id);
  long long per_volume = get(l, "per_volume_gigabytes");
  if (per_volume >= 0 && count > 0 && gigabytes / count > per_volume)
    return over_limit("Requested volume size " + std::to_string(gigabytes / count) +
                      "G is larger than maximum allowed limit " + std::to_string(per_volume) + "G.");
  for (std::string r : {std::string("volumes"), "volumes_" + type_name}) {
    long long limit = get(l, r);
    if (limit >= 0 && used(u, r) + count > limit)
      return over_limit("Maximum number of volumes allowed (" + std::to_string(limit) + ") exceeded for quota '" + r +
                        "'.");
  }
  return check_gigabytes(l, u, type_name, gigabytes);
}

Status VolumeQuotas::check_snapshots(const std::string& project_id, const std::string& type_name,
                                     long long gigabytes) const {
  QuotaLimits l = limits(project_id), u = usage(project_id);
  for (std::string r : {std::string("snapshots"), "snapshots_" + type_name}) {
    long long limit = get(l, r);
    if (limit >= 0 && used(u, r) + 1 > limit)
      return over_limit("Maximum number of snapshots allowed (" + std::to_string(limit) + ") exceeded for quota '" + r +
                        "'.");
  }
  return check_gigabytes(l, u, type_name, gigabytes);
}

Status VolumeQuotas::check_backups(const std::string& project_id, long long gigabytes) const {
  QuotaLimits l = limits(project_id), u = usage(project_id);
  long long count_limit = get(l, "backups"), gb_limit = get(l, "backup_gigabytes");
  if (count_limit >= 0 && used(u, "backups") + 1 > count_limit)
    return over_limit("Maximum number of backups allowed (" + std::to_string(count_limit) + ") exceeded");
  if (gb_limit >= 0 && used(u, "backup_gigabytes") + gigabytes > gb_limit)
    return over_limit("Requested backup exceeds allowed Backup gigabytes quota. Requested " +
                      std::to_string(gigabytes) + "G, quota is " + std::to_string(gb_limit) + "G and " +
                      std::to_string(used(u, "backup_gigabytes")) + "G has been consumed.");
  return {};
}

Status VolumeQuotas::check_extend(const std::string& project_id, const std::string& type_name, long long delta,
                                  long long new_size) const {
  QuotaLimits l = limits(project_id), u = usage(project_id);
  long long per_volume = get(l, "per_volume_gigabytes");
  if (per_volume >= 0 && new_size > per_volume)
    return over_limit("Requested volume size " + std::to_string(new_size) + "G is larger than maximum allowed limit " +
                      std::to_string(per_volume) + "G.");
  return check_gigabytes(l, u, type_name, delta);
}

}  // namespace stacklab::volume
