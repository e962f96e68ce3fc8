// Nova's state guards for server actions (nova/compute/api.py's
// check_instance_state and check_instance_lock), shared by every action so
// that each refuses with the same words as the API.
#pragma once

#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/status.h"

namespace stacklab::compute {

// The server's task_state, "" for None.
std::string task_state_of(const Json& server);

// ok when the server's vm_state is in `vm_states` and its task_state in
// `task_states` ("" stands for None; Nova's default expects no task). Else
// Conflict with nova-api's text: "Cannot '<action>' instance <uuid> while it
// is in vm_state <state>" (or "... task_state <state>").
Status check_state(const Json& server, const std::string& action, const std::vector<std::string>& vm_states,
                   const std::vector<std::string>& task_states = {""});

// A locked server refuses every action of a non-admin, its owner included
// (Nova's check_instance_lock): Conflict "Instance <uuid> is locked".
Status check_lock(const Json& server, const Credentials& caller);

// Nova's is_volume_backed_instance: the root disk is a Cinder volume (booted
// from a volume, or from an image whose mappings make the root a volume).
bool is_volume_backed(const Json& server);

}  // namespace stacklab::compute
