// The lab's Cinder starting state (exercises.md §1.9): one volume type,
// lvmdriver-1, bound to the single LVM backend of the same name, and the
// default type of new volumes. Seeded once per state directory.
#pragma once

#include "engine/core/store.h"
#include "engine/volume/volume_types.h"

namespace stacklab::scenarios {

Status seed_lab_volume_types(volume::VolumeTypeService& types, Store& store);

}  // namespace stacklab::scenarios
