#include "engine/volume/model.h"

#include "engine/core/store.h"

namespace stacklab::volume {

void define_volume_tables(Store& store) {
  store.define(kVolumeKind, {"project_id", "volume_type_id", "snapshot_id", "source_volid"});
  store.define(kSnapshotKind, {"project_id", "volume_id"});
  store.define(kBackupKind, {"project_id", "volume_id", "parent_id"});
}

VolumeRef volume_ref(const Json& v) {
  std::string host = v.value("host", std::string());
  auto hash = host.find('#');
  return {v["id"], v["size"].get<long long>(), hash == std::string::npos ? "" : host.substr(hash + 1),
          v.value("thin", false)};
}

}  // namespace stacklab::volume
