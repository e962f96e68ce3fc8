#include "engine/ops/daemon_control.h"

namespace stacklab {

Result<Daemon> restart_daemon(DaemonRegistry& daemons, const std::string& name) {
  if (auto stopped = daemons.stop(name); !stopped.ok()) return stopped.status();
  return daemons.start(name);
}

bool daemon_reporting(const DaemonRegistry& daemons, const std::string& binary, const std::string& host) {
  if (!daemons.running(binary, host)) return false;
  auto d = daemons.find(daemons.name_of(binary, host));
  if (!d.ok() || d->kind != DaemonKind::kAgent) return true;
  return daemons.running("rabbitmq-server", daemons.controller_host());
}

DaemonCheck reporting_check(const DaemonRegistry& daemons) {
  return [&daemons](const std::string& binary, const std::string& host) {
    return daemon_reporting(daemons, binary, host);
  };
}

}  // namespace stacklab
