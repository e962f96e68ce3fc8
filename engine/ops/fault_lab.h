// FaultLab: the troubleshooting day's faults (the book's Ch9 and the
// natural ones of architecture.md §5.4), injected into a running cloud by
// `stacklab lab break SCENARIO` and graded by `stacklab lab check day9`.
//
//   lab_fault {id: "current", scenario, injected_at_us, filler_volume_id}
//
// The injected scenario is stored, so a restarted cloud still has it (its
// stopped daemons are stored by the DaemonRegistry). Grading looks at the
// live state only: the daemon runs again and, where the fault stopped boots,
// a server created after the fault reached ACTIVE; where it starved new
// guests of DHCP, a guest booted or rebooted after it got its lease; where it filled the
// volume backend (with an admin's forgotten volume), a volume created after
// the fault is available; where it broke a service's password in its
// config file, its API daemon has since started with the right one. Every method runs on the engine loop.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"
#include "engine/core/store.h"
#include "engine/ops/daemons.h"

namespace stacklab {

struct FaultScenario {
  std::string name;                   // "nova-compute-down"
  std::string symptom;                // what the student sees, in the book's terms
  std::vector<std::string> stopped;   // the daemons' binaries it stops (on every host they run on)
  bool needs_new_boot = false;        // fixed only once a new server boots
  bool fills_volume_backend = false;  // fills it, and is fixed only once a new volume is available
  bool needs_leased_boot = false;     // fixed only once a guest boots (or reboots) and gets its DHCP lease
  std::string wrong_password_of;      // the service (nova) whose config file gets a wrong keystone_authtoken password
};

// What the faults reach beyond the daemons, through the services' own APIs (wired by the cloud).
struct FaultHooks {
  // Is a server created at or after t ACTIVE now (any project)?
  std::function<bool(TimePoint)> active_server_since;
  // Creates a volume taking the backend's free space; its id.
  std::function<Result<std::string>()> fill_volume_backend;
  // Is a volume created at or after t, other than `except_id`, available now (any project)?
  std::function<bool(TimePoint, const std::string& except_id)> available_volume_since;
  // Did a guest boot at or after t with a DHCP lease on each interface (GuestLeases)?
  std::function<bool(TimePoint)> leased_boot_since;
  // Writes a wrong [keystone_authtoken] password into the service's config file and restarts its API daemon.
  std::function<Status(const std::string& service)> break_service_password;
  // Did the service's API daemon, when it last started, authenticate to keystone with its config's credentials?
  std::function<bool(const std::string& service)> service_credentials_accepted;
};

// One graded point of day 9: done, or what is missing in one sentence.
struct FaultCheck {
  std::string task;
  bool done = false;
  std::string missing;
};

struct InjectedFault {
  std::string scenario;
  TimePoint injected_at;
};

class FaultLab {
 public:
  FaultLab(Store& store, Clock& clock, DaemonRegistry& daemons, FaultHooks hooks);

  static const std::vector<FaultScenario>& scenarios();
  // 404 for an unknown scenario (the message lists the known ones). Stops
  // its daemons and records it, replacing a fault injected before.
  Result<InjectedFault> inject(const std::string& scenario);
  std::optional<InjectedFault> current() const;
  // The checks of the current fault; with none injected, one check not done.
  std::vector<FaultCheck> grade() const;

 private:
  Store& store_;
  Clock& clock_;
  DaemonRegistry& daemons_;
  FaultHooks hooks_;
};

}  // namespace stacklab
