// `stacklab up`: read config and flags, start a Cloud, serve until
// SIGINT/SIGTERM, then shut down gracefully.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cmd/stacklab/cloud.h"
#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/dashboard_process.h"
#include "engine/core/log.h"

namespace stacklab::cmd {

std::string default_state_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/stacklab";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/stacklab";
}

namespace {

bool split_host_port(const std::string& s, std::string* host, unsigned short* port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  try {
    int p = std::stoi(s.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    *port = static_cast<unsigned short>(p);
  } catch (...) {
    return false;
  }
  return !host->empty();
}

int fail(const std::string& msg) {
  std::cerr << "stacklab: " << msg << "\n";
  return 1;
}

}  // namespace

int run_up(const UpOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  // SIGINT/SIGTERM are taken by sigwait() below; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  CloudOptions co;
  if (!o.config_file.empty()) {
    auto c = Config::load(o.config_file);
    if (!c.ok()) return fail(c.status().message());
    co.config = *c;
  }
  if (!split_host_port(o.listen, &co.listen_host, &co.listen_port))
    return fail("--listen needs ADDRESS:PORT, not " + o.listen);
  if (!o.ephemeral) {
    co.state_dir = o.state_dir.empty() ? co.config.get("DEFAULT", "state_path", default_state_dir()) : o.state_dir;
    std::error_code ec;
    std::filesystem::create_directories(co.state_dir + "/logs", ec);
    if (ec) return fail("cannot create state directory " + co.state_dir + ": " + ec.message());
    co.state_dir = std::filesystem::canonical(co.state_dir).string();
  }
  co.host = o.host_ip;
  if (!co.host.empty() && co.host.find(':') == std::string::npos && co.listen_port != 80)
    co.host += ":" + std::to_string(co.listen_port);
  co.profile = o.profile;
  co.io_threads = o.io_threads;
  co.log_to_stderr = !o.quiet;
  co.fast = o.fast;
  if (o.hosts > 0 && !o.fleet_file.empty()) return fail("--hosts and --fleet are mutually exclusive");
  if (o.hosts > 0) {
    Json group = {{"name", "compute"}, {"count", o.hosts}};
    if (o.hosts == 1) group = {{"name", "compute-1"}};  // a group of one keeps its name as is
    co.fleet = {{"hosts", Json::array({group})}};
  } else if (!o.fleet_file.empty()) {
    std::ifstream f(o.fleet_file);
    co.fleet = Json::parse(f, nullptr, false);
    if (!f.is_open() || co.fleet.is_discarded() || !co.fleet.is_object())
      return fail("cannot read fleet file " + o.fleet_file + " (a JSON object expected)");
  }

  if (o.dashboard) {
    auto port = free_loopback_port();
    if (!port.ok()) return fail(port.status().message());
    co.dashboard_port = *port;
  }

  auto cloud = Cloud::start(co);
  if (!cloud.ok()) return fail(cloud.status().message());
  Cloud& c = **cloud;
  double ready = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Log::get("stacklab").info("ready in " + std::to_string(ready) + " s, listening on " + o.listen);

  const std::string& url = c.host_url();
  // Horizon behind /dashboard: started once the cloud answers, since its
  // settings name the cloud's address.
  std::unique_ptr<DashboardProcess> dashboard;
  std::string dashboard_log = co.state_dir.empty() ? "" : co.state_dir + "/logs/horizon.log";
  if (o.dashboard) {
    DashboardSettings ds{c.data_dir() + "/dashboard", url, "127.0.0.1:" + std::to_string(co.dashboard_port),
                         dashboard_log};
    auto started = DashboardProcess::start(ds);
    if (!started.ok()) {
      c.stop();
      return fail(started.status().message());
    }
    dashboard = std::move(*started);
    Log::get("stacklab").info("dashboard (Horizon, pid " + std::to_string(dashboard->pid()) + ") on 127.0.0.1:" +
                              std::to_string(co.dashboard_port) + " behind " + url + "/dashboard");
  }
  std::printf("\nThis is your host IP address: %s\n", url.substr(7).c_str());
  std::printf("Keystone is serving at %s/identity/\n", url.c_str());
  std::printf("The default users are: admin and demo\nThe password: %s\n\n", c.admin_password().c_str());
  std::printf("stacklab is ready in %.3f s (profile %s, %s)\n", ready, o.profile.c_str(),
              co.state_dir.empty() ? "ephemeral" : ("state " + co.state_dir).c_str());
  if (!co.state_dir.empty()) {
    std::string rc = co.state_dir + "/openrc";
    std::printf("  source %s admin admin    # admin; plain 'source %s' is demo/demo\n", rc.c_str(), rc.c_str());
  } else {
    std::printf(
        "  export OS_AUTH_URL=%s/identity OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin OS_PASSWORD=%s "
        "OS_PROJECT_NAME=admin OS_USER_DOMAIN_ID=default OS_PROJECT_DOMAIN_ID=default\n",
        url.c_str(), c.admin_password().c_str());
  }
  std::printf("  openstack token issue\n  metrics: %s/metrics   status: stacklab status --url %s\n", url.c_str(),
              url.c_str());
  if (dashboard)
    std::printf("  dashboard: %s/dashboard  (Horizon: user admin or demo, domain Default; it needs a few seconds "
                "to start)\n",
                url.c_str());
  std::fflush(stdout);

  int sig = wait_for_signal(signals, dashboard.get(), dashboard_log, false);
  Log::get("stacklab").info(std::string("caught ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
  if (dashboard) dashboard->stop();  // before the cloud: an ephemeral cloud removes the dashboard's folder
  c.stop();
  return 0;
}

}  // namespace stacklab::cmd
