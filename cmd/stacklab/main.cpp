// stacklab: an OpenStack-compatible cloud in one process.
#include <CLI/CLI.hpp>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/guest_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"stacklab: an OpenStack-compatible cloud in one process"};
  app.require_subcommand(1);

  stacklab::cmd::UpOptions up;
  auto* up_cmd = app.add_subcommand("up", "start the cloud in the foreground");
  up_cmd->add_option("--config", up.config_file, "INI configuration file")->check(CLI::ExistingFile);
  up_cmd->add_option("--state", up.state_dir, "state directory (database, logs, rc files)");
  up_cmd->add_flag("--ephemeral", up.ephemeral, "keep all state in memory only");
  up_cmd->add_option("--listen", up.listen, "address:port to serve on")->capture_default_str();
  up_cmd->add_option("--host-ip", up.host_ip, "host (or host:port) the catalog and rc files point at");
  up_cmd->add_option("--profile", up.profile, "starting state: lab (the bootcamp's DevStack) or ci")
      ->check(CLI::IsMember({"lab", "ci"}))
      ->capture_default_str();
  up_cmd->add_flag("--fast", up.fast, "no simulated delays");
  auto* hosts_opt = up_cmd->add_option("--hosts", up.hosts, "N simulated lab hosts compute-1..compute-N (zone nova)")
                        ->check(CLI::Range(1, 100000));
  up_cmd->add_option("--fleet", up.fleet_file, "JSON fleet description of the simulated hosts")
      ->check(CLI::ExistingFile)
      ->excludes(hosts_opt);
  up_cmd->add_option("--io-threads", up.io_threads, "HTTP I/O threads")->check(CLI::Range(1, 64));
  up_cmd->add_flag("--quiet", up.quiet, "do not copy log lines to stderr");
  up_cmd->add_flag("--dashboard", up.dashboard, "also serve Horizon at <url>/dashboard (Debian's openstack-dashboard)");

  stacklab::cmd::DashboardOptions dashboard;
  auto* dashboard_cmd =
      app.add_subcommand("dashboard", "serve Horizon for a running cloud at http://<listen>/dashboard");
  dashboard_cmd->add_option("--url", dashboard.url, "where the cloud listens")->capture_default_str();
  dashboard_cmd->add_option("--listen", dashboard.listen, "address:port Horizon serves on")->capture_default_str();
  dashboard_cmd->add_option("--state", dashboard.state_dir, "state directory (its dashboard/ and logs/)");

  std::string status_url = "http://127.0.0.1:8080";
  bool status_json = false;
  auto* status_cmd = app.add_subcommand("status", "what is running, and the health of each service");
  status_cmd->add_option("--url", status_url, "where the cloud listens")->capture_default_str();
  status_cmd->add_flag("--json", status_json, "print the raw status document");

  auto* lab_cmd = app.add_subcommand("lab", "the bootcamp's exercises");
  lab_cmd->require_subcommand(1);
  std::string image_name, image_dir = ".";
  auto* fetch_cmd = lab_cmd->add_subcommand("fetch-image", "write one of the book's cloud images locally (offline)");
  fetch_cmd->add_option("name", image_name, "ubuntu-14.04 | ubuntu-16.04 | centos-7")->required();
  fetch_cmd->add_option("--dir", image_dir, "where to write it")->capture_default_str();

  // The lab-state commands: a running cloud's snapshots, reset and audit log, as its admin.
  stacklab::cmd::OpsTarget ops;
  auto add_target = [&ops](CLI::App* cmd) {
    cmd->add_option("--url", ops.url, "where the cloud listens")->capture_default_str();
    cmd->add_option("--os-username", ops.username, "admin user (default: $OS_USERNAME, else admin)");
    cmd->add_option("--os-password", ops.password, "its password (default: $OS_PASSWORD, else the lab's)");
    cmd->add_option("--os-project-name", ops.project_name, "its project (default: $OS_PROJECT_NAME, else admin)");
  };
  std::string snapshot_verb, snapshot_name;
  auto* snapshot_cmd = app.add_subcommand("snapshot", "save, restore, list or delete snapshots of the whole cloud");
  snapshot_cmd->add_option("verb", snapshot_verb, "save | restore | list | delete")
      ->required()
      ->check(CLI::IsMember({"save", "restore", "list", "delete"}));
  snapshot_cmd->add_option("name", snapshot_name, "snapshot name");
  add_target(snapshot_cmd);
  std::string reset_name;
  auto* reset_cmd =
      lab_cmd->add_subcommand("reset", "restore the pristine lab, the end of day 6 or 7, or a snapshot NAME");
  reset_cmd->add_option("name", reset_name, "pristine (default), end-of-day6, end-of-day7 or a snapshot name");
  add_target(reset_cmd);
  // The exercise catalogue: grade or replay against the running cloud.
  stacklab::cmd::LabGraderOptions grader;
  std::vector<CLI::App*> grader_cmds;
  const std::vector<std::pair<std::string, std::string>> grader_verbs = {
      {"list", "the exercises by day, with the status of their tasks"},
      {"show", "what an exercise asks, the commands to type, the dashboard path, its status"},
      {"hint", "the next task not done yet: its hint and commands"},
      {"check", "grade tasks against the live cloud (exit 1 while one is not yet done)"},
      {"replay", "do the exercises through the REST API, as the book's users"}};
  for (const auto& [verb, help] : grader_verbs) {
    auto* cmd = lab_cmd->add_subcommand(verb, help);
    cmd->add_option("scope", grader.scope, "all, day1, day6, day7, day9 or an exercise (EX-17)");
    if (verb != "replay") cmd->add_flag("--json", grader.json, "print the results as JSON");
    cmd->add_option("--url", ops.url, "where the cloud listens")->capture_default_str();
    cmd->add_option("--os-username", ops.username, "admin user (default: the lab's admin)");
    cmd->add_option("--os-password", ops.password, "its password (default: the lab's)");
    cmd->add_option("--os-project-name", ops.project_name, "its project (default: admin)");
    cmd->callback([&grader, verb = verb] { grader.verb = verb; });
    grader_cmds.push_back(cmd);
  }
  stacklab::cmd::AuditFilter audit;
  auto* audit_cmd = app.add_subcommand("audit", "who called which API, and the answer");
  audit_cmd->add_option("--user", audit.user, "user name or id");
  audit_cmd->add_option("--project", audit.project, "project id");
  audit_cmd->add_option("--service", audit.service, "service type (compute, identity, ...)");
  audit_cmd->add_option("--since", audit.since, "ISO 8601 time (2026-01-01T10:00:00Z)");
  audit_cmd->add_option("--limit", audit.limit, "latest N entries")->check(CLI::Range(1, 10000))->capture_default_str();
  audit_cmd->add_flag("--json", audit.json, "print the entries as JSON");
  add_target(audit_cmd);

  stacklab::cmd::ProbeOptions probe;
  auto* probe_cmd = app.add_subcommand("probe", "would a ping (or SSH with --tcp 22) from FROM reach TO, and why not");
  probe_cmd->add_option("from", probe.from, "host | internet | IP | port:ID | server name or id")->required();
  probe_cmd->add_option("to", probe.to, "host | internet | IP | port:ID | server name or id")->required();
  auto* tcp_opt =
      probe_cmd->add_option("--tcp", probe.tcp_port, "TCP destination port (22: SSH)")->check(CLI::Range(1, 65535));
  probe_cmd->add_option("--udp", probe.udp_port, "UDP destination port")
      ->check(CLI::Range(1, 65535))
      ->excludes(tcp_opt);
  probe_cmd->add_flag("--json", probe.json, "print the verdict as JSON");
  add_target(probe_cmd);
  // A simulated guest's shell: ssh options come before USER@IP; what follows it is the remote command.
  stacklab::cmd::SshOptions ssh;
  auto* ssh_cmd =
      app.add_subcommand("ssh", "SSH from the lab host into a guest: USER@IP [COMMAND...]")->prefix_command();
  ssh_cmd->add_option("-i", ssh.identity_file, "private key file (default ~/.ssh/id_rsa)");
  ssh_cmd->add_option("-p,--password", ssh.password, "the guest's password (cirros)");
  add_target(ssh_cmd);
  std::string console_server;
  auto* console_cmd = app.add_subcommand("console", "the VNC console of a server: login, then its shell");
  console_cmd->add_option("server", console_server, "server name or id")->required();
  add_target(console_cmd);

  // The troubleshooting day: the simulated daemons, and faults to find and fix.
  std::string service_verb, service_name, break_scenario;
  bool break_list = false;
  auto* service_cmd = app.add_subcommand(
      "service", "list, status, stop, start or restart the simulated daemons; config shows a service's config file");
  service_cmd->add_option("verb", service_verb, "list | status | stop | start | restart | config")
      ->required()
      ->check(CLI::IsMember({"list", "status", "stop", "start", "restart", "config"}));
  service_cmd->add_option("name", service_name,
                          "daemon (nova-compute, glance-api, neutron-dhcp-agent, mysql, ...); for config: nova, "
                          "glance, neutron or cinder");
  add_target(service_cmd);
  auto* break_cmd = lab_cmd->add_subcommand("break", "inject one of the troubleshooting day's faults");
  break_cmd->add_option("scenario", break_scenario, "e.g. nova-compute-down (see --list)");
  break_cmd->add_flag("--list", break_list, "the scenarios and their symptoms");
  add_target(break_cmd);

  CLI11_PARSE(app, argc, argv);
  if (*service_cmd) return stacklab::cmd::run_service(ops, service_verb, service_name);
  if (*break_cmd) return stacklab::cmd::run_lab_break(ops, break_scenario, break_list);
  if (*fetch_cmd) return stacklab::cmd::run_fetch_image(image_name, image_dir);
  if (*snapshot_cmd) return stacklab::cmd::run_snapshot(ops, snapshot_verb, snapshot_name);
  if (*reset_cmd) return stacklab::cmd::run_lab_reset(ops, reset_name);
  if (*audit_cmd) return stacklab::cmd::run_audit(ops, audit);
  if (*probe_cmd) return stacklab::cmd::run_probe(ops, probe);
  if (*ssh_cmd) return stacklab::cmd::run_ssh(ops, ssh, ssh_cmd->remaining());
  if (*console_cmd) return stacklab::cmd::run_console(ops, console_server);
  if (!grader.verb.empty()) return stacklab::cmd::run_lab_grader(ops, grader);
  if (*up_cmd) return stacklab::cmd::run_up(up);
  if (*dashboard_cmd) return stacklab::cmd::run_dashboard(dashboard);
  if (*status_cmd) return stacklab::cmd::run_status(status_url, status_json);
  return 2;
}
