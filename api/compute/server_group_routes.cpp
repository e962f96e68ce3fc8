// /v2.1/os-server-groups: list (all_projects for admins, limit/offset),
// create, show, delete. Below 2.64 a group has `policies` (one of them) and
// `metadata`; from 2.64 `policy` and `rules`; 2.13 adds project_id/user_id;
// 2.15 allows the soft policies.
#include <string>

#include "api/compute/compute_routes.h"
#include "api/errors.h"
#include "api/query.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k213{2, 13}, k215{2, 15}, k264{2, 64};

Json view(const Json& g, const Microversion& v) {
  Json j = {{"id", g["id"]}, {"name", g["name"]}, {"members", g["members"]}};
  if (v >= k264) {
    j["policy"] = g["policy"];
    j["rules"] = g["rules"];
  } else {
    j["policies"] = Json::array({g["policy"]});
    j["metadata"] = Json::object();
  }
  if (v >= k213) {
    j["project_id"] = g["project_id"];
    j["user_id"] = g["user_id"];
  }
  return j;
}

Result<compute::NewServerGroup> parse(const Request& req, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains("server_group") || !(*body)["server_group"].is_object())
    return BadRequest("'server_group' is a required property");
  const Json& g = (*body)["server_group"];
  Status st = v >= k264 ? only_keys(g, {"name", "policy", "rules"}) : only_keys(g, {"name", "policies"});
  if (!st.ok()) return st;
  if (!g.contains("name")) return BadRequest("'name' is a required property");
  if (!g["name"].is_string() || g["name"].get<std::string>().empty() || g["name"].get<std::string>().size() > 255)
    return BadRequest("Invalid input for field/attribute name. Value: " + g["name"].dump() +
                      ". It must be a string of 1 to 255 characters");
  compute::NewServerGroup out;
  out.name = g["name"];
  if (v >= k264) {
    if (!g.contains("policy")) return BadRequest("'policy' is a required property");
    if (!g["policy"].is_string()) return BadRequest("Invalid input for field/attribute policy.");
    out.policy = g["policy"];
    if (g.contains("rules")) out.rules = g["rules"];
  } else {
    if (!g.contains("policies")) return BadRequest("'policies' is a required property");
    const Json& p = g["policies"];
    if (!p.is_array() || p.size() != 1 || !p[0].is_string())
      return BadRequest("Invalid input for field/attribute policies. Value: " + p.dump() +
                        ". It must be a list of exactly one policy");
    out.policy = p[0];
    bool soft = out.policy.rfind("soft-", 0) == 0;
    if (soft && v < k215)
      return BadRequest("Invalid input for field/attribute 0. Value: " + p[0].dump() + ". " + p[0].dump() +
                        " is not one of ['anti-affinity', 'affinity']");
  }
  return out;
}

}  // namespace

void add_server_group_routes(Router& r, Ctx ctx) {
  compute::ServerGroupService& groups = *ctx.server_groups;
  r.add_sync("GET", "/v2.1/os-server-groups", [&groups](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      compute::ServerGroupFilter f;
      auto all = req.query_param("all_projects");
      f.all_projects = all && (*all == "" || *all == "1" || *all == "true" || *all == "True");
      auto limit = parse_limit(req, 1000);
      if (!limit.ok()) return fail(limit.status());
      f.limit = *limit;
      if (auto off = req.query_param("offset")) {
        try {
          long long n = std::stoll(*off);
          if (n < 0) throw 0;
          f.offset = static_cast<std::size_t>(n);
        } catch (...) {
          return fail(BadRequest("Invalid input for query parameters offset. Value: " + *off +
                                 ". It must be a non-negative integer"));
        }
      }
      auto list = groups.list(caller(req), f);
      if (!list.ok()) return fail(list.status());
      Json out = Json::array();
      for (const Json& g : *list) out.push_back(view(g, v));
      return json_response(200, {{"server_groups", out}});
    });
  });
  r.add_sync("POST", "/v2.1/os-server-groups", [&groups](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto g = parse(req, v);
      if (!g.ok()) return fail(g.status());
      auto created = groups.create(caller(req), *g);
      if (!created.ok()) return fail(created.status());
      return json_response(200, {{"server_group", view(*created, v)}});
    });
  });
  r.add_sync("GET", "/v2.1/os-server-groups/{id}", [&groups](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto g = groups.get(caller(req), req.params["id"]);
      if (!g.ok()) return fail(g.status());
      return json_response(200, {{"server_group", view(*g, v)}});
    });
  });
  r.add_sync("DELETE", "/v2.1/os-server-groups/{id}", [&groups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = groups.remove(caller(req), req.params["id"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
}

}  // namespace stacklab::api::compute_api
