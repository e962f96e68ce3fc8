#include "engine/compute/server_actions.h"

#include <chrono>

#include "engine/compute/compute_policy.h"
#include "engine/compute/instance_state.h"
#include "engine/scheduler/placement_host_states.h"

namespace stacklab::compute {

namespace {

const char* kConsoleToken = "console_auth_token";
constexpr auto kConsoleTokenTtl = std::chrono::minutes(10);  // Nova's [consoleauth] token_ttl

// The image properties a snapshot inherits from its base image, so that it
// boots the same way (kernel and ramdisk of a UEC image, architecture).
bool inherited_property(const std::string& k) {
  return k == "kernel_id" || k == "ramdisk_id" || k == "architecture" || k == "os_distro" || k == "os_type" ||
         k.rfind("hw_", 0) == 0;
}

}  // namespace

// One state-to-state action over one driver call.
struct ServerActions::PowerAction {
  const char* action;  // instance action and 409 name
  const char* rule;    // policy
  std::vector<std::string> vm_states;
  const char* task;   // task_state while it runs
  const char* event;  // the compute event
  std::function<void(ComputeDriver&, const std::string&, ComputeDriver::Done)> op;
  const char* vm_after;
  PowerState power_after;
};

Status ServerActions::power_action(const RequestContext& ctx, const std::string& id, const PowerAction& a) {
  auto s = t_.prepare(ctx, id, {a.rule, a.action, a.vm_states});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], a.action);
  Status st = t_.set_task(*s, a.task);
  if (!st.ok()) return st;
  auto op = a.op;
  std::string vm_after = a.vm_after;
  PowerState power_after = a.power_after;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, event = std::string(a.event), op, vm_after,
                                    power_after] {
    t_.run(
        rid, uuid, event, [op, uuid](ComputeDriver& drv, ComputeDriver::Done done) { op(drv, uuid, std::move(done)); },
        [vm_after, power_after](Json& s, const Status& st) {
          if (!st.ok()) return;  // Nova reverts the task state; the vm_state stays
          s["vm_state"] = vm_after;
          s["power_state"] = static_cast<int>(power_after);
        });
  });
  return {};
}

Status ServerActions::pause(const RequestContext& ctx, const std::string& id) {
  return power_action(ctx, id,
                      {"pause",
                       "os_compute_api:os-pause-server:pause",
                       {"active"},
                       "pausing",
                       "compute_pause_instance",
                       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.pause(u, std::move(f)); },
                       "paused",
                       PowerState::kPaused});
}

Status ServerActions::unpause(const RequestContext& ctx, const std::string& id) {
  return power_action(
      ctx, id,
      {"unpause",
       "os_compute_api:os-pause-server:unpause",
       {"paused"},
       "unpausing",
       "compute_unpause_instance",
       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.unpause(u, std::move(f)); },
       "active",
       PowerState::kRunning});
}

Status ServerActions::suspend(const RequestContext& ctx, const std::string& id) {
  return power_action(
      ctx, id,
      {"suspend",
       "os_compute_api:os-suspend-server:suspend",
       {"active"},
       "suspending",
       "compute_suspend_instance",
       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.suspend(u, std::move(f)); },
       "suspended",
       PowerState::kSuspended});
}

Status ServerActions::resume(const RequestContext& ctx, const std::string& id) {
  return power_action(ctx, id,
                      {"resume",
                       "os_compute_api:os-suspend-server:resume",
                       {"suspended"},
                       "resuming",
                       "compute_resume_instance",
                       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.resume(u, std::move(f)); },
                       "active",
                       PowerState::kRunning});
}

Status ServerActions::stop(const RequestContext& ctx, const std::string& id) {
  return power_action(
      ctx, id,
      {"stop",
       "os_compute_api:servers:stop",
       {"active", "error"},
       "powering-off",
       "compute_stop_instance",
       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.power_off(u, std::move(f)); },
       "stopped",
       PowerState::kShutdown});
}

Status ServerActions::start(const RequestContext& ctx, const std::string& id) {
  return power_action(
      ctx, id,
      {"start",
       "os_compute_api:servers:start",
       {"stopped"},
       "powering-on",
       "compute_start_instance",
       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.power_on(u, std::move(f)); },
       "active",
       PowerState::kRunning});
}

Status ServerActions::reboot(const RequestContext& ctx, const std::string& id, RebootType type) {
  bool soft = type == RebootType::kSoft;
  // vm_states.ALLOW_SOFT_REBOOT / ALLOW_HARD_REBOOT.
  std::vector<std::string> allowed =
      soft ? std::vector<std::string>{"active"}
           : std::vector<std::string>{"active", "stopped", "paused", "suspended", "error"};
  return power_action(
      ctx, id,
      {"reboot", "os_compute_api:servers:reboot", allowed, soft ? "rebooting" : "rebooting_hard",
       "compute_reboot_instance",
       [type](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.reboot(u, type, std::move(f)); },
       "active", PowerState::kRunning});
}

Status ServerActions::lock(const RequestContext& ctx, const std::string& id, std::optional<std::string> reason) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-lock-server:lock", "lock", {}, {}, false});
  if (!s.ok()) return s.status();
  t_.d.log.start(ctx, (*s)["id"], (*s)["project_id"], "lock");
  (*s)["locked"] = true;
  // Nova's locked_by: "owner" when the server's project locked it, else "admin".
  (*s)["locked_by"] = ctx.caller.project_id == (*s)["project_id"] ? "owner" : "admin";
  (*s)["locked_reason"] = reason ? Json(*reason) : Json(nullptr);
  return t_.save(*s);
}

Status ServerActions::unlock(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-lock-server:unlock", "unlock", {}, {}, false});
  if (!s.ok()) return s.status();
  std::string expected = ctx.caller.project_id == (*s)["project_id"] ? "owner" : "admin";
  if ((*s)["locked"].get<bool>() && s->value("locked_by", "owner") != expected) {
    Status st = authorize(t_.d.policy, "os_compute_api:os-lock-server:unlock:unlock_override", ctx.caller,
                          Json{{"project_id", (*s)["project_id"]}});
    if (!st.ok()) return st;
  }
  t_.d.log.start(ctx, (*s)["id"], (*s)["project_id"], "unlock");
  (*s)["locked"] = false;
  (*s)["locked_by"] = nullptr;
  (*s)["locked_reason"] = nullptr;
  return t_.save(*s);
}

Status ServerActions::reset_state(const RequestContext& ctx, const std::string& id, const std::string& state) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-admin-actions:reset_state", "os-resetState", {}, {}, false});
  if (!s.ok()) return s.status();
  if (state != "active" && state != "error")
    return BadRequest("Invalid input for field/attribute state. Value: " + state + ". '" + state +
                      "' is not one of ['active', 'error']");
  t_.d.log.start(ctx, (*s)["id"], (*s)["project_id"], "resetState");
  (*s)["vm_state"] = state;
  (*s)["task_state"] = nullptr;
  return t_.save(*s);
}

Status ServerActions::trigger_crash_dump(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:servers:trigger_crash_dump", "trigger_crash_dump", {"active"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "trigger_crash_dump");
  // The NMI is injected; what the guest does with it is its business (the
  // vm_state does not change), so the event only records that it was sent.
  t_.d.log.event_start(ctx.request_id, uuid, "compute_trigger_crash_dump",
                       (*s)["host"].is_string() ? (*s)["host"] : "");
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid] {
    t_.d.log.event_finish(rid, uuid, "compute_trigger_crash_dump", {});
  });
  return {};
}

// ---- consoles -------------------------------------------------------------------

Result<std::string> ServerActions::console_output(const RequestContext& ctx, const std::string& id,
                                                  std::optional<int> length) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-console-output", "os-getConsoleOutput", {}, {}, false});
  if (!s.ok()) return s.status();
  ComputeDriver* drv = t_.driver_of(*s);
  if (!drv) return Conflict("Instance " + id + " is not ready");
  auto out = drv->get_console_output(id);
  if (!out.ok()) return out.status().code() == Code::kNotFound ? Conflict("Instance " + id + " is not ready") : out;
  if (!length || *length < 0) return out;
  // Nova's _tail_log: the last `length` lines.
  if (*length == 0) return std::string();
  const std::string& log = *out;
  std::size_t pos = log.size();
  for (int n = 0; n < *length && pos != std::string::npos; ++n)
    pos = pos == 0 ? std::string::npos : log.rfind('\n', pos - 1);
  return pos == std::string::npos ? log : log.substr(pos + 1);
}

Result<ConsoleAccess> ServerActions::vnc_console(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-remote-consoles", "os-getVNCConsole", {}, {}, false});
  if (!s.ok()) return s.status();
  ComputeDriver* drv = t_.driver_of(*s);
  if (!drv) return Conflict("Instance " + id + " is not ready");
  auto vnc = drv->get_vnc_console(id);
  if (!vnc.ok())
    return vnc.status().code() == Code::kNotFound ? Conflict("Instance " + id + " is not ready") : vnc.status();
  ConsoleAccess access{t_.d.random.uuid4(), *vnc};
  auto expires =
      std::chrono::duration_cast<std::chrono::seconds>((t_.d.clock.now() + kConsoleTokenTtl).time_since_epoch())
          .count();
  (void)t_.d.store.put(kConsoleToken, access.token,
                       Json{{"id", access.token},
                            {"instance_uuid", id},
                            {"console_type", "novnc"},
                            {"host", vnc->host},
                            {"port", vnc->port},
                            {"expires", expires}});
  return access;
}

std::optional<Json> ServerActions::console_by_token(const std::string& token) const {
  const Json* c = t_.d.store.get(kConsoleToken, token);
  if (!c) return std::nullopt;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(t_.d.clock.now().time_since_epoch()).count();
  if ((*c)["expires"].get<long long>() < now) return std::nullopt;
  return *c;
}

// ---- snapshots ------------------------------------------------------------------

Json ServerActions::base_image_fields(const Credentials& caller, const Json& s) const {
  Json out = Json::object();
  auto base = t_.d.images.get(caller, s["image_ref"]);
  if (!base.ok()) return out;
  for (const char* k : {"disk_format", "container_format"})
    if ((*base)[k].is_string()) out[k] = (*base)[k];
  for (const char* k : {"min_ram", "min_disk"})
    if ((*base)[k].is_number()) out[k] = (*base)[k];
  const Json props = base->value("properties", Json::object());
  for (const auto& [k, v] : props.items())
    if (inherited_property(k) && v.is_string()) out[k] = v;
  return out;
}

Result<std::string> ServerActions::new_snapshot_image(const RequestContext& ctx, const Json& s, const std::string& name,
                                                      const Json& metadata) {
  Json body = {{"name", name},
               {"disk_format", "qcow2"},
               {"container_format", "bare"},
               {"visibility", "private"},
               {"image_type", "snapshot"},
               {"instance_uuid", s["id"]},
               {"base_image_ref", s["image_ref"]},
               {"user_id", ctx.caller.user_id},
               {"min_disk", s["flavor"]["disk"]}};
  const Json inherited = base_image_fields(ctx.caller, s);  // a named object: items() must not outlive it
  for (const auto& [k, v] : inherited.items())
    if (k != "min_disk" || v > body["min_disk"]) body[k] = v;
  if (metadata.is_object())
    for (const auto& [k, v] : metadata.items()) body[k] = v;
  auto img = t_.d.images.create(ctx.caller, body);
  if (!img.ok()) return img.status();
  return (*img)["id"].get<std::string>();
}

void ServerActions::snapshot_into(const std::string& rid, const std::string& uuid, const std::string& image_id,
                                  const Credentials& owner, const std::string& event,
                                  std::function<void(Status)> then) {
  auto set_task = [this, uuid](const char* task) {
    if (auto s = t_.load(uuid); s && task_state_of(*s) != "deleting") (void)t_.set_task(*s, task);
  };
  auto s = t_.load(uuid);
  ComputeDriver* drv = s ? t_.driver_of(*s) : nullptr;
  t_.d.log.event_start(rid, uuid, event, s && (*s)["host"].is_string() ? (*s)["host"].get<std::string>() : "");
  auto finish = [this, rid, uuid, image_id, owner, event, then](Status st) {
    if (!st.ok()) (void)t_.d.images.remove(owner, image_id);  // no half-made snapshot left behind
    t_.d.log.event_finish(rid, uuid, event, st);
    then(st);
  };
  if (!drv) return finish(Status(Code::kInternal, "Instance " + uuid + " has no compute host"));
  set_task("image_pending_upload");
  drv->snapshot(uuid, [this, uuid, image_id, owner, set_task, finish](Result<SnapshotData> data) {
    if (!data.ok()) return finish(data.status());
    set_task("image_uploading");
    Status st = t_.d.images.begin_upload(owner, image_id, data->data.size());
    if (!st.ok()) return finish(st);
    // The upload is its own step, after the server showed image_uploading.
    t_.d.clock.schedule(Duration(0), [this, image_id, bytes = data->data, finish] {
      auto done = t_.d.images.finish_upload(image_id, t_.d.image_data.write(image_id, bytes));
      finish(done.ok() ? Status{} : done.status());
    });
  });
}

Result<std::string> ServerActions::create_image(const RequestContext& ctx, const std::string& id,
                                                const std::string& name, const Json& metadata) {
  auto s = t_.prepare(
      ctx, id, {"os_compute_api:servers:create_image", "createImage", {"active", "stopped", "paused", "suspended"}});
  if (!s.ok()) return s.status();
  if (is_volume_backed(*s) && t_.d.servers.volumes()) return snapshot_volume_backed(ctx, *s, name, metadata);
  auto image_id = new_snapshot_image(ctx, *s, name, metadata);
  if (!image_id.ok()) return image_id;
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "createImage");
  Status st = t_.set_task(*s, "image_snapshot");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, img = *image_id, owner = ctx.caller] {
    snapshot_into(rid, uuid, img, owner, "compute_snapshot_instance", [this, uuid](Status) {
      if (auto cur = t_.load(uuid); cur && task_state_of(*cur) != "deleting") (void)t_.set_task(*cur, "");
    });
  });
  return image_id;
}

// ---- rebuild --------------------------------------------------------------------

Result<Json> ServerActions::rebuild(const RequestContext& ctx, const std::string& id, const RebuildRequest& r) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:servers:rebuild", "rebuild", {"active", "stopped", "error"}});
  if (!s.ok()) return s.status();
  auto image = t_.d.images.get(ctx.caller, r.image_ref);
  if (!image.ok()) return BadRequest("Image " + r.image_ref + " could not be found.");
  if ((*image)["status"] != "active") return BadRequest("Image " + r.image_ref + " is not active.");
  const bool volume_backed = is_volume_backed(*s);
  // The root volume keeps its image: another one needs 2.93's reimage, which is not served.
  if (volume_backed && t_.d.servers.volumes() && t_.d.servers.volumes()->root_image_id(*s) != r.image_ref)
    return BadRequest("Image " + r.image_ref +
                      " is unacceptable: Unable to rebuild with a different image for a volume-backed server.");
  const std::string uuid = (*s)["id"];
  bool was_stopped = (*s)["vm_state"] == "stopped";
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "rebuild");
  if (!volume_backed) (*s)["image_ref"] = r.image_ref;  // a volume-backed server's (often "") stays, as Nova's
  if (r.name) (*s)["name"] = *r.name;
  if (r.metadata) (*s)["metadata"] = *r.metadata;
  if (r.description) (*s)["description"] = *r.description;
  (*s)["admin_pass"] = r.admin_pass && !r.admin_pass->empty() ? *r.admin_pass : t_.generate_password();
  (*s)["vm_state"] = (*s)["vm_state"] == "error" ? "active" : (*s)["vm_state"].get<std::string>();
  Status st = t_.set_task(*s, "rebuilding");
  if (!st.ok()) return st;
  InstanceSpec spec = t_.d.servers.instance_spec(*s);
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, spec, was_stopped] {
    t_.run(
        rid, uuid, "compute_rebuild_instance",
        [uuid, spec, was_stopped](ComputeDriver& drv, ComputeDriver::Done done) {
          // The old disk goes, the new image boots (stopped servers end stopped, as Nova).
          drv.destroy(uuid, [&drv, spec, was_stopped, done](Status st) {
            if (!st.ok()) return done(st);
            drv.spawn(spec, [&drv, uuid = spec.uuid, was_stopped, done](Status st) {
              if (!st.ok() || !was_stopped) return done(st);
              drv.power_off(uuid, done);
            });
          });
        },
        [this, was_stopped](Json& s, const Status& st) {
          if (!st.ok()) {
            s["vm_state"] = "error";
            s["fault"] = t_.fault(st);
            return;
          }
          s["vm_state"] = was_stopped ? "stopped" : "active";
          s["power_state"] = static_cast<int>(was_stopped ? PowerState::kShutdown : PowerState::kRunning);
          s["launched_at"] = t_.now_micro();
        });
  });
  return *s;
}

// ---- shelve ---------------------------------------------------------------------

Status ServerActions::shelve(const RequestContext& ctx, const std::string& id) {
  auto s =
      t_.prepare(ctx, id, {"os_compute_api:os-shelve:shelve", "shelve", {"active", "stopped", "paused", "suspended"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  auto image_id = new_snapshot_image(ctx, *s, (*s)["name"].get<std::string>() + "-shelved", Json::object());
  if (!image_id.ok()) return image_id.status();
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "shelve");
  (*s)["system_metadata"]["shelved_image_id"] = *image_id;
  Status st = t_.set_task(*s, "shelving");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, img = *image_id, owner = ctx.caller] {
    snapshot_into(rid, uuid, img, owner, "compute_shelve_instance", [this, rid, uuid](Status st) {
      auto cur = t_.load(uuid);
      if (!cur || task_state_of(*cur) == "deleting") return;
      if (!st.ok()) {
        (void)t_.set_task(*cur, "");
        return;
      }
      (void)t_.set_task(*cur, "shelving_image_uploaded");
      ComputeDriver* drv = t_.driver_of(*cur);
      if (!drv) return;
      drv->power_off(uuid, [this, rid, uuid](Status st) {
        auto cur = t_.load(uuid);
        if (!cur || task_state_of(*cur) == "deleting") return;
        (*cur)["task_state"] = nullptr;
        if (st.ok()) {
          (*cur)["vm_state"] = "shelved";
          (*cur)["power_state"] = static_cast<int>(PowerState::kShutdown);
          (*cur)["system_metadata"]["shelved_at"] = t_.now_seconds();
          (*cur)["system_metadata"]["shelved_host"] = (*cur)["host"];
        }
        (void)t_.save(*cur);
        if (!st.ok() || shelve_.shelved_offload_time < 0) return;
        // Nova's shelved_offload_time: 0 offloads at once (in this same turn,
        // so nobody sees SHELVED without a task), N after N seconds.
        if (shelve_.shelved_offload_time == 0) return offload(rid, uuid);
        t_.d.clock.schedule(std::chrono::seconds(shelve_.shelved_offload_time), [this, rid, uuid] {
          if (auto s = t_.load(uuid); s && (*s)["vm_state"] == "shelved" && task_state_of(*s).empty())
            offload(rid, uuid);
        });
      });
    });
  });
  return {};
}

void ServerActions::offload(const std::string& rid, const std::string& uuid) {
  auto s = t_.load(uuid);
  if (!s) return;
  (void)t_.set_task(*s, "shelving_offloading");
  t_.run(
      rid, uuid, "compute_shelve_offload_instance",
      [uuid](ComputeDriver& drv, ComputeDriver::Done done) { drv.destroy(uuid, std::move(done)); },
      [this, uuid](Json& s, const Status& st) {
        if (!st.ok()) return;
        // Off the hypervisor: no host, no node, no resources held in placement.
        (void)t_.d.placement.delete_allocations(uuid);
        s["vm_state"] = "shelved_offloaded";
        s["power_state"] = static_cast<int>(PowerState::kNoState);
        s["host"] = nullptr;
        s["node"] = nullptr;
      });
}

Status ServerActions::shelve_offload(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-shelve:shelve_offload", "shelveOffload", {"shelved"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "shelveOffload");
  Status st = t_.set_task(*s, "shelving_offloading");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid] { offload(rid, uuid); });
  return {};
}

Status ServerActions::unshelve(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-shelve:unshelve", "unshelve", {"shelved", "shelved_offloaded"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  bool offloaded = (*s)["vm_state"] == "shelved_offloaded";
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "unshelve");
  Status st = t_.set_task(*s, "unshelving");
  if (!st.ok()) return st;
  auto drop_image = [this, uuid, owner = ctx.caller](Json& s) {
    // The shelved snapshot has served its purpose (Nova deletes it).
    if (s.contains("system_metadata") && s["system_metadata"].contains("shelved_image_id")) {
      Credentials admin = owner;
      admin.roles.insert("admin");
      (void)t_.d.images.remove(admin, s["system_metadata"]["shelved_image_id"]);
      s["system_metadata"].erase("shelved_image_id");
      s["system_metadata"].erase("shelved_at");
      s["system_metadata"].erase("shelved_host");
    }
  };
  if (!offloaded) {
    t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, drop_image] {
      t_.run(
          rid, uuid, "compute_unshelve_instance",
          [uuid](ComputeDriver& drv, ComputeDriver::Done done) { drv.power_on(uuid, std::move(done)); },
          [drop_image](Json& s, const Status& st) {
            if (!st.ok()) return;
            s["vm_state"] = "active";
            s["power_state"] = static_cast<int>(PowerState::kRunning);
            drop_image(s);
          });
    });
    return {};
  }
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, drop_image] {
    auto s = t_.load(uuid);
    if (!s || task_state_of(*s) != "unshelving") return;
    // Placed again like a new build: scheduler and placement claim, then spawn.
    t_.d.log.event_start(rid, uuid, "conductor_unshelve_instance");
    scheduler::RequestSpec spec = t_.d.servers.request_spec(*s);
    auto hosts = scheduler::candidate_host_states(
        t_.d.placement, spec, t_.d.hosts.sources ? t_.d.hosts.sources() : scheduler::HostStateSources{});
    scheduler::PlacementClaimer claimer(t_.d.placement);
    auto dest = t_.d.scheduler.select_destinations(spec, hosts, {uuid}, &claimer);
    t_.d.log.event_finish(rid, uuid, "conductor_unshelve_instance", dest.ok() ? Status{} : dest.status());
    if (!dest.ok()) {
      (void)t_.set_task(*s, "");  // stays SHELVED_OFFLOADED, as Nova after NoValidHost
      return;
    }
    const auto& sel = (*dest)[0].selected;
    (*s)["host"] = sel.host;
    (*s)["node"] = sel.nodename;
    (void)t_.set_task(*s, "spawning");
    InstanceSpec ispec = t_.d.servers.instance_spec(*s);
    t_.run(
        rid, uuid, "compute_unshelve_instance",
        [ispec](ComputeDriver& drv, ComputeDriver::Done done) { drv.spawn(ispec, std::move(done)); },
        [this, uuid, drop_image](Json& s, const Status& st) {
          if (!st.ok()) {
            (void)t_.d.placement.delete_allocations(uuid);
            s["host"] = nullptr;
            s["node"] = nullptr;
            return;
          }
          s["vm_state"] = "active";
          s["power_state"] = static_cast<int>(PowerState::kRunning);
          s["launched_at"] = t_.now_micro();
          drop_image(s);
        });
  });
  return {};
}

// ---- rescue ---------------------------------------------------------------------

Result<std::string> ServerActions::rescue(const RequestContext& ctx, const std::string& id,
                                          std::optional<std::string> admin_pass) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-rescue", "rescue", {"active", "stopped", "error"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  std::string pass = admin_pass && !admin_pass->empty() ? *admin_pass : t_.generate_password();
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "rescue");
  Status st = t_.set_task(*s, "rescuing");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid] {
    t_.run(
        rid, uuid, "compute_rescue_instance",
        [uuid](ComputeDriver& drv, ComputeDriver::Done done) { drv.rescue(uuid, std::move(done)); },
        [](Json& s, const Status& st) {
          if (!st.ok()) return;
          s["vm_state"] = "rescued";
          s["power_state"] = static_cast<int>(PowerState::kRunning);
        });
  });
  return pass;
}

Status ServerActions::unrescue(const RequestContext& ctx, const std::string& id) {
  return power_action(
      ctx, id,
      {"unrescue",
       "os_compute_api:os-unrescue",
       {"rescued"},
       "unrescuing",
       "compute_unrescue_instance",
       [](ComputeDriver& d, const std::string& u, ComputeDriver::Done f) { d.unrescue(u, std::move(f)); },
       "active",
       PowerState::kRunning});
}

}  // namespace stacklab::compute
