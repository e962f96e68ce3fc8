#include "engine/compute/instance_actions.h"

#include <algorithm>

#include "engine/compute/compute_policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

const char* kAction = "instance_action";
const char* kScheduleEvent = "conductor_schedule_and_build_instances";
const char* kBuildEvent = "compute__do_build_and_run_instance";

std::string key(const std::string& request_id, const std::string& uuid) { return request_id + "/" + uuid; }

}  // namespace

InstanceActionLog::InstanceActionLog(Store& store, Clock& clock, const Policy& policy)
    : store_(store), clock_(clock), policy_(policy) {
  store_.define(kAction, {"instance_uuid"});
}

std::string InstanceActionLog::now() const {
  std::string t = format_iso_micro(clock_.now());
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  return t;
}

Json* InstanceActionLog::load(const std::string& request_id, const std::string& uuid) {
  const Json* a = store_.get(kAction, key(request_id, uuid));
  if (!a) return nullptr;
  scratch_ = *a;
  return &scratch_;
}

void InstanceActionLog::start(const RequestContext& ctx, const std::string& uuid, const std::string& project_id,
                              const std::string& action) {
  if (ctx.request_id.empty()) return;
  std::string t = now();
  Json a = {{"id", key(ctx.request_id, uuid)},
            {"request_id", ctx.request_id},
            {"instance_uuid", uuid},
            {"action", action},
            {"user_id", ctx.caller.user_id},
            {"project_id", project_id.empty() ? ctx.caller.project_id : project_id},
            {"start_time", t},
            {"updated_at", t},
            {"message", nullptr},
            {"events", Json::array()}};
  (void)store_.put(kAction, a["id"], a);
}

void InstanceActionLog::event_start(const std::string& request_id, const std::string& uuid, const std::string& event,
                                    const std::string& host) {
  Json* a = load(request_id, uuid);
  if (!a) return;
  std::string t = now();
  (*a)["events"].push_back({{"event", event},
                            {"start_time", t},
                            {"finish_time", nullptr},
                            {"result", nullptr},
                            {"traceback", nullptr},
                            {"host", host.empty() ? Json(nullptr) : Json(host)}});
  (*a)["updated_at"] = t;
  (void)store_.put(kAction, (*a)["id"], *a);
}

void InstanceActionLog::event_finish(const std::string& request_id, const std::string& uuid, const std::string& event,
                                     const Status& result) {
  Json* a = load(request_id, uuid);
  if (!a) return;
  std::string t = now();
  Json& events = (*a)["events"];
  // The latest unfinished event of that name (a reschedule may repeat one).
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if ((*it)["event"] != event || !(*it)["finish_time"].is_null()) continue;
    (*it)["finish_time"] = t;
    (*it)["result"] = result.ok() ? "Success" : "Error";
    if (!result.ok()) {
      (*it)["traceback"] = "Traceback (most recent call last):\n  " + result.message() + "\n";
      (*a)["message"] = "Error";
    }
    break;
  }
  (*a)["updated_at"] = t;
  (void)store_.put(kAction, (*a)["id"], *a);
}

std::vector<Json> InstanceActionLog::list(const std::string& uuid) const {
  std::vector<Json> out;
  for (const Json* a : store_.find(kAction, "instance_uuid", uuid)) out.push_back(*a);
  std::stable_sort(out.begin(), out.end(), [](const Json& x, const Json& y) {
    return x["start_time"].get<std::string>() > y["start_time"].get<std::string>();
  });
  return out;
}

std::optional<Json> InstanceActionLog::get(const std::string& uuid, const std::string& request_id) const {
  const Json* a = store_.get(kAction, key(request_id, uuid));
  if (!a) return std::nullopt;
  return *a;
}

Result<InstanceActionLog::ReadRights> InstanceActionLog::authorize_read(const Credentials& caller,
                                                                        const std::string& project_id,
                                                                        bool show) const {
  Json target = {{"project_id", project_id}};
  Status st =
      authorize(policy_, show ? "os_compute_api:os-instance-actions:show" : "os_compute_api:os-instance-actions:list",
                caller, target);
  if (!st.ok()) return st;
  ReadRights r;
  r.events = policy_.allowed("os_compute_api:os-instance-actions:events", caller, target);
  r.details = policy_.allowed("os_compute_api:os-instance-actions:events:details", caller, target);
  return r;
}

void InstanceActionLog::server_saved(const Json& before, const Json& after) {
  if (!before.is_object() || before.value("vm_state", "") != "building") return;
  const std::string uuid = after.value("id", "");
  // The create action of this server: the one named "create" (there is one).
  std::string request_id;
  for (const Json* a : store_.find(kAction, "instance_uuid", uuid))
    if ((*a)["action"] == "create") request_id = (*a)["request_id"];
  if (request_id.empty()) return;
  bool left_build = after.value("vm_state", "") != "building";
  bool placed = !before["host"].is_string() && after["host"].is_string();
  Status failed = Status(Code::kInternal, after.contains("fault") ? after["fault"].value("message", "") : "");
  if (placed) {
    event_finish(request_id, uuid, kScheduleEvent, {});
    event_start(request_id, uuid, kBuildEvent, after["host"]);
  }
  if (left_build) {
    bool ok = after.value("vm_state", "") != "error";
    if (!placed && !before["host"].is_string()) event_finish(request_id, uuid, kScheduleEvent, ok ? Status{} : failed);
    event_finish(request_id, uuid, kBuildEvent, ok ? Status{} : failed);
  }
}

}  // namespace stacklab::compute
