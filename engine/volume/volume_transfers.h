// Volume transfers (Cinder's os-volume-transfer): the owner of an available
// volume offers it, gets a transfer id and a one-time auth key, and whoever
// presents both takes the volume (and its snapshots) into their project,
// within their quota. Meanwhile the volume is "awaiting-transfer".
//
//   volume_transfer {id, volume_id, project_id (giver), name, salt,
//                    crypt_hash (sha256 of salt + auth key), created_at}
//
// Every method runs on the engine loop.
#pragma once

#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/store.h"
#include "engine/volume/volume_quotas.h"

namespace stacklab::volume {

class VolumeTransfers {
 public:
  VolumeTransfers(Store& store, Clock& clock, Random& random, const Policy& policy, const VolumeQuotas& quotas);

  // The transfer with its "auth_key" (shown this once). 400 "Invalid volume:
  // Status of volume must be available" for a volume in another state.
  Result<Json> create(const Credentials& caller, const std::string& volume_id, const std::string& name);
  // 404 "Transfer <id> could not be found." also for another project's.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // The caller's project's transfers; every project's for an admin's `all_tenants`.
  std::vector<Json> list(const Credentials& caller, bool all_tenants) const;
  // Cancels: the volume is available again.
  Status remove(const Credentials& caller, const std::string& id);
  // Moves the volume and its snapshots to the caller's project. 400 "Invalid
  // auth key: Attempt to transfer <id> with invalid auth key."; 413 over quota.
  Result<Json> accept(const Credentials& caller, const std::string& id, const std::string& auth_key);

 private:
  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  const VolumeQuotas& quotas_;
};

}  // namespace stacklab::volume
