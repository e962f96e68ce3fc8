#include "engine/compute/servers.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "engine/compute/compute_policy.h"
#include "engine/compute/instance_state.h"
#include "engine/core/timeutil.h"

namespace stacklab::compute {

namespace {

const char* kServer = "server";

std::string not_found(const std::string& id) { return "Instance " + id + " could not be found."; }

std::string instance_name(long long seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "instance-%08llx", seq);
  return buf;
}

// Nova's hostname from a display name: lowercase, [a-z0-9-], at most 63.
std::string hostname_of(const std::string& name) {
  std::string h;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      h += static_cast<char>(std::tolower(u));
    else if (c == '-' || c == ' ' || c == '_' || c == '.')
      h += '-';
  }
  while (!h.empty() && h.front() == '-') h.erase(h.begin());
  while (!h.empty() && h.back() == '-') h.pop_back();
  if (h.size() > 63) h.resize(63);
  return h.empty() ? "server" : h;
}

std::string generate_password(Random& random) {
  static const char kChars[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string bytes = random.bytes(12), out;
  for (unsigned char b : bytes) out += kChars[b % (sizeof kChars - 1)];
  return out;
}

}  // namespace

// nova/api/openstack/common.py's _STATE_MAP: vm_state, refined by task_state.
std::string server_status(const Json& s) {
  const std::string vm = s.value("vm_state", "");
  const std::string task =
      s.contains("task_state") && s["task_state"].is_string() ? s["task_state"].get<std::string>() : "";
  auto task_in = [&](std::initializer_list<const char*> ts) {
    for (const char* t : ts)
      if (task == t) return true;
    return false;
  };
  bool resizing = task_in({"resize_prep", "resize_migrating", "resize_migrated", "resize_finish"});
  bool rebuilding = task_in({"rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"});
  if (vm == "active") {
    if (task_in({"rebooting", "reboot_pending", "reboot_started"})) return "REBOOT";
    if (task_in({"rebooting_hard", "reboot_pending_hard", "reboot_started_hard"})) return "HARD_REBOOT";
    if (task == "updating_password") return "PASSWORD";
    if (rebuilding) return "REBUILD";
    if (task == "migrating") return "MIGRATING";
    if (resizing) return "RESIZE";
    return "ACTIVE";
  }
  if (vm == "building") return "BUILD";
  if (vm == "stopped") return resizing ? "RESIZE" : rebuilding ? "REBUILD" : "SHUTOFF";
  if (vm == "resized") return task == "resize_reverting" ? "REVERT_RESIZE" : "VERIFY_RESIZE";
  if (vm == "paused") return task == "migrating" ? "MIGRATING" : "PAUSED";
  if (vm == "suspended") return "SUSPENDED";
  if (vm == "rescued") return "RESCUE";
  if (vm == "error") return rebuilding ? "REBUILD" : "ERROR";
  if (vm == "deleted") return "DELETED";
  if (vm == "soft-delete") return "SOFT_DELETED";
  if (vm == "shelved") return "SHELVED";
  if (vm == "shelved_offloaded") return "SHELVED_OFFLOADED";
  return "UNKNOWN";
}

ComputeService::ComputeService(Store& store, Clock& clock, Random& random, const Policy& policy, FlavorService& flavors,
                               image::ImageService& images, placement::PlacementService& placement,
                               scheduler::FilterScheduler& scheduler, ComputeHosts hosts, QuotaService* quotas,
                               ServerGroupService* server_groups, NetworkApi* network, ServerVolumes* volumes)
    : store_(store),
      clock_(clock),
      random_(random),
      policy_(policy),
      flavors_(flavors),
      images_(images),
      placement_(placement),
      scheduler_(scheduler),
      hosts_(std::move(hosts)),
      quotas_(quotas),
      server_groups_(server_groups),
      network_(network),
      volumes_(volumes) {
  store_.define(kServer, {"project_id"});
  store_.define("stacklab_meta");
}

bool ComputeService::can_see_host_attributes(const Credentials& caller) const {
  return policy_.allowed("os_compute_api:os-extended-server-attributes", caller, Json::object());
}

Status ComputeService::authorize_on(const Credentials& caller, const std::string& rule, const Json& server) const {
  return authorize(policy_, rule, caller, Json{{"project_id", server["project_id"]}, {"user_id", server["user_id"]}});
}

Status ComputeService::save(Json doc) {
  doc["updated_at"] = format_iso_seconds(clock_.now());
  std::string id = doc["id"];
  if (!on_saved && !network_) return store_.put(kServer, id, std::move(doc));
  const Json* stored = store_.get(kServer, id);
  Json before = stored ? *stored : Json(nullptr);
  Status st = store_.put(kServer, id, doc);
  if (!st.ok()) return st;
  if (network_) network_->host_changed(before, doc);  // port bindings follow the instance
  if (on_saved) on_saved(before, doc);
  return st;
}

Json* ComputeService::live(const std::string& uuid) {
  const Json* s = store_.get(kServer, uuid);
  if (!s || (*s)["deleted"].get<bool>()) return nullptr;
  scratch_ = *s;
  return &scratch_;
}

Result<std::vector<Json>> ComputeService::create(const Credentials& caller, const ServerCreate& r) {
  Status st = authorize(policy_, "os_compute_api:servers:create", caller, Json{{"project_id", caller.project_id}});
  if (!st.ok()) return st;
  if (r.min_count < 1 || r.max_count < 1) return BadRequest("min_count and max_count must be at least 1");
  if (r.min_count > r.max_count) return BadRequest("min_count must be <= max_count");
  auto flavor = flavors_.get(caller, r.flavor_ref);
  // Volumes first (Nova's _validate_bdm): a volume root makes imageRef optional.
  ServerVolumes::BootPlan volume_plan;
  std::vector<RequestedBlockDevice> requested = r.block_devices;
  if (volumes_ && !r.image_ref.empty()) add_image_defined_devices(caller, r.image_ref, requested);
  if (volumes_ && !requested.empty()) {
    auto plan = volumes_->validate(caller, requested, r.image_ref, r.max_count, r.multiattach_allowed);
    if (!plan.ok()) return plan.status();
    volume_plan = std::move(*plan);
  }
  if (r.image_ref.empty() && !volume_plan.volume_backed) return BadRequest("Missing imageRef attribute");
  if (!flavor.ok()) return BadRequest("Flavor " + r.flavor_ref + " could not be found.");
  const Json& f = *flavor;
  Json image = Json::object();
  if (!r.image_ref.empty()) {
    auto found = images_.get(caller, r.image_ref);
    if (!found.ok()) return BadRequest("Image " + r.image_ref + " could not be found.");
    if ((*found)["status"] != "active") return BadRequest("Image " + r.image_ref + " is not active.");
    image = std::move(*found);
  }
  if (image.contains("min_ram") && image["min_ram"].is_number() &&
      f["ram"].get<long long>() < image["min_ram"].get<long long>())
    return BadRequest("Flavor's memory is too small for requested image.");
  // A volume-backed server's root is the volume: the flavor's disk does not hold the image.
  if (!volume_plan.volume_backed && f["disk"].get<long long>() > 0 && image.contains("min_disk") &&
      image["min_disk"].is_number() && f["disk"].get<long long>() < image["min_disk"].get<long long>())
    return BadRequest("Flavor's disk is too small for requested image.");

  Json flavor_info = {{"id", f["id"]},       {"original_name", f["name"]},
                      {"vcpus", f["vcpus"]}, {"ram", f["ram"]},
                      {"disk", f["disk"]},   {"ephemeral", f["ephemeral"]},
                      {"swap", f["swap"]},   {"extra_specs", f.value("extra_specs", Json::object())}};
  Json image_props = Json::object();
  for (const char* k : {"architecture", "hw_architecture", "hypervisor_type", "img_hv_type", "vm_mode", "hw_vm_mode",
                        "img_hv_requested_version"})
    if (image.contains(k) && image[k].is_string()) image_props[k] = image[k];

  // Quotas (as many as fit between min_count and max_count) and the group hint.
  auto count = admit(caller, r, f);
  if (!count.ok()) return count.status();
  const auto* group = r.scheduler_hints.count("group") ? &r.scheduler_hints.at("group") : nullptr;
  // Networks, ports, addresses and groups are checked now, so a bad request leaves nothing behind.
  Json network_plan = nullptr;
  if (network_) {
    auto plan = network_->validate(caller, r.networking, r.max_count);
    if (!plan.ok()) return plan.status();
    network_plan = std::move(*plan);
  }

  const Json* seq_doc = store_.get("stacklab_meta", "server_seq");
  long long seq = seq_doc ? (*seq_doc)["value"].get<long long>() : 0;
  std::string now = format_iso_seconds(clock_.now());
  std::string reservation = "r-" + random_.hex_id().substr(0, 8);
  std::vector<Json> created;
  for (int i = 0; i < *count; ++i) {
    ++seq;
    std::string name = *count > 1 ? r.name + "-" + std::to_string(i + 1) : r.name;
    Json s = {{"id", random_.uuid4()},
              {"seq", seq},
              {"name", name},
              {"instance_name", instance_name(seq)},
              {"hostname", hostname_of(name)},
              {"project_id", caller.project_id},
              {"user_id", caller.user_id},
              {"image_ref", r.image_ref},
              {"image_properties", image_props},
              {"flavor", flavor_info},
              {"key_name", r.key_name.empty() ? Json(nullptr) : Json(r.key_name)},
              {"metadata", r.metadata},
              {"admin_pass", r.admin_pass.empty() ? generate_password(random_) : r.admin_pass},
              {"vm_state", "building"},
              {"task_state", "scheduling"},
              {"power_state", static_cast<int>(PowerState::kNoState)},
              {"host", nullptr},
              {"node", nullptr},
              {"availability_zone", r.availability_zone.empty() ? Json(nullptr) : Json(r.availability_zone)},
              {"requested_availability_zone", r.availability_zone},
              {"reservation_id", reservation},
              {"launch_index", i},
              {"config_drive", r.config_drive},
              {"access_ipv4", r.access_ipv4},
              {"access_ipv6", r.access_ipv6},
              {"description", r.description ? Json(*r.description) : Json(nullptr)},
              {"locked", false},
              {"tags", r.tags},
              {"scheduler_hints", r.scheduler_hints},
              {"network_plan", network_plan},
              {"volume_backed", volume_plan.volume_backed},
              {"created_at", now},
              {"updated_at", now},
              {"launched_at", nullptr},
              {"terminated_at", nullptr},
              {"deleted", false}};
    created.push_back(std::move(s));
  }
  st = store_.transaction([&]() -> Status {
    Status s = store_.put("stacklab_meta", "server_seq", Json{{"id", "server_seq"}, {"value", seq}});
    for (const Json& doc : created) {
      if (s.ok()) s = store_.put(kServer, doc["id"], doc);
      if (s.ok() && volumes_) s = volumes_->record(doc["id"], volume_plan);
    }
    if (s.ok() && group && !group->empty() && server_groups_) {
      std::vector<std::string> ids;
      for (const Json& doc : created) ids.push_back(doc["id"]);
      s = server_groups_->add_members(group->front(), ids);
    }
    return s;
  });
  if (!st.ok()) return st;
  std::vector<std::string> uuids;
  for (const Json& doc : created) uuids.push_back(doc["id"]);
  clock_.schedule(Duration(0), [this, uuids] { build(uuids); });
  return created;
}

void ComputeService::add_image_defined_devices(const Credentials& caller, const std::string& image_ref,
                                               std::vector<RequestedBlockDevice>& requested) const {
  auto image = images_.get(caller, image_ref);
  if (!image.ok()) return;  // the create's image check answers
  std::vector<RequestedBlockDevice> defined = ServerVolumes::image_defined(*image);
  bool defines_root = std::any_of(defined.begin(), defined.end(),
                                  [](const RequestedBlockDevice& d) { return d.boot_index && *d.boot_index == 0; });
  // Nova's _check_and_transform_bdm: the image's root wins over a requested image root.
  if (defines_root)
    requested.erase(std::remove_if(requested.begin(), requested.end(),
                                   [](const RequestedBlockDevice& d) {
                                     return d.source_type == "image" && d.boot_index && *d.boot_index == 0;
                                   }),
                    requested.end());
  requested.insert(requested.end(), defined.begin(), defined.end());
}

Result<int> ComputeService::admit(const Credentials& caller, const ServerCreate& r, const Json& f) const {
  if (!quotas_) return r.max_count;
  Status st = quotas_->check_metadata_items(caller.project_id, r.metadata.size());
  if (!st.ok()) return st;
  auto count = quotas_->check_servers(caller.project_id, caller.user_id, r.min_count, r.max_count,
                                      f["vcpus"].get<long long>(), f["ram"].get<long long>());
  if (!count.ok()) return count.status();
  auto group = r.scheduler_hints.find("group");
  if (server_groups_ && group != r.scheduler_hints.end() && !group->second.empty()) {
    st = server_groups_->check_members(caller, group->second.front(), *count);
    if (!st.ok()) return st;
  }
  return count;
}

scheduler::RequestSpec ComputeService::request_spec(const Json& s) const {
  scheduler::RequestSpec spec;
  const Json& f = s["flavor"];
  spec.flavor.id = f["id"];
  spec.flavor.name = f["original_name"];
  spec.flavor.vcpus = f["vcpus"].get<int>();
  spec.flavor.memory_mb = f["ram"].get<std::int64_t>();
  // A volume-backed server takes no root disk from its host (Nova's is_bfv request spec).
  spec.flavor.root_gb = s.value("volume_backed", false) ? 0 : f["disk"].get<std::int64_t>();
  spec.flavor.ephemeral_gb = f["ephemeral"].get<std::int64_t>();
  spec.flavor.swap = f["swap"].is_number() ? f["swap"].get<std::int64_t>() : 0;
  for (const auto& [k, v] : f["extra_specs"].items())
    spec.flavor.extra_specs[k] = v.is_string() ? v.get<std::string>() : v.dump();
  spec.image.id = s["image_ref"];
  const Json image_properties = s.value("image_properties", Json::object());  // kept alive for items()
  for (const auto& [k, v] : image_properties.items()) spec.image.properties[k] = v.get<std::string>();
  spec.availability_zone = s.value("requested_availability_zone", "");
  spec.project_id = s["project_id"];
  spec.user_id = s["user_id"];
  const Json hints = s.value("scheduler_hints", Json::object());
  for (const auto& [k, v] : hints.items())
    for (const auto& one : v) spec.scheduler_hints[k].push_back(one);
  if (const auto* g = spec.hint("group"); g && !g->empty() && server_groups_)
    spec.instance_group = server_groups_->instance_group(g->front());
  return spec;
}

bool ComputeService::build_daemons_running() const {
  // The build's casts go through the message queue (rabbitmq-server) to both.
  return !daemons_ || (daemons_("nova-conductor", controller_host_) && daemons_("nova-scheduler", controller_host_) &&
                       daemons_("rabbitmq-server", controller_host_));
}

void ComputeService::resume_parked_builds() {
  if (parked_builds_.empty() || !build_daemons_running()) return;
  auto parked = std::move(parked_builds_);
  parked_builds_.clear();
  for (auto& uuids : parked) build(uuids);
}

void ComputeService::build(const std::vector<std::string>& uuids) {
  if (!build_daemons_running()) {
    parked_builds_.push_back(uuids);  // the cast sits in the queue until a consumer comes back
    return;
  }
  // Instances deleted before scheduling are left out (checked in place: no copies).
  std::vector<std::string> todo;
  for (const auto& u : uuids)
    if (const Json* d = store_.get(kServer, u); d && !(*d)["deleted"].get<bool>()) todo.push_back(u);
  if (todo.empty()) return;
  scheduler::RequestSpec spec = request_spec(*store_.get(kServer, todo.front()));
  spec.num_instances = static_cast<int>(todo.size());
  auto hosts = scheduler::candidate_host_states(placement_, spec,
                                                hosts_.sources ? hosts_.sources() : scheduler::HostStateSources{});
  scheduler::PlacementClaimer claimer(placement_);
  auto dest = scheduler_.select_destinations(spec, hosts, todo, &claimer);
  if (!dest.ok()) {
    for (const auto& u : todo) fail_build(u, dest.status().message());
    return;
  }
  for (std::size_t i = 0; i < todo.size(); ++i) {
    Json* s = live(todo[i]);
    if (!s) {
      (void)placement_.delete_allocations(todo[i]);
      continue;
    }
    const auto& sel = (*dest)[i].selected;
    (*s)["host"] = sel.host;
    (*s)["node"] = sel.nodename;
    if ((*s)["availability_zone"].is_null()) (*s)["availability_zone"] = "nova";
    (*s)["task_state"] = "spawning";
    // Nova's filter_properties["retry"]: the attempts so far and the hosts they ran on.
    (*s)["retry"] = {{"num_attempts", 1}, {"hosts", Json::array({Json::array({sel.host, sel.nodename})})}};
    alternates_.keep(todo[i], (*dest)[i].alternates);
    (void)save(*s);
    if (network_) {
      // The compute manager's _build_networks_for_instance: ports created (or claimed) and bound here.
      Status st = network_->allocate(*s, (*s)["network_plan"], sel.host);
      if (!st.ok()) {
        fail_build(todo[i], "Build of instance " + todo[i] + " aborted: " + st.message());
        continue;
      }
    }
    prepare_volumes_then_spawn(todo[i]);
  }
}

void ComputeService::prepare_volumes_then_spawn(const std::string& uuid) {
  if (!volumes_ || !volumes_->has_mappings(uuid)) return spawn(uuid);
  Json* s = live(uuid);
  if (!s) return;
  (*s)["task_state"] = "block_device_mapping";
  (void)save(*s);
  volumes_->prepare(uuid, [this, uuid](Status st) {
    Json* s = live(uuid);
    if (!s) return;
    if (!st.ok()) return fail_build(uuid, "Build of instance " + uuid + " aborted: " + st.message());
    if ((*s)["task_state"] == "deleting") return finish_delete(uuid);  // deleted while its volumes were made
    (*s)["task_state"] = "spawning";
    (void)save(*s);
    spawn(uuid);
  });
}

InstanceSpec ComputeService::instance_spec(const Json& s) const {
  InstanceSpec is;
  is.uuid = s["id"];
  is.name = s["instance_name"];
  is.display_name = s["name"];
  is.hostname = s["hostname"];
  const Json& f = s["flavor"];
  is.vcpus = f["vcpus"].get<int>();
  is.memory_mb = f["ram"].get<std::int64_t>();
  is.root_gb = s.value("volume_backed", false) ? 0 : f["disk"].get<std::int64_t>();
  is.ephemeral_gb = f["ephemeral"].get<std::int64_t>();
  is.swap_mb = f["swap"].is_number() ? f["swap"].get<std::int64_t>() : 0;
  is.image_ref = s["image_ref"];
  return is;
}

void ComputeService::spawn(const std::string& uuid) {
  Json* s = live(uuid);
  if (!s) return;
  ComputeDriver* driver = hosts_.driver ? hosts_.driver((*s)["host"].get<std::string>()) : nullptr;
  if (!driver) return fail_build(uuid, "Build of instance " + uuid + " aborted: compute host not found.");
  driver->spawn(instance_spec(*s), [this, uuid](Status st) {
    const Json* cur = store_.get(kServer, uuid);
    if (!cur) return;
    Json s = *cur;
    if (!st.ok()) return reschedule(uuid, "Build of instance " + uuid + " aborted: " + st.message());
    alternates_.forget(uuid);
    bool delete_requested = s["task_state"] == "deleting";
    s["vm_state"] = "active";
    s["power_state"] = static_cast<int>(PowerState::kRunning);
    s["launched_at"] = format_iso_micro(clock_.now());
    s["task_state"] = delete_requested ? Json("deleting") : Json(nullptr);
    (void)save(s);
    if (delete_requested) destroy(uuid);
  });
}

void ComputeService::reschedule(const std::string& uuid, const std::string& message) {
  const Json* cur = store_.get(kServer, uuid);
  if (!cur) return;
  // Nova reschedules only with retries on ([scheduler] max_attempts > 1); a deletion wins.
  if (scheduler_.options().max_attempts <= 1 || (*cur)["task_state"] == "deleting") return fail_build(uuid, message);
  // The compute node's half: host and node cleared, back to "scheduling", and the
  // failed host's allocation released so the alternate's claim can be made.
  (void)placement_.delete_allocations(uuid);
  Json s = *cur;
  s["host"] = nullptr;
  s["node"] = nullptr;
  s["task_state"] = "scheduling";
  (void)save(std::move(s));
  // Then the cast to the conductor: later on the loop (a delete may come first).
  clock_.schedule(Duration(0), [this, uuid] { retry_build(uuid); });
}

void ComputeService::retry_build(const std::string& uuid) {
  Json* s = live(uuid);
  if (!s || (*s)["task_state"] != "scheduling") {
    alternates_.forget(uuid);
    return;
  }
  auto next = alternates_.claim_next(uuid, request_spec(*s));
  if (!next) return fail_build(uuid, max_retries_exceeded_message(uuid));
  s = live(uuid);
  (*s)["host"] = next->host;
  (*s)["node"] = next->nodename;
  (*s)["task_state"] = "spawning";
  Json& retry = (*s)["retry"];
  if (!retry.is_object()) retry = {{"num_attempts", 1}, {"hosts", Json::array()}};
  retry["num_attempts"] = retry.value("num_attempts", 1) + 1;
  retry["hosts"].push_back(Json::array({next->host, next->nodename}));
  (void)save(*s);
  spawn(uuid);
}

void ComputeService::fail_build(const std::string& uuid, const std::string& message) {
  alternates_.forget(uuid);
  (void)placement_.delete_allocations(uuid);
  if (network_) network_->deallocate(uuid);  // created ports deleted, given ones released
  if (volumes_) volumes_->release(uuid);     // volumes detached, delete_on_termination ones deleted
  const Json* cur = store_.get(kServer, uuid);
  if (!cur) return;
  Json s = *cur;
  if (s["task_state"] == "deleting") {
    (void)save(s);
    return finish_delete(uuid);
  }
  s["vm_state"] = "error";
  s["task_state"] = nullptr;
  s["power_state"] = static_cast<int>(PowerState::kNoState);
  s["fault"] = {{"code", 500}, {"message", message}, {"created", format_iso_seconds(clock_.now())}};
  (void)save(s);
}

void ComputeService::destroy(const std::string& uuid) {
  Json* s = live(uuid);
  if (!s) return;
  ComputeDriver* driver =
      hosts_.driver && (*s)["host"].is_string() ? hosts_.driver((*s)["host"].get<std::string>()) : nullptr;
  if (!driver) return finish_delete(uuid);
  driver->destroy(uuid, [this, uuid](Status st) {
    if (st.code() == Code::kConflict) {
      // Another operation holds the guest (a volume attach still running):
      // Nova's compute manager serializes them per instance, so the delete
      // waits for it and then goes ahead.
      clock_.schedule(std::chrono::milliseconds(200), [this, uuid] { destroy(uuid); });
      return;
    }
    if (!st.ok()) {
      // The host failed: the instance stays (ERROR), as Nova leaves it.
      Json* s = live(uuid);
      if (!s) return;
      (*s)["vm_state"] = "error";
      (*s)["task_state"] = nullptr;
      (*s)["fault"] = {{"code", 500}, {"message", st.message()}, {"created", format_iso_seconds(clock_.now())}};
      (void)save(*s);
      return;
    }
    finish_delete(uuid);
  });
}

void ComputeService::finish_delete(const std::string& uuid) {
  (void)placement_.delete_allocations(uuid);
  if (network_) network_->deallocate(uuid);
  if (volumes_) volumes_->release(uuid);
  const Json* cur = store_.get(kServer, uuid);
  if (!cur) return;
  Json s = *cur;
  s["vm_state"] = "deleted";
  s["task_state"] = nullptr;
  s["power_state"] = static_cast<int>(PowerState::kNoState);
  s["deleted"] = true;
  s["terminated_at"] = format_iso_micro(clock_.now());
  (void)save(s);
}

RecoveryReport ComputeService::recover() {
  RecoveryReport report;
  std::vector<Json> servers;
  for (const Json* d : store_.list(kServer))
    if (!(*d)["deleted"].get<bool>()) servers.push_back(*d);
  for (Json& s : servers) {
    const std::string uuid = s["id"];
    const std::string vm = s.value("vm_state", "");
    const std::string task = s["task_state"].is_string() ? s["task_state"].get<std::string>() : "";
    if (task == "deleting") {
      // The domain (if any) died with the process: nothing to destroy.
      finish_delete(uuid);
      ++report.deleted;
      continue;
    }
    if (vm == "building") {
      fail_build(uuid, "Instance was in BUILD when the service restarted");
      ++report.build_failed;
      continue;
    }
    PowerState state;
    if (vm == "active")
      state = PowerState::kRunning;
    else if (vm == "stopped")
      state = PowerState::kShutdown;
    else if (vm == "paused")
      state = PowerState::kPaused;
    else if (vm == "suspended")
      state = PowerState::kSuspended;
    else
      continue;  // error, or a state this slice does not know: left as it is
    if (s["power_state"].is_number_integer() && s["power_state"].get<int>() != 0)
      state = static_cast<PowerState>(s["power_state"].get<int>());
    const std::string host = s["host"].is_string() ? s["host"].get<std::string>() : "";
    ComputeDriver* driver = hosts_.driver && !host.empty() ? hosts_.driver(host) : nullptr;
    if (!driver) {
      s["vm_state"] = "error";
      s["task_state"] = nullptr;
      s["fault"] = {{"code", 500},
                    {"message", "Compute host " + (host.empty() ? std::string("(none)") : host) +
                                    " could not be found after the service restarted."},
                    {"created", format_iso_seconds(clock_.now())}};
      (void)save(s);
      ++report.host_gone;
      continue;
    }
    if (hosts_.restore) {
      Status st = hosts_.restore(host, instance_spec(s), state);
      if (!st.ok() && st.code() != Code::kConflict) {
        s["vm_state"] = "error";
        s["task_state"] = nullptr;
        s["fault"] = {{"code", 500}, {"message", st.message()}, {"created", format_iso_seconds(clock_.now())}};
        (void)save(s);
        ++report.host_gone;
        continue;
      }
    }
    if (!task.empty()) {  // an action cut by the restart: Nova's init_instance clears it
      s["task_state"] = nullptr;
      (void)save(s);
    }
    ++report.restored;
  }
  if (volumes_) (void)volumes_->recover();  // attaches and detaches the restart cut short
  return report;
}

Result<Json> ComputeService::get(const Credentials& caller, const std::string& id) const {
  const Json* s = store_.get(kServer, id);
  if (!s || (*s)["deleted"].get<bool>()) return NotFound(not_found(id));
  if (!policy_.allowed("os_compute_api:servers:show", caller, Json{{"project_id", (*s)["project_id"]}}))
    return NotFound(not_found(id));
  return *s;
}

Result<std::vector<Json>> ComputeService::list(const Credentials& caller, const ServerFilter& filter) const {
  auto refs = list_refs(caller, filter);
  if (!refs.ok()) return refs.status();
  std::vector<Json> out;
  out.reserve(refs->size());
  for (const Json* d : *refs) out.push_back(*d);
  return out;
}

Result<std::vector<const Json*>> ComputeService::list_refs(const Credentials& caller,
                                                           const ServerFilter& filter) const {
  bool admin = policy_.allowed("os_compute_api:servers:index:get_all_tenants", caller, Json::object());
  if (filter.deleted && !admin) return std::vector<const Json*>{};
  std::vector<const Json*> docs;
  if (filter.all_tenants && admin)
    docs = filter.project_id.empty() ? store_.list(kServer) : store_.find(kServer, "project_id", filter.project_id);
  else
    docs = store_.find(kServer, "project_id", filter.all_tenants && admin ? filter.project_id : caller.project_id);
  // Sorted on keys read once per server (not per comparison): created_at desc, then seq desc.
  struct Keyed {
    const std::string* created_at;
    long long seq;
    const Json* doc;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(docs.size());
  for (const Json* d : docs)
    if (filter.include_deleted || (*d)["deleted"].get<bool>() == filter.deleted)
      keyed.push_back({&(*d)["created_at"].get_ref<const std::string&>(), (*d)["seq"].get<long long>(), d});
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (*a.created_at != *b.created_at) return *a.created_at > *b.created_at;
    return a.seq > b.seq;
  });
  std::vector<const Json*> out;
  out.reserve(keyed.size());
  for (const Keyed& k : keyed) out.push_back(k.doc);
  return out;
}

Result<Json> ComputeService::find(const Credentials& caller, const std::string& name_or_id) const {
  if (auto by_id = get(caller, name_or_id); by_id.ok()) return by_id;
  ServerFilter filter;
  filter.all_tenants = caller.is_admin();
  auto visible = list_refs(caller, filter);
  if (!visible.ok()) return visible.status();
  const Json* found = nullptr;
  for (const Json* s : *visible) {
    if (s->value("name", "") != name_or_id) continue;
    if (found) return Conflict("More than one server exists with the name '" + name_or_id + "'.");
    found = s;
  }
  if (!found) return NotFound("No server with a name or ID of '" + name_or_id + "' exists.");
  return *found;
}

Status ComputeService::remove(const Credentials& caller, const std::string& id) {
  auto s = get(caller, id);
  if (!s.ok()) return s.status();
  Status st = authorize(policy_, "os_compute_api:servers:delete", caller, Json{{"project_id", (*s)["project_id"]}});
  if (!st.ok()) return st;
  if (st = check_lock(*s, caller); !st.ok()) return st;  // Nova's check_instance_lock on delete
  Json doc = *s;
  std::string task = doc["task_state"].is_string() ? doc["task_state"].get<std::string>() : "";
  if (task == "deleting") return {};
  doc["task_state"] = "deleting";
  st = save(doc);
  if (!st.ok()) return st;
  if (task == "scheduling") {
    // Not placed yet: build() skips it; nothing to destroy.
    finish_delete(id);
  } else if (task == "spawning" || task == "block_device_mapping") {
    // The spawn's (or the volumes') completion sees "deleting" and finishes it then.
  } else {
    clock_.schedule(Duration(0), [this, id] { destroy(id); });
  }
  return {};
}

}  // namespace stacklab::compute
