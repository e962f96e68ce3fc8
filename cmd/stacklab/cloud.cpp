#include "cmd/stacklab/cloud.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "api/lab_state_routes.h"
#include "api/reverse_proxy.h"
#include "engine/compute/compute_policy.h"
#include "engine/core/log.h"
#include "engine/core/timeutil.h"
#include "engine/network/network_policy.h"
#include "engine/volume/volume_policy.h"
#include "fake_drivers/fake_volume_driver.h"
#include "fake_drivers/simulated_dataplane.h"
#include "fake_drivers/simulated_fleet.h"
#include "real_drivers/file_image_store.h"
#include "scenarios/lab/lab_flavors.h"
#include "scenarios/lab/lab_images.h"
#include "scenarios/lab/lab_networks.h"
#include "scenarios/lab/lab_profile.h"
#include "scenarios/lab/lab_volumes.h"
#include "scenarios/lab/rc_files.h"

namespace stacklab {

Result<std::unique_ptr<Cloud>> Cloud::start(const CloudOptions& o) {
  const Config& config = o.config;
  std::unique_ptr<Cloud> cloud(new Cloud());
  cloud->runtime_ = std::make_unique<Runtime>(Runtime::Mode::kRealTime, 2);
  Runtime& runtime = *cloud->runtime_;
  Log::Level level = config.get_bool("DEFAULT", "debug", false) ? Log::Level::kDebug : Log::Level::kInfo;
  Log::configure(o.state_dir.empty() ? "" : o.state_dir + "/logs", &runtime.clock(), level, o.log_to_stderr);

  Store::Options store_opts;
  if (!o.state_dir.empty()) store_opts.path = o.state_dir + "/stacklab.db";
  store_opts.sync_full = config.get("database", "synchronous", "normal") == "full";
  auto store = Store::open(store_opts);
  if (!store.ok()) return store.status();
  cloud->store_ = std::move(*store);

  identity::IdentityOptions id_opts;
  id_opts.token_expiration = std::chrono::seconds(config.get_int("token", "expiration", 3600));
  id_opts.password_hash_rounds = static_cast<int>(config.get_int("identity", "password_hash_rounds", 10000));
  id_opts.max_password_length = static_cast<int>(config.get_int("identity", "max_password_length", 4096));
  cloud->identity_ =
      std::make_unique<identity::IdentityService>(*cloud->store_, runtime.clock(), runtime.random(), id_opts);
  if (std::string policy_file = config.get("oslo_policy", "policy_file"); !policy_file.empty()) {
    std::ifstream f(policy_file);
    auto rules = Json::parse(f, nullptr, false);
    if (!f || rules.is_discarded()) return BadRequest("cannot read policy file " + policy_file + " (JSON expected)");
    Status st = cloud->identity_->mutable_policy().load_overrides(rules);
    if (!st.ok()) return st;
  }

  // Data files: image data, staged imports, uploads in progress.
  if (o.state_dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stacklab-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return Status(Code::kInternal, "cannot create a temporary data directory");
    cloud->data_dir_ = tmpl;
    cloud->temporary_data_dir_ = true;
  } else {
    cloud->data_dir_ = o.state_dir;
  }
  for (const char* sub : {"images", "staging", "tmp"}) {
    std::error_code ec;
    std::filesystem::create_directories(cloud->data_dir_ + "/" + sub, ec);
    if (ec) return Status(Code::kInternal, "cannot create " + cloud->data_dir_ + "/" + sub + ": " + ec.message());
  }
  // Uploads cut by a crash are of no use to anyone.
  for (const auto& e : std::filesystem::directory_iterator(cloud->data_dir_ + "/tmp"))
    std::filesystem::remove(e.path());

  image::ImageOptions img_opts;
  img_opts.image_count_total = config.get_int("image", "image_count_total", -1);
  img_opts.image_size_total_mb = config.get_int("image", "image_size_total", -1);
  img_opts.image_size_cap = static_cast<std::uint64_t>(config.get_int("image", "image_size_cap", 1ll << 40));
  cloud->image_store_ = std::make_unique<drivers::FileImageStore>(cloud->data_dir_ + "/images");
  cloud->images_ = std::make_unique<image::ImageService>(*cloud->store_, runtime.clock(), runtime.random(),
                                                         *cloud->image_store_, img_opts);

  cloud->placement_ = std::make_unique<placement::PlacementService>(*cloud->store_, runtime.random());

  network::register_network_policy(cloud->network_policy_);
  if (std::string policy_file = config.get("oslo_policy", "policy_file"); !policy_file.empty()) {
    std::ifstream f(policy_file);
    Status st = cloud->network_policy_.load_overrides(Json::parse(f, nullptr, false));  // read (and checked) above
    if (!st.ok()) return st;
  }
  cloud->networks_ =
      std::make_unique<network::NetworkService>(*cloud->store_, runtime.clock(), runtime.random(),
                                                cloud->network_policy_, network::NetworkOptions::from_config(config));

  // Cinder: the lab's LVM backend (simulated), its scheduler, types, quotas and the volume manager.
  volume::register_volume_policy(cloud->volume_policy_);
  if (std::string policy_file = config.get("oslo_policy", "policy_file"); !policy_file.empty()) {
    std::ifstream f(policy_file);
    Status st = cloud->volume_policy_.load_overrides(Json::parse(f, nullptr, false));  // read (and checked) above
    if (!st.ok()) return st;
  }
  {
    fake::FakeBackend lvm;
    lvm.availability_zone = config.get("DEFAULT", "storage_availability_zone", "nova");
    fake::FakePool& pool = lvm.pools.front();
    pool.total_capacity_gb = static_cast<double>(config.get_int("lvmdriver-1", "volume_group_size_gb", 24));
    pool.thin = config.get("lvmdriver-1", "lvm_type", "default") == "thin";
    pool.reserved_percentage = static_cast<int>(config.get_int("lvmdriver-1", "reserved_percentage", 0));
    pool.max_over_subscription_ratio = std::stod(config.get("lvmdriver-1", "max_over_subscription_ratio", "20.0"));
    cloud->volume_driver_ = std::make_unique<fake::FakeVolumeDriver>(
        runtime.clock(), runtime.random(), lvm,
        o.fast ? fake::VolumeOperationTimes::fast() : fake::VolumeOperationTimes{});
  }
  cloud->volume_backends_ = std::make_unique<volume::VolumeBackends>(
      *cloud->store_, runtime.clock(), cloud->volume_policy_, "openstackbootcamp",
      config.get("DEFAULT", "storage_availability_zone", "nova"));
  cloud->volume_backends_->add(*cloud->volume_driver_);
  cloud->volume_scheduler_ = std::make_unique<volume::VolumeScheduler>();
  cloud->volume_types_ = std::make_unique<volume::VolumeTypeService>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->volume_policy_,
      config.get("DEFAULT", "default_volume_type", "lvmdriver-1"));
  cloud->volume_quotas_ = std::make_unique<volume::VolumeQuotas>(
      *cloud->store_, cloud->volume_policy_, *cloud->volume_types_, volume::volume_quota_defaults(config));
  volume::VolumeOptions vol_opts;
  vol_opts.default_availability_zone = config.get("DEFAULT", "storage_availability_zone", "nova");
  cloud->volumes_ = std::make_unique<volume::VolumeService>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->volume_policy_, *cloud->volume_backends_,
      *cloud->volume_scheduler_, *cloud->volume_types_, *cloud->volume_quotas_, cloud->images_.get(), vol_opts);
  cloud->volume_transfers_ = std::make_unique<volume::VolumeTransfers>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->volume_policy_, *cloud->volume_quotas_);
  cloud->volume_backups_ = std::make_unique<volume::VolumeBackups>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->volume_policy_, *cloud->volume_backends_,
      *cloud->volume_quotas_, *cloud->volumes_);
  cloud->qos_specs_ = std::make_unique<volume::QosSpecsService>(*cloud->store_, runtime.clock(), runtime.random(),
                                                                 cloud->volume_policy_);

  compute::register_compute_policy(cloud->compute_policy_);
  if (std::string policy_file = config.get("oslo_policy", "policy_file"); !policy_file.empty()) {
    std::ifstream f(policy_file);
    Status st = cloud->compute_policy_.load_overrides(Json::parse(f, nullptr, false));  // read (and checked) above
    if (!st.ok()) return st;
  }
  cloud->flavors_ = std::make_unique<compute::FlavorService>(*cloud->store_, runtime.clock(), runtime.random(),
                                                             cloud->compute_policy_);
  compute::KeypairOptions kp_opts;
  kp_opts.key_pairs_per_user = static_cast<int>(config.get_int("quota", "key_pairs", 100));
  // Nova's quotas ([quota] overrides the defaults), counted from live resources; they decide on key pairs too.
  cloud->quotas_ = std::make_unique<compute::QuotaService>(*cloud->store_, cloud->compute_policy_,
                                                           compute::quota_defaults_from_config(config));
  kp_opts.key_pairs_per_user = -1;
  kp_opts.quota_check = [q = cloud->quotas_.get()](const std::string& project, const std::string& user) {
    return q->check_key_pairs(project, user);
  };
  cloud->server_groups_ = std::make_unique<compute::ServerGroupService>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->compute_policy_, *cloud->quotas_);
  cloud->usage_ = std::make_unique<compute::UsageService>(*cloud->store_, runtime.clock(), cloud->compute_policy_);
  cloud->server_metadata_ = std::make_unique<compute::ServerMetadataService>(
      *cloud->store_, runtime.clock(), cloud->compute_policy_, cloud->quotas_.get());
  cloud->keypairs_ =
      std::make_unique<compute::KeypairService>(*cloud->store_, runtime.clock(), cloud->compute_policy_, kp_opts);

  // The hypervisors (by default the book's single all-in-one host), reported into placement at start.
  auto fleet = fake::SimulatedFleet::from_json(runtime.clock(), runtime.random(), o.fleet,
                                               o.fast ? fake::OperationTimes::fast() : fake::OperationTimes{});
  if (!fleet.ok()) return fleet.status();
  cloud->fleet_ = std::move(*fleet);
  cloud->tracker_ = std::make_unique<compute::ResourceTracker>(*cloud->placement_, runtime.clock(),
                                                               compute::ResourceOptions::from_config(config));
  auto sched = scheduler::FilterScheduler::create(scheduler::SchedulerOptions::from_config(config), runtime.random());
  if (!sched.ok()) return sched.status();
  cloud->scheduler_ = std::move(*sched);
  // Nova's service records (heartbeats, periodic resource reports), aggregates, hypervisors and zones.
  cloud->compute_services_ = std::make_unique<compute::ServiceRegistry>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->compute_policy_, *cloud->tracker_,
      cloud->fleet_->managed_nodes(), compute::ServiceGroupOptions::from_config(config));
  compute::ServiceRegistry* registry_ptr = cloud->compute_services_.get();
  cloud->aggregates_ = std::make_unique<compute::AggregateService>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->compute_policy_, *cloud->placement_,
      [registry_ptr](const std::string& host) { return registry_ptr->compute_service(host) != nullptr; });
  compute::AggregateService* aggregates_ptr = cloud->aggregates_.get();
  registry_ptr->on_compute_deleted(
      [aggregates_ptr](const std::string& host) { (void)aggregates_ptr->forget_host(host); });
  cloud->hypervisors_ = std::make_unique<compute::Hypervisors>(*registry_ptr, *cloud->placement_, *cloud->tracker_,
                                                               runtime.clock(), cloud->compute_policy_);
  cloud->zones_ = std::make_unique<compute::AvailabilityZones>(*registry_ptr, *aggregates_ptr, cloud->compute_policy_);

  compute::ComputeHosts hosts;
  fake::SimulatedFleet* fleet_ptr = cloud->fleet_.get();
  compute::ResourceTracker* tracker_ptr = cloud->tracker_.get();
  hosts.driver = [fleet_ptr](const std::string& host) -> compute::ComputeDriver* { return fleet_ptr->driver(host); };
  hosts.sources = [fleet_ptr, tracker_ptr, registry_ptr, aggregates_ptr] {
    scheduler::HostStateSources s = fleet_ptr->host_state_sources(*tracker_ptr);
    s.aggregates = aggregates_ptr->scheduler_aggregates();  // the AggregateService owns them, not the fleet
    registry_ptr->apply_to(s);                              // enabled/disabled, up/down
    return s;
  };
  hosts.restore = [fleet_ptr](const std::string& host, const compute::InstanceSpec& spec,
                              compute::PowerState state) -> Status {
    fake::FakeComputeDriver* d = fleet_ptr->driver(host);
    if (!d) return NotFound("Compute host " + host + " could not be found.");
    return d->restore(spec, state);
  };
  compute::ComputeHosts action_hosts = hosts;  // the server actions reach the same hypervisors
  cloud->server_network_ = std::make_unique<compute::NetworkApi>(*cloud->store_, *cloud->networks_);
  cloud->block_devices_ =
      std::make_unique<compute::BlockDeviceMappings>(*cloud->store_, runtime.clock(), runtime.random());
  cloud->server_volume_api_ = std::make_unique<compute::VolumeApi>(*cloud->volumes_);
  cloud->server_volumes_ = std::make_unique<compute::ServerVolumes>(
      *cloud->store_, runtime.clock(), *cloud->block_devices_, *cloud->server_volume_api_, *cloud->images_,
      hosts.driver);
  cloud->servers_ = std::make_unique<compute::ComputeService>(
      *cloud->store_, runtime.clock(), runtime.random(), cloud->compute_policy_, *cloud->flavors_, *cloud->images_,
      *cloud->placement_, *cloud->scheduler_, std::move(hosts), cloud->quotas_.get(), cloud->server_groups_.get(),
      cloud->server_network_.get(), cloud->server_volumes_.get());
  // Server actions (power, snapshots, shelve, rescue), moves (resize, migrations) and their instance-action log.
  cloud->instance_actions_ =
      std::make_unique<compute::InstanceActionLog>(*cloud->store_, runtime.clock(), cloud->compute_policy_);
  cloud->server_tasks_ = std::make_unique<compute::ServerTasks>(compute::ServerTasksDeps{
      *cloud->store_, runtime.clock(), runtime.random(), cloud->compute_policy_, *cloud->servers_, *cloud->flavors_,
      *cloud->images_, *cloud->image_store_, *cloud->placement_, *cloud->scheduler_, std::move(action_hosts),
      *cloud->instance_actions_});
  compute::ShelveOptions shelve;
  shelve.shelved_offload_time = static_cast<int>(config.get_int("DEFAULT", "shelved_offload_time", 0));
  cloud->server_actions_ = std::make_unique<compute::ServerActions>(*cloud->server_tasks_, shelve);
  cloud->server_moves_ = std::make_unique<compute::ServerMoves>(*cloud->server_tasks_);
  registry_ptr->on_compute_up(
      [moves = cloud->server_moves_.get()](const std::string& host) { moves->clean_evacuated(host); });
  // (The guests' DHCP leases follow the same saves, once they exist below.)
  cloud->servers_->on_saved = [log = cloud->instance_actions_.get(), moves = cloud->server_moves_.get(),
                               &leases = cloud->guest_leases_](const Json& before, const Json& after) {
    log->server_saved(before, after);
    moves->server_saved(before, after);
    if (leases) leases->server_saved(before, after);
  };

  // The data plane behind Neutron: which pings and SSH sessions would work.
  cloud->dataplane_ = std::make_unique<fake::SimulatedDataplane>();
  cloud->guests_ = std::make_unique<compute::ComputeGuestDirectory>(*cloud->servers_);
  cloud->probes_ = std::make_unique<network::NetworkProbes>(*cloud->store_, *cloud->dataplane_, *cloud->guests_,
                                                            network::HostInfo{cloud->networks_->options().host});
  cloud->guest_inventory_ = std::make_unique<guest::ComputeGuestInventory>(
      *cloud->servers_, *cloud->keypairs_, *cloud->server_volumes_, *cloud->server_volume_api_, *cloud->images_);
  network::NetworkService* networks_ptr = cloud->networks_.get();
  cloud->guest_leases_ = std::make_unique<guest::GuestLeases>(
      *cloud->store_, runtime.clock(),
      [networks_ptr](const std::string& server_id) {
        std::vector<guest::GuestLeases::Nic> nics;
        for (const Json* port : networks_ptr->device_ports(server_id))
          nics.push_back({(*port)["id"].get<std::string>(), (*port)["network_id"].get<std::string>()});
        return nics;
      },
      [networks_ptr](const std::string& network_id) { return networks_ptr->dhcp_available(network_id); });
  cloud->guest_sessions_ = std::make_unique<guest::GuestSessions>(
      *cloud->probes_, *cloud->dataplane_, *cloud->guest_inventory_, runtime.random(), cloud->guest_leases_.get());

  // Snapshots of the whole state, and what each service rebuilds after a
  // restore (one line per service keeping state beside the Store).
  cloud->snapshots_ = std::make_unique<StateSnapshots>(
      *cloud->store_, runtime.clock(),
      StateSnapshots::Options{cloud->data_dir_ + "/snapshots",
                              {cloud->data_dir_ + "/images", cloud->data_dir_ + "/staging"}});
  StateSnapshots& snapshots = *cloud->snapshots_;
  compute::ComputeService* servers_ptr = cloud->servers_.get();
  placement::PlacementService* placement_ptr = cloud->placement_.get();
  snapshots.on_restore("placement", [placement_ptr] {
    placement_ptr->reload();
    return Status();
  });
  snapshots.on_restore("nova-compute", [fleet_ptr, servers_ptr] {
    fleet_ptr->forget_guests();
    (void)servers_ptr->recover();
    return Status();
  });
  snapshots.on_restore("cinder-volume", [driver = cloud->volume_driver_.get(), volumes = cloud->volumes_.get(),
                                          backups = cloud->volume_backups_.get()] {
    driver->forget_all();
    (void)volumes->recover();
    (void)backups->recover();
    return Status();
  });
  snapshots.on_restore("compute services", [registry_ptr] {
    registry_ptr->stop();
    return registry_ptr->start();
  });
  // The simulated daemons, the services' token middleware and config files, the faults.
  cloud->start_troubleshooting(config);

  auto audit = api::AuditLog::open(o.state_dir.empty() ? "" : o.state_dir + "/audit.log");
  if (!audit.ok()) return audit.status();
  cloud->audit_ = std::move(*audit);

  // Services, mounted at DevStack's paths.
  cloud->mount_services(o);
  api::CloudApp& app = *cloud->app_;

  // Bind first (with port 0 the catalog needs the port the kernel chose), but
  // accept only once the profile is seeded: an early client must not see a
  // cloud without its users.
  api::HttpServer::Options http;
  http.address = o.listen_host;
  http.port = o.listen_port;
  http.threads = o.io_threads;
  http.body_limit = static_cast<std::size_t>(config.get_int("DEFAULT", "max_request_body_size", 1 << 20));
  http.upload_dir = cloud->data_dir_ + "/tmp";
  if (o.dashboard_port > 0) {
    api::ReverseProxy::Options proxy;
    proxy.port = o.dashboard_port;
    proxy.alias = "/horizon";  // the book's manual install (Day 8) serves it there
    proxy.note = "Horizon needs a few seconds to start (about 10 s more the first time on a machine).";
    if (!o.state_dir.empty()) proxy.note += " If it stays like this, see " + o.state_dir + "/logs/horizon.log.";
    cloud->dashboard_ = std::make_unique<api::ReverseProxy>(proxy);
  }
  cloud->server_ = std::make_unique<api::HttpServer>(
      http,
      [&app, dashboard = cloud->dashboard_.get()](api::Request req, api::Reply reply) {
        if (dashboard && dashboard->serves(req.full_path)) return dashboard->forward(std::move(req), std::move(reply));
        app.handle(std::move(req), std::move(reply));
      },
      [&app](const api::Request& head) { return app.plan_body(head); });
  Status st = cloud->server_->bind();
  if (!st.ok()) return st;

  std::string host = o.host;
  if (host.empty()) {
    host = o.listen_host == "0.0.0.0" || o.listen_host == "::" ? "127.0.0.1" : o.listen_host;
    if (cloud->server_->port() != 80) host += ":" + std::to_string(cloud->server_->port());
  }
  cloud->host_url_ = "http://" + host;
  cloud->admin_password_ = config.get("DEFAULT", "admin_password", "nomoresecret");
  {
    ServiceConfigValues values;
    values.controller = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
    values.identity_url = cloud->host_url_ + "/identity";
    values.service_password = cloud->admin_password_;  // DevStack's SERVICE_PASSWORD, as the lab seeds the users
    cloud->configs_->set_values(values);
  }

  scenarios::LabOptions lab;
  lab.host_url = cloud->host_url_;
  lab.password = cloud->admin_password_;
  runtime.start();
  st = runtime.run([&] {
    Status seeded = scenarios::seed_lab_identity(*cloud->identity_, *cloud->store_, lab);
    if (seeded.ok()) seeded = scenarios::seed_lab_images(*cloud->images_, *cloud->store_);
    if (seeded.ok()) seeded = scenarios::seed_lab_flavors(*cloud->flavors_, *cloud->store_);
    if (seeded.ok()) seeded = scenarios::seed_lab_networks(*cloud->networks_, *cloud->identity_, *cloud->store_);
    if (seeded.ok()) seeded = scenarios::seed_lab_volume_types(*cloud->volume_types_, *cloud->store_);
    if (seeded.ok()) {
      // Volumes stored by an earlier run: the backend re-learns them; interrupted operations settle.
      std::size_t settled = cloud->volumes_->recover() + cloud->volume_backups_->recover();
      if (settled > 0)
        Log::get("cinder-volume")
            .info("recovered after restart: " + std::to_string(settled) + " volumes, snapshots or backups settled");
    }
    // Service records, a first resource report of every host and heartbeats (then periodic);
    // the fleet's aggregates and zones seed the AggregateService once per state.
    if (seeded.ok()) seeded = cloud->compute_services_->start();
    if (seeded.ok()) seeded = cloud->aggregates_->seed(cloud->fleet_->aggregate_seeds());
    if (seeded.ok()) {
      // Servers stored by an earlier run: domains back, interrupted builds and deletes settled.
      compute::RecoveryReport r = cloud->servers_->recover();
      if (r.restored + r.build_failed + r.deleted + r.host_gone > 0)
        Log::get("nova-compute")
            .info("recovered after restart: " + std::to_string(r.restored) + " restored, " +
                  std::to_string(r.build_failed) + " interrupted builds set to ERROR, " + std::to_string(r.deleted) +
                  " deletions finished, " + std::to_string(r.host_gone) + " on missing hosts set to ERROR");
    }
    // The API daemons that run since the start read the config files a fault or the student wrote.
    for (const auto& service : ServiceConfigs::services())
      if (seeded.ok() && cloud->configs_->written(service)) cloud->read_service_config(service);
    // What `POST /_stacklab/reset` returns to: the profile as first seeded.
    if (seeded.ok() && !snapshots.exists(api::kPristineSnapshot))
      seeded = snapshots.save(api::kPristineSnapshot).status();
    return seeded;
  });
  if (!st.ok()) return Status(st.code(), "cannot seed the " + o.profile + " profile: " + st.message());
  if (!o.state_dir.empty()) {
    st = scenarios::write_rc_files(o.state_dir, cloud->host_url_, lab.password, lab.region);
    if (!st.ok()) return st;
  }
  cloud->server_->serve();
  return cloud;
}

void Cloud::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) server_->stop();
  dashboard_.reset();
  // The periodic tasks (heartbeats, resource reports) would keep the loop busy forever.
  if (runtime_ && compute_services_ && compute_services_->running())
    runtime_->run([this] { compute_services_->stop(); });
  if (runtime_) runtime_->stop();
  if (temporary_data_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

Cloud::~Cloud() { stop(); }

}  // namespace stacklab
