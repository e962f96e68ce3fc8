#include "engine/compute/server_moves.h"

#include <algorithm>

#include "engine/compute/compute_policy.h"
#include "engine/compute/instance_state.h"
#include "engine/scheduler/placement_host_states.h"

namespace stacklab::compute {

namespace {

const char* kMigration = "migration";

bool one_of(const std::string& v, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// The live migration statuses GET /servers/{id}/migrations shows (Nova's in-progress ones).
const std::vector<std::string> kLiveInProgress = {"queued", "preparing", "running", "post-migrating"};

std::string str(const Json& j) { return j.is_string() ? j.get<std::string>() : ""; }

}  // namespace

ServerMoves::ServerMoves(ServerTasks& tasks) : t_(tasks) { t_.d.store.define(kMigration, {"instance_uuid"}); }

// ---- records ------------------------------------------------------------------------

Json ServerMoves::new_migration(const RequestContext& ctx, const Json& s, const std::string& type,
                                const Json& new_flavor) {
  const Json* seq_doc = t_.d.store.get("stacklab_meta", "migration_seq");
  long long seq = (seq_doc ? (*seq_doc)["value"].get<long long>() : 0) + 1;
  (void)t_.d.store.put("stacklab_meta", "migration_seq", Json{{"id", "migration_seq"}, {"value", seq}});
  std::string now = t_.now_seconds();
  return Json{{"id", t_.d.random.uuid4()},
              {"seq", seq},
              {"instance_uuid", s["id"]},
              {"migration_type", type},
              {"status", "accepted"},
              {"source_compute", s["host"]},
              {"source_node", s["node"]},
              {"dest_compute", nullptr},
              {"dest_node", nullptr},
              {"dest_host", nullptr},
              {"old_flavor", s["flavor"]},
              {"new_flavor", new_flavor},
              {"project_id", s["project_id"]},
              {"user_id", ctx.caller.user_id},
              {"created_at", now},
              {"updated_at", now}};
}

Status ServerMoves::save_migration(Json& m, const std::string& status) {
  if (!status.empty()) m["status"] = status;
  m["updated_at"] = t_.now_seconds();
  return t_.d.store.put(kMigration, m["id"].get<std::string>(), m);
}

void ServerMoves::set_migration_status(const std::string& mid, const std::string& status) {
  if (const Json* stored = t_.d.store.get(kMigration, mid)) {
    Json m = *stored;
    (void)save_migration(m, status);
  }
}

void ServerMoves::save_error(Json& s, const Status& failure) {
  s["vm_state"] = "error";
  s["task_state"] = nullptr;
  s["fault"] = t_.fault(failure);
  (void)t_.save(s);
}

std::optional<Json> ServerMoves::migration_of(const std::string& uuid, const std::vector<std::string>& statuses) const {
  std::optional<Json> latest;
  for (const Json* m : t_.d.store.find(kMigration, "instance_uuid", uuid))
    if (one_of((*m)["status"], statuses) && (!latest || (*m)["seq"] > (*latest)["seq"])) latest = *m;
  return latest;
}

Result<std::vector<Json>> ServerMoves::migrations(const Credentials& caller, const MigrationFilter& f) const {
  Status st = authorize(t_.d.policy, "os_compute_api:os-migrations:index", caller);
  if (!st.ok()) return st;
  std::vector<Json> out;
  auto docs = f.instance_uuid.empty() ? t_.d.store.list(kMigration)
                                      : t_.d.store.find(kMigration, "instance_uuid", f.instance_uuid);
  for (const Json* m : docs) {
    if (!f.status.empty() && (*m)["status"] != f.status) continue;
    if (!f.migration_type.empty() && (*m)["migration_type"] != f.migration_type) continue;
    if (!f.host.empty() && (*m)["source_compute"] != f.host && (*m)["dest_compute"] != f.host) continue;
    out.push_back(*m);
  }
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) { return a["seq"] > b["seq"]; });
  return out;
}

Result<std::vector<Json>> ServerMoves::in_progress(const Credentials& caller, const std::string& id) const {
  auto s = t_.d.servers.get(caller, id);
  if (!s.ok()) return s.status();
  Status st = authorize(t_.d.policy, "os_compute_api:servers:migrations:index", caller,
                        Json{{"project_id", (*s)["project_id"]}});
  if (!st.ok()) return st;
  std::vector<Json> out;
  for (const Json* m : t_.d.store.find(kMigration, "instance_uuid", id))
    if ((*m)["migration_type"] == "live-migration" && one_of((*m)["status"], kLiveInProgress)) out.push_back(*m);
  return out;
}

void ServerMoves::server_saved(const Json& before, const Json& after) {
  if (!after.is_object() || !after.value("deleted", false) || (before.is_object() && before.value("deleted", false)))
    return;
  const std::string uuid = after.value("id", "");
  auto m = migration_of(uuid, {"finished"});
  if (!m) return;
  (void)t_.d.placement.delete_allocations((*m)["id"]);
  if (ComputeDriver* src = t_.driver_on(str((*m)["source_compute"]))) src->confirm_migration(uuid, [](Status) {});
  (void)save_migration(*m, "confirmed");
}

// ---- placement ----------------------------------------------------------------------

Status ServerMoves::move_allocation(const std::string& from, const std::string& to, const std::string& type) {
  const placement::Consumer* c = t_.d.placement.consumer(from);
  if (!c) return {};  // nothing held (an offloaded or already moved server)
  placement::AllocationRequest r;
  r.allocations = c->allocations;
  r.project_id = c->project_id;
  r.user_id = c->user_id;
  r.consumer_type = type;
  r.check_generation = false;
  Status st = t_.d.placement.put_allocations(to, r);
  if (!st.ok()) return st;
  return t_.d.placement.delete_allocations(from);
}

void ServerMoves::restore_allocation(const std::string& uuid, const std::string& migration_uuid) {
  (void)t_.d.placement.delete_allocations(uuid);
  (void)move_allocation(migration_uuid, uuid, "INSTANCE");
}

Status ServerMoves::claim_destination(const Json& s, const Json& flavor, Json& m, bool same_host_ok,
                                      const std::optional<std::string>& host) {
  Json target = s;
  target["flavor"] = flavor;
  scheduler::RequestSpec spec = t_.d.servers.request_spec(target);
  spec.instance_uuid = s["id"];
  if (!same_host_ok && s["host"].is_string()) spec.ignore_hosts.push_back(s["host"]);
  if (host) spec.force_hosts = {*host};
  const std::string uuid = s["id"];
  // The source's resources now belong to the migration (Nova's migration-based allocations).
  Status st = move_allocation(uuid, m["id"], "MIGRATION");
  if (!st.ok()) return st;
  auto hosts = scheduler::candidate_host_states(
      t_.d.placement, spec, t_.d.hosts.sources ? t_.d.hosts.sources() : scheduler::HostStateSources{});
  scheduler::PlacementClaimer claimer(t_.d.placement);
  auto dest = t_.d.scheduler.select_destinations(spec, hosts, {uuid}, &claimer);
  if (!dest.ok()) {
    restore_allocation(uuid, m["id"]);
    return dest.status();
  }
  const auto& sel = (*dest)[0].selected;
  m["dest_compute"] = sel.host;
  m["dest_node"] = sel.nodename;
  m["dest_host"] = sel.host;
  return {};
}

Result<Json> ServerMoves::flavor_info(const Credentials& caller, const std::string& ref) const {
  auto f = t_.d.flavors.get(caller, ref);
  if (!f.ok()) return BadRequest("Flavor " + ref + " could not be found.");
  return Json{{"id", (*f)["id"]},       {"original_name", (*f)["name"]},
              {"vcpus", (*f)["vcpus"]}, {"ram", (*f)["ram"]},
              {"disk", (*f)["disk"]},   {"ephemeral", (*f)["ephemeral"]},
              {"swap", (*f)["swap"]},   {"extra_specs", f->value("extra_specs", Json::object())}};
}

// ---- resize and cold migration --------------------------------------------------------

Status ServerMoves::resize(const RequestContext& ctx, const std::string& id, const std::string& flavor_ref) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:servers:resize", "resize", {"active", "stopped"}});
  if (!s.ok()) return s.status();
  auto flavor = flavor_info(ctx.caller, flavor_ref);
  if (!flavor.ok()) return flavor.status();
  if ((*flavor)["id"] == (*s)["flavor"]["id"]) return BadRequest("When resizing, instances must change flavor!");
  if ((*flavor)["disk"].get<long long>() == 0 && (*s)["flavor"]["disk"].get<long long>() > 0)
    return BadRequest("Resize to zero disk flavor is not allowed.");
  Json m = new_migration(ctx, *s, "resize", *flavor);
  return start_cold_move(ctx, *s, m, *flavor, true, std::nullopt, "resize");
}

Status ServerMoves::migrate(const RequestContext& ctx, const std::string& id, std::optional<std::string> host) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-migrate-server:migrate", "migrate", {"active", "stopped"}});
  if (!s.ok()) return s.status();
  if (host && !t_.driver_on(*host)) return BadRequest("Compute host " + *host + " could not be found.");
  Json m = new_migration(ctx, *s, "migration", (*s)["flavor"]);
  const Json flavor = (*s)["flavor"];
  return start_cold_move(ctx, *s, m, flavor, false, host, "migrate");
}

Status ServerMoves::start_cold_move(const RequestContext& ctx, Json& s, Json& m, const Json& flavor, bool same_host_ok,
                                    const std::optional<std::string>& host, const std::string& action) {
  Status st = claim_destination(s, flavor, m, same_host_ok, host);
  if (!st.ok()) return st.code() == Code::kConflict ? BadRequest(st.message()) : st;
  const std::string uuid = s["id"];
  t_.d.log.start(ctx, uuid, s["project_id"], action);
  (void)save_migration(m, "pre-migrating");
  st = t_.set_task(s, "resize_prep");
  if (!st.ok()) return st;
  t_.d.clock.schedule(
      Duration(0), [this, rid = ctx.request_id, uuid, mid = m["id"].get<std::string>()] { cold_move(rid, uuid, mid); });
  return {};
}

void ServerMoves::cold_move(const std::string& rid, const std::string& uuid, const std::string& mid) {
  auto s = t_.load(uuid);
  const Json* stored = t_.d.store.get(kMigration, mid);
  if (!s || !stored || task_state_of(*s) == "deleting") return;
  Json m = *stored;
  const std::string dest = str(m["dest_compute"]);
  t_.d.log.event_start(rid, uuid, "compute_prep_resize", dest);
  t_.d.log.event_finish(rid, uuid, "compute_prep_resize", {});  // the claim was made by the scheduler
  ComputeDriver* src = t_.driver_of(*s);
  ComputeDriver* dst = t_.driver_on(dest);
  // Any failure: the instance stays on the source (ERROR, as Nova's
  // resize_instance leaves it), the migration errors, allocations go back.
  auto fail = [this, uuid, mid](const Status& st) {
    restore_allocation(uuid, mid);
    set_migration_status(mid, "error");
    auto cur = t_.load(uuid);
    if (!cur || task_state_of(*cur) == "deleting") return;
    save_error(*cur, st);
  };
  if (!src || !dst) return fail(Status(Code::kInternal, "Compute host not found for the migration of " + uuid));
  (*s)["system_metadata"]["old_vm_state"] = (*s)["vm_state"];
  (void)t_.set_task(*s, "resize_migrating");
  (void)save_migration(m, "migrating");
  t_.d.log.event_start(rid, uuid, "compute_resize_instance", str((*s)["host"]));
  src->migrate_disk_and_power_off(uuid, [this, rid, uuid, mid, dst, fail](Status st) {
    t_.d.log.event_finish(rid, uuid, "compute_resize_instance", st);
    auto cur = t_.load(uuid);
    const Json* mm = t_.d.store.get(kMigration, mid);
    if (!cur || !mm || task_state_of(*cur) == "deleting") return;
    if (!st.ok()) return fail(st);
    Json m = *mm;
    (void)save_migration(m, "post-migrating");
    // From here the instance lives on the destination, with the new flavor.
    (*cur)["old_flavor"] = (*cur)["flavor"];
    (*cur)["flavor"] = m["new_flavor"];
    (*cur)["host"] = m["dest_compute"];
    (*cur)["node"] = m["dest_node"];
    (void)t_.set_task(*cur, "resize_migrated");
    bool power_on = (*cur)["system_metadata"].value("old_vm_state", "active") != "stopped";
    t_.d.log.event_start(rid, uuid, "compute_finish_resize", str(m["dest_compute"]));
    (void)t_.set_task(*cur, "resize_finish");
    dst->finish_migration(t_.d.servers.instance_spec(*cur), power_on, [this, rid, uuid, mid, power_on](Status st) {
      t_.d.log.event_finish(rid, uuid, "compute_finish_resize", st);
      auto cur = t_.load(uuid);
      const Json* mm = t_.d.store.get(kMigration, mid);
      if (!cur || !mm || task_state_of(*cur) == "deleting") return;
      Json m = *mm;
      if (!st.ok()) {
        (void)save_migration(m, "error");
        return save_error(*cur, st);
      }
      (void)save_migration(m, "finished");
      (*cur)["vm_state"] = "resized";
      (*cur)["power_state"] = static_cast<int>(power_on ? PowerState::kRunning : PowerState::kShutdown);
      (void)t_.set_task(*cur, "");
    });
  });
}

Status ServerMoves::confirm_resize(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:servers:confirm_resize", "confirmResize", {"resized"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  auto m = migration_of(uuid, {"finished"});
  if (!m) return BadRequest("Instance has not been resized.");
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "confirmResize");
  (void)save_migration(*m, "confirming");
  ComputeDriver* src = t_.driver_on(str((*m)["source_compute"]));
  std::string mid = (*m)["id"];
  t_.d.log.event_start(ctx.request_id, uuid, "compute_confirm_resize", str((*m)["source_compute"]));
  auto done = [this, rid = ctx.request_id, uuid, mid](Status st) {
    t_.d.log.event_finish(rid, uuid, "compute_confirm_resize", st);
    const Json* mm = t_.d.store.get(kMigration, mid);
    if (!mm) return;
    Json m = *mm;
    if (!st.ok()) {
      (void)save_migration(m, "error");
      return;
    }
    // The source's old-flavor resources are free now.
    (void)t_.d.placement.delete_allocations(mid);
    (void)save_migration(m, "confirmed");
    auto cur = t_.load(uuid);
    if (!cur || task_state_of(*cur) == "deleting") return;
    (*cur)["vm_state"] = (*cur)["power_state"] == static_cast<int>(PowerState::kShutdown) ? "stopped" : "active";
    cur->erase("old_flavor");
    (void)t_.save(*cur);
  };
  if (!src) {
    t_.d.clock.schedule(Duration(0), [done] { done(Status::Ok()); });  // the source is gone: nothing to clean there
    return {};
  }
  src->confirm_migration(uuid, done);
  return {};
}

Status ServerMoves::revert_resize(const RequestContext& ctx, const std::string& id) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:servers:revert_resize", "revertResize", {"resized"}});
  if (!s.ok()) return s.status();
  const std::string uuid = (*s)["id"];
  auto m = migration_of(uuid, {"finished"});
  if (!m) return BadRequest("Instance has not been resized.");
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "revertResize");
  (void)save_migration(*m, "reverting");
  Status st = t_.set_task(*s, "resize_reverting");
  if (!st.ok()) return st;
  std::string mid = (*m)["id"];
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, mid] {
    const Json* mm = t_.d.store.get(kMigration, mid);
    auto cur = t_.load(uuid);
    if (!mm || !cur) return;
    Json m = *mm;
    ComputeDriver* dst = t_.driver_on(str(m["dest_compute"]));
    ComputeDriver* src = t_.driver_on(str(m["source_compute"]));
    bool power_on = cur->value("system_metadata", Json::object()).value("old_vm_state", "active") != "stopped";
    auto back_on_source = [this, rid, uuid, mid, src, power_on](Status st) {
      t_.d.log.event_finish(rid, uuid, "compute_revert_resize", st);
      const Json* mm = t_.d.store.get(kMigration, mid);
      if (!mm) return;
      Json m = *mm;
      if (!st.ok() || !src) {
        (void)save_migration(m, "error");
        if (auto cur = t_.load(uuid)) (void)t_.set_task(*cur, "");
        return;
      }
      // The destination's claim goes; the migration's (old flavor, source) returns to the instance.
      restore_allocation(uuid, mid);
      t_.d.log.event_start(rid, uuid, "compute_finish_revert_resize", str(m["source_compute"]));
      src->finish_revert_migration(uuid, power_on, [this, rid, uuid, mid, power_on](Status st) {
        t_.d.log.event_finish(rid, uuid, "compute_finish_revert_resize", st);
        const Json* mm = t_.d.store.get(kMigration, mid);
        auto cur = t_.load(uuid);
        if (!mm || !cur || task_state_of(*cur) == "deleting") return;
        Json m = *mm;
        (void)save_migration(m, st.ok() ? "reverted" : "error");
        (*cur)["host"] = m["source_compute"];
        (*cur)["node"] = m["source_node"];
        if (cur->contains("old_flavor")) {
          (*cur)["flavor"] = (*cur)["old_flavor"];
          cur->erase("old_flavor");
        }
        if (st.ok()) {
          (*cur)["vm_state"] = power_on ? "active" : "stopped";
          (*cur)["power_state"] = static_cast<int>(power_on ? PowerState::kRunning : PowerState::kShutdown);
        } else {
          (*cur)["vm_state"] = "error";
        }
        (void)t_.set_task(*cur, "");
      });
    };
    t_.d.log.event_start(rid, uuid, "compute_revert_resize", str(m["dest_compute"]));
    if (!dst) return back_on_source(Status(Code::kInternal, "Compute host " + str(m["dest_compute"]) + " not found"));
    dst->destroy(uuid, back_on_source);
  });
  return {};
}

// ---- live migration -------------------------------------------------------------------

Status ServerMoves::live_migrate(const RequestContext& ctx, const std::string& id, const LiveMigrateRequest& r) {
  auto s =
      t_.prepare(ctx, id, {"os_compute_api:os-migrate-server:migrate_live", "os-migrateLive", {"active", "paused"}});
  if (!s.ok()) return s.status();
  if (r.host) {
    if (!t_.driver_on(*r.host)) return BadRequest("Compute host " + *r.host + " could not be found.");
    if (*r.host == str((*s)["host"]))
      return BadRequest("Unable to migrate instance (" + id + ") to current host (" + *r.host + ").");
  }
  const std::string uuid = (*s)["id"];
  Json m = new_migration(ctx, *s, "live-migration", (*s)["flavor"]);
  if (r.host) m["requested_host"] = *r.host;
  (void)save_migration(m, "queued");
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "live-migration");
  Status st = t_.set_task(*s, "migrating");
  if (!st.ok()) return st;
  t_.d.clock.schedule(
      Duration(0), [this, rid = ctx.request_id, uuid, mid = m["id"].get<std::string>()] { live_move(rid, uuid, mid); });
  return {};
}

bool ServerMoves::conduct(const std::string& rid, const std::string& uuid, const std::string& mid,
                          const std::string& event, Json& s, Json& m) {
  auto loaded = t_.load(uuid);
  const Json* stored = t_.d.store.get(kMigration, mid);
  if (!loaded || !stored || task_state_of(*loaded) == "deleting") return false;
  s = std::move(*loaded);
  m = *stored;
  std::optional<std::string> host;
  if (m.contains("requested_host")) host = m["requested_host"].get<std::string>();
  t_.d.log.event_start(rid, uuid, event);
  Status st = claim_destination(s, s["flavor"], m, false, host);
  t_.d.log.event_finish(rid, uuid, event, st);
  if (!st.ok()) {
    (void)save_migration(m, "error");
    (void)t_.set_task(s, "");
    return false;
  }
  return true;
}

void ServerMoves::live_move(const std::string& rid, const std::string& uuid, const std::string& mid) {
  // The conductor picks (and claims) the destination; no host: the server stays, unharmed.
  Json s, m;
  if (!conduct(rid, uuid, mid, "conductor_live_migrate_instance", s, m)) return;
  (void)save_migration(m, "running");
  ComputeDriver* src = t_.driver_of(s);
  ComputeDriver* dst = t_.driver_on(str(m["dest_compute"]));
  bool paused = s["vm_state"] == "paused";
  auto fail = [this, uuid, mid](const Status&) {
    restore_allocation(uuid, mid);
    set_migration_status(mid, "error");
    if (auto cur = t_.load(uuid); cur && task_state_of(*cur) != "deleting") (void)t_.set_task(*cur, "");
  };
  if (!src || !dst) return fail({});
  t_.d.log.event_start(rid, uuid, "compute_live_migration", str(s["host"]));
  // Simulated as the disk and memory copy (the guest keeps its state across).
  src->migrate_disk_and_power_off(uuid, [this, rid, uuid, mid, src, dst, paused, fail](Status st) {
    if (!st.ok()) {
      t_.d.log.event_finish(rid, uuid, "compute_live_migration", st);
      return fail(st);
    }
    auto cur = t_.load(uuid);
    if (!cur) return;
    dst->finish_migration(t_.d.servers.instance_spec(*cur), true,
                          [this, rid, uuid, mid, src, dst, paused, fail](Status st) {
                            if (!st.ok()) {
                              t_.d.log.event_finish(rid, uuid, "compute_live_migration", st);
                              return fail(st);
                            }
                            src->confirm_migration(uuid, [this, rid, uuid, mid, dst, paused](Status st) {
                              t_.d.log.event_finish(rid, uuid, "compute_live_migration", st);
                              (void)t_.d.placement.delete_allocations(mid);  // the source is free
                              const Json* mm = t_.d.store.get(kMigration, mid);
                              auto cur = t_.load(uuid);
                              if (!mm || !cur) return;
                              Json m = *mm;
                              (void)save_migration(m, "completed");
                              (*cur)["host"] = m["dest_compute"];
                              (*cur)["node"] = m["dest_node"];
                              if (task_state_of(*cur) == "deleting") return (void)t_.save(*cur);
                              (void)t_.set_task(*cur, "");
                              if (paused) dst->pause(uuid, [](Status) {});
                            });
                          });
  });
}

// ---- evacuate ---------------------------------------------------------------------------

Result<std::string> ServerMoves::evacuate(const RequestContext& ctx, const std::string& id,
                                          std::optional<std::string> host, std::optional<std::string> admin_pass) {
  auto s = t_.prepare(ctx, id, {"os_compute_api:os-evacuate", "evacuate", {"active", "stopped", "error"}});
  if (!s.ok()) return s.status();
  const std::string source = str((*s)["host"]);
  if (host) {
    if (!t_.driver_on(*host)) return NotFound("Compute host " + *host + " could not be found.");
    if (*host == source) return BadRequest("The target host can't be the same one.");
  }
  // Nova evacuates only from a host whose nova-compute is down.
  bool up = true;
  if (t_.d.hosts.sources) {
    auto sources = t_.d.hosts.sources();
    for (const auto& [rp, node] : sources.nodes)
      if (node.host == source) up = node.service.up;
  }
  if (up) return BadRequest("Compute service of " + source + " is still in use.");
  const std::string uuid = (*s)["id"];
  std::string pass = admin_pass && !admin_pass->empty() ? *admin_pass : t_.generate_password();
  Json m = new_migration(ctx, *s, "evacuation", (*s)["flavor"]);
  if (host) m["requested_host"] = *host;
  (void)save_migration(m, "accepted");
  t_.d.log.start(ctx, uuid, (*s)["project_id"], "evacuate");
  bool was_stopped = (*s)["vm_state"] == "stopped";
  (*s)["admin_pass"] = pass;
  Status st = t_.set_task(*s, "rebuilding");
  if (!st.ok()) return st;
  t_.d.clock.schedule(Duration(0), [this, rid = ctx.request_id, uuid, mid = m["id"].get<std::string>(), was_stopped] {
    Json s, m;
    if (!conduct(rid, uuid, mid, "conductor_rebuild_server", s, m)) return;
    // The dead source's claim stays with the migration until the source
    // comes back and cleans up (clean_evacuated), as Nova's does.
    (void)save_migration(m, "pre-migrating");
    s["host"] = m["dest_compute"];
    s["node"] = m["dest_node"];
    (void)t_.save(s);
    InstanceSpec spec = t_.d.servers.instance_spec(s);
    t_.run(
        rid, uuid, "compute_rebuild_instance",
        [spec, was_stopped](ComputeDriver& drv, ComputeDriver::Done done) {
          drv.spawn(spec, [&drv, uuid = spec.uuid, was_stopped, done](Status st) {
            if (!st.ok() || !was_stopped) return done(st);
            drv.power_off(uuid, done);
          });
        },
        [this, mid, was_stopped](Json& s, const Status& st) {
          set_migration_status(mid, st.ok() ? "done" : "failed");
          if (!st.ok()) {
            s["vm_state"] = "error";
            return;
          }
          s["vm_state"] = was_stopped ? "stopped" : "active";
          s["power_state"] = static_cast<int>(was_stopped ? PowerState::kShutdown : PowerState::kRunning);
          s["launched_at"] = t_.now_micro();
        });
  });
  return pass;
}

void ServerMoves::clean_evacuated(const std::string& host) {
  std::vector<Json> done;  // copied: destroying and saving change the store
  for (const Json* m : t_.d.store.list(kMigration))
    if ((*m)["migration_type"] == "evacuation" && (*m)["source_compute"] == host && (*m)["status"] == "done")
      done.push_back(*m);
  ComputeDriver* source = t_.driver_on(host);
  for (Json& m : done) {
    const std::string uuid = m["instance_uuid"], mid = m["id"];
    auto server = t_.load(uuid);
    bool back_here = server && str((*server)["host"]) == host;  // moved back since: that guest is live
    if (source && !back_here) source->destroy(uuid, [](Status) {});  // the guest left behind, if any
    (void)t_.d.placement.delete_allocations(mid);
    (void)save_migration(m, "completed");
  }
}

}  // namespace stacklab::compute
