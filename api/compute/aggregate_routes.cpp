// /v2.1/os-aggregates: list, create, show, update, delete, and the
// add_host / remove_host / set_metadata actions; uuid from 2.41.
#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k241{2, 41};

Json aggregate_view(const Json& a, const Microversion& v, bool full = true) {
  auto zone = a["metadata"].find("availability_zone");
  Json j = {{"id", a["seq"]},
            {"name", a["name"]},
            {"availability_zone", zone == a["metadata"].end() ? Json(nullptr) : *zone},
            {"created_at", a["created_at"]},
            {"updated_at", a["updated_at"]},
            {"deleted", false},
            {"deleted_at", nullptr}};
  if (full) {
    j["hosts"] = a["hosts"];
    j["metadata"] = a["metadata"];
  }
  if (v >= k241) j["uuid"] = a["id"];
  return {{"aggregate", j}};
}

Response answer(const Result<Json>& a, const Microversion& v) {
  if (!a.ok()) return fail(a.status());
  return json_response(200, aggregate_view(*a, v));
}

// Nova's normalize_name: surrounding whitespace stripped.
std::string normalized(std::string s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

Status name_field(const Json& obj, const char* key) {
  const Json& f = obj[key];
  std::string prefix = std::string("Invalid input for field/attribute ") + key + ". Value: " + f.dump() + ". ";
  if (!f.is_string()) return BadRequest(prefix + f.dump() + " is not of type 'string'");
  std::string s = normalized(f.get<std::string>());
  if (s.empty() || s.size() > 255) return BadRequest(prefix + "Length must be between 1 and 255");
  return {};
}

Result<Json> aggregate_body(const Request& req) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->is_object() || !body->contains("aggregate")) return BadRequest("'aggregate' is a required property");
  if (Status st = only_keys(*body, {"aggregate"}); !st.ok()) return st;
  const Json& a = (*body)["aggregate"];
  if (!a.is_object())
    return BadRequest("Invalid input for field/attribute aggregate. Value: " + a.dump() + ". " + a.dump() +
                      " is not of type 'object'");
  if (Status st = only_keys(a, {"name", "availability_zone"}); !st.ok()) return st;
  if (a.contains("name"))
    if (Status st = name_field(a, "name"); !st.ok()) return st;
  if (a.contains("availability_zone") && !a["availability_zone"].is_null())
    if (Status st = name_field(a, "availability_zone"); !st.ok()) return st;
  return a;
}

Response action(Request& req, const HostCtx& ctx, const Microversion& v) {
  auto body = req.json();
  if (!body.ok()) return fail(body.status());
  if (!body->is_object() || body->size() != 1) return fail(BadRequest("Malformed request body"));
  const std::string id = req.params["aggregate_id"];
  const std::string name = body->begin().key();
  const Json& arg = body->begin().value();
  auto host_of = [&](const char* act) -> Result<std::string> {
    if (!arg.is_object() || !arg.contains("host")) return BadRequest("'host' is a required property");
    if (Status st = only_keys(arg, {"host"}); !st.ok()) return st;
    if (Status st = name_field(arg, "host"); !st.ok()) return st;
    (void)act;
    return arg["host"].get<std::string>();
  };
  if (name == "add_host" || name == "remove_host") {
    auto host = host_of(name.c_str());
    if (!host.ok()) return fail(host.status());
    return answer(name == "add_host" ? ctx.aggregates.add_host(caller(req), id, *host)
                                     : ctx.aggregates.remove_host(caller(req), id, *host),
                  v);
  }
  if (name == "set_metadata") {
    if (!arg.is_object() || !arg.contains("metadata")) return fail(BadRequest("'metadata' is a required property"));
    if (Status st = only_keys(arg, {"metadata"}); !st.ok()) return fail(st);
    const Json& md = arg["metadata"];
    if (!md.is_object())
      return fail(BadRequest("Invalid input for field/attribute metadata. Value: " + md.dump() + ". " + md.dump() +
                             " is not of type 'object'"));
    for (const auto& [k, val] : md.items()) {
      if (k.empty() || k.size() > 255)
        return fail(BadRequest("Invalid input for field/attribute metadata. Value: " + md.dump() +
                               ". Additional properties are not allowed ('" + k + "' was unexpected)"));
      if (!val.is_null() && (!val.is_string() || val.get<std::string>().size() > 255))
        return fail(BadRequest("Invalid input for field/attribute " + k + ". Value: " + val.dump() + ". " + val.dump() +
                               " is not of type 'string', 'null'"));
    }
    return answer(ctx.aggregates.set_metadata(caller(req), id, md), v);
  }
  return fail(BadRequest("There is no such action: " + name));
}

}  // namespace

void add_aggregate_routes(Router& r, HostCtx ctx) {
  r.add_sync("GET", "/v2.1/os-aggregates", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto all = ctx.aggregates.list(caller(req));
      if (!all.ok()) return fail(all.status());
      Json list = Json::array();
      for (const Json& a : *all) list.push_back(aggregate_view(a, v)["aggregate"]);
      return json_response(200, {{"aggregates", list}});
    });
  });
  r.add_sync("POST", "/v2.1/os-aggregates", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto a = aggregate_body(req);
      if (!a.ok()) return fail(a.status());
      if (!a->contains("name")) return fail(BadRequest("'name' is a required property"));
      std::optional<std::string> zone;
      if (a->contains("availability_zone") && (*a)["availability_zone"].is_string())
        zone = normalized((*a)["availability_zone"].get<std::string>());
      auto created = ctx.aggregates.create(caller(req), normalized((*a)["name"].get<std::string>()), zone);
      if (!created.ok()) return fail(created.status());
      return json_response(200, aggregate_view(*created, v, false));
    });
  });
  r.add_sync("GET", "/v2.1/os-aggregates/{aggregate_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      return answer(ctx.aggregates.get(caller(req), req.params["aggregate_id"]), v);
    });
  });
  r.add_sync("PUT", "/v2.1/os-aggregates/{aggregate_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto a = aggregate_body(req);
      if (!a.ok()) return fail(a.status());
      if (a->empty()) return fail(BadRequest("{} does not have enough properties"));
      std::optional<std::string> name;
      if (a->contains("name")) name = normalized((*a)["name"].get<std::string>());
      std::optional<std::optional<std::string>> zone;
      if (a->contains("availability_zone"))
        zone = (*a)["availability_zone"].is_null()
                   ? std::optional<std::string>()
                   : std::optional<std::string>(normalized((*a)["availability_zone"].get<std::string>()));
      return answer(ctx.aggregates.update(caller(req), req.params["aggregate_id"], name, zone), v);
    });
  });
  r.add_sync("DELETE", "/v2.1/os-aggregates/{aggregate_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.aggregates.remove(caller(req), req.params["aggregate_id"]);
      if (!st.ok()) return fail(st);
      return empty_response(200);
    });
  });
  r.add_sync("POST", "/v2.1/os-aggregates/{aggregate_id}/action", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return action(req, ctx, v); });
  });
}

}  // namespace stacklab::api::compute_api
