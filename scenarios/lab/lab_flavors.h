// The bootcamp lab's flavors (exercises.md §1.4): DevStack's 12 public
// flavors with their ids, names, RAM, disk and vCPUs.
#pragma once

#include "engine/compute/flavors.h"
#include "engine/core/store.h"

namespace stacklab::scenarios {

// Creates the flavors once per state (what students delete stays deleted).
Status seed_lab_flavors(compute::FlavorService& flavors, Store& store);

}  // namespace stacklab::scenarios
