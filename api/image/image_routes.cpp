// /image: version documents, /v2/images (CRUD, JSON-patch, list filters),
// tags, actions.
#include "api/image/image_routes.h"

#include <algorithm>
#include <sstream>

#include "api/errors.h"
#include "api/query.h"
#include "engine/core/timeutil.h"

namespace stacklab::api::image_api {

namespace {

Json version_list(const Request& req) {
  Json versions = Json::array();
  std::string href = req.service_url() + "/v2/";
  versions.push_back({{"id", "v2.9"}, {"status", "CURRENT"}, {"links", {{{"rel", "self"}, {"href", href}}}}});
  for (const char* v : {"v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"})
    versions.push_back({{"id", v}, {"status", "SUPPORTED"}, {"links", {{{"rel", "self"}, {"href", href}}}}});
  return {{"versions", versions}};
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

// "in:a,b" matches any of a, b; otherwise equality.
bool matches_in(const Json& value, const std::string& want) {
  std::string have = value.is_string() ? value.get<std::string>() : value.dump();
  if (want.rfind("in:", 0) == 0) {
    for (const auto& w : split(want.substr(3), ','))
      if (have == w) return true;
    return false;
  }
  return have == want;
}

// "gte:2026-01-01T00:00:00Z" style comparisons on timestamps.
Result<bool> matches_time(const std::string& have, const std::string& expr) {
  auto colon = expr.find(':');
  std::string op = colon == std::string::npos ? "eq" : expr.substr(0, colon);
  std::string when = colon == std::string::npos ? expr : expr.substr(colon + 1);
  if (op != "eq" && op != "neq" && op != "gt" && op != "gte" && op != "lt" && op != "lte") {
    op = "eq";
    when = expr;
  }
  if (!parse_iso(when)) return BadRequest("Unable to filter on a range with a nonsensical time '" + when + "'");
  auto a = *parse_iso(have), b = *parse_iso(when);
  if (op == "eq") return a == b;
  if (op == "neq") return a != b;
  if (op == "gt") return a > b;
  if (op == "gte") return a >= b;
  if (op == "lt") return a < b;
  return a <= b;
}

Result<std::vector<const Json*>> filter_images(const std::vector<const Json*>& images, const Request& req) {
  // visibility, member_status and os_hidden are the service's ListScope.
  static const char* kNotFilters[] = {"limit", "marker",     "sort_key",      "sort_dir",
                                      "sort",  "visibility", "member_status", "os_hidden"};
  bool any_filter = false;
  for (const auto& [key, want] : req.query)
    any_filter = any_filter || std::find(std::begin(kNotFilters), std::end(kNotFilters), key) == std::end(kNotFilters);
  if (!any_filter) return images;
  std::vector<const Json*> out;
  for (const Json* ptr : images) {
    const Json& img = *ptr;
    bool keep = true;
    for (const auto& [key, want] : req.query) {
      if (!keep) break;
      if (std::find(std::begin(kNotFilters), std::end(kNotFilters), key) != std::end(kNotFilters)) continue;
      if (key == "tag") {
        const auto& tags = img["tags"];
        keep = std::find(tags.begin(), tags.end(), Json(want)) != tags.end();
      } else if (key == "size_min" || key == "size_max") {
        long long bound;
        try {
          bound = std::stoll(want);
        } catch (...) {
          return BadRequest("Invalid " + key + " value: " + want);
        }
        keep = img["size"].is_number() &&
               (key == "size_min" ? img["size"].get<long long>() >= bound : img["size"].get<long long>() <= bound);
      } else if (key == "created_at" || key == "updated_at") {
        auto m = matches_time(img[key], want);
        if (!m.ok()) return m.status();
        keep = *m;
      } else if (key == "protected") {
        keep = img["protected"] == (want == "true" || want == "True");
      } else if (img.contains(key)) {
        keep = matches_in(img[key], want);
      } else {
        keep = img["properties"].contains(key) && matches_in(img["properties"][key], want);
      }
    }
    if (keep) out.push_back(ptr);
  }
  return out;
}

Status sort_images(std::vector<const Json*>& images, const Request& req) {
  static const std::vector<std::string> keys = {"name",         "status",    "container_format", "disk_format",
                                                "size",         "id",        "created_at",       "updated_at",
                                                "visibility",   "owner",     "min_disk",         "min_ram",
                                                "virtual_size", "protected", "os_hidden"};
  if (!req.query_param("sort_key") && !req.query_param("sort")) return {};  // the service's order: newest first
  auto sort = parse_sort(req, keys);
  if (!sort.ok()) return sort.status();
  // created_at has whole seconds: images made within one keep their creation order.
  for (auto it = sort->begin(); it != sort->end(); ++it)
    if (it->key == "created_at") {
      sort->insert(it + 1, SortKey{"created_seq", it->descending});
      break;
    }
  std::stable_sort(images.begin(), images.end(),
                   [&](const Json* a, const Json* b) { return sorts_before(*a, *b, *sort); });
  return {};
}

// Glance's application/openstack-images-v2.0-json-patch operations
// ({"replace": "/name", "value": ...}) as v2.1's ({"op": "replace", "path": ...}).
Result<Json> from_v20_patch(const Json& ops) {
  if (!ops.is_array()) return BadRequest("Request body must be a JSON array of operation objects.");
  Json out = Json::array();
  for (const auto& raw : ops) {
    if (!raw.is_object()) return BadRequest("Operations must be JSON objects.");
    std::string op;
    for (const char* key : {"add", "remove", "replace"}) {
      if (!raw.contains(key)) continue;
      if (!op.empty())
        return BadRequest("Operation objects must contain only one member named \"add\", \"remove\", or \"replace\".");
      op = key;
    }
    if (op.empty())
      return BadRequest("Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\".");
    if (!raw[op].is_string()) return BadRequest("Json path should be a string.");
    Json change = {{"op", op}, {"path", raw[op]}};
    if (raw.contains("value")) change["value"] = raw["value"];
    out.push_back(std::move(change));
  }
  return out;
}

// "/v2/images/": Glance has no route for an empty image id (404), while the
// HTTP server drops the trailing '/' and the router matches /v2/images.
bool empty_image_id(const Request& req) { return req.trailing_slash; }

}  // namespace

Response fail(const Status& st) { return error_response(ErrorStyle::kGlance, st); }

Credentials caller(const Request& req) { return req.auth->credentials(); }

Json image_view(const Json& doc) {
  Json v = doc;
  v.erase("created_seq");  // the service's own (creation order), not Glance's
  for (const auto& [k, val] : doc["properties"].items()) v[k] = val;
  v.erase("properties");
  v.erase("location");
  v.erase("staging");
  std::string id = doc["id"];
  v["self"] = "/v2/images/" + id;
  v["file"] = "/v2/images/" + id + "/file";
  v["schema"] = "/v2/schemas/image";
  if (doc.contains("location")) v["stores"] = "file";
  return v;
}

Router make_image_router(Ctx ctx) {
  Router r;
  r.add_sync(
      "GET", "/", [](Request& req) { return json_response(300, version_list(req)); }, false);
  r.add_sync(
      "GET", "/versions", [](Request& req) { return json_response(200, version_list(req)); }, false);

  r.add_sync("POST", "/v2/images", [ctx](Request& req) {
    auto body = req.json();
    if (!body.ok()) return fail(body.status());
    auto img = ctx.images.create(caller(req), *body);
    if (!img.ok()) return fail(img.status());
    auto resp = json_response(201, image_view(*img));
    resp.header("Location", req.service_url() + "/v2/images/" + (*img)["id"].get<std::string>());
    // Glance advertises its enabled import methods here; openstacksdk's
    // `image create --import` refuses to stage and import without it.
    resp.header("OpenStack-image-import-methods", "glance-direct");
    return resp;
  });

  r.add_sync("GET", "/v2/images", [ctx](Request& req) {
    if (empty_image_id(req)) return error_response(ErrorStyle::kGlance, 404, "The resource could not be found.");
    image::ListScope scope{req.query_param("visibility").value_or(""), req.query_param("member_status").value_or("")};
    if (auto h = req.query_param("os_hidden")) scope.os_hidden = *h == "true" || *h == "True";
    static const char* kVis[] = {"", "public", "private", "shared", "community", "all"};
    if (std::find(std::begin(kVis), std::end(kVis), scope.visibility) == std::end(kVis))
      return fail(BadRequest("Invalid visibility value: " + scope.visibility));
    static const char* kMember[] = {"", "accepted", "pending", "rejected", "all"};
    if (std::find(std::begin(kMember), std::end(kMember), scope.member_status) == std::end(kMember))
      return fail(BadRequest("Invalid status value: " + scope.member_status));
    auto images = filter_images(ctx.images.list(caller(req), scope), req);
    if (!images.ok()) return fail(images.status());
    Status st = sort_images(*images, req);
    if (!st.ok()) return fail(st);
    if (!req.query_param("limit")) req.query.emplace("limit", "25");  // Glance's limit_param_default
    auto page = paginate_by(*images, req, 1000, [](const Json* img) { return (*img)["id"].get<std::string>(); });
    if (!page.ok()) {
      if (page.status().code() == Code::kNotFound)
        return fail(
            BadRequest("Invalid marker. Image " + req.query_param("marker").value_or("") + " could not be found."));
      return fail(page.status());
    }
    Json list = Json::array();
    for (const Json* img : page->items) list.push_back(image_view(*img));
    Json body = {{"images", list}, {"first", "/v2/images"}, {"schema", "/v2/schemas/images"}};
    if (page->next_marker) body["next"] = "/v2/images?" + query_with_marker(req, *page->next_marker);
    return json_response(200, body);
  });

  r.add_sync("GET", "/v2/images/{image_id}", [ctx](Request& req) {
    auto img = ctx.images.get(caller(req), req.params["image_id"]);
    return img.ok() ? json_response(200, image_view(*img)) : fail(img.status());
  });

  r.add_sync("PATCH", "/v2/images/{image_id}", [ctx](Request& req) {
    std::string type = req.header("Content-Type");
    bool v21 = type.find("application/openstack-images-v2.1-json-patch") != std::string::npos;
    if (!v21 && type.find("application/openstack-images-v2.0-json-patch") == std::string::npos) {
      auto resp =
          error_response(ErrorStyle::kGlance, 415,
                         "Unsupported Content-Type " + type + "; use application/openstack-images-v2.1-json-patch");
      resp.header("Accept-Patch",
                  "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch");
      return resp;
    }
    Json ops = Json::parse(req.body, nullptr, false);
    if (ops.is_discarded()) return fail(BadRequest("Malformed JSON in request body."));
    if (!v21) {  // v2.0 spells each operation {"<op>": "<path>", "value": ...} (tempest, older clients)
      auto converted = from_v20_patch(ops);
      if (!converted.ok()) return fail(converted.status());
      ops = std::move(*converted);
    }
    auto img = ctx.images.patch(caller(req), req.params["image_id"], ops);
    return img.ok() ? json_response(200, image_view(*img)) : fail(img.status());
  });

  // /v2/images takes GET and POST; with an empty image id ("/v2/images/",
  // which the router folds into /v2/images) it is an unknown resource.
  for (const char* method : {"DELETE", "PATCH"}) {
    r.add_sync(method, "/v2/images", [](Request& req) {
      if (empty_image_id(req)) return error_response(ErrorStyle::kGlance, 404, "The resource could not be found.");
      auto resp =
          error_response(ErrorStyle::kGlance, 405, "The method " + req.method + " is not allowed for this resource.");
      resp.header("Allow", "GET, POST");
      return resp;
    });
  }

  r.add_sync("DELETE", "/v2/images/{image_id}", [ctx](Request& req) {
    Status st = ctx.images.remove(caller(req), req.params["image_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  r.add_sync("PUT", "/v2/images/{image_id}/tags/{tag}", [ctx](Request& req) {
    Status st = ctx.images.add_tag(caller(req), req.params["image_id"], req.params["tag"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("DELETE", "/v2/images/{image_id}/tags/{tag}", [ctx](Request& req) {
    Status st = ctx.images.remove_tag(caller(req), req.params["image_id"], req.params["tag"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("POST", "/v2/images/{image_id}/actions/deactivate", [ctx](Request& req) {
    Status st = ctx.images.deactivate(caller(req), req.params["image_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  r.add_sync("POST", "/v2/images/{image_id}/actions/reactivate", [ctx](Request& req) {
    Status st = ctx.images.reactivate(caller(req), req.params["image_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });

  add_data_routes(r, ctx);
  add_member_routes(r, ctx);
  add_schema_routes(r);
  add_metadefs_routes(r);
  return r;
}

}  // namespace stacklab::api::image_api
