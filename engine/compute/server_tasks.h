// ServerTasks: what every server action (engine/compute/server_actions.h,
// server_moves.h) needs of the cloud, and the steps they share: find the
// server as the API does (404 / 403 / 409 locked / 409 wrong state), save
// it, and run one hypervisor operation the way Nova's compute manager does
// (event recorded, task_state cleared at the end, a deletion that came in
// meanwhile wins).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/compute/driver.h"
#include "engine/compute/instance_actions.h"
#include "engine/compute/servers.h"
#include "engine/image/driver.h"

namespace stacklab::compute {

struct ServerTasksDeps {
  Store& store;
  Clock& clock;
  Random& random;
  const Policy& policy;
  ComputeService& servers;
  FlavorService& flavors;
  image::ImageService& images;
  image::ImageStore& image_data;
  placement::PlacementService& placement;
  scheduler::FilterScheduler& scheduler;
  ComputeHosts hosts;
  InstanceActionLog& log;
};

// What a guarded action checks before it starts.
struct ActionGuard {
  std::string rule;                             // policy rule, e.g. os_compute_api:os-pause-server:pause
  std::string action;                           // the name in Nova's 409 text ("pause", "createImage")
  std::vector<std::string> vm_states;           // empty = any
  std::vector<std::string> task_states = {""};  // "" = None
  bool check_locked = true;
};

class ServerTasks {
 public:
  explicit ServerTasks(ServerTasksDeps deps) : d(std::move(deps)) {}

  // The server, or 404 (unknown, other project), 403 (policy), 409 (locked,
  // state), in Nova's order.
  Result<Json> prepare(const RequestContext& ctx, const std::string& id, const ActionGuard& guard) const;
  // Stores the server with a fresh updated_at.
  Status save(Json server);
  // The stored, not deleted server.
  std::optional<Json> load(const std::string& uuid) const;
  // The driver of the server's host, nullptr without one.
  ComputeDriver* driver_of(const Json& server) const;
  ComputeDriver* driver_on(const std::string& host) const;

  using Operation = std::function<void(ComputeDriver&, ComputeDriver::Done)>;
  // Runs `op` on the server's host as event `event` of the request's action:
  // then, unless the server was deleted meanwhile, `after(server, status)`
  // updates it (its task_state is cleared first) and it is saved.
  void run(const std::string& request_id, const std::string& uuid, const std::string& event, Operation op,
           std::function<void(Json&, const Status&)> after);
  // Sets task_state (and anything `change` adds) and saves.
  Status set_task(Json& server, const std::string& task_state);

  // A server's "fault" for a failed operation: {code 500, message, created}.
  Json fault(const Status& failure) const;

  // Nova's generated admin password (12 characters, no look-alikes).
  std::string generate_password();
  std::string now_seconds() const;
  std::string now_micro() const;

  ServerTasksDeps d;
};

}  // namespace stacklab::compute
