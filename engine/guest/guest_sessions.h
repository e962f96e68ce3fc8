// GuestSessions: the simulated guests' shells, reached the way a student
// reaches them — `ssh USER@IP` from the lab host, or the VNC console of a
// server — and the commands typed there (POST /_stacklab/guest/...).
//
// SSH (exercises.md §6 rule 1): the lab host sends tcp/22 to the address;
// the data plane decides whether it gets there (a floating IP associated
// through a router with a gateway, a security group admitting tcp/22 from
// the host, the VM running; project fixed IPs are never reachable from the
// host). If not, ssh's "Connection timed out". If it does, the guest
// authenticates: its login user (cirros, ubuntu, centos) with the key of
// the server's key_name, or, on cirros only, its password; otherwise
// "Permission denied". The console (rule 5) is there for any ACTIVE server
// the caller can see, whatever the network; it asks for a login and a
// password (cirros's; cloud images of Ubuntu have none).
//
// Sessions live in memory only (a restart ends them, as a reboot would),
// belong to the user who opened them, and end when the shell exits or the
// server stops running. Each method reports the guest events it caused
// (guest.ssh, guest.console, guest.login, guest.ping with their result)
// for the audit log. Every method runs on the engine loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/core/policy.h"
#include "engine/core/random.h"
#include "engine/core/status.h"
#include "engine/guest/guest_leases.h"
#include "engine/guest/guest_machine.h"
#include "engine/guest/guest_shell.h"
#include "engine/network/network_probes.h"

namespace stacklab::guest {

struct GuestEvent {
  std::string action;  // guest.ssh, guest.console, guest.login, guest.ping
  Json details;        // {"server"|"from", "to", "user", "result": "success"|"failure", "reason", ...}
};

// An open session as the client sees it.
struct SessionView {
  std::string id;
  std::string kind;    // "ssh" | "console"
  std::string stage;   // "login", "password" (console), "shell"
  std::string prompt;  // what to print before reading the next line
  Json server;         // {"id", "name", "project_id"}
  Json to_json() const;
};

struct SshRequest {
  std::string user, host;
  std::string key;       // a private key (PEM or OpenSSH), a public key or an MD5 fingerprint; "" = none
  std::string password;  // "" = none
};

struct SshOutcome {
  bool connected = false;
  std::string error;              // ssh's message on failure ("ssh: connect to host ... Connection timed out")
  std::string reason;             // why, in a student's words
  bool password_allowed = false;  // a password could still get in (cirros), as ssh would then ask
  std::string banner;             // printed on login
  SessionView session;
  std::vector<GuestEvent> events;
  Json to_json() const;  // {"connected", "error", "reason", "exit_status", "password_allowed", "banner", "session"}
};

struct ConsoleOutcome {
  std::string banner;  // "Connected (unencrypted) to: QEMU (instance-...)" and the guest's greeting
  SessionView session;
  std::vector<GuestEvent> events;
  Json to_json() const;
};

struct ExecOutcome {
  std::string output;
  int exit_status = 0;
  bool closed = false;  // the session is over (the client disconnects)
  SessionView session;  // its state after the command
  std::vector<GuestEvent> events;
  Json to_json() const;  // {"output", "exit_status", "closed", "session"}
};

class GuestSessions {
 public:
  static constexpr std::size_t kMaxSessions = 1000;  // the oldest go first beyond this

  // `leases`: which guests got no DHCP answer at boot (null: every guest has its addresses).
  GuestSessions(const network::NetworkProbes& probes, const network::NetworkDataplane& dataplane,
                const GuestInventory& inventory, Random& random, const GuestLeases* leases = nullptr);

  // 400 without user or host. A refused connection is an outcome, not an error.
  Result<SshOutcome> ssh(const Credentials& caller, const SshRequest& request);
  // 404 for a server the caller cannot see, 409 when it is not running.
  Result<ConsoleOutcome> console(const Credentials& caller, const std::string& server);
  // One line typed into session `id` (a login name, a password or a command). 404 for an unknown session.
  Result<ExecOutcome> exec(const Credentials& caller, const std::string& id, const std::string& line);
  // Ends the session (the client disconnects); 404 when it is unknown or another user's.
  Status close(const Credentials& caller, const std::string& id);

 private:
  struct Session {
    std::string owner;  // user id
    std::string kind;   // ssh | console
    std::string stage;  // login | password | shell
    std::string server_id, host, login_name;
    ShellState shell;
    std::uint64_t opened = 0;
  };

  std::string open(const Credentials& caller, Session session);
  GuestMachine machine(const GuestRecord& record, const network::NetworkModel& model) const;
  SessionView view(const std::string& id, const Session& s, const GuestMachine& m) const;
  PingAnswer ping(const GuestMachine& from, const network::NetworkModel& model, const std::string& target,
                  std::vector<GuestEvent>& events) const;
  Json describe_target(const network::NetworkModel& model, const network::ProbeVerdict& verdict,
                       const std::string& target) const;
  ExecOutcome login_step(Session& s, const GuestMachine& m, const std::string& line);

  const network::NetworkProbes& probes_;
  const network::NetworkDataplane& dataplane_;
  const GuestInventory& inventory_;
  Random& random_;
  const GuestLeases* leases_;
  std::map<std::string, Session> sessions_;
  std::uint64_t opened_ = 0;
};

// A server as guest events name it: {"type": "server", "id", "name", "project_id", "ip"}.
Json describe_server(const GuestRecord& record, const std::string& ip = "");

}  // namespace stacklab::guest
