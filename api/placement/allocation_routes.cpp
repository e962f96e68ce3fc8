// /placement: allocations, usages, allocation candidates.
#include <sstream>

#include "api/errors.h"
#include "api/placement/placement_routes.h"

namespace stacklab::api::placement_api {

using placement::AllocationRequest;
using placement::ResourceAmounts;
using placement::ResourceProvider;

namespace {

Result<ResourceAmounts> parse_amounts(const Json& j) {
  if (!j.is_object() || j.empty()) return BadRequest("JSON does not validate: 'resources' must be a non-empty object");
  ResourceAmounts out;
  for (const auto& [rc, n] : j.items()) {
    if (!n.is_number_integer()) return BadRequest("JSON does not validate: the amount of " + rc + " is not an integer");
    out[rc] = n;
  }
  return out;
}

// One consumer's body in either format: a list (< 1.12) or a dict by provider (>= 1.12).
Result<AllocationRequest> parse_request(const Json& body, const Microversion& v) {
  if (!body.is_object() || !body.contains("allocations"))
    return BadRequest("JSON does not validate: 'allocations' is a required property");
  AllocationRequest req;
  const Json& allocs = body["allocations"];
  if (v < Microversion{1, 12}) {
    if (!allocs.is_array()) return BadRequest("JSON does not validate: 'allocations' is not of type 'array'");
    for (const auto& a : allocs) {
      if (!a.is_object() || !a.contains("resource_provider") || !a["resource_provider"].contains("uuid"))
        return BadRequest("JSON does not validate: 'resource_provider' is a required property");
      auto amounts = parse_amounts(a.value("resources", Json()));
      if (!amounts.ok()) return amounts.status();
      req.allocations[a["resource_provider"]["uuid"].get<std::string>()] = *amounts;
    }
  } else {
    if (!allocs.is_object()) return BadRequest("JSON does not validate: 'allocations' is not of type 'object'");
    for (const auto& [rp, a] : allocs.items()) {
      auto amounts = parse_amounts(a.is_object() ? a.value("resources", Json()) : Json());
      if (!amounts.ok()) return amounts.status();
      req.allocations[rp] = *amounts;
    }
  }
  if (v >= Microversion{1, 8} || body.contains("project_id")) {
    if (!body.contains("project_id") || !body["project_id"].is_string() || !body.contains("user_id") ||
        !body["user_id"].is_string())
      return BadRequest("JSON does not validate: 'project_id' and 'user_id' are required properties");
    req.project_id = body["project_id"];
    req.user_id = body["user_id"];
  } else {
    req.project_id = req.user_id = "unknown";  // before 1.8 they were optional
  }
  req.check_generation = v >= Microversion{1, 28};
  if (req.check_generation) {
    if (!body.contains("consumer_generation"))
      return BadRequest("JSON does not validate: 'consumer_generation' is a required property");
    if (body["consumer_generation"].is_number_integer())
      req.consumer_generation = body["consumer_generation"].get<std::int64_t>();
  }
  return req;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

void add_allocation_routes(Router& r, Ctx ctx) {
  auto& p = ctx.placement;

  r.add_sync("GET", "/allocations/{consumer}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      Json allocs = Json::object();
      Json out;
      if (const placement::Consumer* c = p.consumer(req.params["consumer"])) {
        for (const auto& [rp, amounts] : c->allocations)
          allocs[rp] = {{"generation", p.provider(rp)->generation}, {"resources", amounts}};
        if (v >= Microversion{1, 12}) {
          out["project_id"] = c->project_id;
          out["user_id"] = c->user_id;
        }
        if (v >= Microversion{1, 28}) out["consumer_generation"] = c->generation;
      }
      out["allocations"] = allocs;
      return json_response(200, out);
    });
  });
  r.add_sync("PUT", "/allocations/{consumer}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      auto request = parse_request(*body, v);
      if (!request.ok()) return fail(request.status());
      if (request->allocations.empty() && v < Microversion{1, 26})
        return fail(BadRequest("JSON does not validate: allocations must not be empty before microversion 1.26"));
      Status st = p.put_allocations(req.params["consumer"], *request);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
  r.add_sync("DELETE", "/allocations/{consumer}", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      Status st = p.delete_allocations(req.params["consumer"]);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });
  r.add_sync("POST", "/allocations", [&p](Request& req) {
    return versioned(req, {1, 13}, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      std::map<std::string, AllocationRequest> many;
      for (const auto& [consumer, one] : body->items()) {
        auto request = parse_request(one, v);
        if (!request.ok()) return fail(request.status());
        many[consumer] = *request;
      }
      Status st = p.put_allocations_many(many);
      return st.ok() ? empty_response(204) : fail(st);
    });
  });

  r.add_sync("GET", "/resource_providers/{uuid}/allocations", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      Json allocs = Json::object();
      for (const auto& [consumer, amounts] : p.provider_allocations(rp->uuid))
        allocs[consumer] = {{"resources", amounts}};
      return json_response(200, {{"allocations", allocs}, {"resource_provider_generation", rp->generation}});
    });
  });
  r.add_sync("GET", "/resource_providers/{uuid}/usages", [&p](Request& req) {
    return versioned(req, {1, 0}, [&](const Microversion&) {
      auto found = p.find_provider(req.params["uuid"]);
      if (!found.ok()) return fail(found.status());
      const ResourceProvider* rp = *found;
      Json usages = Json::object();
      for (const auto& [rc, inv] : rp->inventories) {
        auto u = rp->usage.find(rc);
        usages[rc] = u == rp->usage.end() ? 0 : u->second;
      }
      return json_response(200, {{"usages", usages}, {"resource_provider_generation", rp->generation}});
    });
  });
  r.add_sync("GET", "/usages", [&p](Request& req) {
    return versioned(req, {1, 9}, [&](const Microversion&) {
      auto project = req.query_param("project_id");
      if (!project) return fail(BadRequest("JSON does not validate: 'project_id' is a required property"));
      return json_response(200, {{"usages", p.project_usages(*project, req.query_param("user_id").value_or(""))}});
    });
  });

  r.add_sync("GET", "/allocation_candidates", [&p](Request& req) {
    return versioned(req, {1, 10}, [&](const Microversion& v) {
      auto resources = req.query_param("resources");
      if (!resources || resources->empty())
        return fail(BadRequest("Invalid query string parameters: 'resources' is a required property"));
      placement::CandidateQuery q;
      for (const auto& part : split(*resources, ',')) {
        auto colon = part.find(':');
        std::int64_t n = 0;
        try {
          n = colon == std::string::npos ? 0 : std::stoll(part.substr(colon + 1));
        } catch (...) {
          n = 0;
        }
        if (n < 1)
          return fail(
              BadRequest("Badly formed resources parameter. Expected resources query string parameter in "
                         "form: ?resources=VCPU:2,MEMORY_MB:1024. Got: " +
                         *resources));
        std::string rc = part.substr(0, colon);
        if (!p.resource_class_exists(rc))
          return fail(BadRequest("Invalid resource class in resources parameter: No such resource class " + rc + "."));
        q.resources[rc] = n;
      }
      if (auto required = req.query_param("required"); required && v >= Microversion{1, 17})
        for (const auto& t : split(*required, ','))
          (t[0] == '!' ? q.forbidden : q.required).insert(t[0] == '!' ? t.substr(1) : t);
      if (v >= Microversion{1, 21})
        for (auto [it, end] = req.query.equal_range("member_of"); it != end; ++it) {
          std::string m = it->second.rfind("in:", 0) == 0 ? it->second.substr(3) : it->second;
          if (!m.empty() && m[0] == '!') {
            for (const auto& a : split(m.substr(1), ',')) q.forbidden_aggregates.insert(a);
            continue;
          }
          auto group = split(m, ',');
          q.member_of.emplace_back(group.begin(), group.end());
        }
      if (auto limit = req.query_param("limit"); limit && v >= Microversion{1, 16}) {
        try {
          long long n = std::stoll(*limit);
          if (n < 1) throw std::invalid_argument("limit");
          q.limit = static_cast<std::size_t>(n);
        } catch (...) {
          return fail(BadRequest("Invalid query string parameters: limit must be a positive integer"));
        }
      }
      Json requests = Json::array(), summaries = Json::object();
      for (const auto& c : p.allocation_candidates(q)) {
        const ResourceProvider& rp = *c.provider;
        if (v >= Microversion{1, 12}) {
          requests.push_back({{"allocations", {{rp.uuid, {{"resources", c.resources}}}}}});
        } else {
          requests.push_back({{"allocations", Json::array({{{"resource_provider", {{"uuid", rp.uuid}}},
                                                            {"resources", c.resources}}})}});
        }
        Json res = Json::object();
        for (const auto& [rc, inv] : rp.inventories) {
          auto u = rp.usage.find(rc);
          res[rc] = {{"capacity", inv.capacity()}, {"used", u == rp.usage.end() ? 0 : u->second}};
        }
        Json summary = {{"resources", res}};
        if (v >= Microversion{1, 17}) summary["traits"] = rp.traits;
        if (v >= Microversion{1, 29}) {
          summary["parent_provider_uuid"] = rp.parent_uuid.empty() ? Json() : Json(rp.parent_uuid);
          summary["root_provider_uuid"] = rp.root_uuid;
        }
        summaries[rp.uuid] = summary;
      }
      return json_response(200, {{"allocation_requests", requests}, {"provider_summaries", summaries}});
    });
  });
}

}  // namespace stacklab::api::placement_api
