// GuestShell: the commands a student types inside a simulated guest
// (exercises.md §6, EX-19/26/34/36/57/58) and what the guest prints.
//
//   hostname, whoami, id, uname [-a|-r|-n|-s], ifconfig [IF], ip a|addr|address
//   [show [dev] IF], ip r|route, ping [-c N] TARGET, fdisk -l (root only),
//   cat /etc/os-release|/etc/hostname, sudo CMD, sudo su|-i|-s (a root
//   shell), exit|logout (leaves the root shell, else the session).
//
// Anything else is "not found" the way the guest's shell says it (status
// 127). The shell reads only the machine it is given and asks `ping` for
// reachability, so its output is a pure function of the cloud's state.
#pragma once

#include <functional>
#include <string>

#include "engine/guest/guest_machine.h"
#include "engine/guest/guest_ping.h"

namespace stacklab::guest {

// Where one shell is: who is typing.
struct ShellState {
  std::string user;       // the login user
  bool root = false;      // after sudo su / sudo -i
  bool root_home = true;  // sudo -i starts in root's home, sudo su stays in the user's
};

struct CommandResult {
  std::string output;
  int exit_status = 0;
  bool closed = false;  // `exit` from the login shell: the session is over
};

// The data plane's answer for a ping from this guest to an address.
using Pinger = std::function<PingAnswer(const std::string& target_ip)>;

class GuestShell {
 public:
  GuestShell(const GuestMachine& machine, Pinger ping) : m_(machine), ping_(std::move(ping)) {}

  CommandResult run(ShellState& state, const std::string& line) const;
  std::string prompt(const ShellState& state) const;

  // `ifconfig`, `ip a`, `fdisk -l` as the guest prints them (for all interfaces / disks).
  std::string ifconfig(const std::string& only = "") const;
  std::string ip_addr(const std::string& only = "") const;
  std::string fdisk() const;

 private:
  CommandResult run_words(ShellState& state, std::vector<std::string> words) const;
  CommandResult ping(const std::vector<std::string>& words) const;
  CommandResult sudo(ShellState& state, std::vector<std::string> words) const;
  std::string ip_route() const;

  const GuestMachine& m_;
  Pinger ping_;
};

// "sh: X: not found"-style status of an unknown command.
inline constexpr int kNotFoundStatus = 127;

}  // namespace stacklab::guest
