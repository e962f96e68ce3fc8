#include "real_drivers/file_image_store.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/core/hex.h"
#include "engine/image/qcow2.h"

namespace stacklab::drivers {

namespace fs = std::filesystem;

namespace {

const std::string kScheme = "file://";

bool safe_id(const std::string& id) {
  return !id.empty() && id.find('/') == std::string::npos && id != "." && id != "..";
}

}  // namespace

FileImageStore::FileImageStore(std::string root) : root_(std::move(root)) {}

Result<image::StoredData> FileImageStore::adopt(const std::string& image_id, const std::string& path,
                                                std::uint64_t size, const std::string& md5, const std::string& sha512) {
  if (!safe_id(image_id)) return BadRequest("invalid image id");
  std::string dest = root_ + "/" + image_id;
  std::error_code ec;
  fs::rename(path, dest, ec);
  if (ec) {  // another filesystem: copy under a temporary name, then rename
    std::string tmp = dest + ".part";
    fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmp, dest, ec);
    if (ec) {
      fs::remove(tmp);
      return Status(Code::kInternal, "cannot store image data: " + ec.message());
    }
    fs::remove(path);
  }
  image::StoredData d{kScheme + dest, size, md5, sha512, image::qcow2_virtual_size_of_file(dest)};
  return d;
}

Result<image::StoredData> FileImageStore::write(const std::string& image_id, const std::string& data) {
  if (!safe_id(image_id)) return BadRequest("invalid image id");
  std::string dest = root_ + "/" + image_id, tmp = dest + ".part";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.flush();
    if (!f) return Status(Code::kInternal, "cannot write image data to " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, dest, ec);
  if (ec) return Status(Code::kInternal, "cannot store image data: " + ec.message());
  image::StoredData d{kScheme + dest, data.size(), hex_digest(EVP_md5(), data), hex_digest(EVP_sha512(), data),
                      image::qcow2_virtual_size(data.substr(0, 32))};
  return d;
}

Result<std::string> FileImageStore::path_of(const std::string& location) const {
  if (location.rfind(kScheme, 0) != 0) return NotFound("unknown image location " + location);
  std::string path = location.substr(kScheme.size());
  if (!fs::exists(path)) return NotFound("Image data for this image is missing from the store.");
  return path;
}

Status FileImageStore::erase(const std::string& location) {
  if (location.rfind(kScheme, 0) != 0) return {};
  std::error_code ec;
  fs::remove(location.substr(kScheme.size()), ec);
  return {};
}

}  // namespace stacklab::drivers
