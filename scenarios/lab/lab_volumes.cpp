#include "scenarios/lab/lab_volumes.h"

namespace stacklab::scenarios {

Status seed_lab_volume_types(volume::VolumeTypeService& types, Store& store) {
  store.define("stacklab_meta");
  if (store.get("stacklab_meta", "lab_volume_types")) return {};
  // DevStack's lib/cinder: `openstack volume type create --property volume_backend_name=lvmdriver-1 lvmdriver-1`.
  volume::NewVolumeType lvm{"lvmdriver-1", "", true, {{"volume_backend_name", "lvmdriver-1"}}};
  auto created = types.create_unchecked(lvm);
  if (!created.ok() && created.status().code() != Code::kConflict) return created.status();
  return store.put("stacklab_meta", "lab_volume_types", Json{{"id", "lab_volume_types"}, {"seeded", true}});
}

}  // namespace stacklab::scenarios
