// Cinder's default policy (the legacy rules of the book's release) and
// Cinder's way of refusing.
//
// Targets carry the resource's "project_id". A member acts on its own
// project's volumes, snapshots and quotas; volume types, services, quota
// updates and the admin actions (reset-status, force-delete) are admin-only.
#pragma once

#include <string>

#include "engine/core/policy.h"
#include "engine/core/status.h"

namespace stacklab::volume {

void register_volume_policy(Policy& policy);

// ok, or 403 "Policy doesn't allow <action> to be performed."
Status authorize(const Policy& policy, const std::string& action, const Credentials& creds,
                 const Json& target = Json::object());

}  // namespace stacklab::volume
