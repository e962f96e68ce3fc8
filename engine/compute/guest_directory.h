// ComputeGuestDirectory: compute's answer to the network data plane's
// question "is the VM behind this port running, and which server is X"
// (network::GuestDirectory), read from the server records.
#pragma once

#include "engine/compute/servers.h"
#include "engine/network/dataplane.h"

namespace stacklab::compute {

class ComputeGuestDirectory : public network::GuestDirectory {
 public:
  explicit ComputeGuestDirectory(const ComputeService& servers) : servers_(servers) {}

  std::optional<network::GuestState> guest(const std::string& id) const override;
  // By id, else by exact name among the servers the caller sees (an admin: all projects).
  Result<network::GuestState> find_server(const Credentials& caller, const std::string& name_or_id) const override;

 private:
  const ComputeService& servers_;
};

}  // namespace stacklab::compute
