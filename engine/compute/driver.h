// ComputeDriver: the hypervisor contract (Nova's nova/virt/driver.py).
//
// Vocabulary. An *instance* is the guest the hypervisor runs for one Nova
// server, named by the server's uuid; its *domain name* (libvirt's, e.g.
// "instance-0000002a") is the hypervisor's label for it. A *node* is what
// one driver manages: one hypervisor host, reported to placement as one
// resource provider named by its hypervisor hostname. Internal handles never
// leave the driver: callers speak uuids.
//
// Calling rules. Every method is called on the engine loop. Operations that
// take hypervisor time are asynchronous: they return at once and call
// `done` later, on the engine loop through the Clock (in virtual time, from
// inside ManualClock::advance), never inline, even when they fail at once or
// their simulated duration is zero. The caller (the compute manager)
// serializes operations per instance; a second operation on an instance that
// has one in flight fails with Conflict. Errors: NotFound when the driver
// has no such instance; Conflict when the instance's power state does not
// allow the operation (nothing changed); Internal when the hypervisor failed
// (host down, a failed boot) — the compute manager may then reschedule.
//
// The manager never asks which driver it has; it reads capabilities().
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"

namespace stacklab::compute {

// Nova's power_state values, as OS-EXT-STS:power_state carries them.
enum class PowerState : int {
  kNoState = 0,
  kRunning = 1,
  kPaused = 3,
  kShutdown = 4,
  kCrashed = 6,
  kSuspended = 7,
};
// What `openstack server list/show` prints: NOSTATE, Running, Paused,
// Shutdown, Crashed, Suspended.
const char* power_state_name(PowerState state);

// What spawn needs to know about the instance.
struct InstanceSpec {
  std::string uuid;
  std::string name;  // domain name (Nova's instance.name); "" = the driver picks instance-%08x
  std::string display_name;
  std::string hostname;  // the guest's hostname (Nova's instance.hostname)
  int vcpus = 1;
  std::int64_t memory_mb = 512;
  std::int64_t root_gb = 1, ephemeral_gb = 0, swap_mb = 0;
  std::string image_ref;               // "" when booted from a volume
  std::vector<std::string> fixed_ips;  // shown in the console log, when known
};

// What the hypervisor says about one instance (Nova's InstanceInfo).
struct InstanceInfo {
  std::string uuid, name;
  PowerState power_state = PowerState::kNoState;
  int vcpus = 0;
  std::int64_t memory_mb = 0;
  TimePoint launched_at;  // last time it started running
};

// A host's resources as Nova's resource tracker reads them
// (get_available_resource): totals, what instances use, hypervisor facts.
struct HostResources {
  std::string hypervisor_hostname, host_ip;
  int vcpus = 0, vcpus_used = 0;
  std::int64_t memory_mb = 0, memory_mb_used = 0;
  std::int64_t local_gb = 0, local_gb_used = 0;
  std::string hypervisor_type = "QEMU";
  std::int64_t hypervisor_version = 2011001;  // 2.11.1
  nlohmann::json cpu_info = nlohmann::json::object();
  std::vector<std::string> supported_instances;  // "x86_64/qemu/hvm"
};

// What a snapshot produced; the manager uploads it to the image service.
struct SnapshotData {
  std::string disk_format = "qcow2", container_format = "bare";
  std::string data;  // the image bytes (the fake driver writes a small placeholder)
};

struct VncConsole {
  std::string host;
  int port = 0;
  std::string internal_access_path;
};

// What a driver can do (Nova's `capabilities` dict). The manager refuses an
// action whose capability is false instead of trying it.
struct DriverCapabilities {
  bool supports_pause = true;
  bool supports_suspend = true;
  bool supports_snapshot = true;
  bool supports_attach_volume = true;
  bool supports_attach_interface = true;
  bool supports_vnc_console = true;
  bool supports_console_log = true;
  bool supports_diagnostics = true;
  bool supports_evacuate = true;
  bool supports_migrate_to_same_host = false;
  bool supports_resize = false;  // resize/migrate come with the compute manager
  std::set<std::string> image_types = {"aki", "ami", "ari", "iso", "qcow2", "raw"};
};
// The placement traits the capabilities imply (COMPUTE_IMAGE_TYPE_*,
// COMPUTE_VOLUME_ATTACH, COMPUTE_NET_ATTACH_INTERFACE).
std::set<std::string> capability_traits(const DriverCapabilities& caps);

enum class RebootType { kSoft, kHard };

class ComputeDriver {
 public:
  using Done = std::function<void(Status)>;
  virtual ~ComputeDriver() = default;

  virtual const DriverCapabilities& capabilities() const = 0;
  // The hypervisor hostname of the node this driver manages.
  virtual std::string nodename() const = 0;

  // ---- lifecycle -----------------------------------------------------------
  // Boots a new instance. After success it exists and is RUNNING, and its
  // resources count as used. After failure nothing is left of it, so a
  // retry (here or on another host) is safe. Conflict if it already exists.
  virtual void spawn(const InstanceSpec& spec, Done done) = 0;
  // Removes the instance and frees its resources. Idempotent: an unknown
  // instance succeeds. After failure the instance is as it was; retry is safe.
  // Conflict while another operation holds the instance: retry once it ends.
  virtual void destroy(const std::string& uuid, Done done) = 0;
  // After success the instance is RUNNING. Soft asks the guest (Conflict
  // unless RUNNING); hard resets it from any state. After failure the power
  // state is unchanged; retry is safe.
  virtual void reboot(const std::string& uuid, RebootType type, Done done) = 0;
  // After success RUNNING (from any state). Idempotent.
  virtual void power_on(const std::string& uuid, Done done) = 0;
  // After success SHUTDOWN (from any state); the guest gets a clean shutdown.
  // Idempotent.
  virtual void power_off(const std::string& uuid, Done done) = 0;
  // RUNNING -> PAUSED (memory kept, CPUs stopped), and back. Conflict from
  // any other state; after failure unchanged; retry is safe.
  virtual void pause(const std::string& uuid, Done done) = 0;
  virtual void unpause(const std::string& uuid, Done done) = 0;
  // RUNNING -> SUSPENDED (memory saved to disk), and back. As pause.
  virtual void suspend(const std::string& uuid, Done done) = 0;
  virtual void resume(const std::string& uuid, Done done) = 0;
  // Captures the root disk; the power state is unchanged. After failure no
  // partial image is left; retry is safe.
  virtual void snapshot(const std::string& uuid, std::function<void(Result<SnapshotData>)> done) = 0;
  // Boots the instance from a rescue image with its own disk attached
  // (Nova's rescue): after success RUNNING and rescued; unrescue boots it
  // back from its own disk, RUNNING. Conflict when already (not) rescued.
  virtual void rescue(const std::string& uuid, Done done) = 0;
  virtual void unrescue(const std::string& uuid, Done done) = 0;
  // Sets the guest's admin (root) password through its agent (Nova's
  // set_admin_password). Conflict unless RUNNING; after failure the old
  // password stands.
  virtual void set_admin_password(const std::string& uuid, const std::string& password, Done done) = 0;

  // ---- moves (resize, cold migration) --------------------------------------
  // Nova's two-host protocol, which also holds when source and destination
  // are the same host (allow_resize_to_same_host):
  //   source: migrate_disk_and_power_off -> the instance is SHUTDOWN and its
  //           disk is kept aside (its resources stay used until confirm);
  //   destination: finish_migration(spec with the new flavor) -> the new
  //           instance exists, RUNNING when `power_on`, else SHUTDOWN;
  //   confirm: source confirm_migration drops the kept copy;
  //   revert: destination destroy, then source finish_revert_migration
  //           brings the kept copy back (RUNNING when `power_on`).
  virtual void migrate_disk_and_power_off(const std::string& uuid, Done done) = 0;
  virtual void finish_migration(const InstanceSpec& spec, bool power_on, Done done) = 0;
  virtual void confirm_migration(const std::string& uuid, Done done) = 0;
  virtual void finish_revert_migration(const std::string& uuid, bool power_on, Done done) = 0;

  // ---- volumes and interfaces ----------------------------------------------
  // After success the volume is a disk of the instance at `mountpoint`
  // (e.g. /dev/vdb); Conflict if already attached. Detach is idempotent.
  virtual void attach_volume(const std::string& uuid, const std::string& volume_id, const std::string& mountpoint,
                             Done done) = 0;
  virtual void detach_volume(const std::string& uuid, const std::string& volume_id, Done done) = 0;
  // After success the port is a NIC of the instance; Conflict if already
  // plugged. Detach is idempotent.
  virtual void attach_interface(const std::string& uuid, const std::string& port_id, const std::string& mac,
                                Done done) = 0;
  virtual void detach_interface(const std::string& uuid, const std::string& port_id, Done done) = 0;

  // ---- reading (synchronous, no hypervisor time) ---------------------------
  virtual Result<InstanceInfo> get_info(const std::string& uuid) const = 0;
  // The guest's serial console log, whole (the API trims it to `length` lines).
  virtual Result<std::string> get_console_output(const std::string& uuid) const = 0;
  virtual Result<VncConsole> get_vnc_console(const std::string& uuid) const = 0;
  // Nova's diagnostics, in the shape of GET /servers/{id}/diagnostics (2.48).
  virtual Result<nlohmann::json> get_diagnostics(const std::string& uuid) const = 0;
  // The node's resources. Fails (Internal) when the host cannot be reached;
  // the resource tracker then reports nothing.
  virtual Result<HostResources> get_available_resource() const = 0;
  // Domain names of the instances on the node, sorted (Nova's list_instances).
  virtual Result<std::vector<std::string>> list_instances() const = 0;
  // Their uuids, sorted.
  virtual Result<std::vector<std::string>> list_instance_uuids() const = 0;
};

}  // namespace stacklab::compute
