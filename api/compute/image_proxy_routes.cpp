// /v2.1/images: Nova's proxy to the image service (deprecated, served up to
// 2.35, 404 from 2.36 as Nova). Clients that predate Glance v2 (and
// tempest's compute image tests, which wait for a server snapshot here)
// read images through it. Every call goes to the ImageService with the
// caller's credentials, so visibility and ownership are Glance's.
#include "api/compute/compute_routes.h"
#include "api/errors.h"
#include "api/query.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion kLast{2, 35};

const char* kImageNotFound = "Image not found.";

Json links(const Request& req, const std::string& id) {
  std::string self = req.service_url() + "/v2.1/images/" + id, bookmark = req.service_url() + "/images/" + id;
  return Json::array({{{"rel", "self"}, {"href", self}},
                      {{"rel", "bookmark"}, {"href", bookmark}},
                      {{"rel", "alternate"}, {"type", "application/vnd.openstack.image"}, {"href", bookmark}}});
}

// Glance's status as Nova's image view names it, with its progress.
std::pair<std::string, int> status_of(const Json& img) {
  std::string s = img.value("status", "");
  if (s == "active") return {"ACTIVE", 100};
  if (s == "queued" || s == "uploading" || s == "importing") return {"SAVING", 25};
  if (s == "saving") return {"SAVING", 50};
  if (s == "deleted" || s == "pending_delete") return {"DELETED", 0};
  if (s == "killed") return {"ERROR", 0};
  return {"UNKNOWN", 0};
}

// Nova's metadata of an image: its custom properties, strings as stored.
Json metadata_of(const Json& img) {
  Json md = Json::object();
  const Json props = img.value("properties", Json::object());
  for (const auto& [k, v] : props.items()) md[k] = v.is_string() ? v : Json(v.dump());
  return md;
}

Json detail(const Request& req, const Json& img) {
  auto [status, progress] = status_of(img);
  Json md = metadata_of(img);
  Json j = {{"id", img["id"]},
            {"name", img["name"]},
            {"links", links(req, img["id"])},
            {"status", status},
            {"progress", progress},
            {"minRam", img.value("min_ram", 0)},
            {"minDisk", img.value("min_disk", 0)},
            {"metadata", md},
            {"created", img["created_at"]},
            {"updated", img["updated_at"]},
            {"OS-EXT-IMG-SIZE:size", img.contains("size") ? img["size"] : Json(nullptr)}};
  if (md.contains("instance_uuid")) {
    std::string server = md["instance_uuid"];
    j["server"] = {{"id", server},
                   {"links", Json::array({{{"rel", "self"}, {"href", req.service_url() + "/v2.1/servers/" + server}},
                                          {{"rel", "bookmark"}, {"href", req.service_url() + "/servers/" + server}}})}};
  }
  return j;
}

// Nova's filters on the proxy: name, status, server, type, minRam, minDisk, changes-since.
bool matches(const Request& req, const Json& img, const Json& d) {
  if (auto q = req.query_param("name"); q && img["name"] != *q) return false;
  if (auto q = req.query_param("status"); q && d["status"] != *q) return false;
  const Json& md = d["metadata"];
  if (auto q = req.query_param("server"); q) {
    std::string want = *q;
    if (auto slash = want.rfind('/'); slash != std::string::npos) want.erase(0, slash + 1);
    if (md.value("instance_uuid", "") != want) return false;
  }
  if (auto q = req.query_param("type"); q && md.value("image_type", "") != *q) return false;
  try {
    if (auto q = req.query_param("minRam"); q && d["minRam"].get<long long>() < std::stoll(*q)) return false;
    if (auto q = req.query_param("minDisk"); q && d["minDisk"].get<long long>() < std::stoll(*q)) return false;
  } catch (const std::exception&) {
    return false;
  }
  if (auto q = req.query_param("changes-since"); q && img["updated_at"].get<std::string>() < *q) return false;
  return true;
}

Response list(Request& req, Ctx ctx, bool with_detail) {
  std::vector<Json> items;
  for (const Json* img : ctx.images.list(caller(req), image::ListScope{})) {
    Json d = detail(req, *img);
    if (matches(req, *img, d))
      items.push_back(with_detail ? d : Json{{"id", d["id"]}, {"name", d["name"]}, {"links", d["links"]}});
  }
  auto page = paginate(items, req, 1000, "id");
  if (!page.ok()) {
    if (page.status().code() == Code::kNotFound)
      return fail(BadRequest("marker [" + req.query_param("marker").value_or("") + "] not found"));
    return fail(page.status());
  }
  Json body = {{"images", page->items}};
  if (page->next_marker)
    body["images_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
  return json_response(200, body);
}

// The image, or Nova's 404 for one the caller cannot see.
Result<Json> find(Request& req, Ctx ctx) {
  auto img = ctx.images.get(caller(req), req.params["image_id"]);
  if (!img.ok()) return NotFound(kImageNotFound);
  return img;
}

// Metadata writes are JSON-patch operations on the image's properties.
Result<Json> patch_metadata(Request& req, Ctx ctx, const Json& ops) {
  auto out = ctx.images.patch(caller(req), req.params["image_id"], ops);
  if (!out.ok() && out.status().code() == Code::kNotFound) return NotFound(kImageNotFound);
  if (!out.ok() && out.status().code() == Code::kPayloadTooLarge)
    return Forbidden("Quota exceeded for resources: ['properties'].");
  return out;
}

Result<Json> metadata_body(Request& req, const char* key) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->is_object() || !body->contains(key) || !(*body)[key].is_object())
    return BadRequest(std::string("Malformed request body: '") + key + "' is a required object");
  for (const auto& [k, v] : (*body)[key].items())
    if (!v.is_string()) return BadRequest("Invalid metadata: values must be strings");
  return (*body)[key];
}

// Sets `md` (replacing every other property when `replace_all`).
Response write_metadata(Request& req, Ctx ctx, const Json& md, bool replace_all) {
  auto img = find(req, ctx);
  if (!img.ok()) return fail(img.status());
  Json ops = Json::array();
  const Json current = metadata_of(*img);
  if (replace_all)
    for (const auto& [k, v] : current.items())
      if (!md.contains(k)) ops.push_back({{"op", "remove"}, {"path", "/" + k}});
  for (const auto& [k, v] : md.items()) ops.push_back({{"op", "add"}, {"path", "/" + k}, {"value", v}});
  auto out = patch_metadata(req, ctx, ops);
  if (!out.ok()) return fail(out.status());
  return json_response(200, {{"metadata", metadata_of(*out)}});
}

void route(Router& r, const char* method, const char* path, std::function<Response(Request&)> fn) {
  r.add_sync(method, path, [fn = std::move(fn)](Request& req) {
    return versioned(req, [&](const Microversion& v) {
      return kLast < v ? fail(NotFound("The resource could not be found.")) : fn(req);
    });
  });
}

}  // namespace

void add_image_proxy_routes(Router& r, Ctx ctx) {
  route(r, "GET", "/v2.1/images", [ctx](Request& req) { return list(req, ctx, false); });
  route(r, "GET", "/v2.1/images/detail", [ctx](Request& req) { return list(req, ctx, true); });
  route(r, "GET", "/v2.1/images/{image_id}", [ctx](Request& req) {
    auto img = find(req, ctx);
    return img.ok() ? json_response(200, {{"image", detail(req, *img)}}) : fail(img.status());
  });
  route(r, "DELETE", "/v2.1/images/{image_id}", [ctx](Request& req) {
    auto img = find(req, ctx);
    if (!img.ok()) return fail(img.status());
    Status st = ctx.images.remove(caller(req), req.params["image_id"]);
    return st.ok() ? empty_response(204) : fail(st);
  });
  route(r, "GET", "/v2.1/images/{image_id}/metadata", [ctx](Request& req) {
    auto img = find(req, ctx);
    return img.ok() ? json_response(200, {{"metadata", metadata_of(*img)}}) : fail(img.status());
  });
  for (const char* method : {"POST", "PUT"}) {
    bool replace_all = std::string(method) == "PUT";
    route(r, method, "/v2.1/images/{image_id}/metadata", [ctx, replace_all](Request& req) {
      auto md = metadata_body(req, "metadata");
      return md.ok() ? write_metadata(req, ctx, *md, replace_all) : fail(md.status());
    });
  }
  route(r, "GET", "/v2.1/images/{image_id}/metadata/{key}", [ctx](Request& req) {
    auto img = find(req, ctx);
    if (!img.ok()) return fail(img.status());
    Json md = metadata_of(*img);
    if (!md.contains(req.params["key"])) return fail(NotFound("Image metadata item not found."));
    return json_response(200, {{"meta", {{req.params["key"], md[req.params["key"]]}}}});
  });
  route(r, "PUT", "/v2.1/images/{image_id}/metadata/{key}", [ctx](Request& req) {
    auto meta = metadata_body(req, "meta");
    if (!meta.ok()) return fail(meta.status());
    if (meta->size() != 1 || !meta->contains(req.params["key"]))
      return fail(BadRequest("Request body and URI mismatch"));
    auto img = find(req, ctx);
    if (!img.ok()) return fail(img.status());
    auto out = patch_metadata(
        req, ctx,
        Json::array({{{"op", "add"}, {"path", "/" + req.params["key"]}, {"value", (*meta)[req.params["key"]]}}}));
    if (!out.ok()) return fail(out.status());
    return json_response(200, {{"meta", *meta}});
  });
  route(r, "DELETE", "/v2.1/images/{image_id}/metadata/{key}", [ctx](Request& req) {
    auto img = find(req, ctx);
    if (!img.ok()) return fail(img.status());
    if (!metadata_of(*img).contains(req.params["key"])) return fail(NotFound("Image metadata item not found."));
    auto out = patch_metadata(req, ctx, Json::array({{{"op", "remove"}, {"path", "/" + req.params["key"]}}}));
    return out.ok() ? empty_response(204) : fail(out.status());
  });
}

}  // namespace stacklab::api::compute_api
