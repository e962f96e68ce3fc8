// FileImageStore: image data as files in a directory (glance_store's
// "file" store). Data is written under a temporary name and renamed into
// place only when complete, so a crash never leaves a partial image file
// under an image's name.
#pragma once

#include <string>

#include "engine/image/driver.h"

namespace stacklab::drivers {

class FileImageStore final : public image::ImageStore {
 public:
  // `root` must exist and be on the same filesystem as the uploads it adopts
  // (otherwise they are copied).
  explicit FileImageStore(std::string root);

  std::string id() const override { return "file"; }
  Result<image::StoredData> adopt(const std::string& image_id, const std::string& path, std::uint64_t size,
                                  const std::string& md5, const std::string& sha512) override;
  Result<image::StoredData> write(const std::string& image_id, const std::string& data) override;
  Result<std::string> path_of(const std::string& location) const override;
  Status erase(const std::string& location) override;

 private:
  std::string root_;
};

}  // namespace stacklab::drivers
