// Cloud: a whole running stacklab (engine, services, HTTP listener) built
// from options. `stacklab up` runs one in the foreground; API tests start
// one in-process on a free port.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/audit_log.h"
#include "api/cloud_app.h"
#include "api/http_server.h"
#include "engine/compute/aggregates.h"
#include "engine/compute/availability_zones.h"
#include "engine/compute/compute_services.h"
#include "engine/compute/flavors.h"
#include "engine/compute/guest_directory.h"
#include "engine/compute/hypervisors.h"
#include "engine/compute/instance_actions.h"
#include "engine/compute/keypairs.h"
#include "engine/compute/quotas.h"
#include "engine/compute/resource_tracker.h"
#include "engine/compute/server_actions.h"
#include "engine/compute/server_groups.h"
#include "engine/compute/server_metadata.h"
#include "engine/compute/server_moves.h"
#include "engine/compute/server_volumes.h"
#include "engine/compute/servers.h"
#include "engine/compute/usage.h"
#include "engine/core/config.h"
#include "engine/core/runtime.h"
#include "engine/core/state_snapshots.h"
#include "engine/core/store.h"
#include "engine/guest/compute_guest_inventory.h"
#include "engine/guest/guest_sessions.h"
#include "engine/identity/identity_service.h"
#include "engine/image/image_service.h"
#include "engine/network/network_probes.h"
#include "engine/network/network_service.h"
#include "engine/ops/daemons.h"
#include "engine/ops/fault_lab.h"
#include "engine/ops/service_authtoken.h"
#include "engine/ops/service_configs.h"
#include "engine/placement/placement_service.h"
#include "engine/scheduler/filter_scheduler.h"
#include "engine/volume/qos_specs.h"
#include "engine/volume/volume_backends.h"
#include "engine/volume/volume_backups.h"
#include "engine/volume/volume_quotas.h"
#include "engine/volume/volume_scheduler.h"
#include "engine/volume/volume_service.h"
#include "engine/volume/volume_transfers.h"
#include "engine/volume/volume_types.h"
#include "metrics/api_metrics.h"

namespace stacklab {

namespace api {
class ReverseProxy;
}

namespace fake {
class SimulatedFleet;
class FakeVolumeDriver;
class SimulatedDataplane;
}  // namespace fake

struct CloudOptions {
  std::string state_dir;  // "" = ephemeral
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;  // 0 = any free port
  std::string host;                   // host[:port] for the catalog and rc files; "" = derived from the listener
  std::string profile = "lab";
  unsigned io_threads = 2;
  Config config;  // the INI file's values ([identity], [token], [database], ...)
  bool log_to_stderr = true;
  // Simulated hypervisor operations take no time (`stacklab up --fast`,
  // tests); otherwise a boot takes a few seconds, as in the lab.
  // The simulated hypervisors, as a fleet description (fake_drivers/simulated_fleet.h);
  // an empty object is the lab's single host openstackbootcamp.
  Json fleet = Json::object();
  bool fast = false;  // logs always go to <state_dir>/logs/<service>.log when there is a state dir
  // > 0: /dashboard is forwarded to Horizon on 127.0.0.1:<port> (cmd/stacklab/dashboard_process.h).
  unsigned short dashboard_port = 0;
};

class Cloud {
 public:
  // Opens the state, seeds the profile, starts serving. Errors are for the operator.
  static Result<std::unique_ptr<Cloud>> start(const CloudOptions& options);
  ~Cloud();

  // Stops accepting, finishes in-flight requests, stops the engine.
  void stop();

  unsigned short port() const { return server_->port(); }
  const std::string& host_url() const { return host_url_; }
  const std::string& admin_password() const { return admin_password_; }
  Runtime& runtime() { return *runtime_; }
  identity::IdentityService& identity() { return *identity_; }
  image::ImageService& images() { return *images_; }
  placement::PlacementService& placement() { return *placement_; }
  compute::FlavorService& flavors() { return *flavors_; }
  compute::KeypairService& keypairs() { return *keypairs_; }
  compute::ComputeService& servers() { return *servers_; }
  compute::QuotaService& quotas() { return *quotas_; }
  fake::SimulatedFleet& fleet() { return *fleet_; }
  compute::ServiceRegistry& compute_services() { return *compute_services_; }
  compute::AggregateService& aggregates() { return *aggregates_; }
  network::NetworkService& networks() { return *networks_; }
  // "Would this ping or SSH work": the simulated data plane over the current state.
  network::NetworkProbes& probes() { return *probes_; }
  Store& store() { return *store_; }
  StateSnapshots& snapshots() { return *snapshots_; }
  api::AuditLog& audit_log() { return *audit_; }
  // The HTTP application: every service's routes, mounted.
  api::CloudApp& app() { return *app_; }
  // Cinder: the volume manager, its types and quotas, and the lab's simulated LVM backend.
  volume::VolumeService& volumes() { return *volumes_; }
  volume::VolumeTypeService& volume_types() { return *volume_types_; }
  fake::FakeVolumeDriver& volume_driver() { return *volume_driver_; }
  // The simulated daemons (running or stopped) and the troubleshooting day's faults.
  DaemonRegistry& daemons() { return *daemons_; }
  FaultLab& faults() { return *faults_; }
  // Where data files live: <state_dir>, or a temporary directory removed at stop when ephemeral.
  const std::string& data_dir() const { return data_dir_; }

 private:
  Cloud() = default;
  // The steps of start() that have files of their own.
  void start_troubleshooting(const Config& config);  // cloud_troubleshooting.cpp
  void mount_services(const CloudOptions& options);  // cloud_routes.cpp
  // What a service's API daemon does when it starts: reads [keystone_authtoken] from its config file and
  // signs in with it (cloud_troubleshooting.cpp).
  void read_service_config(const std::string& service);
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<StateSnapshots> snapshots_;
  std::unique_ptr<api::AuditLog> audit_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<image::ImageStore> image_store_;
  std::unique_ptr<image::ImageService> images_;
  std::unique_ptr<placement::PlacementService> placement_;
  Policy compute_policy_;
  std::unique_ptr<compute::FlavorService> flavors_;
  std::unique_ptr<compute::KeypairService> keypairs_;
  std::unique_ptr<compute::QuotaService> quotas_;
  std::unique_ptr<compute::ServerGroupService> server_groups_;
  std::unique_ptr<compute::UsageService> usage_;
  std::unique_ptr<compute::ServerMetadataService> server_metadata_;
  std::unique_ptr<fake::SimulatedFleet> fleet_;
  std::unique_ptr<compute::ResourceTracker> tracker_;
  std::unique_ptr<scheduler::FilterScheduler> scheduler_;
  std::unique_ptr<compute::ComputeService> servers_;
  std::unique_ptr<compute::InstanceActionLog> instance_actions_;
  std::unique_ptr<compute::ServerTasks> server_tasks_;
  std::unique_ptr<compute::ServerActions> server_actions_;
  std::unique_ptr<compute::ServerMoves> server_moves_;
  std::unique_ptr<compute::ServiceRegistry> compute_services_;
  std::unique_ptr<compute::AggregateService> aggregates_;
  std::unique_ptr<compute::Hypervisors> hypervisors_;
  std::unique_ptr<compute::AvailabilityZones> zones_;
  Policy network_policy_;
  std::unique_ptr<network::NetworkService> networks_;
  std::unique_ptr<compute::NetworkApi> server_network_;  // Nova's side of Neutron (servers' ports)
  std::unique_ptr<fake::SimulatedDataplane> dataplane_;
  std::unique_ptr<compute::ComputeGuestDirectory> guests_;
  std::unique_ptr<network::NetworkProbes> probes_;
  std::unique_ptr<guest::ComputeGuestInventory> guest_inventory_;
  std::unique_ptr<guest::GuestLeases> guest_leases_;      // which guests got no DHCP answer at their last boot
  std::unique_ptr<guest::GuestSessions> guest_sessions_;  // the simulated guests' SSH and console shells
  Policy volume_policy_;
  std::unique_ptr<fake::FakeVolumeDriver> volume_driver_;
  std::unique_ptr<volume::VolumeBackends> volume_backends_;
  std::unique_ptr<volume::VolumeScheduler> volume_scheduler_;
  std::unique_ptr<volume::VolumeTypeService> volume_types_;
  std::unique_ptr<volume::VolumeQuotas> volume_quotas_;
  std::unique_ptr<volume::VolumeService> volumes_;
  std::unique_ptr<volume::VolumeTransfers> volume_transfers_;
  // Nova's side of Cinder: servers' block device mappings, attachments, boot volumes.
  std::unique_ptr<compute::BlockDeviceMappings> block_devices_;
  std::unique_ptr<compute::VolumeApi> server_volume_api_;
  std::unique_ptr<compute::ServerVolumes> server_volumes_;
  std::unique_ptr<volume::VolumeBackups> volume_backups_;
  std::unique_ptr<volume::QosSpecsService> qos_specs_;
  std::unique_ptr<DaemonRegistry> daemons_;
  std::unique_ptr<FaultLab> faults_;
  std::unique_ptr<ServiceAuthtoken> authtoken_;  // the services' token middleware while keystone cannot answer
  std::unique_ptr<ServiceConfigs> configs_;      // nova.conf, glance.conf, ... under <state>/etc
  std::unique_ptr<metrics::ApiMetrics> metrics_;
  std::unique_ptr<api::CloudApp> app_;
  std::unique_ptr<api::ReverseProxy> dashboard_;  // /dashboard, when there is one
  std::unique_ptr<api::HttpServer> server_;
  std::string host_url_, admin_password_, data_dir_;
  bool temporary_data_dir_ = false;
  bool stopped_ = false;
};

}  // namespace stacklab
