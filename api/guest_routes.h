// The simulated guests' shells over HTTP: what `stacklab ssh` and
// `stacklab console` talk to (engine/guest/guest_sessions.h has the rules).
//
//   POST   /_stacklab/guest/ssh      {"user", "host", "key"?, "password"?}
//     -> 200 {"ssh": {"connected", "error", "reason", "exit_status" (0 | 255),
//                     "password_allowed", "banner", "session"}}
//        a refused connection is a 200 with "connected": false and ssh's message
//   POST   /_stacklab/guest/console  {"server": name or id}
//     -> 200 {"console": {"banner", "session"}}; 404 unknown server, 409 not running
//   POST   /_stacklab/guest/exec     {"session": id, "command": line}
//     -> 200 {"exec": {"output", "exit_status", "closed", "session"}}; 404 unknown session
//   DELETE /_stacklab/guest/sessions/{session_id} -> 204
//
// session: {"id", "kind" (ssh | console), "stage" (login | password | shell), "prompt", "server"}.
// Policy "stacklab:guest:session" (admin, member or the legacy _member_). Every SSH attempt,
// console, console login and ping is a guest event in the audit log
// (guest.ssh, guest.console, guest.login, guest.ping) with its "result".
#pragma once

#include "api/audit_log.h"
#include "api/router.h"
#include "engine/core/clock.h"
#include "engine/guest/guest_sessions.h"

namespace stacklab::api {

struct GuestDeps {
  guest::GuestSessions& sessions;
  AuditLog& audit;
  Clock& clock;
};

void add_guest_routes(Router& router, GuestDeps deps);

}  // namespace stacklab::api
