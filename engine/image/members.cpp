// Image members: sharing a "shared" image with other projects, which accept
// or reject it.
#include "engine/core/timeutil.h"
#include "engine/image/image_service.h"

namespace stacklab::image {

Result<Json> ImageService::add_member(const Credentials& caller, const std::string& id, const std::string& member) {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  if (!caller.is_admin() && (*img)["owner"] != Json(caller.project_id))
    return Forbidden("You are not permitted to create image members for the image.");
  if ((*img)["visibility"] != "shared")
    return Forbidden("Image members can only be added to images whose visibility is 'shared'; this one is '" +
                     (*img)["visibility"].get<std::string>() + "'.");
  if (member.empty() || member.size() > 255) return BadRequest("Invalid member: a project id is required.");
  std::string key = id + ":" + member;
  if (store_.get("image_member", key)) return Conflict("Member " + member + " already exists for image " + id + ".");
  if (store_.find("image_member", "image_id", id).size() >= static_cast<std::size_t>(options_.image_member_quota))
    return Status(Code::kPayloadTooLarge, "Maximum number of image members exceeded");
  std::string now = format_iso_seconds(clock_.now());
  Json m = {{"id", key},           {"image_id", id},    {"member_id", member},
            {"status", "pending"}, {"created_at", now}, {"updated_at", now}};
  Status st = store_.put("image_member", key, m);
  if (!st.ok()) return st;
  return m;
}

Result<std::vector<Json>> ImageService::list_members(const Credentials& caller, const std::string& id) const {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  bool owner = caller.is_admin() || (*img)["owner"] == Json(caller.project_id);
  if ((*img)["visibility"] != "shared" && !owner) return Forbidden("Only shared images have members.");
  std::vector<Json> out;
  for (const Json* m : store_.find("image_member", "image_id", id))
    if (owner || (*m)["member_id"] == Json(caller.project_id)) out.push_back(*m);  // a member sees only itself
  return out;
}

Result<Json> ImageService::get_member(const Credentials& caller, const std::string& id,
                                      const std::string& member) const {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  bool owner = caller.is_admin() || (*img)["owner"] == Json(caller.project_id);
  const Json* m = store_.get("image_member", id + ":" + member);
  if (!m || (!owner && member != caller.project_id))
    return NotFound("Member " + member + " not found for image " + id + ".");
  return *m;
}

Result<Json> ImageService::update_member(const Credentials& caller, const std::string& id, const std::string& member,
                                         const std::string& status) {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  const Json* m = store_.get("image_member", id + ":" + member);
  if (!m) return NotFound("Member " + member + " not found for image " + id + ".");
  // Only the member project decides whether it accepts the image.
  if (member != caller.project_id) return Forbidden("You are not permitted to modify the membership of this image.");
  if (status != "accepted" && status != "rejected" && status != "pending")
    return BadRequest("Provided object does not match schema 'member': '" + status +
                      "' is not one of ['pending', 'accepted', 'rejected']");
  Json doc = *m;
  doc["status"] = status;
  doc["updated_at"] = format_iso_seconds(clock_.now());
  Status st = store_.put("image_member", doc["id"], doc);
  if (!st.ok()) return st;
  return doc;
}

Status ImageService::remove_member(const Credentials& caller, const std::string& id, const std::string& member) {
  auto img = visible(caller, id);
  if (!img.ok()) return img.status();
  if (!caller.is_admin() && (*img)["owner"] != Json(caller.project_id))
    return Forbidden("You are not permitted to delete image members for the image.");
  std::string key = id + ":" + member;
  if (!store_.get("image_member", key)) return NotFound("Member " + member + " not found for image " + id + ".");
  return store_.erase("image_member", key);
}

}  // namespace stacklab::image
