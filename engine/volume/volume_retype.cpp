// Retyping a volume (os-retype): in place when its pool satisfies the new
// type, else by migrating to a pool the scheduler picks ("on-demand").
#include <algorithm>

#include "engine/core/log.h"
#include "engine/volume/volume_policy.h"
#include "engine/volume/volume_service.h"

namespace stacklab::volume {

Status VolumeService::retype(const Credentials& caller, const std::string& id, const std::string& new_type,
                             const std::string& migration_policy) {
  auto v = owned(caller, kVolumeKind, id, "volume:retype");
  if (!v.ok()) return v.status();
  if (migration_policy != "never" && migration_policy != "on-demand")
    return BadRequest("Invalid input received: migration_policy must be 'on-demand' or 'never', passed: " +
                      migration_policy);
  const std::string status = (*v)["status"];
  if (status != "available" && status != "in-use")
    return BadRequest("Invalid volume: Unable to update type due to incorrect status: " + status + " on volume: " + id +
                      ". Volume status must be available or in-use.");
  auto type = types_.resolve(caller, new_type);
  if (!type.ok()) return type.status();
  // Multiattach follows the type; a hypervisor cannot change that under an
  // attached volume, so Cinder only lets an available volume cross the line.
  const bool to_multiattach = type_is_multiattach(*type);
  if (to_multiattach != v->value("multiattach", false) && status != "available")
    return BadRequest("Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only "
                      "allowed on available volumes, the specified volume however currently has a status of: " +
                      status + ".");
  if ((*type)["id"] == (*v)["volume_type_id"])
    return BadRequest("Invalid input received: New volume_type same as original: " + new_type + ".");
  Json doc = *v;
  doc["status"] = "retyping";
  doc["retype_previous_status"] = status;
  if (Status st = save(doc); !st.ok()) return st;
  bool may_migrate = migration_policy == "on-demand";
  clock_.schedule(Duration::zero(),
                  [this, id, type_id = (*type)["id"].get<std::string>(), may_migrate] {
                    run_retype(id, type_id, may_migrate);
                  });
  return {};
}

void VolumeService::run_retype(const std::string& id, const std::string& type_id, bool may_migrate) {
  const Json* v = store_.get(kVolumeKind, id);
  const Json* type = store_.get("volume_type", type_id);
  if (!v || (*v)["status"] != "retyping") return;
  if (!type) return finish_retype(id, NotFound("Volume type " + type_id + " could not be found."));
  const std::string host = v->value("host", std::string());
  VolumeRequest request{(*v)["size"].get<long long>(), (*v)["availability_zone"], (*type)["extra_specs"]};
  std::vector<BackendState> candidates = backends_.candidates();
  auto here = std::find_if(candidates.begin(), candidates.end(), [&](const BackendState& b) { return b.host() == host; });
  // In place: the volume's own pool satisfies the new type (its space is already taken).
  if (here != candidates.end() && capabilities_pass(*here, request)) return finish_retype(id, {}, type_id);
  if (!may_migrate) return finish_retype(id, BadRequest("Retype needs migration but migration policy is 'never'."));
  if ((*v)["attach_status"] == "attached" || !store_.find(kSnapshotKind, "volume_id", id).empty())
    return finish_retype(id, BadRequest("Volume must be detached and without snapshots to migrate."));
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                  [&](const BackendState& b) { return b.host() == host; }),
                   candidates.end());
  auto chosen = scheduler_.select(candidates, request);
  if (!chosen.ok()) return finish_retype(id, chosen.status());
  VolumeDriver* target = backends_.driver(chosen->host());
  VolumeDriver* source = backends_.driver(host);
  Json moved = *v;
  moved["host"] = chosen->host();
  moved["thin"] = provisioned_thin(chosen->pool, request.extra_specs);
  Json migrating = *v;
  migrating["migration_status"] = "migrating";
  (void)save(migrating);
  VolumeRef old_ref = ref(*v), new_ref = ref(moved);
  Json placement = {{"host", moved["host"]}, {"thin", moved["thin"]}};
  // Cinder's generic migration: a new volume on the chosen backend, the data
  // copied across by the volume service (simulated), then the old one goes.
  target->create_volume(new_ref, [this, id, type_id, source, old_ref, placement](Status st) {
    if (!st.ok()) return finish_retype(id, st);
    auto done = [this, id, type_id, placement](Status) { finish_retype(id, {}, type_id, placement); };
    if (source)
      source->delete_volume(old_ref, done);
    else
      done(Status{});
  });
}

void VolumeService::finish_retype(const std::string& id, const Status& result, const std::string& type_id,
                                  const Json& placement) {
  const Json* v = store_.get(kVolumeKind, id);
  if (!v) return;
  Json doc = *v;
  doc["status"] = doc.value("retype_previous_status", std::string("available"));
  doc.erase("retype_previous_status");
  // A finished migration leaves no migration status (a set one would block the volume's deletion).
  doc["migration_status"] = nullptr;
  if (result.ok()) {
    doc["volume_type_id"] = type_id;
    // Cinder flips the flag when the retype is asked; here it follows the type
    // only once the volume has it (a refused retype keeps both).
    if (const Json* type = store_.get("volume_type", type_id)) doc["multiattach"] = type_is_multiattach(*type);
    if (placement.is_object()) doc.update(placement);
  } else {
    Log::get("cinder-scheduler").warning("retype of volume " + id + " failed: " + result.message());
  }
  (void)save(doc);
}

}  // namespace stacklab::volume
