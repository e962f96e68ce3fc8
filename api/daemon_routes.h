// The simulated daemons and the troubleshooting day's faults, for operators:
//
//   GET  /_stacklab/services                  -> 200 {"services": [daemon, ...]}
//   GET  /_stacklab/services/{name}?lines=N   -> 200 {"service": daemon + "log_tail": [last N lines]}
//   POST /_stacklab/services/{name}/stop      -> 200 {"service": daemon}
//   POST /_stacklab/services/{name}/start     -> 200 {"service": daemon}
//   POST /_stacklab/services/{name}/restart   -> 200 {"service": daemon}
//   GET  /_stacklab/configs/{service}         -> 200 {"config": {"service", "path", "text"}} (nova, glance,
//                                                neutron, cinder: the file is written first if needed)
//   GET  /_stacklab/lab/faults                -> 200 {"scenarios": [...], "current": {...} | null,
//                                                     "checks": [{"task", "done", "missing"}]}
//   POST /_stacklab/lab/faults {"scenario": S} -> 201 {"fault": {"scenario", "injected_at"}}
//
//   daemon {name, binary, host, service, kind, state: "running" | "stopped",
//           active: "active" | "inactive", since, log_file}
//
// Admin only. The caller proves it with an X-Auth-Token, or, since keystone
// itself may be the daemon that is stopped, with Swift tempauth's headers
// X-Auth-User "project:user" and X-Auth-Key (the password), checked in
// process the way a host's root does not need keystone to run systemctl.
// Errors in Keystone's shape (401, 403, 404 unknown daemon, scenario or
// config, 409 a binary on several hosts).
#pragma once

#include <string>

#include "api/router.h"
#include "engine/identity/identity_service.h"
#include "engine/ops/daemons.h"
#include "engine/ops/fault_lab.h"
#include "engine/ops/service_configs.h"

namespace stacklab::api {

struct DaemonRouteDeps {
  DaemonRegistry& daemons;
  FaultLab& faults;
  identity::IdentityService& identity;
  std::string log_dir;                // where the daemons' logs are ("" = none kept)
  ServiceConfigs* configs = nullptr;  // the services' config files (null: none modelled)
};

void add_daemon_routes(Router& router, DaemonRouteDeps deps);

}  // namespace stacklab::api
