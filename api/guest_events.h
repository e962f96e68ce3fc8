// Guest events in the audit log: what happened inside or towards a
// simulated guest (a probe, an SSH login, a console, a ping), recorded
// beside the API call that caused it, as service "guest" with the caller
// of that call. The lab grader reads them (scenarios/lab/exercises).
#pragma once

#include <string>

#include "api/audit_log.h"
#include "api/http_types.h"

namespace stacklab::api {

// An entry for event `action` ("guest.ping") with its `details` ({"from", "to", "result", ...}).
AuditEntry guest_event_entry(const Request& req, TimePoint now, const std::string& route, const std::string& action,
                             nlohmann::json details);

}  // namespace stacklab::api
