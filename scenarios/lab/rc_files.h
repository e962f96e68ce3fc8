// DevStack's credential files for the lab: `openrc` (source openrc [user]
// [project], demo/demo by default) and `userrc_early` (admin), written into
// the state directory.
#pragma once

#include <string>

#include "engine/core/status.h"

namespace stacklab::scenarios {

// Writes <dir>/openrc and <dir>/userrc_early for a cloud whose identity is at
// <host_url>/identity.
Status write_rc_files(const std::string& dir, const std::string& host_url, const std::string& password,
                      const std::string& region);

}  // namespace stacklab::scenarios
