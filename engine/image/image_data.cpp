// Image data: upload, staging and import, download.
#include <cstdio>

#include "engine/core/timeutil.h"
#include "engine/image/image_service.h"

namespace stacklab::image {

Status ImageService::begin_upload(const Credentials& caller, const std::string& id, std::uint64_t size) {
  auto img = owned(caller, id, "upload data to");
  if (!img.ok()) return img.status();
  const std::string s = (*img)["status"];
  if (s != "queued") return Conflict("Image status transition from " + s + " to saving is not allowed");
  if ((*img)["disk_format"].is_null() || (*img)["container_format"].is_null())
    return BadRequest("Properties disk_format, container_format must be set prior to saving data.");
  if ((*img)["owner"].is_string()) {
    Status st = check_size_quota((*img)["owner"], size);
    if (!st.ok()) return st;
  }
  Json doc = *img;
  doc["status"] = "saving";
  return touch_and_put(doc);
}

Result<Json> ImageService::finish_upload(const std::string& id, const Result<StoredData>& stored) {
  const Json* img = store_.get("image", id);
  if (!img) {  // deleted while its data arrived
    if (stored.ok()) data_.erase(stored->location);
    return Status(Code::kConflict, "Image " + id +
                                       " could not be found after upload. The image may have been "
                                       "deleted during the upload.");
  }
  Json doc = *img;
  if (!stored.ok()) {
    doc["status"] = "queued";
    touch_and_put(doc);
    return stored.status();
  }
  if (doc["status"] != "saving" && doc["status"] != "importing") {
    data_.erase(stored->location);
    return Conflict("Image status transition from " + doc["status"].get<std::string>() + " to active is not allowed");
  }
  doc["status"] = "active";
  doc["size"] = stored->size;
  doc["virtual_size"] = stored->virtual_size ? Json(*stored->virtual_size) : Json(stored->size);
  doc["checksum"] = stored->md5;
  doc["os_hash_algo"] = "sha512";
  doc["os_hash_value"] = stored->sha512;
  doc["location"] = stored->location;
  doc.erase("staging");
  Status st = touch_and_put(doc);
  if (!st.ok()) {
    data_.erase(stored->location);
    return st;
  }
  return *store_.get("image", id);
}

Status ImageService::stage(const Credentials& caller, const std::string& id, const std::string& staged_path,
                           std::uint64_t size, const std::string& md5, const std::string& sha512) {
  auto img = owned(caller, id, "upload data to");
  if (!img.ok()) return img.status();
  const std::string s = (*img)["status"];
  if (s != "queued") return Conflict("Image status transition from " + s + " to uploading is not allowed");
  if ((*img)["owner"].is_string()) {
    Status st = check_size_quota((*img)["owner"], size);
    if (!st.ok()) return st;
  }
  Json doc = *img;
  doc["status"] = "uploading";
  doc["staging"] = {{"path", staged_path}, {"size", size}, {"md5", md5}, {"sha512", sha512}};
  return touch_and_put(doc);
}

Result<ImageService::StagedFile> ImageService::begin_import(const Credentials& caller, const std::string& id,
                                                            const Json& body) {
  auto img = owned(caller, id, "import data to");
  if (!img.ok()) return img.status();
  if (!body.is_object() || !body.contains("method") || !body["method"].is_object() ||
      !body["method"].contains("name") || !body["method"]["name"].is_string())
    return BadRequest("Import request requires a 'method' object with a 'name'.");
  std::string method = body["method"]["name"];
  if (method == "web-download" || method == "glance-download")
    return BadRequest("Import method " + method +
                      " is not available: this cloud has no connection to the "
                      "internet. Upload the file with glance-direct (stage, then import) or PUT /file.");
  if (method == "copy-image") return BadRequest("Import method copy-image needs several stores; this cloud has one.");
  if (method != "glance-direct") return BadRequest("Unknown import method name '" + method + "'.");
  const std::string s = (*img)["status"];
  if (s != "uploading" || !(*img).contains("staging"))
    return Conflict("Image " + id + " is not in a valid state to import: it must be 'uploading' (staged), not '" + s +
                    "'");
  if ((*img)["disk_format"].is_null() || (*img)["container_format"].is_null())
    return BadRequest("Properties disk_format, container_format must be set prior to importing data.");
  Json doc = *img;
  const Json& st = doc["staging"];
  StagedFile f{st["path"], st["md5"], st["sha512"], st["size"]};
  doc["status"] = "importing";
  Status put = touch_and_put(doc);
  if (!put.ok()) return put;
  return f;
}

Result<std::optional<ImageService::Download>> ImageService::download(const Credentials& caller,
                                                                     const std::string& id) const {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  if ((*img)["status"] == "deactivated" && !caller.is_admin())
    return Forbidden("The requested image has been deactivated. Image data download is forbidden.");
  if (!(*img).contains("location")) return std::optional<Download>();
  auto path = data_.path_of((*img)["location"]);
  if (!path.ok()) return path.status();
  return std::optional<Download>(Download{*path, (*img)["size"], (*img)["checksum"]});
}

Result<Json> ImageService::create_with_data(const Json& doc, const std::string& data) {
  Credentials admin;
  admin.roles = {"admin"};
  admin.project_id = doc.value("owner", "");
  auto img = create(admin, doc);
  if (!img.ok()) return img;
  return store_data(admin, (*img)["id"], data);
}

Result<Json> ImageService::store_data(const Credentials& caller, const std::string& id, const std::string& data) {
  Status st = begin_upload(caller, id, data.size());
  if (!st.ok()) return st;
  return finish_upload(id, data_.write(id, data));
}

}  // namespace stacklab::image
