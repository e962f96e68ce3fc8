// Images: create, see, list, patch, delete, tags, (de)activation.
#include "engine/image/image_service.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "engine/core/timeutil.h"
#include "engine/image/model.h"

namespace stacklab::image {

namespace {

Status not_found(const std::string& id) { return NotFound("No image found with ID " + id); }

bool same_project(const Credentials& c, const Json& img) {
  return !c.project_id.empty() && img["owner"].is_string() && img["owner"] == Json(c.project_id);
}

}  // namespace

long long creation_order(const Json& image) {
  auto it = image.find("created_seq");
  return it != image.end() && it->is_number_integer() ? it->get<long long>() : 0;  // 0: made before it existed
}

ImageService::ImageService(Store& store, Clock& clock, Random& random, ImageStore& data, ImageOptions options)
    : store_(store), clock_(clock), random_(random), data_(data), options_(options) {
  store_.define("image", {"owner", "visibility"});
  store_.define("image_member", {"image_id", "member_id"});
  store_.define("stacklab_meta");
  recover_interrupted();
}

// An upload or import cut by a crash never left data behind as active; the
// image goes back to queued, as Glance puts it after a failed upload.
void ImageService::recover_interrupted() {
  std::vector<Json> stuck;
  for (const Json* img : store_.list("image")) {
    const std::string& s = (*img)["status"].get_ref<const std::string&>();
    if (s == "saving" || s == "importing") stuck.push_back(*img);
  }
  for (auto& img : stuck) {
    img["status"] = img.contains("staging") ? "uploading" : "queued";
    store_.put("image", img["id"], img);
  }
}

Status ImageService::touch_and_put(Json doc) {
  doc["updated_at"] = format_iso_seconds(clock_.now());
  std::string id = doc["id"];
  return store_.put("image", id, std::move(doc));
}

bool ImageService::is_member(const std::string& image_id, const std::string& project_id, std::string* status) const {
  const Json* m = store_.get("image_member", image_id + ":" + project_id);
  if (!m) return false;
  if (status) *status = (*m)["status"];
  return true;
}

Result<Json> ImageService::visible(const Credentials& caller, const std::string& id) const {
  const Json* img = store_.get("image", id);
  if (!img) return not_found(id);
  const std::string& vis = (*img)["visibility"].get_ref<const std::string&>();
  if (caller.is_admin() || same_project(caller, *img) || vis == "public" || vis == "community" ||
      (vis == "shared" && is_member(id, caller.project_id)))
    return *img;
  return not_found(id);
}

Result<Json> ImageService::owned(const Credentials& caller, const std::string& id, const char* action) const {
  auto img = visible(caller, id);
  if (!img.ok()) return img;
  if (!caller.is_admin() && !same_project(caller, *img))
    return Forbidden(std::string("You are not permitted to ") + action + " this image.");
  return img;
}

Status ImageService::check_count_quota(const std::string& project) const {
  if (options_.image_count_total < 0) return {};
  auto n = static_cast<long long>(store_.find("image", "owner", project).size());
  if (n + 1 > options_.image_count_total)
    return Status(Code::kPayloadTooLarge, "Resource image_count_total is over limit of " +
                                              std::to_string(options_.image_count_total) + " due to current usage " +
                                              std::to_string(n) + " and delta 1");
  return {};
}

Status ImageService::check_size_quota(const std::string& project, std::uint64_t more) const {
  if (more > options_.image_size_cap)
    return Status(Code::kPayloadTooLarge,
                  "Image exceeds the storage quota: the image is larger than the "
                  "image_size_cap of " +
                      std::to_string(options_.image_size_cap) + " bytes.");
  if (options_.image_size_total_mb < 0) return {};
  std::uint64_t used = 0;
  for (const Json* img : store_.find("image", "owner", project))
    if ((*img)["size"].is_number()) used += (*img)["size"].get<std::uint64_t>();
  std::uint64_t limit = static_cast<std::uint64_t>(options_.image_size_total_mb) << 20;
  if (used + more > limit)
    return Status(Code::kPayloadTooLarge, "Resource image_size_total is over limit of " +
                                              std::to_string(options_.image_size_total_mb) + " due to current usage " +
                                              std::to_string(used >> 20) + " and delta " + std::to_string(more >> 20));
  return {};
}

Result<Json> ImageService::create(const Credentials& caller, const Json& body) {
  if (!body.is_object()) return BadRequest("Body expected in request: an image object.");
  Json doc = {{"name", nullptr},
              {"status", "queued"},
              {"visibility", "shared"},
              {"protected", false},
              {"os_hidden", false},
              {"owner", caller.project_id.empty() ? Json() : Json(caller.project_id)},
              {"disk_format", nullptr},
              {"container_format", nullptr},
              {"min_disk", 0},
              {"min_ram", 0},
              {"size", nullptr},
              {"virtual_size", nullptr},
              {"checksum", nullptr},
              {"os_hash_algo", nullptr},
              {"os_hash_value", nullptr},
              {"tags", Json::array()},
              {"properties", Json::object()}};
  for (const auto& [k, v] : body.items()) {
    if (is_read_only(k)) return Forbidden("Attribute '" + k + "' is read-only.");
    if (k.rfind("os_glance", 0) == 0) return Forbidden("Attribute '" + k + "' is reserved.");
    Status st = validate_field(k, v);
    if (!st.ok()) return st;
    if (is_core_field(k))
      doc[k] = v;
    else
      doc["properties"][k] = v;
  }
  if (doc["properties"].size() > static_cast<std::size_t>(options_.image_property_quota))
    return Status(Code::kPayloadTooLarge, "Maximum number of properties exceeded");
  std::vector<std::string> tags;
  for (const auto& t : doc["tags"])
    if (std::find(tags.begin(), tags.end(), t.get<std::string>()) == tags.end()) tags.push_back(t);
  if (tags.size() > static_cast<std::size_t>(options_.image_tag_quota))
    return Status(Code::kPayloadTooLarge, "Maximum number of tags exceeded");
  doc["tags"] = tags;
  if (doc["visibility"] == "public" && !caller.is_admin())
    return Forbidden("You are not authorized to complete publicize_image action.");
  if (!caller.is_admin() && doc["owner"] != Json(caller.project_id))
    return Forbidden("You are not permitted to create images owned by '" + doc["owner"].dump() + "'.");
  if (!doc.contains("id")) doc["id"] = random_.uuid4();
  std::string id = doc["id"];
  if (store_.get("image", id)) return Conflict("Image with identifier " + id + " already exists!");
  if (doc["owner"].is_string()) {
    Status st = check_count_quota(doc["owner"]);
    if (!st.ok()) return st;
  }
  std::string now = format_iso_seconds(clock_.now());
  doc["created_at"] = now;
  doc["updated_at"] = now;
  // created_at shows whole seconds: the sequence orders images made within one.
  const Json* seq_doc = store_.get("stacklab_meta", "image_created_seq");
  long long seq = (seq_doc ? (*seq_doc)["value"].get<long long>() : 0) + 1;
  doc["created_seq"] = seq;
  Status st = store_.transaction([&]() -> Status {
    Status s = store_.put("stacklab_meta", "image_created_seq", Json{{"id", "image_created_seq"}, {"value", seq}});
    return s.ok() ? store_.put("image", id, doc) : s;
  });
  if (!st.ok()) return st;
  return doc;
}

Result<Json> ImageService::get(const Credentials& caller, const std::string& id) const { return visible(caller, id); }

const std::vector<ImageService::ListEntry>& ImageService::list_index() const {
  if (list_index_version_ == store_.version("image")) return list_index_;
  list_index_.clear();
  struct Aged {
    const std::string* created_at;
    long long seq;
    const std::string* id;
    const Json* doc;
  };
  std::vector<Aged> by_age;  // created_at, then the creation sequence, then id
  for (const Json* img : store_.list("image"))
    by_age.push_back({&(*img)["created_at"].get_ref<const std::string&>(), creation_order(*img),
                      &(*img)["id"].get_ref<const std::string&>(), img});
  std::sort(by_age.begin(), by_age.end(), [](const Aged& a, const Aged& b) {
    return std::tie(*a.created_at, a.seq, *a.id) > std::tie(*b.created_at, b.seq, *b.id);
  });
  list_index_.reserve(by_age.size());
  for (const Aged& aged : by_age) {
    const Json* img = aged.doc;
    const std::string& vis = (*img)["visibility"].get_ref<const std::string&>();
    list_index_.push_back({(*img)["id"], (*img)["owner"].is_string() ? (*img)["owner"].get<std::string>() : "",
                           vis == "public"    ? 'p'
                           : vis == "private" ? 'r'
                           : vis == "shared"  ? 's'
                                              : 'c',
                           (*img).value("os_hidden", false), img});
  }
  list_index_version_ = store_.version("image");
  return list_index_;
}

std::vector<const Json*> ImageService::list(const Credentials& caller, const ListScope& scope) const {
  std::string want_member = scope.member_status.empty() ? "accepted" : scope.member_status;
  char want = scope.visibility == "public"      ? 'p'
              : scope.visibility == "private"   ? 'r'
              : scope.visibility == "shared"    ? 's'
              : scope.visibility == "community" ? 'c'
                                                : 0;
  bool admin = caller.is_admin();
  std::vector<const Json*> out;
  for (const ListEntry& e : list_index()) {
    if (e.os_hidden != scope.os_hidden) continue;
    char vis = e.visibility;
    bool mine = !caller.project_id.empty() && e.owner == caller.project_id;
    std::string member_status;
    bool member_ok = vis == 's' && !mine && is_member(e.id, caller.project_id, &member_status) &&
                     (want_member == "all" || member_status == want_member);
    bool include;
    if (scope.visibility.empty()) {
      // Without a visibility filter Glance leaves out community images the caller
      // does not own, for admins too (they list them with visibility=community).
      include = (admin && vis != 'c') || vis == 'p' || mine || member_ok;
    } else if (scope.visibility == "all") {
      include = admin || vis == 'p' || vis == 'c' || mine || member_ok;
    } else if (want != vis) {
      include = false;
    } else if (vis == 'p' || vis == 'c') {
      include = true;
    } else if (vis == 'r') {
      include = admin || mine;
    } else {  // shared
      include = admin || mine || member_ok;
    }
    if (include) out.push_back(e.doc);
  }
  return out;
}

Result<Json> ImageService::patch(const Credentials& caller, const std::string& id, const Json& ops) {
  auto cur = owned(caller, id, "modify");
  if (!cur.ok()) return cur;
  if (!ops.is_array()) return BadRequest("Request body must be a JSON array of operation objects.");
  Json doc = *cur;
  for (const auto& op : ops) {
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("path") ||
        !op["path"].is_string())
      return BadRequest("Operation objects must contain exactly one member named \"op\" and \"path\".");
    std::string kind = op["op"], path = op["path"];
    if (kind != "add" && kind != "replace" && kind != "remove") return BadRequest("Invalid operation: `" + kind + "`.");
    if (path.size() < 2 || path[0] != '/')
      return BadRequest("Json path should start with a '/', end with no '/', no 2 subsequent '/' are allowed.");
    // JSON pointer unescaping: "~1" is '/', "~0" is '~'.
    std::string field;
    for (std::size_t i = 1; i < path.size(); ++i) {
      if (path[i] == '~' && i + 1 < path.size() && (path[i + 1] == '0' || path[i + 1] == '1')) {
        field.push_back(path[i + 1] == '1' ? '/' : '~');
        ++i;
      } else {
        field.push_back(path[i]);
      }
    }
    if (field == "id" || is_read_only(field)) return Forbidden("Attribute '" + field + "' is read-only.");
    if (field.rfind("os_glance", 0) == 0) return Forbidden("Attribute '" + field + "' is reserved.");
    bool core = is_core_field(field);
    if (kind == "remove") {
      if (core) return Forbidden("Attribute '" + field + "' cannot be removed.");  // Glance: core attributes stay
      if (!doc["properties"].contains(field)) return Conflict("Property " + field + " does not exist.");
      doc["properties"].erase(field);
      continue;
    }
    if (!op.contains("value")) return BadRequest("Operation \"" + kind + "\" requires a member named \"value\".");
    const Json& value = op["value"];
    Status st = validate_field(field, value);
    if (!st.ok()) return st;
    if (core) {
      if (field == "visibility" && value == "public" && !caller.is_admin())
        return Forbidden("You are not authorized to complete publicize_image action.");
      if (field == "owner" && !caller.is_admin() && value != Json(caller.project_id))
        return Forbidden("You are not permitted to modify 'owner' on this image.");
      if ((field == "disk_format" || field == "container_format") && doc["status"] != "queued" && doc[field] != value)
        return Forbidden("Attribute " + field + " can be only replaced for a queued image.");
      if (field == "tags") {
        std::vector<std::string> tags;
        for (const auto& t : value)
          if (std::find(tags.begin(), tags.end(), t.get<std::string>()) == tags.end()) tags.push_back(t);
        if (tags.size() > static_cast<std::size_t>(options_.image_tag_quota))
          return Status(Code::kPayloadTooLarge, "Maximum number of tags exceeded");
        doc["tags"] = tags;
      } else {
        doc[field] = value;
      }
    } else {
      if (kind == "replace" && !doc["properties"].contains(field))
        return Conflict("Property " + field + " does not exist.");
      doc["properties"][field] = value;
      if (doc["properties"].size() > static_cast<std::size_t>(options_.image_property_quota))
        return Status(Code::kPayloadTooLarge, "Maximum number of properties exceeded");
    }
  }
  // Members of a shared image lose nothing when it changes visibility; they
  // only matter while it is shared (as in Glance).
  Status st = touch_and_put(doc);
  if (!st.ok()) return st;
  return *store_.get("image", id);
}

Status ImageService::remove(const Credentials& caller, const std::string& id) {
  auto img = owned(caller, id, "delete");
  if (!img.ok()) return img.status();
  if ((*img)["protected"] == true) return Forbidden("Image " + id + " is protected and cannot be deleted.");
  Json doc = *img;
  Status st = store_.transaction([&]() -> Status {
    for (const Json* m : store_.find("image_member", "image_id", id)) {
      Status s = store_.erase("image_member", (*m)["id"]);
      if (!s.ok()) return s;
    }
    return store_.erase("image", id);
  });
  if (!st.ok()) return st;
  // The record is gone first: a crash here leaves an orphan file, never an
  // image whose data is missing.
  if (doc.contains("location")) data_.erase(doc["location"]);
  if (doc.contains("staging")) std::remove(doc["staging"]["path"].get<std::string>().c_str());
  return {};
}

Status ImageService::add_tag(const Credentials& caller, const std::string& id, const std::string& tag) {
  auto img = owned(caller, id, "modify");
  if (!img.ok()) return img.status();
  Status st = validate_field("tags", Json::array({tag}));
  if (!st.ok()) return st;
  Json doc = *img;
  auto& tags = doc["tags"];
  if (std::find(tags.begin(), tags.end(), Json(tag)) != tags.end()) return {};
  if (tags.size() >= static_cast<std::size_t>(options_.image_tag_quota))
    return Status(Code::kPayloadTooLarge, "Maximum number of tags exceeded");
  tags.push_back(tag);
  return touch_and_put(doc);
}

Status ImageService::remove_tag(const Credentials& caller, const std::string& id, const std::string& tag) {
  auto img = owned(caller, id, "modify");
  if (!img.ok()) return img.status();
  Json doc = *img;
  auto& tags = doc["tags"];
  auto it = std::find(tags.begin(), tags.end(), Json(tag));
  if (it == tags.end()) return NotFound("Tag " + tag + " not found.");
  tags.erase(it);
  return touch_and_put(doc);
}

Status ImageService::deactivate(const Credentials& caller, const std::string& id) {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  // Glance's policy: admin or a member of the owning project.
  if (!caller.is_admin() && !same_project(caller, *img))
    return Forbidden("You are not authorized to complete deactivate action.");
  const std::string s = (*img)["status"];
  if (s == "deactivated") return {};
  if (s != "active") return Forbidden("Not allowed to deactivate image in status '" + s + "'");
  Json doc = *img;
  doc["status"] = "deactivated";
  return touch_and_put(doc);
}

Status ImageService::reactivate(const Credentials& caller, const std::string& id) {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  if (!caller.is_admin() && !same_project(caller, *img))
    return Forbidden("You are not authorized to complete reactivate action.");
  const std::string s = (*img)["status"];
  if (s == "active") return {};
  if (s != "deactivated") return Forbidden("Not allowed to reactivate image in status '" + s + "'");
  Json doc = *img;
  doc["status"] = "active";
  return touch_and_put(doc);
}

}  // namespace stacklab::image
