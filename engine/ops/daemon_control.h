// What the daemons mean beyond running or stopped, over a DaemonRegistry:
// a restart (the daemon reads its config anew), and whether an agent is
// heard from at all (agents report over the message queue).
#pragma once

#include <string>

#include "engine/ops/daemons.h"

namespace stacklab {

// Stops the daemon (when running) and starts it again: both logged, both
// seen by the registry's hooks. 404/409 as DaemonRegistry::find.
Result<Daemon> restart_daemon(DaemonRegistry& daemons, const std::string& name);

// Is an agent (nova-compute, the neutron agents) heard from: it runs, and so
// does rabbitmq-server on the controller, the queue its reports and RPC go
// through? Other daemons: whether they run.
bool daemon_reporting(const DaemonRegistry& daemons, const std::string& binary, const std::string& host);
// daemon_reporting() as a DaemonCheck, for the services that list agents.
DaemonCheck reporting_check(const DaemonRegistry& daemons);

}  // namespace stacklab
