// /v2.1/os-quota-sets/{project_id} (+ /defaults, /detail; ?user_id) and
// /v2.1/os-quota-class-sets/{id}: Nova's quota sets, with the resources each
// microversion shows (network ones below 2.36, injected_* below 2.57;
// quota classes: server_groups* from 2.50, network ones below 2.50).
#include <algorithm>
#include <string>
#include <vector>

#include "api/compute/compute_routes.h"
#include "api/errors.h"
#include "engine/compute/compute_policy.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k236{2, 36}, k250{2, 50}, k257{2, 57};

bool is_network(const std::string& r) {
  return r == "fixed_ips" || r == "floating_ips" || r == "security_groups" || r == "security_group_rules";
}
bool is_injected(const std::string& r) { return r.rfind("injected_", 0) == 0; }

std::vector<std::string> set_resources(const Microversion& v) {
  std::vector<std::string> out;
  for (const auto& r : compute::quota_resources()) {
    if (v >= k236 && is_network(r)) continue;
    if (v >= k257 && is_injected(r)) continue;
    out.push_back(r);
  }
  return out;
}

std::vector<std::string> class_resources(const Microversion& v) {
  std::vector<std::string> out;
  for (const auto& r : compute::quota_resources()) {
    if (v < k250 && (r == "server_groups" || r == "server_group_members")) continue;
    if (v >= k250 && is_network(r)) continue;
    if (v >= k257 && is_injected(r)) continue;
    out.push_back(r);
  }
  return out;
}

Json format(const compute::QuotaLimits& l, const std::vector<std::string>& resources, const std::string& id) {
  Json j = Json::object();
  if (!id.empty()) j["id"] = id;
  for (const auto& r : resources) j[r] = l.count(r) ? l.at(r) : -1;
  return j;
}

// The body's {resource: limit} among `resources` (integers or integer
// strings, -1 or more; "force" apart), or 400 as Nova's schema.
Result<compute::QuotaLimits> parse_limits(const Json& set, const std::vector<std::string>& resources, bool* force) {
  compute::QuotaLimits out;
  for (const auto& [k, v] : set.items()) {
    if (k == "force" && force) {
      if (v.is_boolean())
        *force = v.get<bool>();
      else if (v.is_string())
        *force = v == "True" || v == "true" || v == "1" || v == "yes";
      else
        return BadRequest("Invalid input for field/attribute force. Value: " + v.dump() + ". " + v.dump() +
                          " is not of type 'boolean', 'string'");
      continue;
    }
    if (std::find(resources.begin(), resources.end(), k) == resources.end())
      return BadRequest("Invalid input for field/attribute quota_set. Value: " + set.dump() +
                        ". Additional properties are not allowed ('" + k + "' was unexpected)");
    long long n = 0;
    bool ok = v.is_number_integer();
    if (ok) n = v.get<long long>();
    if (v.is_string()) {
      try {
        std::size_t used = 0;
        n = std::stoll(v.get<std::string>(), &used);
        ok = used == v.get<std::string>().size();
      } catch (...) {
        ok = false;
      }
    }
    if (!ok)
      return BadRequest("Invalid input for field/attribute " + k + ". Value: " + v.dump() + ". " + v.dump() +
                        " is not of type 'integer', 'string'");
    if (n < -1 || n > 0x7FFFFFFF)
      return BadRequest("Invalid input for field/attribute " + k + ". Value: " + v.dump() + ". " + v.dump() +
                        (n < -1 ? " is less than the minimum of -1" : " is greater than the maximum of 2147483647"));
    out[k] = n;
  }
  return out;
}

std::string user_param(const Request& req) { return req.query_param("user_id").value_or(""); }

}  // namespace

void add_quota_routes(Router& r, Ctx ctx) {
  compute::QuotaService& q = *ctx.quotas;
  r.add_sync("GET", "/v2.1/os-quota-sets/{project_id}", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      std::string project = req.params["project_id"];
      auto l = q.show(caller(req), project, user_param(req));
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_set", format(*l, set_resources(v), project)}});
    });
  });
  r.add_sync("GET", "/v2.1/os-quota-sets/{project_id}/defaults", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      std::string project = req.params["project_id"];
      auto l = q.show_defaults(caller(req), project);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_set", format(*l, set_resources(v), project)}});
    });
  });
  r.add_sync("GET", "/v2.1/os-quota-sets/{project_id}/detail", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      Credentials who = caller(req);
      std::string project = req.params["project_id"], user = user_param(req);
      Status st =
          compute::authorize(q.policy(), "os_compute_api:os-quota-sets:detail", who, Json{{"project_id", project}});
      if (!st.ok()) return fail(st);
      compute::QuotaLimits l = q.limits(project, user);
      compute::QuotaUsage used = q.usage(project, user, user.empty() ? who.user_id : user);
      Json j = {{"id", project}};
      for (const auto& res : set_resources(v))
        j[res] = {{"limit", l.count(res) ? l.at(res) : -1}, {"in_use", used.of(res)}, {"reserved", 0}};
      return json_response(200, {{"quota_set", j}});
    });
  });
  r.add_sync("PUT", "/v2.1/os-quota-sets/{project_id}", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("quota_set") || !(*body)["quota_set"].is_object())
        return fail(BadRequest("'quota_set' is a required property"));
      bool force = false;
      auto values = parse_limits((*body)["quota_set"], set_resources(v), &force);
      if (!values.ok()) return fail(values.status());
      auto l = q.update(caller(req), req.params["project_id"], user_param(req), *values, force);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_set", format(*l, set_resources(v), "")}});
    });
  });
  r.add_sync("DELETE", "/v2.1/os-quota-sets/{project_id}", [&q](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = q.remove(caller(req), req.params["project_id"], user_param(req));
      return st.ok() ? empty_response(202) : fail(st);
    });
  });
  r.add_sync("GET", "/v2.1/os-quota-class-sets/{id}", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      std::string id = req.params["id"];
      auto l = q.show_class(caller(req), id);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_class_set", format(*l, class_resources(v), id)}});
    });
  });
  r.add_sync("PUT", "/v2.1/os-quota-class-sets/{id}", [&q](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("quota_class_set") || !(*body)["quota_class_set"].is_object())
        return fail(BadRequest("'quota_class_set' is a required property"));
      auto values = parse_limits((*body)["quota_class_set"], class_resources(v), nullptr);
      if (!values.ok()) return fail(values.status());
      auto l = q.update_class(caller(req), req.params["id"], *values);
      if (!l.ok()) return fail(l.status());
      return json_response(200, {{"quota_class_set", format(*l, class_resources(v), "")}});
    });
  });
}

}  // namespace stacklab::api::compute_api
