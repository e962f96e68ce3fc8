#include "engine/compute/guest_directory.h"

namespace stacklab::compute {

namespace {

network::GuestState state_of(const Json& server) {
  network::GuestState g;
  g.id = server.value("id", "");
  g.name = server.value("name", "");
  g.project_id = server.value("project_id", "");
  g.status = server_status(server);
  g.power_state = server.value("power_state", 0);
  return g;
}

// The compute service reading for the network service, as Nova's own admin context.
Credentials system_reader() {
  Credentials c;
  c.roles = {"admin", "reader"};
  return c;
}

}  // namespace

std::optional<network::GuestState> ComputeGuestDirectory::guest(const std::string& id) const {
  auto server = servers_.get(system_reader(), id);
  if (!server.ok()) return std::nullopt;
  return state_of(*server);
}

Result<network::GuestState> ComputeGuestDirectory::find_server(const Credentials& caller,
                                                               const std::string& name_or_id) const {
  auto server = servers_.find(caller, name_or_id);
  if (!server.ok()) return server.status();
  return state_of(*server);
}

}  // namespace stacklab::compute
