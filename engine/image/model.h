// The image document and Glance's rules for its fields.
//
//   image {id, name, status, visibility, protected, os_hidden, owner,
//          disk_format, container_format, min_disk, min_ram, size,
//          virtual_size, checksum, os_hash_algo, os_hash_value, tags,
//          created_at, updated_at, properties: {extra string properties},
//          location (internal), staging (internal: a staged upload),
//          created_seq (internal: the creation order, a tie-break within one second)}
//   image_member {id: "<image>:<project>", image_id, member_id, status,
//                 created_at, updated_at}
// Statuses: queued -> saving -> active; queued -> uploading -> importing ->
// active; active <-> deactivated; killed when arrived data is refused.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/status.h"

namespace stacklab::image {

using Json = nlohmann::json;

// Fields a client may never set (403 "Attribute '<name>' is read-only.").
bool is_read_only(const std::string& field);
// Glance's own fields (not extra properties).
bool is_core_field(const std::string& field);
// Checks one field's value: 400 with Glance's wording if it does not fit.
Status validate_field(const std::string& field, const Json& value);

}  // namespace stacklab::image
