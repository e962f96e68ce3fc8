#include "engine/guest/guest_sessions.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "engine/compute/ssh_keys.h"
#include "engine/network/ipam.h"

namespace stacklab::guest {

namespace {

std::string str(const Json& doc, const char* field) {
  return doc.contains(field) && doc[field].is_string() ? doc[field].get<std::string>() : "";
}

// The MD5 fingerprint of what the client offered: a fingerprint as it is, a public key, or a private key.
std::string offered_fingerprint(const std::string& key) {
  static const std::regex kFingerprint("^([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2}$");
  std::string trimmed = key;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  if (std::regex_match(trimmed, kFingerprint)) {
    std::transform(trimmed.begin(), trimmed.end(), trimmed.begin(), [](unsigned char c) { return std::tolower(c); });
    return trimmed;
  }
  if (trimmed.find("PRIVATE KEY-----") != std::string::npos) {
    auto fp = compute::private_key_fingerprint(trimmed);
    return fp.ok() ? *fp : "";
  }
  auto fp = compute::ssh_fingerprint(trimmed);
  return fp.ok() ? *fp : "";
}

GuestEvent event(std::string action, Json details, bool success, const std::string& reason = "") {
  details["result"] = success ? "success" : "failure";
  details["reason"] = success ? Json(nullptr) : Json(reason);
  return {std::move(action), std::move(details)};
}

bool is_compute_port(const Json& port) { return str(port, "device_owner").rfind("compute:", 0) == 0; }

bool holds(const Json& port, const std::string& ip) {
  for (const Json& f : port.value("fixed_ips", Json::array()))
    if (str(f, "ip_address") == ip) return true;
  return false;
}

bool in_any_subnet(const network::NetworkModel& model, const std::string& ip) {
  auto a = network::parse_ip(ip);
  for (const auto& [id, s] : model.subnets)
    if (auto c = network::parse_cidr(str(s, "cidr")); a && c && c->cidr.version == a->version && c->cidr.contains(*a))
      return true;
  return false;
}

}  // namespace

Json describe_server(const GuestRecord& r, const std::string& ip) {
  Json d = {{"type", "server"}, {"id", r.state.id}, {"name", r.state.name}, {"project_id", r.state.project_id}};
  if (!ip.empty()) d["ip"] = ip;
  return d;
}

Json SessionView::to_json() const {
  return {{"id", id}, {"kind", kind}, {"stage", stage}, {"prompt", prompt}, {"server", server}};
}

Json SshOutcome::to_json() const {
  return {{"connected", connected},
          {"error", connected ? Json(nullptr) : Json(error)},
          {"reason", connected ? Json(nullptr) : Json(reason)},
          {"exit_status", connected ? 0 : 255},
          {"password_allowed", password_allowed},
          {"banner", banner},
          {"session", connected ? session.to_json() : Json(nullptr)}};
}

Json ConsoleOutcome::to_json() const { return {{"banner", banner}, {"session", session.to_json()}}; }

Json ExecOutcome::to_json() const {
  return {{"output", output}, {"exit_status", exit_status}, {"closed", closed}, {"session", session.to_json()}};
}

GuestSessions::GuestSessions(const network::NetworkProbes& probes, const network::NetworkDataplane& dataplane,
                             const GuestInventory& inventory, Random& random, const GuestLeases* leases)
    : probes_(probes), dataplane_(dataplane), inventory_(inventory), random_(random), leases_(leases) {}

GuestMachine GuestSessions::machine(const GuestRecord& record, const network::NetworkModel& model) const {
  return machine_of(record, model, leases_ ? leases_->without_lease(record.state.id) : std::set<std::string>());
}

std::string GuestSessions::open(const Credentials& caller, Session s) {
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                   [](const auto& a, const auto& b) { return a.second.opened < b.second.opened; });
    sessions_.erase(oldest);
  }
  s.owner = caller.user_id;
  s.opened = ++opened_;
  std::string id = random_.hex_id();
  sessions_[id] = std::move(s);
  return id;
}

SessionView GuestSessions::view(const std::string& id, const Session& s, const GuestMachine& m) const {
  SessionView v;
  v.id = id;
  v.kind = s.kind;
  v.stage = s.stage;
  v.server = describe_server(m.record);
  if (s.stage == "login")
    v.prompt = m.hostname() + " login: ";
  else if (s.stage == "password")
    v.prompt = "Password: ";
  else
    v.prompt = GuestShell(m, nullptr).prompt(s.shell);
  return v;
}

Result<SshOutcome> GuestSessions::ssh(const Credentials& caller, const SshRequest& r) {
  if (r.user.empty()) return BadRequest("'user' is required: the guest's login user (cirros, ubuntu, centos).");
  if (r.host.empty()) return BadRequest("'host' is required: the address to connect to (a floating IP).");
  SshOutcome out;
  Json attempt = {{"host", r.host}, {"user", r.user}, {"port", 22}};
  auto ip = network::parse_ip(r.host);
  if (!ip) {  // the lab has no DNS for guests
    out.error = "ssh: Could not resolve hostname " + r.host + ": Name or service not known";
    out.reason = r.host + " is not an IP address, and guests have no DNS names in the lab";
    out.events.push_back(event("guest.ssh", attempt, false, out.reason));
    return out;
  }
  const std::string host = network::format_ip(*ip);
  network::NetworkModel model = probes_.model();
  network::Probe probe;
  probe.from.kind = network::ProbeEndpoint::Kind::kHost;
  probe.to = {network::ProbeEndpoint::Kind::kIp, "", host};
  probe.protocol = "tcp";
  probe.port = 22;
  network::ProbeVerdict verdict = dataplane_.probe(model, probe);
  const network::Hop* vm_hop = nullptr;
  for (const auto& hop : verdict.hops)
    if (hop.type == "port" && model.ports.count(hop.id) && is_compute_port(model.ports.at(hop.id))) vm_hop = &hop;
  std::optional<GuestRecord> record;
  if (vm_hop) record = inventory_.record(str(model.ports.at(vm_hop->id), "device_id"));
  if (record) attempt["server"] = describe_server(*record, host);
  if (!verdict.reachable) {
    out.error = "ssh: connect to host " + host + " port 22: Connection timed out";
    out.reason = verdict.reason;
    out.events.push_back(event("guest.ssh", attempt, false, out.reason));
    return out;
  }
  if (!record) {  // the host itself, a router: nothing listens on 22 there
    out.error = "ssh: connect to host " + host + " port 22: Connection refused";
    out.reason = "no VM holds " + host + ": nothing there runs an SSH server";
    out.events.push_back(event("guest.ssh", attempt, false, out.reason));
    return out;
  }
  GuestMachine m = machine(*record, model);
  for (const GuestInterface& i : m.interfaces)
    if (i.port_id == vm_hop->id && i.no_lease) {  // the packets arrive; nothing in the guest holds the address
      out.error = "ssh: connect to host " + host + " port 22: Connection timed out";
      out.reason = record->state.name + " never configured " + i.name +
                   ": it got no DHCP lease when it booted (was the network's DHCP agent down?)";
      out.events.push_back(event("guest.ssh", attempt, false, out.reason));
      return out;
    }
  const bool login_user = r.user == m.os.user;
  const std::string fingerprint = r.key.empty() ? "" : offered_fingerprint(r.key);
  const bool key_ok = login_user && !fingerprint.empty() && fingerprint == record->key_fingerprint;
  const bool password_ok = login_user && !r.password.empty() &&
                           std::find(m.os.passwords.begin(), m.os.passwords.end(), r.password) != m.os.passwords.end();
  if (!key_ok && !password_ok) {
    out.password_allowed = m.os.takes_passwords();
    out.error =
        r.user + "@" + host + ": Permission denied (publickey" + (out.password_allowed ? ",password" : "") + ").";
    if (!login_user)
      out.reason = "the image's login user is " + m.os.user + ", not " + r.user;
    else if (!r.key.empty() && fingerprint.empty())
      out.reason = "the key offered is not a valid SSH key";
    else if (!r.key.empty() && record->key_fingerprint.empty())
      out.reason = record->key_name.empty() ? "server " + record->state.name + " was booted without a key pair"
                                            : "key pair " + record->key_name + " no longer exists";
    else if (!r.key.empty())
      out.reason = "the key offered is not the one of key pair " + record->key_name + " that " + record->state.name +
                   " was booted with";
    else if (!r.password.empty())
      out.reason = m.os.takes_passwords() ? "wrong password for " + r.user : m.os.user + " logs in with a key only";
    else
      out.reason = "no key or password offered";
    out.events.push_back(event("guest.ssh", attempt, false, out.reason));
    return out;
  }
  attempt["auth"] = key_ok ? "publickey" : "password";
  Session s;
  s.kind = "ssh";
  s.stage = "shell";
  s.server_id = record->state.id;
  s.host = host;
  s.shell.user = r.user;
  const std::string id = open(caller, s);
  out.connected = true;
  out.session = view(id, sessions_.at(id), m);
  if (m.os.family == GuestFamily::kUbuntu)
    out.banner = "Welcome to Ubuntu " + m.os.release +
                 " LTS (GNU/Linux x86_64)\n\n * Documentation:  https://help.ubuntu.com\n\n";
  out.events.push_back(event("guest.ssh", attempt, true));
  return out;
}

Result<ConsoleOutcome> GuestSessions::console(const Credentials& caller, const std::string& server) {
  auto record = inventory_.find(caller, server);
  if (!record.ok()) return record.status();
  if (!record->state.answers()) return Conflict("Instance " + record->state.id + " is not ready");
  GuestMachine m = machine(*record, probes_.model());
  Session s;
  s.kind = "console";
  s.stage = "login";
  s.server_id = record->state.id;
  const std::string id = open(caller, s);
  ConsoleOutcome out;
  out.session = view(id, sessions_.at(id), m);
  out.banner = "Connected (unencrypted) to: QEMU (" + record->instance_name + ")\n\n";
  if (m.os.busybox())
    out.banner +=
        "login as '" + m.os.user + "' user. default password: '" + m.os.passwords.front() + "'. use 'sudo' for root.\n";
  else
    out.banner += "Ubuntu " + m.os.release + " LTS " + m.hostname() + " tty1\n\n";
  out.events.push_back(event("guest.console", {{"server", describe_server(*record)}}, true));
  return out;
}

ExecOutcome GuestSessions::login_step(Session& s, const GuestMachine& m, const std::string& line) {
  ExecOutcome out;
  if (s.stage == "login") {
    s.login_name = line;
    if (!s.login_name.empty()) s.stage = "password";
    return out;
  }
  const bool ok = s.login_name == m.os.user &&
                  std::find(m.os.passwords.begin(), m.os.passwords.end(), line) != m.os.passwords.end();
  Json details = {{"server", describe_server(m.record)}, {"user", s.login_name}};
  out.events.push_back(event("guest.login", details, ok, ok ? "" : "wrong login or password"));
  if (ok) {
    s.stage = "shell";
    s.shell = ShellState{s.login_name};
  } else {
    s.stage = "login";
    out.output = "\nLogin incorrect\n";
    out.exit_status = 1;
  }
  return out;
}

Result<ExecOutcome> GuestSessions::exec(const Credentials& caller, const std::string& id, const std::string& line) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != caller.user_id)
    return NotFound("Session " + id + " could not be found.");
  Session& s = it->second;
  auto record = inventory_.record(s.server_id);
  ExecOutcome out;
  if (!record || !record->state.answers()) {  // the guest went away under the session
    out.output = s.kind == "ssh" ? "Connection to " + s.host + " closed by remote host.\n" : "Connection closed.\n";
    out.exit_status = 255;
    out.closed = true;
    out.session.id = id;
    out.session.kind = s.kind;
    sessions_.erase(it);
    return out;
  }
  network::NetworkModel model = probes_.model();
  GuestMachine m = machine(*record, model);
  if (s.stage != "shell") {
    out = login_step(s, m, line);
    out.session = view(id, s, m);
    return out;
  }
  std::vector<GuestEvent> events;
  GuestShell shell(m, [&](const std::string& target) { return ping(m, model, target, events); });
  CommandResult r = shell.run(s.shell, line);
  out.output = r.output;
  out.exit_status = r.exit_status;
  out.events = std::move(events);
  if (r.closed && s.kind == "ssh") {
    out.output += "Connection to " + s.host + " closed.\n";
    out.closed = true;
    out.session = view(id, s, m);
    sessions_.erase(it);
    return out;
  }
  if (r.closed) {  // the console's shell logs out: the login prompt again
    s.stage = "login";
    s.shell = ShellState{};
  }
  out.session = view(id, s, m);
  return out;
}

Status GuestSessions::close(const Credentials& caller, const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != caller.user_id)
    return NotFound("Session " + id + " could not be found.");
  sessions_.erase(it);
  return Status::Ok();
}

PingAnswer GuestSessions::ping(const GuestMachine& from, const network::NetworkModel& model, const std::string& target,
                               std::vector<GuestEvent>& events) const {
  PingAnswer answer;
  auto ip = network::parse_ip(target);
  const GuestInterface* out_if = nullptr;
  bool own = false;
  for (const GuestInterface& i : from.interfaces) {
    if (i.ipv4 == target || i.link_local == target) own = true;
    for (const auto& [a, prefix] : i.ipv6) own = own || a == target;
    if (!out_if && ip && (ip->version == 4 ? !i.ipv4.empty() : !i.ipv6.empty())) out_if = &i;
  }
  const bool loopback = target.rfind("127.", 0) == 0 || target == "::1";
  Json details = {{"from", describe_server(from.record, out_if ? out_if->ipv4 : "")}, {"protocol", "icmp"}};
  if (loopback || own) {
    answer = {true, 64, 0.05};
    details["to"] = {{"type", loopback ? "loopback" : "self"}, {"ip", target}};
    events.push_back(event("guest.ping", details, true));
    return answer;
  }
  network::ProbeVerdict verdict;
  if (!out_if) {
    answer.no_route = true;
    bool no_lease = false;
    for (const GuestInterface& i : from.interfaces) no_lease = no_lease || i.no_lease;
    verdict.reason = "the guest has no address to send from (no IPv" + std::to_string(ip ? ip->version : 4) +
                     " on any interface" + (no_lease ? ": it got no DHCP lease when it booted)" : ")");
  } else {
    network::Probe probe;
    probe.from = {network::ProbeEndpoint::Kind::kPort, out_if->port_id, ""};
    probe.to = {network::ProbeEndpoint::Kind::kIp, "", target};
    probe.protocol = "icmp";
    verdict = dataplane_.probe(model, probe);
  }
  details["to"] = describe_target(model, verdict, target);
  answer.reachable = verdict.reachable;
  const bool internet = !verdict.hops.empty() && verdict.hops.back().type == "internet";
  const int routers = static_cast<int>(std::count_if(verdict.hops.begin(), verdict.hops.end(),
                                                     [](const network::Hop& h) { return h.type == "router"; }));
  answer.ttl = internet ? 55 : 64 - routers;  // the book's replies from 8.8.8.8 carry ttl 5x
  answer.rtt_ms = internet ? 12.0 : routers > 0 ? 1.2 : 0.5;
  events.push_back(event("guest.ping", details, verdict.reachable, verdict.reason));
  return answer;
}

// The ping's destination for the audit log: the server holding it, the internet, or just the address.
Json GuestSessions::describe_target(const network::NetworkModel& model, const network::ProbeVerdict& verdict,
                                    const std::string& target) const {
  const Json* holder = nullptr;
  if (!verdict.hops.empty() && verdict.hops.back().type == "port") {
    auto p = model.ports.find(verdict.hops.back().id);
    if (p != model.ports.end() && is_compute_port(p->second) && holds(p->second, target)) holder = &p->second;
  }
  for (const auto& [id, port] : model.ports)
    if (!holder && is_compute_port(port) && holds(port, target)) holder = &port;
  if (holder)
    if (auto r = inventory_.record(str(*holder, "device_id"))) return describe_server(*r, target);
  if (!in_any_subnet(model, target)) return {{"type", "ip"}, {"name", "internet"}, {"ip", target}};
  return {{"type", "ip"}, {"ip", target}};
}

}  // namespace stacklab::guest
