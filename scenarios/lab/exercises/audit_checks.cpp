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

}  // namespace stacklab::lab

namespace stacklab::lab {

Verdict done_or_undone(const Verdict& now, bool undone, bool evidence) {
  if (now.done() || (undone && evidence)) return Verdict();
  return now;
}

}  // namespace stacklab::lab
