// Checks over the audit log: what only the history can tell (a refused
// call, a console opened, a sign-in through /identity_admin). The grader's
// own reads are admin GETs of lists, so the actions here are chosen to be
// ones it never makes.
#pragma once

#include <string>

#include "scenarios/lab/exercises/exercise.h"

namespace stacklab::lab {

struct AuditMatch {
  std::string user;           // user name; "" = anyone (calls without a token have none)
  std::string action;         // the entry's action contains this ("identity:services:list")
  std::string path_prefix{};  // "" = any path
  int status = 0;             // 0 = any 2xx
  std::string project_id{};   // "" = any
};

// True when some audit entry matches.
bool audited(CloudView& view, const AuditMatch& match);

// Guest events (service "guest", api/guest_routes.h): what happened inside
// the simulated guests. A server is named by its name (tolerant) and its
// project, since the book's servers are often deleted by a later step.
struct GuestServer {
  NamePattern name;
  std::string project_id;
};

// A successful SSH login (guest.ssh) into `server`.
bool ssh_session_opened(CloudView& view, const GuestServer& server);
// A ping (guest.ping) from `from` that got its replies: to `to` when given, else to an internet address.
bool ping_succeeded(CloudView& view, const GuestServer& from, const GuestServer* to = nullptr);

}  // namespace stacklab::lab

namespace stacklab::lab {

// A task that a later one of the book undoes (task 14 deletes the server of
// task 9): done when its state is there now, or when it is gone (`undone`)
// and the audit log shows it was done (`evidence`).
Verdict done_or_undone(const Verdict& now, bool undone, bool evidence);

}  // namespace stacklab::lab
