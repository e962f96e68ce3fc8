#include "cmd/stacklab/dashboard_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "cmd/stacklab/dashboard/dashboard_files.h"

namespace stacklab::cmd {

namespace {

// Debian's Python, the one Horizon is installed for (not a virtualenv's).
constexpr const char* kPython = "/usr/bin/python3";

// `value` as the inside of a Python string literal in single quotes.
std::string python_quoted(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return Status(Code::kInternal, "cannot write " + path);
  return {};
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string dashboard_settings_text(const std::string& cloud_url) {
  std::string host = cloud_url;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  std::string text = kDashboardSettingsTemplate;
  replace_all(text, "@OPENSTACK_HOST@", python_quoted(host));
  replace_all(text, "@KEYSTONE_URL@", python_quoted(cloud_url + "/identity/v3"));
  return text;
}

Status write_dashboard_files(const DashboardSettings& settings) {
  std::error_code ec;
  std::filesystem::create_directories(settings.dir, ec);
  if (ec) return Status(Code::kInternal, "cannot create " + settings.dir + ": " + ec.message());
  Status st = write_file(settings.dir + "/local_settings.py", dashboard_settings_text(settings.cloud_url));
  if (st.ok()) st = write_file(settings.dir + "/horizon_server.py", kDashboardServerScript);
  return st;
}

Result<unsigned short> free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status(Code::kInternal, "socket: " + errno_text());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  std::string error = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) return Status(Code::kInternal, "no free port on 127.0.0.1: " + error);
  return static_cast<unsigned short>(ntohs(addr.sin_port));
}

Result<std::unique_ptr<DashboardProcess>> DashboardProcess::start(const DashboardSettings& settings) {
  Status st = write_dashboard_files(settings);
  if (!st.ok()) return st;
  int log_fd = -1;
  if (!settings.log_file.empty()) {
    log_fd = ::open(settings.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) return Status(Code::kInternal, "cannot open " + settings.log_file + ": " + errno_text());
  }
  // Everything the child needs is made before fork: the parent has other
  // threads, so the child may only make async-signal-safe calls.
  std::vector<std::string> args = {kPython, settings.dir + "/horizon_server.py", "--bind", settings.bind};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const char* dir = settings.dir.c_str();
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    if (log_fd >= 0) ::close(log_fd);
    return Status(Code::kInternal, "cannot start the dashboard: fork: " + errno_text());
  }
  if (pid == 0) {
    // Horizon goes when stacklab goes, even when stacklab is killed.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    // stacklab blocks SIGINT/SIGTERM for sigwait(): the child must not inherit that.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // A group of its own (gunicorn's master and worker): stopped as one, and
    // a Ctrl-C in the terminal reaches stacklab only, which stops it in order.
    ::setpgid(0, 0);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    ::close_range(3, ~0U, 0);  // stacklab's listening socket and files stay stacklab's
    if (::chdir(dir) != 0) ::_exit(126);
    ::execv(kPython, argv.data());
    ::_exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  ::setpgid(pid, pid);  // also here: no race with a stop() that comes first
  return std::unique_ptr<DashboardProcess>(new DashboardProcess(pid));
}

std::optional<int> DashboardProcess::exit_status() {
  if (exit_status_) return exit_status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_)
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_status_;
}

void DashboardProcess::stop() {
  if (exit_status()) return;  // gunicorn's worker leaves when its master does
  ::kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!exit_status() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!exit_status()) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_status_ = 128 + SIGKILL;
  }
}

DashboardProcess::~DashboardProcess() { stop(); }

std::string dashboard_exit_message(int exit_status, const std::string& log) {
  std::string where = log.empty() ? "the output above" : log;
  if (exit_status == DashboardProcess::kMissingPackages)
    return "the dashboard needs Debian's openstack-dashboard, python3-gunicorn and python3-whitenoise: "
           "`make deps` (or apt-get install them), then start again";
  return "the dashboard (Horizon) exited with status " + std::to_string(exit_status) + ": see " + where;
}

int wait_for_signal(const sigset_t& signals, DashboardProcess* dashboard, const std::string& log,
                    bool stop_with_dashboard) {
  bool told = false;
  for (;;) {
    timespec tick{1, 0};
    int sig = ::sigtimedwait(&signals, nullptr, &tick);
    if (sig > 0) return sig;
    if (!dashboard || told) continue;
    if (auto status = dashboard->exit_status()) {
      std::fprintf(stderr, "stacklab: %s\n", dashboard_exit_message(*status, log).c_str());
      told = true;
      if (stop_with_dashboard) return 0;
    }
  }
}

}  // namespace stacklab::cmd
