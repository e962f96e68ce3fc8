// The Replayer's steps inside the simulated guests: SSH through a floating
// IP or the VNC console, then the commands the book types there. They go
// through the same guest endpoints as `stacklab ssh` and `stacklab
// console`, so the audit log gets the same guest events a student makes.
#include "scenarios/lab/exercises/replayer.h"

namespace stacklab::lab {

Result<std::string> Replayer::fixed_ip(const Actor& who, const std::string& server) {
  auto sid = server_id(who, server);
  if (!sid.ok()) return sid.status();
  auto ports = call(who, "GET", "/networking/v2.0/ports?device_id=" + *sid);
  if (!ports.ok()) return ports.status();
  for (const auto& port : (*ports)["ports"])
    for (const auto& f : port.value("fixed_ips", Json::array()))
      if (f.value("ip_address", "").find('.') != std::string::npos) return f["ip_address"].get<std::string>();
  return NotFound("server " + server + " has no IPv4 address");
}

Result<std::string> Replayer::floating_ip(const Actor& who, const std::string& server) {
  auto sid = server_id(who, server);
  if (!sid.ok()) return sid.status();
  auto ports = call(who, "GET", "/networking/v2.0/ports?device_id=" + *sid);
  if (!ports.ok()) return ports.status();
  auto fips = call(who, "GET", "/networking/v2.0/floatingips");
  if (!fips.ok()) return fips.status();
  for (const auto& port : (*ports)["ports"])
    for (const auto& f : (*fips)["floatingips"])
      if (f.value("port_id", Json()) == port["id"]) return f["floating_ip_address"].get<std::string>();
  return NotFound("server " + server + " has no floating IP");
}

Result<std::vector<int>> Replayer::run_in_session(const Actor& who, const std::string& session,
                                                  const std::vector<std::string>& lines) {
  std::vector<int> statuses;
  for (const auto& line : lines) {
    auto reply = call(who, "POST", "/_stacklab/guest/exec", {{"session", session}, {"command", line}});
    if (!reply.ok()) return reply.status();
    const Json& e = (*reply)["exec"];
    log_ << "    " << line << " -> exit " << e.value("exit_status", 0) << "\n";
    statuses.push_back(e.value("exit_status", 0));
    if (e.value("closed", false)) return statuses;
  }
  (void)cloud_.call(who, "DELETE", "/_stacklab/guest/sessions/" + session);
  return statuses;
}

Result<std::vector<int>> Replayer::ssh_session(const Actor& who, const std::string& server, const std::string& user,
                                               const std::string& password, const std::vector<std::string>& commands) {
  auto address = floating_ip(who, server);
  if (!address.ok()) return address.status();
  log_ << "  " << who.user << ": ssh " << user << "@" << *address << "\n";
  auto reply = call(who, "POST", "/_stacklab/guest/ssh", {{"user", user}, {"host", *address}, {"password", password}});
  if (!reply.ok()) return reply.status();
  const Json& ssh = (*reply)["ssh"];
  if (!ssh.value("connected", false))
    return Status(Code::kConflict, ssh.value("error", std::string("ssh failed")) + " (" +
                                       (ssh["reason"].is_string() ? ssh["reason"].get<std::string>() : "") + ")");
  return run_in_session(who, ssh["session"]["id"], commands);
}

Result<std::vector<int>> Replayer::console_session(const Actor& who, const std::string& server, const std::string& user,
                                                   const std::string& password,
                                                   const std::vector<std::string>& commands) {
  log_ << "  " << who.user << ": console " << server << "\n";
  auto reply = call(who, "POST", "/_stacklab/guest/console", {{"server", server}});
  if (!reply.ok()) return reply.status();
  const std::string session = (*reply)["console"]["session"]["id"];
  auto login = call(who, "POST", "/_stacklab/guest/exec", {{"session", session}, {"command", user}});
  if (!login.ok()) return login.status();
  auto password_step = call(who, "POST", "/_stacklab/guest/exec", {{"session", session}, {"command", password}});
  if (!password_step.ok()) return password_step.status();
  if ((*password_step)["exec"].value("exit_status", 0) != 0)
    return Status(Code::kConflict, "console login as " + user + " failed on " + server);
  return run_in_session(who, session, commands);
}

}  // namespace stacklab::lab
