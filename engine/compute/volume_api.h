// VolumeApi: the compute side's view of block storage (Nova's
// nova/volume/cinder.py API), over volume::VolumeService.
//
// Nova drives Cinder's legacy attach hand-off (volume_service.h): the API
// reserves the volume; the compute host initializes the connection for its
// connector, plugs the disk and tells Cinder it is attached; detaching runs
// the same steps backwards. Lookups made for a user's request run as that
// user (so another project's volume is "not found"); the steps made for an
// instance run as the compute service (admin, scoped to the instance's
// project), as Nova's service token does. Failures are returned with Nova's
// messages. Every method runs on the engine loop.
#pragma once

#include <string>

#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/volume/volume_service.h"

namespace stacklab::compute {

class VolumeApi {
 public:
  explicit VolumeApi(volume::VolumeService& volumes) : volumes_(volumes) {}

  // The volume as `caller` sees it; 404 "Volume <id> could not be found."
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // The volume as the instance's project sees it (after a restart, a build).
  Result<Json> get_for(const Json& instance, const std::string& id) const;
  // Nova's check_attach: 400 "Invalid volume: volume '<id>' status must be
  // 'available'. Currently in '<status>'" (an in-use multiattach volume may
  // be attached again).
  static Status check_attach(const Json& volume);

  // available -> attaching (Cinder's messages on refusal, as 400).
  Status reserve(const Json& instance, const std::string& volume_id);
  // attaching -> available, the attach having failed. Idempotent.
  void unreserve(const Json& instance, const std::string& volume_id);
  // The connection for the instance's host (none without a host: a shelved
  // offloaded instance), then Cinder's attach; the attachment's id.
  Result<std::string> attach(const Json& instance, const std::string& volume_id, const std::string& device);
  // in-use -> detaching.
  Status begin_detaching(const Json& instance, const std::string& volume_id);
  // detaching -> in-use, the detach having failed.
  void roll_detaching(const Json& instance, const std::string& volume_id);
  // The connection removed and Cinder's detach of `attachment_id`; a volume
  // already detached is fine (cleanup is idempotent).
  Status detach(const Json& instance, const std::string& volume_id, const std::string& attachment_id);

  // A volume made for an instance (boot from volume), in its project.
  Result<Json> create(const Json& instance, const volume::NewVolume& request);
  // Deletes a volume of the instance's project (delete_on_termination).
  Status remove(const Json& instance, const std::string& volume_id);
  // The snapshot as `caller` sees it; 404 "Snapshot <id> could not be found."
  Result<Json> get_snapshot(const Credentials& caller, const std::string& id) const;
  // Nova's create_snapshot_force: a snapshot of a volume, in-use or not, made as `caller`.
  Result<Json> create_snapshot_force(const Credentials& caller, const std::string& volume_id, const std::string& name,
                                     const std::string& description);
  Status remove_snapshot(const Credentials& caller, const std::string& id);

 private:
  volume::VolumeService& volumes_;
};

}  // namespace stacklab::compute
