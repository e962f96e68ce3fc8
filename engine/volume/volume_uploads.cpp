// Uploading a volume to the image service (os-volume_upload_image): the
// volume is "uploading" while the driver copies it into a queued image.
#include "engine/core/log.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

namespace {
// What a simulated backend hands the image service: the volume's bytes do
// not exist, so the image holds a short description of where it came from.
std::string simulated_contents(const Json& volume) {
  return "stacklab simulated volume " + volume["id"].get<std::string>() + " (" +
         std::to_string(volume["size"].get<long long>()) + " GiB)\n";
}
}  // namespace

Result<Json> VolumeService::upload_to_image(const Credentials& caller, const std::string& id,
                                            const ImageUpload& upload) {
  auto v = owned(caller, kVolumeKind, id, "volume:copy_volume_to_image");
  if (!v.ok()) return v;
  if (!images_) return BadRequest("Invalid input received: the image service is not available.");
  const std::string status = (*v)["status"];
  if (status == "in-use" && !upload.force) return BadRequest("Invalid volume: Volume status is in-use.");
  if (status != "available" && status != "in-use")
    return BadRequest("Invalid volume: Volume status must be available/in-use.");
  VolumeDriver* driver = (*v)["host"].is_string() ? backends_.driver((*v)["host"]) : nullptr;
  if (!driver) return BadRequest("Invalid volume: Volume " + id + " is not on a backend.");
  Json image_body = {{"name", upload.image_name},
                     {"disk_format", upload.disk_format},
                     {"container_format", upload.container_format},
                     {"visibility", upload.visibility},
                     {"protected", upload.is_protected}};
  auto image = images_->create(caller, image_body);
  if (!image.ok()) return image.status();
  std::string image_id = (*image)["id"];
  Json doc = *v;
  doc["status"] = "uploading";
  doc["upload_previous_status"] = status;
  if (Status st = save(doc); !st.ok()) {
    (void)images_->remove(caller, image_id);
    return st;
  }
  driver->copy_volume_to_image(ref(doc), image_id, [this, id, image_id, caller](Status st) {
    if (st.ok()) {
      const Json* cur = store_.get(kVolumeKind, id);
      auto stored = cur ? images_->store_data(caller, image_id, simulated_contents(*cur))
                        : Result<Json>(NotFound("Volume " + id + " could not be found."));
      if (!stored.ok()) st = stored.status();
    }
    finish_upload(id, image_id, caller, st);
  });
  return Json{{"volume", doc}, {"image_id", image_id}};
}

void VolumeService::finish_upload(const std::string& id, const std::string& image_id, const Credentials& owner,
                                  Status result) {
  if (!result.ok()) {
    Log::get("cinder-volume").error("upload of volume " + id + " to image " + image_id + " failed: " +
                                    result.message());
    (void)images_->remove(owner, image_id);
  }
  const Json* cur = store_.get(kVolumeKind, id);
  if (!cur || (*cur)["status"] != "uploading") return;
  Json doc = *cur;
  doc["status"] = doc.value("upload_previous_status", std::string("available"));
  doc.erase("upload_previous_status");
  (void)save(doc);
}

}  // namespace stacklab::volume
