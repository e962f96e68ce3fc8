// Nova's default policy for the compute API, and Nova's way of refusing.
//
// Rules follow Nova's defaults: flavor management, extra-spec writes and
// flavor access are admin-only; flavor and extra-spec reads are open to
// every authenticated caller; a keypair is its owner's, or an admin's.
// Targets carry "user_id" and "project_id" of the resource.
#pragma once

#include <string>

#include "engine/core/policy.h"
#include "engine/core/status.h"

namespace stacklab::compute {

// Registers Nova's defaults (os_compute_api:...) into `policy`.
void register_compute_policy(Policy& policy);

// ok, or 403 with Nova's message "Policy doesn't allow <action> to be performed."
Status authorize(const Policy& policy, const std::string& action, const Credentials& creds,
                 const Json& target = Json::object());

}  // namespace stacklab::compute
