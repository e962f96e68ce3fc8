#include "engine/volume/model.h"

#include "engine/core/store.h"

namespace stacklab::volume {

void define_volume_tables(Store& store) {
  store.define(kVolumeKind, {"project_id", "volume_type_id", "snapshot_id", "source_volid"});
  store.define(kSnapshotKind, {"project_id", "volume_id"});
}

}  // namespace stacklab::volume
