// Keystone's default policy rules (identity:*), registered into a Policy.
#pragma once

#include "engine/core/policy.h"

namespace stacklab::identity {

void register_identity_policy(Policy& policy);

}  // namespace stacklab::identity
