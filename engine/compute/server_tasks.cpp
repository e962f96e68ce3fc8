#include "engine/compute/server_tasks.h"

#include "engine/compute/compute_policy.h"
#include "engine/compute/instance_state.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

Result<Json> ServerTasks::prepare(const RequestContext& ctx, const std::string& id, const ActionGuard& g) const {
  auto s = d.servers.get(ctx.caller, id);
  if (!s.ok()) return s.status();
  Status st =
      authorize(d.policy, g.rule, ctx.caller, Json{{"project_id", (*s)["project_id"]}, {"user_id", (*s)["user_id"]}});
  if (!st.ok()) return st;
  if (g.check_locked)
    if (st = check_lock(*s, ctx.caller); !st.ok()) return st;
  if (!g.vm_states.empty())
    if (st = check_state(*s, g.action, g.vm_states, g.task_states); !st.ok()) return st;
  return s;
}

Status ServerTasks::save(Json s) {
  s["updated_at"] = now_seconds();
  std::string id = s["id"];
  NetworkApi* network = d.servers.network();
  // The server's observers (ComputeService::on_saved) see the actions' saves as they see the builds'.
  const auto& observer = d.servers.on_saved;
  if (!network && !observer) return d.store.put("server", id, std::move(s));
  const Json* stored = d.store.get("server", id);
  Json before = stored ? *stored : Json(nullptr);
  Status st = d.store.put("server", id, s);
  if (!st.ok()) return st;
  // Moves, shelve and unshelve change the host: the ports' binding follows it.
  if (network) network->host_changed(before, s);
  if (observer) observer(before, s);
  return st;
}

std::optional<Json> ServerTasks::load(const std::string& uuid) const {
  const Json* s = d.store.get("server", uuid);
  if (!s || (*s)["deleted"].get<bool>()) return std::nullopt;
  return *s;
}

ComputeDriver* ServerTasks::driver_on(const std::string& host) const {
  return d.hosts.driver && !host.empty() ? d.hosts.driver(host) : nullptr;
}

ComputeDriver* ServerTasks::driver_of(const Json& s) const {
  return s["host"].is_string() ? driver_on(s["host"].get<std::string>()) : nullptr;
}

Status ServerTasks::set_task(Json& s, const std::string& task_state) {
  s["task_state"] = task_state.empty() ? Json(nullptr) : Json(task_state);
  return save(s);
}

void ServerTasks::run(const std::string& request_id, const std::string& uuid, const std::string& event, Operation op,
                      std::function<void(Json&, const Status&)> after) {
  auto s = load(uuid);
  if (!s) return;
  std::string host = (*s)["host"].is_string() ? (*s)["host"].get<std::string>() : "";
  d.log.event_start(request_id, uuid, event, host);
  auto finish = [this, request_id, uuid, event, after = std::move(after)](Status st) {
    d.log.event_finish(request_id, uuid, event, st);
    auto cur = load(uuid);
    if (!cur || task_state_of(*cur) == "deleting") return;  // the deletion owns it now
    (*cur)["task_state"] = nullptr;
    after(*cur, st);
    (void)save(*cur);
  };
  ComputeDriver* driver = driver_on(host);
  if (!driver) {
    Status missing(Code::kInternal,
                   "Compute host " + (host.empty() ? std::string("(none)") : host) + " could not be found.");
    d.clock.schedule(Duration(0), [finish, missing] { finish(missing); });
    return;
  }
  op(*driver, std::move(finish));
}

std::string ServerTasks::generate_password() {
  static const char kChars[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string bytes = d.random.bytes(12), out;
  for (unsigned char b : bytes) out += kChars[b % (sizeof kChars - 1)];
  return out;
}

Json ServerTasks::fault(const Status& failure) const {
  return {{"code", 500}, {"message", failure.message()}, {"created", now_seconds()}};
}

std::string ServerTasks::now_seconds() const { return format_iso_seconds(d.clock.now()); }
std::string ServerTasks::now_micro() const { return format_iso_micro(d.clock.now()); }

}  // namespace stacklab::compute
