// The dashboard: Debian's Horizon (openstack-dashboard) run as a child process
// against a stacklab cloud, the way DevStack runs it under Apache.
//
// stacklab writes Horizon's settings and a small launcher into a folder
// (<state>/dashboard), then runs `/usr/bin/python3 horizon_server.py`, which
// serves Horizon with gunicorn on a local address; `stacklab up --dashboard`
// forwards /dashboard to it (api/reverse_proxy.h).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/core/status.h"

namespace stacklab::cmd {

struct DashboardSettings {
  std::string dir;        // where the settings, the launcher and Horizon's secret key are kept
  std::string cloud_url;  // the cloud, http://host[:port]: Keystone is at <cloud_url>/identity/v3
  std::string bind;       // HOST:PORT Horizon listens on
  std::string log_file;   // Horizon's output (appended); "" = this process's stdout and stderr
};

// Writes local_settings.py and horizon_server.py into settings.dir (created if needed).
Status write_dashboard_files(const DashboardSettings& settings);

// Horizon's settings for `cloud_url` (the text of local_settings.py).
std::string dashboard_settings_text(const std::string& cloud_url);

// A free TCP port on 127.0.0.1 (for Horizon behind the proxy).
Result<unsigned short> free_loopback_port();

class DashboardProcess {
 public:
  // horizon_server.py's exit status when Horizon, gunicorn or whitenoise is not installed.
  static constexpr int kMissingPackages = 3;

  // Writes the files, then starts Horizon. It keeps starting in the
  // background (a few seconds; ~10 s more on a machine's first start).
  static Result<std::unique_ptr<DashboardProcess>> start(const DashboardSettings& settings);
  ~DashboardProcess();  // stop()

  // SIGTERM to Horizon's processes, SIGKILL if they are still there after a
  // few seconds; then reaped. Safe to call again.
  void stop();
  // Its exit status (128 + signal when killed) once it has exited, without waiting.
  std::optional<int> exit_status();
  pid_t pid() const { return pid_; }

 private:
  explicit DashboardProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> exit_status_;
};

// Why the dashboard stopped, for the operator; `log` is where its output went.
std::string dashboard_exit_message(int exit_status, const std::string& log);

// Waits for one of `signals` (blocked by the caller) and returns it. While
// waiting, tells on stderr once if `dashboard` (may be null) exits, and then
// returns 0 if `stop_with_dashboard`.
int wait_for_signal(const sigset_t& signals, DashboardProcess* dashboard, const std::string& log,
                    bool stop_with_dashboard);

}  // namespace stacklab::cmd
