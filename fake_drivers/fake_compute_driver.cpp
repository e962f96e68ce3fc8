#include "fake_drivers/fake_compute_driver.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace stacklab::fake {

using compute::PowerState;

namespace {

std::string fmt(const char* f, unsigned long long v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Nova's diagnostics state names (nova.compute.power_state.STATE_MAP).
const char* diag_state(PowerState s) {
  switch (s) {
    case PowerState::kRunning:
      return "running";
    case PowerState::kPaused:
      return "paused";
    case PowerState::kShutdown:
      return "shutdown";
    case PowerState::kCrashed:
      return "crashed";
    case PowerState::kSuspended:
      return "suspended";
    default:
      return "pending";
  }
}

Status invalid_state(const std::string& uuid, PowerState s, const char* op) {
  return Conflict(std::string("Cannot '") + op + "' instance " + uuid + " while it is in power state " +
                  compute::power_state_name(s));
}

}  // namespace

FakeComputeDriver::FakeComputeDriver(Clock& clock, Random& random, FakeHost host, OperationTimes times,
                                     FakeFaults faults)
    : clock_(clock), random_(random), host_(std::move(host)), times_(times), faults_(faults) {}

Duration FakeComputeDriver::draw(const DurationRange& r) {
  auto us = r.min.count();
  if (r.max > r.min)
    us += static_cast<std::int64_t>(random_.below(static_cast<std::uint64_t>((r.max - r.min).count()) + 1));
  return Duration(static_cast<std::int64_t>(static_cast<double>(us) * faults_.slowness));
}

Status FakeComputeDriver::host_down() const {
  return {Code::kInternal, "Compute host " + host_.hostname + " is unreachable"};
}

void FakeComputeDriver::later(Done done, Status status) {
  clock_.schedule(Duration(0), [done = std::move(done), status = std::move(status)] { done(status); });
}

Result<const FakeComputeDriver::Guest*> FakeComputeDriver::find(const std::string& uuid) const {
  if (faults_.host_down) return host_down();
  auto it = guests_.find(uuid);
  if (it == guests_.end() || !it->second.spawned) return NotFound("Instance " + uuid + " could not be found.");
  return &it->second;
}

void FakeComputeDriver::boot(Guest& g) {
  g.power_state = PowerState::kRunning;
  g.launched_at = clock_.now();
  if (!g.console.empty()) g.console += "\n";
  g.console += cirros_boot_log(g.spec, host_);
}

void FakeComputeDriver::operate(const std::string& uuid, const DurationRange& range,
                                const std::function<Status(const Guest&)>& check, std::function<void(Guest&)> change,
                                Done done) {
  auto g = find(uuid);
  if (!g.ok()) return later(std::move(done), g.status());
  if ((*g)->busy) return later(std::move(done), Conflict("Instance " + uuid + " has an operation in progress"));
  if (Status st = check(**g); !st.ok()) return later(std::move(done), st);
  guests_[uuid].busy = true;
  clock_.schedule(draw(range), [this, uuid, change = std::move(change), done = std::move(done)] {
    Guest& guest = guests_.at(uuid);
    guest.busy = false;
    if (faults_.host_down) return done(host_down());
    change(guest);
    done(Status::Ok());
  });
}

Status FakeComputeDriver::crash(const std::string& uuid) {
  auto it = guests_.find(uuid);
  if (it == guests_.end() || !it->second.spawned) return NotFound("Instance " + uuid + " could not be found.");
  it->second.power_state = PowerState::kCrashed;
  return Status::Ok();
}

void FakeComputeDriver::forget_guests() {
  guests_.clear();
  kept_.clear();
}

Status FakeComputeDriver::restore(const compute::InstanceSpec& spec, PowerState state) {
  if (faults_.host_down) return host_down();
  if (guests_.count(spec.uuid)) return Conflict("Instance " + spec.uuid + " already exists");
  Guest g;
  g.spec = spec;
  if (g.spec.name.empty()) g.spec.name = fmt("instance-%08llx", next_name_++);
  if (g.spec.hostname.empty()) g.spec.hostname = g.spec.display_name.empty() ? g.spec.name : g.spec.display_name;
  g.ordinal = next_ordinal_++;
  g.spawned = true;
  g.launched_at = clock_.now();
  g.console = cirros_boot_log(g.spec, host_);
  g.power_state = state;
  guests_[spec.uuid] = std::move(g);
  return Status::Ok();
}

// ---- lifecycle ----------------------------------------------------------------

void FakeComputeDriver::spawn(const compute::InstanceSpec& spec, Done done) {
  if (faults_.host_down) return later(std::move(done), host_down());
  if (guests_.count(spec.uuid)) return later(std::move(done), Conflict("Instance " + spec.uuid + " already exists"));
  Guest g;
  g.spec = spec;
  if (g.spec.name.empty()) g.spec.name = fmt("instance-%08llx", next_name_++);
  if (g.spec.hostname.empty()) g.spec.hostname = g.spec.display_name.empty() ? g.spec.name : g.spec.display_name;
  g.busy = true;
  g.ordinal = next_ordinal_++;
  guests_[spec.uuid] = std::move(g);
  Duration d = draw(times_.spawn);
  bool fails =
      faults_.spawn_failure_rate > 0 && static_cast<double>(random_.below(1000000)) < faults_.spawn_failure_rate * 1e6;
  std::string uuid = spec.uuid;
  clock_.schedule(d, [this, uuid, fails, done = std::move(done)] {
    if (faults_.host_down || fails) {
      guests_.erase(uuid);  // nothing is left of a failed boot
      return done(faults_.host_down ? host_down()
                                    : Status(Code::kInternal,
                                             "Simulated spawn failure of instance " + uuid + " on " + host_.hostname));
    }
    Guest& g = guests_.at(uuid);
    g.busy = false;
    g.spawned = true;
    boot(g);
    done(Status::Ok());
  });
}

void FakeComputeDriver::destroy(const std::string& uuid, Done done) {
  if (faults_.host_down) return later(std::move(done), host_down());
  auto it = guests_.find(uuid);
  if (it == guests_.end()) return later(std::move(done), Status::Ok());
  if (it->second.busy) return later(std::move(done), Conflict("Instance " + uuid + " has an operation in progress"));
  it->second.busy = true;
  clock_.schedule(draw(times_.destroy), [this, uuid, done = std::move(done)] {
    if (faults_.host_down) {
      guests_.at(uuid).busy = false;
      return done(host_down());
    }
    guests_.erase(uuid);
    done(Status::Ok());
  });
}

void FakeComputeDriver::reboot(const std::string& uuid, compute::RebootType type, Done done) {
  bool soft = type == compute::RebootType::kSoft;
  operate(
      uuid, soft ? times_.reboot_soft : times_.reboot_hard,
      [&](const Guest& g) {
        return soft && g.power_state != PowerState::kRunning ? invalid_state(uuid, g.power_state, "reboot")
                                                             : Status::Ok();
      },
      [this](Guest& g) { boot(g); }, std::move(done));
}

void FakeComputeDriver::power_on(const std::string& uuid, Done done) {
  operate(
      uuid, times_.power_on, [](const Guest&) { return Status::Ok(); },
      [this](Guest& g) {
        if (g.power_state != PowerState::kRunning) boot(g);
      },
      std::move(done));
}

void FakeComputeDriver::power_off(const std::string& uuid, Done done) {
  operate(
      uuid, times_.power_off, [](const Guest&) { return Status::Ok(); },
      [](Guest& g) { g.power_state = PowerState::kShutdown; }, std::move(done));
}

void FakeComputeDriver::pause(const std::string& uuid, Done done) {
  operate(
      uuid, times_.pause,
      [&](const Guest& g) {
        return g.power_state == PowerState::kRunning ? Status::Ok() : invalid_state(uuid, g.power_state, "pause");
      },
      [](Guest& g) { g.power_state = PowerState::kPaused; }, std::move(done));
}

void FakeComputeDriver::set_admin_password(const std::string& uuid, const std::string& password, Done done) {
  operate(
      uuid, times_.set_password,
      [&](const Guest& g) {
        return g.power_state == PowerState::kRunning ? Status::Ok()
                                                     : invalid_state(uuid, g.power_state, "set_admin_password");
      },
      [password](Guest& g) { g.admin_password = password; }, std::move(done));
}

void FakeComputeDriver::unpause(const std::string& uuid, Done done) {
  operate(
      uuid, times_.pause,
      [&](const Guest& g) {
        return g.power_state == PowerState::kPaused ? Status::Ok() : invalid_state(uuid, g.power_state, "unpause");
      },
      [](Guest& g) { g.power_state = PowerState::kRunning; }, std::move(done));
}

void FakeComputeDriver::suspend(const std::string& uuid, Done done) {
  operate(
      uuid, times_.suspend,
      [&](const Guest& g) {
        return g.power_state == PowerState::kRunning ? Status::Ok() : invalid_state(uuid, g.power_state, "suspend");
      },
      [](Guest& g) { g.power_state = PowerState::kSuspended; }, std::move(done));
}

void FakeComputeDriver::resume(const std::string& uuid, Done done) {
  operate(
      uuid, times_.suspend,
      [&](const Guest& g) {
        return g.power_state == PowerState::kSuspended ? Status::Ok() : invalid_state(uuid, g.power_state, "resume");
      },
      [](Guest& g) { g.power_state = PowerState::kRunning; }, std::move(done));
}

void FakeComputeDriver::snapshot(const std::string& uuid, std::function<void(Result<compute::SnapshotData>)> done) {
  auto data = std::make_shared<compute::SnapshotData>();
  operate(
      uuid, times_.snapshot, [](const Guest&) { return Status::Ok(); },
      [data, uuid](Guest& g) {
        data->disk_format = "raw";
        data->data = "stacklab simulated snapshot of " + g.spec.name + " (" + uuid + ")\n";
      },
      [data, done = std::move(done)](Status st) {
        if (!st.ok()) return done(st);
        done(*data);
      });
}

void FakeComputeDriver::rescue(const std::string& uuid, Done done) {
  operate(
      uuid, times_.reboot_hard,
      [&](const Guest& g) { return g.rescued ? Conflict("Instance " + uuid + " is already rescued") : Status::Ok(); },
      [this](Guest& g) {
        g.rescued = true;
        boot(g);
      },
      std::move(done));
}

void FakeComputeDriver::unrescue(const std::string& uuid, Done done) {
  operate(
      uuid, times_.reboot_hard,
      [&](const Guest& g) { return g.rescued ? Status::Ok() : Conflict("Instance " + uuid + " is not rescued"); },
      [this](Guest& g) {
        g.rescued = false;
        boot(g);
      },
      std::move(done));
}

// ---- moves ------------------------------------------------------------------------

void FakeComputeDriver::migrate_disk_and_power_off(const std::string& uuid, Done done) {
  operate(
      uuid, times_.migrate, [](const Guest&) { return Status::Ok(); },
      [this, uuid](Guest& g) {
        g.power_state = PowerState::kShutdown;
        Guest kept = g;
        kept.busy = false;
        kept_[uuid] = std::move(kept);
        guests_.erase(uuid);  // g dangles from here on: nothing touches it
      },
      std::move(done));
}

void FakeComputeDriver::finish_migration(const compute::InstanceSpec& spec, bool power_on, Done done) {
  if (faults_.host_down) return later(std::move(done), host_down());
  if (guests_.count(spec.uuid)) return later(std::move(done), Conflict("Instance " + spec.uuid + " already exists"));
  Guest g;
  g.spec = spec;
  if (g.spec.hostname.empty()) g.spec.hostname = g.spec.display_name;
  g.busy = true;
  g.ordinal = next_ordinal_++;
  guests_[spec.uuid] = std::move(g);
  std::string uuid = spec.uuid;
  clock_.schedule(draw(times_.migrate), [this, uuid, power_on, done = std::move(done)] {
    Guest& g = guests_.at(uuid);
    if (faults_.host_down) {
      guests_.erase(uuid);
      return done(host_down());
    }
    g.busy = false;
    g.spawned = true;
    if (power_on)
      boot(g);
    else
      g.power_state = PowerState::kShutdown;
    done(Status::Ok());
  });
}

void FakeComputeDriver::confirm_migration(const std::string& uuid, Done done) {
  if (faults_.host_down) return later(std::move(done), host_down());
  kept_.erase(uuid);  // idempotent
  later(std::move(done), Status::Ok());
}

void FakeComputeDriver::finish_revert_migration(const std::string& uuid, bool power_on, Done done) {
  if (faults_.host_down) return later(std::move(done), host_down());
  auto it = kept_.find(uuid);
  if (it == kept_.end()) return later(std::move(done), NotFound("Instance " + uuid + " has no migration to revert"));
  if (guests_.count(uuid)) return later(std::move(done), Conflict("Instance " + uuid + " already exists"));
  guests_[uuid] = std::move(it->second);
  kept_.erase(it);
  clock_.schedule(draw(times_.migrate), [this, uuid, power_on, done = std::move(done)] {
    auto g = guests_.find(uuid);
    if (g == guests_.end()) return done(NotFound("Instance " + uuid + " could not be found."));
    if (power_on) boot(g->second);
    done(Status::Ok());
  });
}

// ---- volumes and interfaces (bookkeeping only) ---------------------------------

void FakeComputeDriver::attach_volume(const std::string& uuid, const std::string& volume_id,
                                      const std::string& mountpoint, Done done) {
  operate(
      uuid, times_.attach,
      [&](const Guest& g) {
        return g.volumes.count(volume_id) ? Conflict("Volume " + volume_id + " is already attached to " + uuid)
                                          : Status::Ok();
      },
      [volume_id, mountpoint](Guest& g) { g.volumes[volume_id] = mountpoint; }, std::move(done));
}

void FakeComputeDriver::detach_volume(const std::string& uuid, const std::string& volume_id, Done done) {
  operate(
      uuid, times_.attach, [](const Guest&) { return Status::Ok(); },
      [volume_id](Guest& g) { g.volumes.erase(volume_id); }, std::move(done));
}

void FakeComputeDriver::attach_interface(const std::string& uuid, const std::string& port_id, const std::string& mac,
                                         Done done) {
  operate(
      uuid, times_.attach,
      [&](const Guest& g) {
        return g.interfaces.count(port_id) ? Conflict("Port " + port_id + " is already plugged into " + uuid)
                                           : Status::Ok();
      },
      [port_id, mac](Guest& g) { g.interfaces[port_id] = mac; }, std::move(done));
}

void FakeComputeDriver::detach_interface(const std::string& uuid, const std::string& port_id, Done done) {
  operate(
      uuid, times_.attach, [](const Guest&) { return Status::Ok(); },
      [port_id](Guest& g) { g.interfaces.erase(port_id); }, std::move(done));
}

// ---- reading --------------------------------------------------------------------

Result<compute::InstanceInfo> FakeComputeDriver::get_info(const std::string& uuid) const {
  auto g = find(uuid);
  if (!g.ok()) return g.status();
  const Guest& guest = **g;
  return compute::InstanceInfo{
      uuid, guest.spec.name, guest.power_state, guest.spec.vcpus, guest.spec.memory_mb, guest.launched_at};
}

Result<std::string> FakeComputeDriver::get_console_output(const std::string& uuid) const {
  auto g = find(uuid);
  if (!g.ok()) return g.status();
  return (*g)->console;
}

Result<compute::VncConsole> FakeComputeDriver::get_vnc_console(const std::string& uuid) const {
  auto g = find(uuid);
  if (!g.ok()) return g.status();
  return compute::VncConsole{host_.host_ip, 5900 + (*g)->ordinal, ""};
}

Result<nlohmann::json> FakeComputeDriver::get_diagnostics(const std::string& uuid) const {
  auto g = find(uuid);
  if (!g.ok()) return g.status();
  const Guest& guest = **g;
  bool running = guest.power_state == PowerState::kRunning;
  std::int64_t uptime =
      running ? std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - guest.launched_at).count() : 0;
  nlohmann::json cpus = nlohmann::json::array();
  for (int i = 0; i < guest.spec.vcpus; ++i)
    cpus.push_back({{"id", i}, {"time", uptime * 20000000LL}, {"utilisation", nullptr}});
  nlohmann::json nics = nlohmann::json::array();
  for (const auto& [port, mac] : guest.interfaces)
    nics.push_back({{"mac_address", mac},
                    {"rx_octets", 2048 + uptime * 60},
                    {"rx_errors", 0},
                    {"rx_drop", 0},
                    {"rx_packets", 12 + uptime / 2},
                    {"rx_rate", nullptr},
                    {"tx_octets", 1024 + uptime * 40},
                    {"tx_errors", 0},
                    {"tx_drop", 0},
                    {"tx_packets", 8 + uptime / 3},
                    {"tx_rate", nullptr}});
  nlohmann::json disks = nlohmann::json::array();
  for (std::size_t i = 0; i < 1 + guest.volumes.size(); ++i)
    disks.push_back({{"read_bytes", i ? 4096 : 19868160},
                     {"read_requests", i ? 1 : 1184},
                     {"write_bytes", i ? 0 : 184320 + uptime * 512},
                     {"write_requests", i ? 0 : 48 + uptime / 10},
                     {"errors_count", 0}});
  return nlohmann::json{
      {"state", diag_state(guest.power_state)},
      {"driver", "libvirt"},
      {"hypervisor", "qemu"},
      {"hypervisor_os", "linux"},
      {"uptime", uptime},
      {"config_drive", false},
      {"num_cpus", guest.spec.vcpus},
      {"num_nics", nics.size()},
      {"num_disks", disks.size()},
      {"cpu_details", cpus},
      {"nic_details", nics},
      {"disk_details", disks},
      {"memory_details", {{"maximum", guest.spec.memory_mb}, {"used", running ? guest.spec.memory_mb : 0}}}};
}

Result<compute::HostResources> FakeComputeDriver::get_available_resource() const {
  if (faults_.host_down) return host_down();
  compute::HostResources r;
  r.hypervisor_hostname = host_.hostname;
  r.host_ip = host_.host_ip;
  r.vcpus = host_.vcpus;
  r.memory_mb = host_.memory_mb;
  r.local_gb = host_.disk_gb;
  std::vector<const Guest*> all;
  for (const auto& [uuid, g] : guests_) all.push_back(&g);
  for (const auto& [uuid, g] : kept_) all.push_back(&g);
  for (const Guest* gp : all) {
    const Guest& g = *gp;
    r.vcpus_used += g.spec.vcpus;
    r.memory_mb_used += g.spec.memory_mb;
    r.local_gb_used += g.spec.root_gb + g.spec.ephemeral_gb + (g.spec.swap_mb + 1023) / 1024;
  }
  r.cpu_info = {{"arch", "x86_64"},
                {"model", "Haswell-noTSX"},
                {"vendor", "Intel"},
                {"topology", {{"cells", 1}, {"sockets", 1}, {"cores", host_.vcpus}, {"threads", 1}}},
                {"features", {"sse4.2", "aes", "avx", "avx2", "vmx"}}};
  r.supported_instances = {"x86_64/qemu/hvm", "i686/qemu/hvm"};
  return r;
}

Result<std::vector<std::string>> FakeComputeDriver::list_instances() const {
  if (faults_.host_down) return host_down();
  std::vector<std::string> names;
  for (const auto& [uuid, g] : guests_)
    if (g.spawned) names.push_back(g.spec.name);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> FakeComputeDriver::list_instance_uuids() const {
  if (faults_.host_down) return host_down();
  std::vector<std::string> uuids;
  for (const auto& [uuid, g] : guests_)
    if (g.spawned) uuids.push_back(uuid);
  return uuids;  // map order: sorted
}

}  // namespace stacklab::fake
