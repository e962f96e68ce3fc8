// ServiceRegistry: Nova's service records (os-services) and its
// servicegroup (is a service up?), with the periodic tasks that keep them
// alive.
//
//   service {id (uuid), seq (Nova's integer id), binary, host, zone_kind
//            ("compute" | "internal"), disabled, disabled_reason (or null),
//            forced_down, node_seq (nova-compute: its compute node's
//            integer id), created_at, updated_at}
//
// One nova-compute record per managed node, and nova-scheduler and
// nova-conductor on the controller host ([DEFAULT] host, the lab's
// openstackbootcamp), created at start() when missing. Heartbeats are kept
// in memory: every report_interval (10 s) each service reports its state;
// a nova-compute whose hypervisor cannot be reached (get_available_resource
// fails: the simulated host is down) does not. A service is up when it is
// not forced down and reported within service_down_time (60 s). Every
// update_resources_interval (60 s) the ResourceTracker reports every
// reachable node to placement (aggregates are left to the AggregateService).
// Both tasks run on the injected Clock, so virtual time drives them.
// Every method runs on the engine loop.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/compute/driver.h"
#include "engine/compute/resource_tracker.h"
#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/ops/daemons.h"
#include "engine/scheduler/placement_host_states.h"

namespace stacklab::compute {

// nova.conf's servicegroup and periodic-task options.
struct ServiceGroupOptions {
  Duration report_interval = std::chrono::seconds(10);
  Duration service_down_time = std::chrono::seconds(60);
  Duration update_resources_interval = std::chrono::seconds(60);
  std::string controller_host = "openstackbootcamp";  // [DEFAULT] host of the controller services
  std::string default_availability_zone = "nova";
  std::string internal_service_availability_zone = "internal";
  static ServiceGroupOptions from_config(const Config& config);
};

// A hypervisor this cloud manages: its nova-compute host and driver.
struct ManagedNode {
  std::string host;
  const ComputeDriver* driver = nullptr;
  std::set<std::string> traits;  // reported to placement with its resources
};

// What PUT /os-services changes; unset = unchanged.
struct ServiceUpdate {
  std::optional<bool> disabled;
  std::optional<std::optional<std::string>> disabled_reason;  // nullopt inside = null
  std::optional<bool> forced_down;
};

// Nova's timestamps in service and aggregate views: "2026-01-01T00:00:00.000000".
std::string nova_timestamp(TimePoint t);

class ServiceRegistry {
 public:
  ServiceRegistry(Store& store, Clock& clock, Random& random, const Policy& policy, ResourceTracker& tracker,
                  std::vector<ManagedNode> nodes, ServiceGroupOptions options = {});
  ~ServiceRegistry();
  ServiceRegistry(const ServiceRegistry&) = delete;
  ServiceRegistry& operator=(const ServiceRegistry&) = delete;

  // Creates the missing records, reports every node's resources and every
  // service's state once, and schedules the periodic tasks.
  Status start();
  // Cancels the periodic tasks.
  void stop();
  bool running() const { return report_timer_.has_value() || resources_timer_.has_value(); }

  // The periodic tasks' bodies (also callable directly).
  void report_states();
  void update_resources();

  // ---- reading --------------------------------------------------------------
  bool is_up(const Json& service) const;
  // The record with "state" ("up"/"down") and "updated_at" (last heartbeat) resolved.
  Json view(const Json& service) const;
  // 403 by policy. Filtered by host and binary ("" = any), ordered by seq.
  Result<std::vector<Json>> list(const Credentials& caller, const std::string& host = "",
                                 const std::string& binary = "") const;
  // Every record, ordered by seq (no policy: for other engine modules).
  std::vector<Json> all() const;
  // The nova-compute record of a host, or nullptr.
  const Json* compute_service(const std::string& host) const;
  const std::vector<ManagedNode>& nodes() const { return nodes_; }
  const ManagedNode* node(const std::string& host) const;
  const ServiceGroupOptions& options() const { return options_; }

  // ---- changing (admin) -----------------------------------------------------
  // 2.53+: by uuid. 404 unknown, 400 for a service other than nova-compute.
  Result<Json> update(const Credentials& caller, const std::string& uuid, const ServiceUpdate& update);
  // Below 2.53: by host and binary (404 "Host <h> with binary <b> could not be found.").
  Result<Json> update_by_host(const Credentials& caller, const std::string& host, const std::string& binary,
                              const ServiceUpdate& update);
  // By uuid (2.53+) or integer id. A nova-compute hosting instances: 409.
  Status remove(const Credentials& caller, const std::string& id, bool by_uuid);

  // Called after a nova-compute record is deleted (e.g. to take the host out of its aggregates).
  void on_compute_deleted(std::function<void(const std::string& host)> hook) { compute_deleted_ = std::move(hook); }

  // Called when a host's nova-compute comes up: for every node at start()
  // (Nova's init_host) and when a down one reports again or is no longer
  // forced down (e.g. to clean up what was evacuated off it meanwhile).
  void on_compute_up(std::function<void(const std::string& host)> hook) { compute_up_ = std::move(hook); }

  // Which daemons run (default: all). A stopped one sends no heartbeat and is
  // down at once (the lab does not wait service_down_time for it).
  void set_daemon_check(DaemonCheck check) { daemons_ = std::move(check); }

  // Service status for the scheduler: sets every node's ServiceStatus.
  void apply_to(scheduler::HostStateSources& sources) const;

 private:
  Status ensure(const std::string& binary, const std::string& host, const std::string& zone_kind);
  Result<Json> apply(const Credentials& caller, Json service, const ServiceUpdate& update);
  void schedule_report();
  void schedule_resources();
  const Json* find(const std::string& host, const std::string& binary) const;
  // Calls compute_up_ for each nova-compute that is up now and was not at
  // the last look (start() forgets what it saw: every one comes up).
  void notice_compute_states();

  Store& store_;
  Clock& clock_;
  Random& random_;
  const Policy& policy_;
  ResourceTracker& tracker_;
  std::vector<ManagedNode> nodes_;
  ServiceGroupOptions options_;
  std::map<std::string, TimePoint> heartbeat_;  // service uuid -> last report
  std::optional<TimerId> report_timer_, resources_timer_;
  std::function<void(const std::string&)> compute_deleted_, compute_up_;
  std::map<std::string, bool> compute_was_up_;  // host -> nova-compute up at the last look
  DaemonCheck daemons_;
  bool daemon_running(const Json& service) const;
};

}  // namespace stacklab::compute
