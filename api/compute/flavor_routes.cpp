// /v2.1/flavors: list (basic and detail, filters, sort, paging), show,
// create, update (2.55), delete, os-extra_specs, os-flavor-access, and the
// addTenantAccess/removeTenantAccess actions.
#include <algorithm>

#include "api/compute/compute_routes.h"
#include "api/query.h"

namespace stacklab::api::compute_api {

namespace {

Json links(const Request& req, const std::string& id) {
  return Json::array({{{"rel", "self"}, {"href", req.service_url() + "/v2.1/flavors/" + id}},
                      {{"rel", "bookmark"}, {"href", req.service_url() + "/flavors/" + id}}});
}

Json basic_view(const Request& req, const Json& f, const Microversion& v) {
  Json j = {{"id", f["id"]}, {"name", f["name"]}, {"links", links(req, f["id"])}};
  if (v >= Microversion{2, 55}) j["description"] = f["description"];
  return j;
}

Json detail_view(const Request& req, const Json& f, const Microversion& v) {
  Json j = basic_view(req, f, v);
  j["ram"] = f["ram"];
  j["disk"] = f["disk"];
  j["vcpus"] = f["vcpus"];
  j["OS-FLV-EXT-DATA:ephemeral"] = f["ephemeral"];
  j["OS-FLV-DISABLED:disabled"] = f["disabled"];
  // Before 2.75 Nova shows no swap as "".
  j["swap"] = (v < Microversion{2, 75} && f["swap"] == 0) ? Json("") : f["swap"];
  j["rxtx_factor"] = f["rxtx_factor"];
  j["os-flavor-access:is_public"] = f["is_public"];
  if (v >= Microversion{2, 61}) j["extra_specs"] = f["extra_specs"];
  return j;
}

Json access_view(const std::string& id, const std::vector<std::string>& projects) {
  Json list = Json::array();
  for (const auto& p : projects) list.push_back({{"flavor_id", id}, {"tenant_id", p}});
  return {{"flavor_access", list}};
}

// Nova's sort keys (its DB columns) and the document fields they sort on.
const std::vector<std::pair<std::string, std::string>>& sort_fields() {
  static const std::vector<std::pair<std::string, std::string>> k = {{"created_at", "created_at"},
                                                                     {"description", "description"},
                                                                     {"disabled", "disabled"},
                                                                     {"ephemeral_gb", "ephemeral"},
                                                                     {"flavorid", "id"},
                                                                     {"id", "seq"},
                                                                     {"is_public", "is_public"},
                                                                     {"memory_mb", "ram"},
                                                                     {"name", "name"},
                                                                     {"root_gb", "disk"},
                                                                     {"rxtx_factor", "rxtx_factor"},
                                                                     {"swap", "swap"},
                                                                     {"updated_at", "updated_at"},
                                                                     {"vcpu_weight", "vcpu_weight"},
                                                                     {"vcpus", "vcpus"}};
  return k;
}

Result<std::optional<bool>> parse_is_public(const std::optional<std::string>& raw) {
  if (!raw) return std::optional<bool>(true);
  std::string s = *raw;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "none") return std::optional<bool>();
  for (const char* t : {"1", "t", "true", "on", "y", "yes"})
    if (s == t) return std::optional<bool>(true);
  for (const char* f : {"0", "f", "false", "off", "n", "no"})
    if (s == f) return std::optional<bool>(false);
  return BadRequest("Invalid is_public filter [" + *raw + "]");
}

Response list_flavors(Request& req, Ctx ctx, const Microversion& v, bool detail) {
  if (v >= Microversion{2, 75}) {
    for (const auto& [k, val] : req.query)
      if (k != "limit" && k != "marker" && k != "sort_key" && k != "sort_dir" && k != "minRam" && k != "minDisk" &&
          k != "is_public")
        return fail(BadRequest("Additional properties are not allowed ('" + k + "' was unexpected)"));
  }
  compute::FlavorFilter filter;
  // Nova reads is_public from admins only; others always list as is_public=True.
  if (caller(req).is_admin()) {
    auto pub = parse_is_public(req.query_param("is_public"));
    if (!pub.ok()) return fail(pub.status());
    filter.is_public = *pub;
  }
  for (auto [name, out] : {std::pair{"minRam", &filter.min_ram}, std::pair{"minDisk", &filter.min_disk}}) {
    auto raw = req.query_param(name);
    if (!raw) continue;
    try {
      std::size_t used = 0;
      long long n = std::stoll(*raw, &used);
      if (used != raw->size()) throw std::invalid_argument(name);
      *out = n;
    } catch (...) {
      return fail(BadRequest(std::string("Invalid ") + name + " filter [" + *raw + "]"));
    }
  }
  std::string sort_key = req.query_param("sort_key").value_or("flavorid");
  std::string sort_dir = req.query_param("sort_dir").value_or("asc");
  if (sort_key.empty()) sort_key = "flavorid";
  if (sort_dir.empty()) sort_dir = "asc";
  auto it =
      std::find_if(sort_fields().begin(), sort_fields().end(), [&](const auto& p) { return p.first == sort_key; });
  if (it == sort_fields().end())
    return fail(BadRequest("Invalid input for query parameters sort_key. Value: " + sort_key + "."));
  if (sort_dir != "asc" && sort_dir != "desc")
    return fail(BadRequest("Invalid input for query parameters sort_dir. Value: " + sort_dir + ". '" + sort_dir +
                           "' is not one of ['asc', 'desc']"));
  std::vector<Json> flavors = ctx.flavors.list(caller(req), filter);
  std::vector<SortKey> keys = {{it->second, sort_dir == "desc"}, {"id", sort_dir == "desc"}};
  std::stable_sort(flavors.begin(), flavors.end(),
                   [&](const Json& a, const Json& b) { return sorts_before(a, b, keys); });
  auto page = paginate(flavors, req, 1000);
  if (!page.ok()) {
    if (page.status().code() == Code::kNotFound)
      return fail(BadRequest("marker [" + req.query_param("marker").value_or("") + "] not found"));
    return fail(page.status());
  }
  Json items = Json::array();
  for (const Json& f : page->items) items.push_back(detail ? detail_view(req, f, v) : basic_view(req, f, v));
  Json body = {{"flavors", items}};
  // Nova links the next page whenever a page is as long as the limit asked.
  auto limit = req.query_param("limit");
  if (limit && !page->items.empty() && std::to_string(page->items.size()) == *limit)
    body["flavors_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, page->items.back()["id"])}}});
  return json_response(200, body);
}

}  // namespace

void add_flavor_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/flavors", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_flavors(req, ctx, v, false); });
  });
  r.add_sync("GET", "/v2.1/flavors/detail", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_flavors(req, ctx, v, true); });
  });
  r.add_sync("POST", "/v2.1/flavors", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("flavor")) return fail(BadRequest("'flavor' is a required property"));
      Status st = only_keys(*body, {"flavor"});
      if (!st.ok()) return fail(st);
      const Json& flavor = (*body)["flavor"];
      if (v < Microversion{2, 55} && flavor.is_object() && flavor.contains("description"))
        return fail(BadRequest("Additional properties are not allowed ('description' was unexpected)"));
      auto f = ctx.flavors.create(caller(req), flavor);
      if (!f.ok()) return fail(f.status());
      return json_response(200, {{"flavor", detail_view(req, *f, v)}});
    });
  });
  r.add_sync("GET", "/v2.1/flavors/{flavor_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      auto f = ctx.flavors.get(caller(req), req.params["flavor_id"]);
      if (!f.ok()) return fail(f.status());
      return json_response(200, {{"flavor", detail_view(req, *f, v)}});
    });
  });
  r.add_sync("PUT", "/v2.1/flavors/{flavor_id}", [ctx](Request& req) {
    return versioned(req,
                     [&](const Microversion& v) {
                       auto body = req.json();
                       if (!body.ok()) return fail(body.status());
                       if (!body->contains("flavor") || !(*body)["flavor"].is_object())
                         return fail(BadRequest("'flavor' is a required property"));
                       const Json& flavor = (*body)["flavor"];
                       Status st = only_keys(flavor, {"description"});
                       if (!st.ok()) return fail(st);
                       if (!flavor.contains("description"))
                         return fail(BadRequest("'description' is a required property"));
                       const Json& d = flavor["description"];
                       if (!d.is_null() && !d.is_string())
                         return fail(BadRequest("Invalid input for field/attribute description. Value: " + d.dump() +
                                                ". " + d.dump() + " is not of type 'string', 'null'"));
                       auto f = ctx.flavors.set_description(
                           caller(req), req.params["flavor_id"],
                           d.is_null() ? std::nullopt : std::optional<std::string>(d.get<std::string>()));
                       if (!f.ok()) return fail(f.status());
                       return json_response(200, {{"flavor", detail_view(req, *f, v)}});
                     },
                     {2, 55});
  });
  r.add_sync("DELETE", "/v2.1/flavors/{flavor_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.flavors.remove(caller(req), req.params["flavor_id"]);
      return st.ok() ? empty_response(202) : fail(st);
    });
  });

  // ---- extra specs ----
  r.add_sync("GET", "/v2.1/flavors/{flavor_id}/os-extra_specs", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto specs = ctx.flavors.extra_specs(caller(req), req.params["flavor_id"]);
      if (!specs.ok()) return fail(specs.status());
      return json_response(200, {{"extra_specs", *specs}});
    });
  });
  r.add_sync("POST", "/v2.1/flavors/{flavor_id}/os-extra_specs", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (!body->contains("extra_specs")) return fail(BadRequest("'extra_specs' is a required property"));
      Status st = only_keys(*body, {"extra_specs"});
      if (!st.ok()) return fail(st);
      auto set = ctx.flavors.set_extra_specs(caller(req), req.params["flavor_id"], (*body)["extra_specs"]);
      if (!set.ok()) return fail(set.status());
      return json_response(200, {{"extra_specs", *set}});
    });
  });
  r.add_sync("GET", "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto value = ctx.flavors.extra_spec(caller(req), req.params["flavor_id"], req.params["key"]);
      if (!value.ok()) return fail(value.status());
      return json_response(200, {{req.params["key"], *value}});
    });
  });
  r.add_sync("PUT", "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      if (body->size() > 1) return fail(BadRequest("Request body contains too many items"));
      if (!body->contains(req.params["key"])) return fail(BadRequest("Request body and URI mismatch"));
      auto set = ctx.flavors.set_extra_specs(caller(req), req.params["flavor_id"], *body, true);
      if (!set.ok()) return fail(set.status());
      return json_response(200, *set);
    });
  });
  r.add_sync("DELETE", "/v2.1/flavors/{flavor_id}/os-extra_specs/{key}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      Status st = ctx.flavors.remove_extra_spec(caller(req), req.params["flavor_id"], req.params["key"]);
      return st.ok() ? empty_response(200) : fail(st);
    });
  });

  // ---- access lists ----
  r.add_sync("GET", "/v2.1/flavors/{flavor_id}/os-flavor-access", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      std::string id = req.params["flavor_id"];
      auto projects = ctx.flavors.access(caller(req), id);
      if (!projects.ok()) return fail(projects.status());
      return json_response(200, access_view(id, *projects));
    });
  });
  r.add_sync("POST", "/v2.1/flavors/{flavor_id}/action", [ctx](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      std::string id = req.params["flavor_id"];
      for (const char* action : {"addTenantAccess", "removeTenantAccess"}) {
        if (!body->contains(action)) continue;
        const Json& arg = (*body)[action];
        if (!arg.is_object() || !arg.contains("tenant")) return fail(BadRequest("'tenant' is a required property"));
        if (!arg["tenant"].is_string() || arg["tenant"].get<std::string>().empty() ||
            arg["tenant"].get<std::string>().size() > 255)
          return fail(BadRequest("Invalid input for field/attribute tenant. Value: " + arg["tenant"].dump() + "."));
        Status st = only_keys(arg, {"tenant"});
        if (!st.ok()) return fail(st);
        auto projects = std::string(action) == "addTenantAccess"
                            ? ctx.flavors.add_access(caller(req), id, arg["tenant"])
                            : ctx.flavors.remove_access(caller(req), id, arg["tenant"]);
        if (!projects.ok()) return fail(projects.status());
        return json_response(200, access_view(id, *projects));
      }
      return fail(BadRequest("There is no such action: " + (body->empty() ? std::string("") : body->begin().key())));
    });
  });
}

}  // namespace stacklab::api::compute_api
