#include "scenarios/lab/exercises/audit_checks.h"

namespace stacklab::lab {

bool audited(CloudView& view, const AuditMatch& m) {
  for (const auto& e : view.audit()) {
    int status = e.value("status", 0);
    if (m.status ? status != m.status : (status < 200 || status > 299)) continue;
    if (!m.user.empty() && str(e, "user_name") != m.user) continue;
    if (!m.project_id.empty() && str(e, "project_id") != m.project_id) continue;
    if (str(e, "action").find(m.action) == std::string::npos) continue;
    if (!m.path_prefix.empty() && str(e, "path").rfind(m.path_prefix, 0) != 0) continue;
    return true;
  }
  return false;
}

namespace {

// The event's description of a server ({"type": "server", "name", "project_id"}) names `server`; probe
// events carry no project_id, and then the caller's project stands for it.
bool names_server(const Json& entry, const Json& description, const GuestServer& server) {
  if (!description.is_object() || str(description, "type") != "server") return false;
  const std::string project =
      description.contains("project_id") ? str(description, "project_id") : str(entry, "project_id");
  return project == server.project_id && name_matches(str(description, "name"), server.name);
}

bool succeeded(const Json& entry, const std::string& action) {
  return str(entry, "service") == "guest" && str(entry, "action") == action && str(entry, "result") == "success";
}

}  // namespace

bool ssh_session_opened(CloudView& view, const GuestServer& server) {
  for (const auto& e : view.audit())
    if (succeeded(e, "guest.ssh") && names_server(e, e.value("server", Json()), server)) return true;
  return false;
}

bool ping_succeeded(CloudView& view, const GuestServer& from, const GuestServer* to) {
  for (const auto& e : view.audit()) {
    if (!succeeded(e, "guest.ping") || !names_server(e, e.value("from", Json()), from)) continue;
    const Json& target = e.value("to", Json());
    if (to ? names_server(e, target, *to) : target.is_object() && str(target, "name") == "internet") return true;
  }
  return false;
}

}  // namespace stacklab::lab

namespace stacklab::lab {

Verdict done_or_undone(const Verdict& now, bool undone, bool evidence) {
  if (now.done() || (undone && evidence)) return Verdict();
  return now;
}

}  // namespace stacklab::lab
