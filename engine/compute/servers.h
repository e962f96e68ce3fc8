// ComputeService: Nova's servers (create / get / list / delete), the first
// slice of the compute API and manager.
//
//   server {id (uuid), seq (Nova's integer id), name (display name),
//           instance_name ("instance-%08x" of seq), hostname, project_id, user_id,
//           image_ref, flavor {id, original_name, vcpus, ram, disk, ephemeral,
//           swap, extra_specs}, key_name (or null), metadata {}, admin_pass,
//           vm_state, task_state (or null), power_state (int), host, node
//           (or null), availability_zone, fault (or absent: {code, message,
//           created}), reservation_id, launch_index, config_drive,
//           access_ipv4, access_ipv6, description (or null), locked,
//           tags [], created_at, updated_at, launched_at, terminated_at,
//           deleted}
//
// Lifecycle (Nova's): create stores each instance BUILDING with task_state
// "scheduling"; the build runs asynchronously on the engine loop through
// the Clock: placement's allocation candidates -> FilterScheduler with the
// PlacementClaimer (the instance uuid is the consumer) -> ports ->
// task_state "block_device_mapping" when the server has volumes (made and
// attached by ServerVolumes) -> task_state "spawning" -> the host's
// ComputeDriver::spawn -> ACTIVE, power state
// RUNNING. No valid host (or a failed spawn): ERROR with a fault of code 500
// and Nova's message; the allocations are released. A failed spawn is first
// retried on the scheduler's alternates (engine/compute/build_alternates.h). Delete: task_state
// "deleting", the driver's destroy, the allocations released, vm_state
// "deleted" (kept, hidden from reads unless an admin lists deleted=true).
// Every method runs on the engine loop.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/compute/build_alternates.h"
#include "engine/compute/driver.h"
#include "engine/compute/flavors.h"
#include "engine/compute/network_api.h"
#include "engine/compute/quotas.h"
#include "engine/compute/server_groups.h"
#include "engine/compute/server_volumes.h"
#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/image/image_service.h"
#include "engine/ops/daemons.h"
#include "engine/placement/placement_service.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/scheduler/placement_host_states.h"

namespace stacklab::compute {

// Nova's status as the API shows it, from vm_state and task_state.
std::string server_status(const Json& server);

struct ServerCreate {
  std::string name;
  std::string image_ref, flavor_ref;
  std::string key_name;  // "" = none
  Json metadata = Json::object();
  std::string availability_zone;  // "" = the default
  std::string admin_pass;         // "" = generated
  std::optional<std::string> description;
  std::string access_ipv4, access_ipv6;
  bool config_drive = false;
  int min_count = 1, max_count = 1;
  std::vector<std::string> tags;
  // os:scheduler_hints (group, same_host, different_host, ...); each a list.
  std::map<std::string, std::vector<std::string>> scheduler_hints;
  NetworkRequest networking;  // checked in create(), allocated by the build (with a NetworkApi)
  // block_device_mapping_v2: checked in create(), made and attached by the build (with ServerVolumes).
  std::vector<RequestedBlockDevice> block_devices;
  bool multiattach_allowed = false;  // the microversion is 2.60 or later (a multiattach volume may be mapped)
};

struct ServerFilter {
  bool all_tenants = false;      // admins only (checked by the service)
  std::string project_id;        // with all_tenants: only this project
  bool deleted = false;          // admins only: the deleted ones
  bool include_deleted = false;  // live and deleted ones (changes-since)
};

// What the compute service needs from the hypervisors it manages.
struct ComputeHosts {
  // The driver of a host (nullptr if unknown).
  std::function<ComputeDriver*(const std::string& host)> driver;
  // What the scheduler needs beyond placement (zones, node facts, service status).
  std::function<scheduler::HostStateSources()> sources;
  // Re-creates, at once, an instance a restarted hypervisor lost (the
  // simulated hosts keep guests in memory); unset = the hypervisor kept it.
  std::function<Status(const std::string& host, const InstanceSpec& spec, PowerState state)> restore;
};

// What recover() did at start.
struct RecoveryReport {
  int restored = 0;      // ACTIVE/SHUTOFF/PAUSED/SUSPENDED, domain re-created
  int build_failed = 0;  // were BUILD: now ERROR, allocations released
  int deleted = 0;       // were deleting: deletion finished
  int host_gone = 0;     // their host is not in the fleet: ERROR, allocations kept
};

class ComputeService {
 public:
  ComputeService(Store& store, Clock& clock, Random& random, const Policy& policy, FlavorService& flavors,
                 image::ImageService& images, placement::PlacementService& placement,
                 scheduler::FilterScheduler& scheduler, ComputeHosts hosts, QuotaService* quotas = nullptr,
                 ServerGroupService* server_groups = nullptr, NetworkApi* network = nullptr,
                 ServerVolumes* volumes = nullptr);

  // 400 for a missing/unknown/inactive image or unknown flavor, bad counts;
  // 403 by policy. Returns the new servers (BUILD); the build goes on asynchronously.
  Result<std::vector<Json>> create(const Credentials& caller, const ServerCreate& request);
  // 404 "Instance <id> could not be found." unless visible to the caller.
  Result<Json> get(const Credentials& caller, const std::string& id) const;
  // Visible servers, newest first (Nova's default sort: created_at desc).
  Result<std::vector<Json>> list(const Credentials& caller, const ServerFilter& filter) const;
  // The same servers without copying them: pointers into the store, valid
  // until the next write (use them within the current engine-loop task). A
  // list page copies only what it shows (10,000 servers: see bench/RESULTS.md).
  Result<std::vector<const Json*>> list_refs(const Credentials& caller, const ServerFilter& filter) const;
  // The server `name_or_id` as `caller` sees it: by id, else by exact name
  // among the servers it may list (an admin: every project). 404 as Nova's
  // clients word it, 409 when the name is ambiguous.
  Result<Json> find(const Credentials& caller, const std::string& name_or_id) const;
  // Starts deleting; the record turns deleted asynchronously.
  Status remove(const Credentials& caller, const std::string& id);

  // Nova's init_host after a restart, once, before serving: every stored
  // server that was ACTIVE/SHUTOFF/PAUSED/SUSPENDED on a host gets its
  // domain back (same power state; placement already holds its
  // allocations); one caught in BUILD goes to ERROR with a fault ("Instance
  // was in BUILD when the service restarted") and loses its allocations; one
  // being deleted finishes its deletion; one whose host no longer exists
  // goes to ERROR with a fault, allocations kept (as Nova leaves them until
  // the host returns or is removed).
  RecoveryReport recover();

  // The instances' networking; nullptr = servers have no interfaces.
  NetworkApi* network() const { return network_; }
  // The instances' volumes; nullptr = servers have none (no block storage).
  ServerVolumes* volumes() const { return volumes_; }

  // The compute policy's `rule` for the caller on a server it can see (403 otherwise).
  Status authorize_on(const Credentials& caller, const std::string& rule, const Json& server) const;

  // Admin-only views (OS-EXT-SRV-ATTR) are allowed for this caller?
  bool can_see_host_attributes(const Credentials& caller) const;

  // What the hypervisor and the scheduler are told about a stored server
  // (server actions re-spawn and re-schedule with them).
  InstanceSpec instance_spec(const Json& server) const;
  scheduler::RequestSpec request_spec(const Json& server) const;
  // Which daemons run (default: all). While nova-conductor or nova-scheduler
  // on `controller_host` is stopped, a new build's cast waits in the queue:
  // the server stays BUILD/scheduling until resume_parked_builds() after the
  // daemon is back (the queue is in memory: a restart fails them as any
  // interrupted build).
  void set_daemon_check(DaemonCheck check, std::string controller_host) {
    daemons_ = std::move(check);
    controller_host_ = std::move(controller_host);
  }
  // Builds the parked casts once both daemons run again; otherwise nothing.
  void resume_parked_builds();

  // Called after each save with the stored server before (null if new) and
  // after: the instance-action log follows builds with it.
  std::function<void(const Json& before, const Json& after)> on_saved;

 private:
  Status save(Json doc);
  void build(const std::vector<std::string>& uuids);
  bool build_daemons_running() const;
  DaemonCheck daemons_;
  std::string controller_host_;
  std::vector<std::vector<std::string>> parked_builds_;
  // The build's block_device_mapping step (volumes made and attached), then the spawn.
  void prepare_volumes_then_spawn(const std::string& uuid);
  void spawn(const std::string& uuid);
  void fail_build(const std::string& uuid, const std::string& message);
  // A spawn failed on the instance's host: release its allocation and
  // (max_attempts > 1) retry on the next alternate, else fail the build.
  void reschedule(const std::string& uuid, const std::string& message);
  void retry_build(const std::string& uuid);  // the conductor's part of a reschedule
  void destroy(const std::string& uuid);
  void finish_delete(const std::string& uuid);
  Json* live(const std::string& uuid);  // a copy holder: nullptr when gone or deleted
  // The mappings an image made from a volume-backed server carries (its
  // root a volume from a snapshot), added to a create's requested ones.
  void add_image_defined_devices(const Credentials& caller, const std::string& image_ref,
                                 std::vector<RequestedBlockDevice>& requested) const;
  // How many of min_count..max_count servers the quotas admit (403 otherwise), group checked.
  Result<int> admit(const Credentials& caller, const ServerCreate& request, const Json& flavor) const;

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  FlavorService& flavors_;
  image::ImageService& images_;
  placement::PlacementService& placement_;
  scheduler::FilterScheduler& scheduler_;
  ComputeHosts hosts_;
  QuotaService* quotas_ = nullptr;               // unset: no quota enforcement
  ServerGroupService* server_groups_ = nullptr;  // unset: the group hint is ignored
  NetworkApi* network_ = nullptr;                // unset: no ports (the virtual-time fleets)
  ServerVolumes* volumes_ = nullptr;             // unset: no volumes, block_device_mapping_v2 ignored
  BuildAlternates alternates_{placement_};       // per instance being built: hosts left to retry on
  Json scratch_;
};

}  // namespace stacklab::compute
