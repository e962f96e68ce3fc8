// FaultLab: the troubleshooting day's faults (the book's Ch9 and the
// natural ones of architecture.md §5.4), injected into a running cloud by
// `stacklab lab break SCENARIO` and graded by `stacklab lab check day9`.
//
//   lab_fault {id: "current", scenario, injected_at_us}
//
// The injected scenario is stored, so a restarted cloud still has it (its
// stopped daemons are stored by the DaemonRegistry). Grading looks at the
// live state only: the daemon runs again and, where the fault stopped boots,
// a server created after the fault reached ACTIVE. Every method runs on the
// engine loop.
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
  std::string name;                  // "nova-compute-down"
  std::string symptom;               // what the student sees, in the book's terms
  std::vector<std::string> stopped;  // the daemons' binaries it stops (on every host they run on)
  bool needs_new_boot = false;       // fixed only once a new server boots
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
  // `active_server_since(t)`: is a server created at or after t ACTIVE now (any project)?
  FaultLab(Store& store, Clock& clock, DaemonRegistry& daemons, std::function<bool(TimePoint)> active_server_since);

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
  std::function<bool(TimePoint)> active_server_since_;
};

}  // namespace stacklab
