#include "api/guest_events.h"

namespace stacklab::api {

AuditEntry guest_event_entry(const Request& req, TimePoint now, const std::string& route, const std::string& action,
                             nlohmann::json details) {
  AuditEntry e;
  e.time = now;
  e.request_id = req.request_id;
  if (req.auth) {
    e.user_id = req.auth->user_id;
    e.user_name = req.auth->user_name;
    e.project_id = req.auth->project_id;
  }
  e.service = "guest";
  e.method = req.method;
  e.path = req.full_path;
  e.route = route;
  e.action = action;
  e.status = 200;
  e.details = std::move(details);
  return e;
}

}  // namespace stacklab::api
