// /volume: version documents, the microversion envelope, helpers and views
// shared by the route files.
#include <algorithm>

#include "api/errors.h"
#include "api/query.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

Json version_doc(const Request& req, bool v3) {
  Json links = Json::array({{{"rel", "describedby"}, {"type", "text/html"}, {"href", "https://docs.openstack.org/"}},
                            {{"rel", "self"}, {"href", req.service_url() + (v3 ? "/v3/" : "/v2/")}}});
  return {
      {"id", v3 ? "v3.0" : "v2.0"},
      {"status", v3 ? "CURRENT" : "DEPRECATED"},
      {"version", v3 ? kVolumeVersions.max.str() : ""},
      {"min_version", v3 ? kVolumeVersions.min.str() : ""},
      {"updated", v3 ? "2016-02-08T12:20:21Z" : "2014-06-28T12:20:21Z"},
      {"links", links},
      {"media-types",
       Json::array({{{"base", "application/json"},
                     {"type", std::string("application/vnd.openstack.volume+json;version=") + (v3 ? "3" : "2")}}})}};
}

bool is_v3(const Request& req) { return req.path.rfind("/v3/", 0) == 0; }

// The metadata a volume's view shows: its own, and the admin metadata Cinder
// makes visible (the read-only flag once set).
Json visible_metadata(const Json& v) {
  Json out = v["metadata"];
  const Json admin = v.value("admin_metadata", Json::object());
  for (const auto& [k, val] : admin.items()) out[k] = val;
  return out;
}

}  // namespace

Response fail(const Status& st) { return error_response(ErrorStyle::kNova, st); }

Response accepted(const Status& st) { return st.ok() ? empty_response(202) : fail(st); }

Credentials caller(const Request& req) { return req.auth->credentials(); }

Response versioned(Request& req, const std::function<Response(const Microversion&)>& fn) {
  if (!is_v3(req)) return fn(kVolumeVersions.min);
  auto v = negotiate(req, kVolumeVersions);
  if (!v.ok()) return fail(v.status());
  Response resp = fn(*v);
  annotate(resp, kVolumeVersions, *v);
  return resp;
}

Result<Json> body_object(const Request& req, const std::string& key) {
  auto body = req.json();
  if (!body.ok()) return body;
  if (!body->is_object() || !body->contains(key) || !(*body)[key].is_object())
    return BadRequest("Missing required element '" + key + "' in request body.");
  return (*body)[key];
}

std::optional<bool> parse_bool(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<long long>() != 0;
  if (!v.is_string()) return std::nullopt;
  std::string s = v;
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "true" || s == "yes" || s == "1" || s == "on" || s == "y" || s == "t") return true;
  if (s == "false" || s == "no" || s == "0" || s == "off" || s == "n" || s == "f") return false;
  return std::nullopt;
}

std::optional<long long> parse_int(const Json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d))) return static_cast<long long>(d);
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  try {
    std::size_t used = 0;
    long long n = std::stoll(s, &used);
    if (used == s.size()) return n;
  } catch (...) {
  }
  return std::nullopt;
}

std::optional<std::string> parse_string(const Json& v) {
  if (v.is_null()) return std::string();
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

Result<Json> metadata_item(const Json& metadata, const std::string& key) {
  if (!metadata.contains(key)) return NotFound("Metadata item was not found");
  return Json{{key, metadata[key]}};
}

Result<Json> metadata_item_body(const Request& req) {
  auto meta = body_object(req, "meta");
  if (!meta.ok()) return meta;
  if (meta->size() != 1 || !meta->contains(req.params.at("key")))
    return BadRequest(meta->size() > 1 ? "Request body contains too many items" : "Request body and URI mismatch");
  return meta;
}

void add_blank_id_routes(Router& r, const std::string& collection) {
  for (const char* method : {"PUT", "DELETE"})
    r.add_sync(method, collection, [](Request& req) {
      return versioned(req, [](const Microversion&) { return fail(NotFound("The resource could not be found.")); });
    });
}

std::string self_href(const Request& req, const std::string& collection, const std::string& id) {
  std::string project = req.params.count("project_id") ? req.params.at("project_id") : "";
  return req.service_url() + (is_v3(req) ? "/v3/" : "/v2/") + project + "/" + collection + "/" + id;
}

Json resource_summary(const Request& req, const std::string& collection, const Json& item) {
  const std::string id = item["id"];
  std::string project = req.params.count("project_id") ? req.params.at("project_id") : "";
  std::string bookmark = req.service_url() + "/" + project + "/" + collection + "/" + id;
  return {{"id", id},
          {"name", item["name"]},
          {"links", Json::array({{{"rel", "self"}, {"href", self_href(req, collection, id)}},
                                 {{"rel", "bookmark"}, {"href", bookmark}}})}};
}

Json volume_summary(const Request& req, const Json& v) { return resource_summary(req, "volumes", v); }

Json volume_view(const Request& req, const Ctx& ctx, const Json& v, const Microversion& mv) {
  Json out = volume_summary(req, v);
  const Json* type = nullptr;
  auto t = ctx.types.get(caller(req), v["volume_type_id"]);
  if (t.ok()) type = &*t;
  Json attachments = Json::array();
  // Only attached ones: reserved or attaching attachments (3.27+) are not shown here, as in Cinder.
  for (const auto& a : v["attachments"])
    if (volume::attachment_status(a) == "attached")
      attachments.push_back({{"id", v["id"]},
                           {"attachment_id", a["id"]},
                           {"volume_id", v["id"]},
                           {"server_id", a["server_id"]},
                           {"host_name", a["host_name"]},
                           {"device", a["device"]},
                           {"attached_at", a["attached_at"]}});
  out.update({{"description", v["description"]},
              {"size", v["size"]},
              {"status", v["status"]},
              {"availability_zone", v["availability_zone"]},
              {"created_at", v["created_at"]},
              {"updated_at", v["updated_at"]},
              {"volume_type", type ? (*type)["name"] : Json(nullptr)},
              {"snapshot_id", v["snapshot_id"]},
              {"source_volid", v["source_volid"]},
              {"metadata", visible_metadata(v)},
              {"bootable", v["bootable"].get<bool>() ? "true" : "false"},
              {"encrypted", false},
              {"multiattach", v["multiattach"]},
              {"replication_status", nullptr},
              {"consistencygroup_id", nullptr},
              {"user_id", v["user_id"]},
              {"attachments", attachments},
              {"os-vol-tenant-attr:tenant_id", v["project_id"]}});
  if (!v["volume_image_metadata"].empty()) out["volume_image_metadata"] = v["volume_image_metadata"];
  if (caller(req).is_admin()) {
    out["os-vol-host-attr:host"] = v["host"];
    out["os-vol-mig-status-attr:migstat"] = v["migration_status"];
    out["os-vol-mig-status-attr:name_id"] = nullptr;
    out["migration_status"] = v["migration_status"];
  }
  if (mv >= Microversion{3, 13}) out["group_id"] = nullptr;
  if (mv >= Microversion{3, 21} && caller(req).is_admin()) out["provider_id"] = nullptr;
  return out;
}

Json volume_write_view(const Request& req, const Ctx& ctx, const Json& v, const Microversion& mv) {
  Json out = volume_view(req, ctx, v, mv);
  for (const char* key : {"os-vol-host-attr:host", "os-vol-mig-status-attr:migstat", "os-vol-mig-status-attr:name_id",
                          "os-vol-tenant-attr:tenant_id", "volume_image_metadata"})
    out.erase(key);
  return out;
}

Json snapshot_view(const Json& s, const Microversion& mv, bool extended) {
  Json out = {{"id", s["id"]},
              {"name", s["name"]},
              {"description", s["description"]},
              {"volume_id", s["volume_id"]},
              {"size", s["size"]},
              {"status", s["status"]},
              {"created_at", s["created_at"]},
              {"updated_at", s["updated_at"]},
              {"metadata", s["metadata"]}};
  if (extended) {
    out["os-extended-snapshot-attributes:progress"] = s["progress"];
    out["os-extended-snapshot-attributes:project_id"] = s["project_id"];
  }
  if (mv >= Microversion{3, 14}) out["group_snapshot_id"] = nullptr;
  if (mv >= Microversion{3, 41}) out["user_id"] = s.value("user_id", Json(nullptr));
  return out;
}

Json type_view(const Json& t, TypeView view) {
  Json out = {{"id", t["id"]},
              {"name", t["name"]},
              {"description", t["description"]},
              {"is_public", t["is_public"]},
              {"os-volume-type-access:is_public", t["is_public"]},
              {"extra_specs", t["extra_specs"]},
              {"qos_specs_id", t.value("qos_specs_id", Json(nullptr))}};
  if (view != TypeView::kShown) out.erase("qos_specs_id");
  if (view == TypeView::kUpdated) out.erase("os-volume-type-access:is_public");
  return out;
}

Response list_response(Request& req, std::vector<Json> items, const std::string& collection,
                       const std::vector<std::string>& filters, const std::function<Json(const Json&)>& summarize) {
  filter_items(items, req, filters);
  // ?metadata={'k': 'v'} (cinderclient sends a Python dict's repr).
  if (auto md = req.query_param("metadata")) {
    std::string text = *md;
    std::replace(text.begin(), text.end(), '\'', '"');
    Json wanted = Json::parse(text, nullptr, false);
    if (wanted.is_discarded() || !wanted.is_object()) return fail(BadRequest("Invalid metadata filter: " + *md));
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Json& item) {
                                 for (const auto& [k, v] : wanted.items())
                                   if (!item["metadata"].contains(k) || item["metadata"][k] != v) return true;
                                 return false;
                               }),
                items.end());
  }
  if (auto b = req.query_param("bootable")) {
    auto want = parse_bool(Json(*b));
    if (!want) return fail(BadRequest("Invalid value for bootable filter: " + *b));
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Json& item) { return (item["bootable"] == "true") != *want; }),
                items.end());
  }
  auto keys = parse_sort(req, {"id", "name", "display_name", "status", "size", "created_at", "updated_at",
                               "availability_zone", "bootable", "volume_id"});
  if (!keys.ok()) return fail(keys.status());
  std::vector<SortKey> order = *keys;
  // Cinder's v2 name of "name" (what cinderclient and tempest still send).
  for (auto& k : order)
    if (k.key == "display_name") k.key = "name";
  // Cinder's default direction is desc, and its default order newest first.
  auto sort = req.query_param("sort");
  if (!req.query_param("sort_dir") && !(sort && sort->find(':') != std::string::npos))
    for (auto& k : order) k.descending = true;
  if (order.empty()) order = {{"created_at", true}, {"id", true}};
  std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) { return sorts_before(a, b, order); });
  // ?offset=N skips the first N of the sorted list (Cinder's offset, before the page).
  if (auto o = req.query_param("offset")) {
    auto n = parse_int(Json(*o));
    if (!n || *n < 0) return fail(BadRequest("Invalid input received: offset must be a non-negative integer."));
    items.erase(items.begin(), items.begin() + std::min<std::size_t>(items.size(), static_cast<std::size_t>(*n)));
  }
  auto page = paginate(items, req);
  if (!page.ok()) return fail(page.status());
  // Cinder links a next page whenever a page is full (its _get_collection_links),
  // even when nothing follows: clients page until an empty list.
  auto limit = parse_limit(req, 1000);
  if (!page->next_marker && limit.ok() && *limit && !page->items.empty() && page->items.size() == **limit)
    page->next_marker = page->items.back()["id"].get<std::string>();
  Json out = Json::array();
  for (const auto& item : page->items) out.push_back(summarize ? summarize(item) : item);
  Json body = {{collection, out}};
  if (page->next_marker)
    body[collection + "_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
  return json_response(200, body);
}

Router make_volume_router(Ctx ctx) {
  Router r;
  r.add_sync(
      "GET", "/",
      [](Request& req) {
        return json_response(300, {{"versions", Json::array({version_doc(req, false), version_doc(req, true)})}});
      },
      false);
  for (bool v3 : {true, false})
    r.add_sync(
        "GET", v3 ? "/v3" : "/v2",
        [v3](Request& req) {
          return json_response(200, {{"versions", Json::array({version_doc(req, v3)})}});
        },
        false);
  for (const char* root : kRoots) {
    add_volume_routes(r, ctx, root);
    add_volume_action_routes(r, ctx, root);
    add_snapshot_routes(r, ctx, root);
    add_type_routes(r, ctx, root);
    add_quota_routes(r, ctx, root);
    add_service_routes(r, ctx, root);
    if (ctx.transfers) add_transfer_routes(r, ctx, root);
    if (ctx.backups) add_backup_routes(r, ctx, root);
    if (ctx.qos) add_qos_routes(r, ctx, root);
    add_extension_routes(r, ctx, root);
    add_attachment_routes(r, ctx, root);
    add_group_routes(r, ctx, root);
  }
  return r;
}

}  // namespace stacklab::api::volume_api
