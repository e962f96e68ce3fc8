// ImageStore: where image data lives (glance_store's contract).
//
// The service decides *when* data is written or removed; a store only keeps
// bytes under a location string. Every method is safe on a worker thread
// and touches no engine state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/core/status.h"

namespace stacklab::image {

// What a store holds for one image once its data is complete.
struct StoredData {
  std::string location;  // store-specific, e.g. "file:///.../images/<id>"
  std::uint64_t size = 0;
  std::string md5, sha512;                    // lowercase hex
  std::optional<std::uint64_t> virtual_size;  // from the qcow2 header when the data is qcow2
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;
  // The store's id as /v2/info/stores lists it ("file").
  virtual std::string id() const = 0;

  // Takes a complete file (an upload already received and hashed) and keeps
  // it for `image_id`. After success the file at `path` is gone and the data
  // is readable at the returned location; after failure nothing is kept.
  // Safe to retry.
  virtual Result<StoredData> adopt(const std::string& image_id, const std::string& path, std::uint64_t size,
                                   const std::string& md5, const std::string& sha512) = 0;
  // Same for bytes in memory (small generated images).
  virtual Result<StoredData> write(const std::string& image_id, const std::string& data) = 0;
  // A local file path to read `location` from (for streaming downloads).
  virtual Result<std::string> path_of(const std::string& location) const = 0;
  // Removes the data; idempotent.
  virtual Status erase(const std::string& location) = 0;
};

}  // namespace stacklab::image
