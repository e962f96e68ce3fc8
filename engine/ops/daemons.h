// DaemonRegistry: the simulated OpenStack daemons of the cloud (keystone,
// glance-api, nova-api, nova-scheduler, nova-compute per host, the neutron
// agents, cinder-volume, ...), each running or stopped, for the lab's
// troubleshooting day (the book's `service <name> status|stop|start`).
//
//   daemon {id: name, binary, host, state: "running" | "stopped", since_us}
//
// A daemon is named by its binary on the controller host ("nova-compute")
// and by "<binary>@<host>" elsewhere ("nova-compute@compute-2"). Only
// daemons once stopped or started by hand have a row: one without runs since
// the cloud started, so a snapshot or a state from an older version needs no
// migration. Every change is written to the daemon's own log
// (<state_dir>/logs/<binary>.log, via Log) with the registry's clock.
//
// The services do not know this class: each asks a DaemonCheck ("is
// nova-compute on host X running?") that the cloud wires to running().
// Every method runs on the engine loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab {

// "Is `binary` on `host` running?" What a service asks before acting as that daemon.
using DaemonCheck = std::function<bool(const std::string& binary, const std::string& host)>;

// What kind of process a daemon is, for what stopping it does.
enum class DaemonKind {
  kApi,     // serves a REST endpoint: stopped, the endpoint answers 503
  kWorker,  // takes RPC casts (scheduler, conductor, cinder-volume): stopped, work waits or fails
  kAgent,   // reports to a server (nova-compute, neutron agents): stopped, it shows down / dead
};

struct Daemon {
  std::string name;     // "nova-compute" on the controller, "nova-compute@compute-2" elsewhere
  std::string binary;   // "nova-compute"
  std::string host;     // "openstackbootcamp"
  std::string service;  // the OpenStack project: "nova"
  DaemonKind kind = DaemonKind::kWorker;
  bool running = true;
  TimePoint since;  // when it last started or stopped
};

class DaemonRegistry {
 public:
  // `controller_host`: where the controller daemons run (and whose daemons go by their binary alone).
  DaemonRegistry(Store& store, Clock& clock, std::string controller_host);

  // Declares a daemon (idempotent). The controller's daemons of the book's
  // all-in-one lab are added by add_lab_controller(); compute hosts by add().
  void add(const std::string& binary, const std::string& host, const std::string& service, DaemonKind kind);
  // keystone, glance-api, nova-api/scheduler/conductor/novncproxy, placement-api,
  // neutron-server and its agents, cinder-api/scheduler/volume/backup on the controller.
  void add_lab_controller();

  // Every daemon, in declaration order.
  std::vector<Daemon> list() const;
  // By name ("nova-compute@compute-2"), or by binary when that names exactly one.
  // 404 unknown, 409 a binary that runs on several hosts (the message lists them).
  Result<Daemon> find(const std::string& name) const;
  bool running(const std::string& binary, const std::string& host) const;
  // A DaemonCheck bound to this registry.
  DaemonCheck check() const;

  // Stops / starts one daemon. Idempotent: stopping a stopped daemon changes
  // nothing (and logs nothing). Returns the daemon as it is now.
  Result<Daemon> stop(const std::string& name);
  Result<Daemon> start(const std::string& name);
  // Starts every stopped daemon (a fresh `stack.sh`).
  Status start_all();

  // Called after any daemon started or stopped (e.g. to report a nova-compute at once).
  void on_change(std::function<void(const Daemon&)> hook) { hooks_.push_back(std::move(hook)); }

  const std::string& controller_host() const { return controller_host_; }
  // The name a daemon of `binary` on `host` goes by.
  std::string name_of(const std::string& binary, const std::string& host) const;

 private:
  struct Entry {
    std::string binary, host, service;
    DaemonKind kind;
  };
  Daemon view(const Entry& e) const;
  Result<Daemon> set_running(const std::string& name, bool running);

  Store& store_;
  Clock& clock_;
  std::string controller_host_;
  TimePoint started_at_;
  std::vector<Entry> entries_;
  std::vector<std::function<void(const Daemon&)>> hooks_;
};

// "running" | "stopped", "api" | "worker" | "agent".
const char* daemon_kind_name(DaemonKind kind);

}  // namespace stacklab
