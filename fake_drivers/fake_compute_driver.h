// FakeComputeDriver: one simulated hypervisor behind the ComputeDriver
// contract (engine/compute/driver.h).
//
// It keeps its guests in memory and takes no real resources. Each
// asynchronous operation takes a duration drawn uniformly from its
// OperationTimes range with the injected Random (times the host's slowness),
// and completes through the injected Clock, so in virtual time a 30 s boot
// costs nothing and the same seed gives the same durations. Faults are
// injected through faults(): a host that is down fails every operation and
// reports no resources; a spawn failure rate makes boots fail (after their
// duration, leaving nothing behind); slowness stretches every duration.
// The console log is a cirros 0.3.4 boot log naming the instance and its
// hostname. The driver must outlive the operations it has in flight.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/compute/driver.h"
#include "engine/core/clock.h"
#include "engine/core/random.h"

namespace stacklab::fake {

// A duration drawn uniformly from [min, max].
struct DurationRange {
  Duration min{0}, max{0};
};

// How long each operation takes. The defaults are a lab's real-time feel (a
// boot takes a few seconds); fast() makes everything instantaneous (--fast).
struct OperationTimes {
  DurationRange spawn{std::chrono::seconds(3), std::chrono::seconds(6)};
  DurationRange destroy{std::chrono::milliseconds(500), std::chrono::seconds(1)};
  DurationRange reboot_soft{std::chrono::seconds(2), std::chrono::seconds(4)};
  DurationRange reboot_hard{std::chrono::seconds(1), std::chrono::seconds(2)};
  DurationRange power_on{std::chrono::seconds(1), std::chrono::seconds(2)};
  DurationRange power_off{std::chrono::seconds(1), std::chrono::seconds(3)};
  DurationRange pause{std::chrono::milliseconds(100), std::chrono::milliseconds(300)};
  DurationRange suspend{std::chrono::seconds(1), std::chrono::seconds(3)};
  DurationRange snapshot{std::chrono::seconds(3), std::chrono::seconds(8)};
  DurationRange attach{std::chrono::milliseconds(500), std::chrono::milliseconds(1500)};
  DurationRange migrate{std::chrono::seconds(2), std::chrono::seconds(4)};  // each step of a resize/migration
  DurationRange set_password{std::chrono::milliseconds(200), std::chrono::milliseconds(600)};
  static OperationTimes fast() {
    OperationTimes t;
    t.spawn = t.destroy = t.reboot_soft = t.reboot_hard = t.power_on = t.power_off = t.pause = t.suspend = t.snapshot =
        t.attach = t.migrate = t.set_password = DurationRange{};
    return t;
  }
};

struct FakeFaults {
  bool host_down = false;         // every operation fails; no resource reports
  double spawn_failure_rate = 0;  // 0..1: share of boots that fail
  double slowness = 1.0;          // durations are multiplied by this
};

// The simulated machine; the defaults are the bootcamp's all-in-one VM.
struct FakeHost {
  std::string hostname = "openstackbootcamp";
  std::string host_ip = "10.0.2.15";
  std::string availability_zone = "nova";  // shown in guests' metadata
  int vcpus = 2;
  std::int64_t memory_mb = 6144;
  std::int64_t disk_gb = 40;
};

class FakeComputeDriver final : public compute::ComputeDriver {
 public:
  FakeComputeDriver(Clock& clock, Random& random, FakeHost host = {}, OperationTimes times = {},
                    FakeFaults faults = {});

  FakeFaults& faults() { return faults_; }
  const FakeHost& host() const { return host_; }
  // The guest died (kernel panic, OOM kill): its power state becomes CRASHED.
  Status crash(const std::string& uuid);
  // Re-creates a guest that existed before the cloud restarted (the fake
  // keeps guests in memory; a real hypervisor would still have the domain):
  // at once, spawned, in `state`, with a fresh boot log when RUNNING.
  // Conflict if it already exists; host down fails as any operation.
  Status restore(const compute::InstanceSpec& spec, compute::PowerState state);
  // Forgets every guest, as a hypervisor's domains are gone when the cloud
  // state they belonged to is replaced (then restore() brings back the new
  // state's guests).
  void forget_guests();

  const compute::DriverCapabilities& capabilities() const override { return capabilities_; }
  std::string nodename() const override { return host_.hostname; }

  void spawn(const compute::InstanceSpec& spec, Done done) override;
  void destroy(const std::string& uuid, Done done) override;
  void reboot(const std::string& uuid, compute::RebootType type, Done done) override;
  void power_on(const std::string& uuid, Done done) override;
  void power_off(const std::string& uuid, Done done) override;
  void pause(const std::string& uuid, Done done) override;
  void unpause(const std::string& uuid, Done done) override;
  void suspend(const std::string& uuid, Done done) override;
  void resume(const std::string& uuid, Done done) override;
  void snapshot(const std::string& uuid, std::function<void(Result<compute::SnapshotData>)> done) override;
  void set_admin_password(const std::string& uuid, const std::string& password, Done done) override;
  void rescue(const std::string& uuid, Done done) override;
  void unrescue(const std::string& uuid, Done done) override;
  void migrate_disk_and_power_off(const std::string& uuid, Done done) override;
  void finish_migration(const compute::InstanceSpec& spec, bool power_on, Done done) override;
  void confirm_migration(const std::string& uuid, Done done) override;
  void finish_revert_migration(const std::string& uuid, bool power_on, Done done) override;
  void attach_volume(const std::string& uuid, const std::string& volume_id, const std::string& mountpoint,
                     Done done) override;
  void detach_volume(const std::string& uuid, const std::string& volume_id, Done done) override;
  void attach_interface(const std::string& uuid, const std::string& port_id, const std::string& mac,
                        Done done) override;
  void detach_interface(const std::string& uuid, const std::string& port_id, Done done) override;

  Result<compute::InstanceInfo> get_info(const std::string& uuid) const override;
  Result<std::string> get_console_output(const std::string& uuid) const override;
  Result<compute::VncConsole> get_vnc_console(const std::string& uuid) const override;
  Result<nlohmann::json> get_diagnostics(const std::string& uuid) const override;
  Result<compute::HostResources> get_available_resource() const override;
  Result<std::vector<std::string>> list_instances() const override;
  Result<std::vector<std::string>> list_instance_uuids() const override;

 private:
  struct Guest {
    compute::InstanceSpec spec;
    compute::PowerState power_state = compute::PowerState::kNoState;
    bool busy = false;     // an operation is in flight
    bool spawned = false;  // spawn completed
    bool rescued = false;  // booted from the rescue image
    int ordinal = 0;       // per-host sequence (VNC display)
    TimePoint launched_at;
    std::string console;
    std::string admin_password;  // the last one the agent set
    std::map<std::string, std::string> volumes;     // volume id -> mountpoint
    std::map<std::string, std::string> interfaces;  // port id -> mac
  };
  // Checks the host and the guest's state, marks it busy, and after a
  // duration drawn from `range` applies `change` and reports success.
  void operate(const std::string& uuid, const DurationRange& range, const std::function<Status(const Guest&)>& check,
               std::function<void(Guest&)> change, Done done);
  void later(Done done, Status status);
  Duration draw(const DurationRange& range);
  Status host_down() const;
  Result<const Guest*> find(const std::string& uuid) const;
  void boot(Guest& g);  // RUNNING now, and a boot log on the console

  Clock& clock_;
  Random& random_;
  FakeHost host_;
  OperationTimes times_;
  FakeFaults faults_;
  compute::DriverCapabilities capabilities_;
  std::map<std::string, Guest> guests_;  // by uuid
  // Guests migrated away (or resized) but not confirmed yet: their disks are
  // kept here, and still count as used, until confirm or revert.
  std::map<std::string, Guest> kept_;
  std::uint64_t next_name_ = 1;
  int next_ordinal_ = 0;
};

// The serial console of a cirros 0.3.4 guest booting on `host`.
std::string cirros_boot_log(const compute::InstanceSpec& spec, const FakeHost& host);

}  // namespace stacklab::fake
