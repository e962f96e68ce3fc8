// ComputeGuestInventory: compute's answer to "what is this server's guest"
// (GuestInventory), read from Nova's server record, its key pair, its
// block device mappings with Cinder's volumes, and Glance's image — each
// through its service's public header, as Nova's own admin context.
#pragma once

#include "engine/compute/keypairs.h"
#include "engine/compute/server_volumes.h"
#include "engine/compute/servers.h"
#include "engine/compute/volume_api.h"
#include "engine/guest/guest_machine.h"
#include "engine/image/image_service.h"

namespace stacklab::guest {

class ComputeGuestInventory : public GuestInventory {
 public:
  ComputeGuestInventory(const compute::ComputeService& servers, const compute::KeypairService& keypairs,
                        const compute::ServerVolumes& server_volumes, const compute::VolumeApi& volumes,
                        const image::ImageService& images)
      : servers_(servers), keypairs_(keypairs), server_volumes_(server_volumes), volumes_(volumes), images_(images) {}

  std::optional<GuestRecord> record(const std::string& id) const override;
  // By id, else by exact name among the servers the caller sees (an admin: all projects).
  Result<GuestRecord> find(const Credentials& caller, const std::string& name_or_id) const override;

 private:
  GuestRecord record_of(const Json& server) const;

  const compute::ComputeService& servers_;
  const compute::KeypairService& keypairs_;
  const compute::ServerVolumes& server_volumes_;
  const compute::VolumeApi& volumes_;
  const image::ImageService& images_;
};

}  // namespace stacklab::guest
