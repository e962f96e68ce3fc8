// ServerActions that reach into the guest or its hypervisor without changing
// where or how it runs: changePassword (through the guest agent), the
// admin's diagnostics, and the page a console URL opens.
#include <string>

#include "engine/compute/instance_state.h"
#include "engine/compute/server_actions.h"

namespace stacklab::compute {

Status ServerActions::change_password(const RequestContext& ctx, const std::string& id, const std::string& password) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-admin-password", "changePassword", {"active"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "changePassword");
  Status st = t_.set_task(*s, "updating_password");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, password] {
    t_.run(
        rid, uuid, "compute_set_admin_password",
        [uuid, password](ComputeDriver& drv, ComputeDriver::Done done) {
          drv.set_admin_password(uuid, password, std::move(done));
        },
        [](Json&, const Status&) {});  // the states stay; only the task clears
  });
  return {};
}

Result<Json> ServerActions::diagnostics(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-server-diagnostics", "get_diagnostics", {}, {}, false});
  if (!s.ok()) return s.status();
  ComputeDriver* drv = t_.driver_of(*s);
  if (!drv) return Conflict("Instance " + id + " is not ready");
  auto diag = drv->get_diagnostics(id);
  if (!diag.ok() && diag.status().code() == Code::kNotFound) return Conflict("Instance " + id + " is not ready");
  return diag;
}

std::optional<ConsolePage> ServerActions::console_page(const std::string& token) const {
  auto access = console_by_token(token);
  if (!access) return std::nullopt;
  auto s = t_.load((*access)["instance_uuid"]);
  if (!s) return std::nullopt;
  ConsolePage page;
  page.instance_uuid = (*s)["id"].get<std::string>();
  page.server_name = s->value("name", "");
  page.instance_name = s->value("instance_name", "");
  page.host = access->value("host", "");
  if (ComputeDriver* drv = t_.driver_of(*s))
    if (auto log = drv->get_console_output(page.instance_uuid); log.ok()) page.log = *log;
  return page;
}

}  // namespace stacklab::compute
