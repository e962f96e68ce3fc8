// `stacklab dashboard`: Horizon on a port of its own, against a cloud that
// runs already (`stacklab up` without --dashboard, or another machine's).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/dashboard_process.h"

namespace stacklab::cmd {

int run_dashboard(const DashboardOptions& o) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == o.listen.size()) {
    std::cerr << "stacklab: --listen needs ADDRESS:PORT, not " << o.listen << "\n";
    return 1;
  }
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    std::cerr << "stacklab: --url needs http://HOST[:PORT], not " << o.url << "\n";
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string state = o.state_dir.empty() ? default_state_dir() : o.state_dir;
  std::error_code ec;
  std::filesystem::create_directories(state + "/logs", ec);
  if (ec) {
    std::cerr << "stacklab: cannot create " << state << "/logs: " << ec.message() << "\n";
    return 1;
  }
  std::string url = o.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  DashboardSettings settings{state + "/dashboard", url, o.listen, state + "/logs/horizon.log"};
  auto dashboard = DashboardProcess::start(settings);
  if (!dashboard.ok()) {
    std::cerr << "stacklab: " << dashboard.status().message() << "\n";
    return 1;
  }
  std::printf("The dashboard (Horizon) for %s is starting at http://%s/dashboard\n", url.c_str(), o.listen.c_str());
  std::printf("  user admin or demo, domain Default; its log: %s\n", settings.log_file.c_str());
  std::fflush(stdout);

  int sig = wait_for_signal(signals, dashboard->get(), settings.log_file, true);
  if (sig == 0) return 1;  // it exited by itself: wait_for_signal told why
  (*dashboard)->stop();
  return 0;
}

}  // namespace stacklab::cmd
