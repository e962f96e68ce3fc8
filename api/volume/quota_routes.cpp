// /os-quota-sets/{project} (?usage=True, /defaults, PUT, DELETE),
// /os-quota-class-sets/{class} and /limits, as Cinder serves them.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

Json format(const volume::QuotaLimits& limits, const std::string& id) {
  Json out = Json::object();
  if (!id.empty()) out["id"] = id;
  for (const auto& [k, v] : limits) out[k] = v;
  return out;
}

// The body's {resource: limit}; `ignored` keys (tenant_id, class_name) are what cinderclient adds.
Result<volume::QuotaLimits> parse_limits(const Request& req, const std::string& key,
                                         std::initializer_list<const char*> ignored) {
  auto set = body_object(req, key);
  if (!set.ok()) return set.status();
  volume::QuotaLimits out;
  for (const auto& [k, v] : set->items()) {
    if (std::any_of(ignored.begin(), ignored.end(), [&](const char* i) { return k == i; })) continue;
    auto n = parse_int(v);
    if (!n) return BadRequest("Invalid input received: Quota value for key '" + k + "' must be an integer.");
    out[k] = *n;
  }
  return out;
}

}  // namespace

void add_quota_routes(Router& r, Ctx ctx, const std::string& root) {
  volume::VolumeQuotas& q = ctx.quotas;
  r.add_sync("GET", root + "/os-quota-sets/{target}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      std::string target = req.params["target"];
      auto rows = q.show(caller(req), target);
      if (!rows.ok()) return fail(rows.status());
      bool usage = parse_bool(Json(req.query_param("usage").value_or("false"))).value_or(false);
      Json set = {{"id", target}};
      for (const auto& row : *rows)
        set[row.resource] = usage
                                ? Json{{"limit", row.limit}, {"in_use", row.in_use}, {"reserved", 0}, {"allocated", 0}}
                                : Json(row.limit);
      return json_response(200, {{"quota_set", set}});
    });
  });
  r.add_sync("GET", root + "/os-quota-sets/{target}/defaults", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto l = q.show_defaults(caller(req), req.params["target"]);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_set", format(*l, req.params["target"])}});
    });
  });
  r.add_sync("PUT", root + "/os-quota-sets/{target}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto values = parse_limits(req, "quota_set", {"tenant_id"});
      if (!values.ok()) return fail(values.status());
      auto l = q.update(caller(req), req.params["target"], *values);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_set", format(*l, "")}});
    });
  });
  r.add_sync("DELETE", root + "/os-quota-sets/{target}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = q.remove(caller(req), req.params["target"]);
      return st.ok() ? empty_response(200) : fail(st);
    });
  });
  r.add_sync("GET", root + "/os-quota-class-sets/{class_name}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto l = q.show_class(caller(req), req.params["class_name"]);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_class_set", format(*l, req.params["class_name"])}});
    });
  });
  r.add_sync("PUT", root + "/os-quota-class-sets/{class_name}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto values = parse_limits(req, "quota_class_set", {"class_name"});
      if (!values.ok()) return fail(values.status());
      auto l = q.update_class(caller(req), req.params["class_name"], *values);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_class_set", format(*l, "")}});
    });
  });
  r.add_sync("GET", root + "/limits", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Credentials who = caller(req);
      std::string project = who.project_id;
      if (Status st = q.authorize_limits(who, project); !st.ok()) return fail(st);
      volume::QuotaLimits l = q.limits(project), u = q.usage(project);
      auto used = [&](const char* r) { return u.count(r) ? u.at(r) : 0; };
      Json absolute = {{"maxTotalVolumes", l["volumes"]},
                       {"maxTotalSnapshots", l["snapshots"]},
                       {"maxTotalVolumeGigabytes", l["gigabytes"]},
                       {"maxTotalBackups", l["backups"]},
                       {"maxTotalBackupGigabytes", l["backup_gigabytes"]},
                       {"totalVolumesUsed", used("volumes")},
                       {"totalSnapshotsUsed", used("snapshots")},
                       {"totalGigabytesUsed", used("gigabytes")},
                       {"totalBackupsUsed", used("backups")},
                       {"totalBackupGigabytesUsed", used("backup_gigabytes")}};
      return json_response(200, {{"limits", {{"rate", Json::array()}, {"absolute", absolute}}}});
    });
  });
}

}  // namespace stacklab::api::volume_api
