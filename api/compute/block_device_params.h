// The shape checks of Nova's block device request bodies (the JSON schema
// of block_device_mapping_v2 in a server create, and of volumeAttachment),
// with Nova's "Invalid input for field/attribute ..." messages. What the
// fields name (volumes, images, snapshots) is checked by the compute engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/microversion.h"
#include "engine/compute/server_volumes.h"
#include "engine/core/status.h"

namespace stacklab::api::compute_api {

// Nova's parameter_types.boolean: true/false, or their spellings as strings
// ("True", "yes", "1", "off", ...); nullopt for anything else.
std::optional<bool> nova_boolean(const Json& value);

// `block_device_mapping_v2`: a list of {source_type, destination_type, uuid,
// boot_index, volume_size, delete_on_termination, tag (2.42), device_name,
// disk_bus, device_type, guest_format, ...}.
Result<std::vector<compute::RequestedBlockDevice>> parse_block_devices(const Json& list, const Microversion& v);

// A volumeAttachment's volumeId (and device): 400 when not a uuid (a device
// not like /dev/vdb).
Status check_volume_attachment_ids(const Json& attachment);

}  // namespace stacklab::api::compute_api
