// The cinder-volume backends of the cloud (one driver each) and the
// os-services view of them: cinder-scheduler on the controller, one
// cinder-volume per backend ("openstackbootcamp@lvmdriver-1"), each enabled
// or disabled by an admin (persisted) and up or down (a backend that cannot
// be reached is down). Every method runs on the engine loop.
//
//   volume_service {id: "<binary>/<host>", binary, host, disabled, disabled_reason, updated_at}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/store.h"
#include "engine/ops/daemons.h"
#include "engine/volume/driver.h"
#include "engine/volume/volume_scheduler.h"

namespace stacklab::volume {

class VolumeBackends {
 public:
  // `scheduler_host`: where cinder-scheduler runs ("openstackbootcamp").
  VolumeBackends(Store& store, Clock& clock, const Policy& policy, std::string scheduler_host,
                 std::string availability_zone = "nova");

  // Adds a backend; the driver must outlive this.
  void add(VolumeDriver& driver);
  // The driver of "host@backend" or "host@backend#pool"; nullptr if none.
  VolumeDriver* driver(const std::string& host) const;
  // Pools of the backends that are up and enabled, for the scheduler.
  std::vector<BackendState> candidates() const;
  // The zones volumes may be created in (those of backends that are up).
  std::vector<std::string> availability_zones() const;
  const std::string& default_zone() const { return zone_; }

  // GET /os-services (admin), optionally filtered by host and binary.
  Result<std::vector<Json>> services(const Credentials& caller, const std::string& host,
                                     const std::string& binary) const;
  // PUT /os-services/enable|disable; 404 "Service <binary> at <host> could not be found."
  Result<Json> set_enabled(const Credentials& caller, const std::string& host, const std::string& binary, bool enabled,
                           const std::string& reason);
  // Which daemons run (default: all). A stopped cinder-volume is down: the
  // scheduler skips its backend, so a new volume goes to error; a stopped
  // cinder-scheduler shows down (the lab's builds do not wait for it).
  void set_daemon_check(DaemonCheck check) { daemons_ = std::move(check); }

  // Per-pool capacity, as GET /scheduler-stats/get_pools reports it.
  std::vector<Json> pools() const;

 private:
  bool disabled(const std::string& binary, const std::string& host) const;
  // The driver can be reached and its cinder-volume daemon runs.
  bool backend_up(const VolumeDriver& driver) const;
  DaemonCheck daemons_;

  Store& store_;
  Clock& clock_;
  const Policy& policy_;
  std::string scheduler_host_, zone_;
  std::vector<VolumeDriver*> drivers_;
};

}  // namespace stacklab::volume
