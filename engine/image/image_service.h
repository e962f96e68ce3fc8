// ImageService: Glance v2 for the rest of the cloud.
//
// The image service's public header: api/image maps REST onto it, and compute
// will read images (and their data paths) through it. Images travel as JSON
// documents with Glance's fields; extra properties are kept under
// "properties" and flattened by api/ (see model.h). Every method runs on the
// engine loop except ImageStore work, which callers offload.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/image/driver.h"

namespace stacklab::image {

struct ImageOptions {
  long long image_count_total = -1;           // [image] per project; -1 = unlimited
  long long image_size_total_mb = -1;         // [image] per project, MiB of data; -1 = unlimited
  std::uint64_t image_size_cap = 1ull << 40;  // [image] largest image, bytes (Glance's 1 TiB)
  int image_member_quota = 128;
  int image_tag_quota = 128;
  int image_property_quota = 128;
};

// Which images a listing considers, before the other filters.
struct ListScope {
  std::string visibility;     // "", public, private, shared, community, all
  std::string member_status;  // accepted (default), pending, rejected, all
  bool os_hidden = false;     // list the hidden images instead of the visible ones
};

// An image's hidden creation sequence ("created_seq", never shown by the
// API): the order of images whose created_at (whole seconds, as Glance
// shows it) is the same. 0 for images stored before it was kept.
long long creation_order(const Json& image);

class ImageService {
 public:
  ImageService(Store& store, Clock& clock, Random& random, ImageStore& data, ImageOptions options = {});

  // ---- images -------------------------------------------------------------
  // 201 body fields as sent by clients; 400/403 on invalid or read-only fields.
  Result<Json> create(const Credentials& caller, const Json& body);
  // 404 unless the caller may see it (owner, admin, public, community, member).
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // Images the caller may see within `scope`, newest first (created_at, then
  // the creation sequence). The pointers are
  // the store's documents: valid until the next mutation (use them at once, on the loop).
  std::vector<const Json*> list(const Credentials& caller, const ListScope& scope) const;
  // Applies a JSON-patch (add/replace/remove) to fields, properties and tags.
  Result<Json> patch(const Credentials& caller, const std::string& id, const Json& ops);
  // Refused (403) for a protected image or another project's image; removes the data.
  Status remove(const Credentials& caller, const std::string& id);
  Status add_tag(const Credentials& caller, const std::string& id, const std::string& tag);
  Status remove_tag(const Credentials& caller, const std::string& id, const std::string& tag);
  Status deactivate(const Credentials& caller, const std::string& id);
  Status reactivate(const Credentials& caller, const std::string& id);

  // ---- data -----------------------------------------------------------------
  // Upload in two steps around the store's work: begin_upload() checks and
  // moves queued -> saving (loop); the caller has the store adopt the bytes
  // (worker); finish_upload() makes the image active with size and hashes,
  // or, given an error, puts it back to queued (loop). Glance's "killed"
  // status is used when the data is refused after it arrived (e.g. quota).
  Status begin_upload(const Credentials& caller, const std::string& id, std::uint64_t size);
  Result<Json> finish_upload(const std::string& id, const Result<StoredData>& stored);
  // Staging (interoperable import): queued -> uploading with the file kept aside.
  Status stage(const Credentials& caller, const std::string& id, const std::string& staged_path, std::uint64_t size,
               const std::string& md5, const std::string& sha512);
  // glance-direct: uploading -> importing; returns the staged file to adopt.
  struct StagedFile {
    std::string path, md5, sha512;
    std::uint64_t size = 0;
  };
  Result<StagedFile> begin_import(const Credentials& caller, const std::string& id, const Json& body);

  // Where to read the image's data: 204-worthy (nullopt) when it has none.
  struct Download {
    std::string path;
    std::uint64_t size = 0;
    std::string md5;
  };
  Result<std::optional<Download>> download(const Credentials& caller, const std::string& id) const;

  // ---- members --------------------------------------------------------------
  Result<Json> add_member(const Credentials& caller, const std::string& id, const std::string& member);
  Result<std::vector<Json>> list_members(const Credentials& caller, const std::string& id) const;
  Result<Json> get_member(const Credentials& caller, const std::string& id, const std::string& member) const;
  Result<Json> update_member(const Credentials& caller, const std::string& id, const std::string& member,
                             const std::string& status);
  Status remove_member(const Credentials& caller, const std::string& id, const std::string& member);

  // Creates an active image with `data` as its bytes (lab seeding, tests).
  Result<Json> create_with_data(const Json& doc, const std::string& data);
  // Gives a queued image `data` as its bytes in one step (begin, write,
  // finish): small data another service made, such as a volume upload.
  Result<Json> store_data(const Credentials& caller, const std::string& id, const std::string& data);

  std::string store_id() const { return data_.id(); }
  const ImageOptions& options() const { return options_; }

 private:
  Result<Json> visible(const Credentials& caller, const std::string& id) const;
  Result<Json> owned(const Credentials& caller, const std::string& id, const char* action) const;
  bool is_member(const std::string& image_id, const std::string& project_id, std::string* status = nullptr) const;
  Status check_count_quota(const std::string& project) const;
  Status check_size_quota(const std::string& project, std::uint64_t more) const;
  Status touch_and_put(Json doc);
  void recover_interrupted();

  // What listing reads of every image, newest first, in one compact array
  // rebuilt when the image table changes: walking 10,000 JSON documents per
  // list was bound by memory latency.
  struct ListEntry {
    std::string id, owner;
    char visibility;  // 'p'ublic, p'r'ivate, 's'hared, 'c'ommunity
    bool os_hidden;
    const Json* doc;
  };
  const std::vector<ListEntry>& list_index() const;
  mutable std::vector<ListEntry> list_index_;
  mutable std::uint64_t list_index_version_ = ~0ull;

  Store& store_;
  Clock& clock_;
  Random& random_;
  ImageStore& data_;
  ImageOptions options_;
};

}  // namespace stacklab::image
