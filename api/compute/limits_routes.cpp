// GET /v2.1/limits (?tenant_id for admins): Nova's absolute limits from the
// quotas and the counted usage; no rate limits. Network ones below 2.36,
// maxPersonality* below 2.57.
#include "api/compute/compute_routes.h"
#include "api/errors.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k236{2, 36}, k257{2, 57};

Json absolute(const compute::QuotaLimits& l, const compute::QuotaUsage& u, const Microversion& v) {
  Json a = {{"maxTotalInstances", l.at("instances")},
            {"maxTotalCores", l.at("cores")},
            {"maxTotalRAMSize", l.at("ram")},
            {"maxServerMeta", l.at("metadata_items")},
            {"maxImageMeta", l.at("metadata_items")},
            {"maxTotalKeypairs", l.at("key_pairs")},
            {"maxServerGroups", l.at("server_groups")},
            {"maxServerGroupMembers", l.at("server_group_members")},
            {"totalInstancesUsed", u.instances},
            {"totalCoresUsed", u.cores},
            {"totalRAMUsed", u.ram},
            {"totalServerGroupsUsed", u.server_groups}};
  if (v < k257) {
    a["maxPersonality"] = l.at("injected_files");
    a["maxPersonalitySize"] = l.at("injected_file_content_bytes");
  }
  if (v < k236) {
    a["maxTotalFloatingIps"] = l.at("floating_ips");
    a["maxSecurityGroups"] = l.at("security_groups");
    a["maxSecurityGroupRules"] = l.at("security_group_rules");
    a["totalFloatingIpsUsed"] = 0;
    a["totalSecurityGroupsUsed"] = 0;
  }
  return a;
}

}  // namespace

void add_limits_routes(Router& r, Ctx ctx) {
  compute::QuotaService& q = *ctx.quotas;
  r.add_sync("GET", "/v2.1/limits", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      Credentials who = caller(req);
      std::string project = req.query_param("tenant_id").value_or(who.project_id);
      Status st = q.authorize_limits(who, project);
      if (!st.ok()) return fail(st);
      Json body = {{"rate", Json::array()}, {"absolute", absolute(q.limits(project), q.usage(project), v)}};
      return json_response(200, {{"limits", body}});
    });
  });
}

}  // namespace stacklab::api::compute_api
