// The bootcamp lab's images (exercises.md §1.5): the
// cirros-0.3.4-x86_64-uec trio with the book's ids, formats and
// kernel_id/ramdisk_id, public, owned by project admin. Their data are
// small synthetic files made here; nothing is downloaded.
#pragma once

#include <string>

#include "engine/core/store.h"
#include "engine/image/image_service.h"

namespace stacklab::scenarios {

// Creates the images once per state (what students delete stays deleted).
Status seed_lab_images(image::ImageService& images, Store& store);

// The cloud images the book downloads, made offline: `name` is one of
// ubuntu-14.04, ubuntu-16.04, centos-7. Returns the file name to write and
// its bytes (a small valid qcow2 with the real image's virtual size), or
// NotFound listing the known names.
struct CloudImageFile {
  std::string file_name;
  std::string data;
};
Result<CloudImageFile> make_cloud_image(const std::string& name);

}  // namespace stacklab::scenarios
