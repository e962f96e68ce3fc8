// The stacklab subcommands.
#pragma once

#include <string>

namespace stacklab::cmd {

struct UpOptions {
  std::string config_file;  // --config: INI file ([DEFAULT], [identity], [token], ...)
  std::string state_dir;    // --state; default: $XDG_DATA_HOME/stacklab or ~/.local/share/stacklab
  bool ephemeral = false;   // --ephemeral: keep nothing on disk
  std::string listen = "127.0.0.1:8080";
  std::string host_ip;          // --host-ip: the address the catalog and rc files use
  std::string profile = "lab";  // lab | ci
  bool fast = false;            // --fast: zero simulated durations (hypervisor operations)
  unsigned io_threads = 2;
  int hosts = 0;           // --hosts N: N lab hosts compute-1..compute-N (0 = the lab's openstackbootcamp)
  std::string fleet_file;  // --fleet FILE: a JSON fleet description (excludes --hosts)
  bool quiet = false;      // no log lines on stderr
  bool dashboard = false;  // --dashboard: Horizon at <url>/dashboard (Debian's openstack-dashboard)
};

// Runs the cloud in the foreground until SIGINT/SIGTERM. Returns the exit code.
int run_up(const UpOptions& options);

// $XDG_DATA_HOME/stacklab, else ~/.local/share/stacklab.
std::string default_state_dir();

// `stacklab dashboard`: Horizon on a port of its own against a running cloud,
// in the foreground until SIGINT/SIGTERM (or until Horizon exits).
struct DashboardOptions {
  std::string url = "http://127.0.0.1:8080";  // the cloud
  std::string listen = "127.0.0.1:8081";      // where Horizon serves http://<listen>/dashboard
  std::string state_dir;                      // its files go to <state>/dashboard; default as `up`
};
int run_dashboard(const DashboardOptions& options);

// Writes the book's cloud image `name` (ubuntu-14.04, ubuntu-16.04, centos-7) into `dir`, made offline.
int run_fetch_image(const std::string& name, const std::string& dir);

// Asks a running cloud for its health. Returns 0 when every served service is up.
int run_status(const std::string& url, bool json);

// What the lab-state subcommands share: where the cloud is, who to be.
struct OpsTarget {
  std::string url = "http://127.0.0.1:8080";
  std::string username, password, project_name;  // "" = OS_* variables, else the lab's admin
};

// `stacklab snapshot save|restore|list|delete [NAME]` against a running cloud.
int run_snapshot(const OpsTarget& target, const std::string& verb, const std::string& name);

// `stacklab lab reset [NAME]`: restores NAME, by default the pristine lab.
// end-of-day6 and end-of-day7 are the pristine lab with day 6 (and day 7)
// replayed: built on first use, then kept as snapshots of those names.
int run_lab_reset(const OpsTarget& target, const std::string& name);

// `stacklab audit`: the audit log's entries, filtered.
struct AuditFilter {
  std::string user, project, service, since;
  int limit = 100;
  bool json = false;
};
int run_audit(const OpsTarget& target, const AuditFilter& filter);

// `stacklab probe FROM TO`: would a ping (or, with a port, a TCP/UDP
// connection) get there. FROM/TO: host, internet, an IP address, port:ID,
// or a server name or id. Exit 0 reachable, 3 not reachable, 1 error.
struct ProbeOptions {
  std::string from, to;
  int tcp_port = 0, udp_port = 0;  // 0: icmp (ping)
  bool json = false;
};
int run_probe(const OpsTarget& target, const ProbeOptions& options);

// `stacklab lab list|show|hint|check|replay [SCOPE]`: the bootcamp's exercises
// against a running cloud. SCOPE: all, day1, day6, day7 or an exercise (EX-17).
// check exits 1 while a task is not yet done; replay exits 1 when an exercise failed.
struct LabGraderOptions {
  std::string verb;   // list | show | hint | check | replay
  std::string scope;  // "" = all (show: required)
  bool json = false;
};
int run_lab_grader(const OpsTarget& target, const LabGraderOptions& options);
// `lab replay SCOPE`: 0 when every exercise replayed.
int replay_scope(const OpsTarget& target, const std::string& scope);

// `stacklab service list|status|stop|start [NAME]`: the simulated daemons of
// a running cloud, as its admin (X-Auth-User/Key: works while keystone is
// stopped). status prints `systemctl status`-like lines and the log's tail.
int run_service(const OpsTarget& target, const std::string& verb, const std::string& name);

// `stacklab lab break SCENARIO` (or --list): injects one of the troubleshooting day's faults.
int run_lab_break(const OpsTarget& target, const std::string& scenario, bool list);

// `stacklab lab check day9` (and list/show/hint day9): is the injected fault
// fixed? Exit 0 only when every check passes.
int run_day9(const OpsTarget& target, const std::string& verb, bool json);

}  // namespace stacklab::cmd
