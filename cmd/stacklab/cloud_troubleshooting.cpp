// Cloud's wiring of the troubleshooting day (the book's Ch9): the simulated
// daemons each service asks before it acts, the services' token middleware
// and config files, and the faults `stacklab lab break` injects, reaching
// the services only through their public headers.
#include "cmd/stacklab/cloud.h"

#include "engine/core/log.h"
#include "engine/core/timeutil.h"
#include "engine/identity/password_auth.h"
#include "engine/ops/daemon_control.h"
#include "fake_drivers/fake_volume_driver.h"

namespace stacklab {

void Cloud::start_troubleshooting(const Config& config) {
  Runtime& runtime = *runtime_;
  compute::ServiceRegistry* registry_ptr = compute_services_.get();
  compute::ComputeService* servers_ptr = servers_.get();
  // The simulated daemons: the controller's and one nova-compute per host,
  // each asked by its service before it acts (a stopped one refuses or is down).
  const std::string controller = compute::ServiceGroupOptions::from_config(config).controller_host;
  daemons_ = std::make_unique<DaemonRegistry>(*store_, runtime.clock(), controller);
  DaemonRegistry& daemons = *daemons_;
  daemons.add_lab_controller();
  for (const auto& node : registry_ptr->nodes()) daemons.add("nova-compute", node.host, "nova", DaemonKind::kAgent);
  registry_ptr->set_daemon_check(reporting_check(daemons));
  servers_ptr->set_daemon_check(daemons.check(), controller);
  networks_->set_daemon_check(reporting_check(daemons));
  volume_backends_->set_daemon_check(daemons.check());
  daemons.on_change([registry_ptr, servers_ptr](const Daemon& d) {
    if (!d.running) return;
    if (d.binary == "nova-compute" || d.binary == "rabbitmq-server")
      registry_ptr->report_states();  // its (their) first heartbeat, at once
    servers_ptr->resume_parked_builds();
  });
  // The services' token middleware, and the config files whose credentials
  // it uses: an API daemon reads its [keystone_authtoken] when it starts.
  authtoken_ = std::make_unique<ServiceAuthtoken>(runtime.clock(), [&daemons, controller] {
    return daemons.running("keystone", controller) && daemons.running("mysql", controller);
  });
  ServiceAuthtoken* authtoken_ptr = authtoken_.get();
  configs_ = std::make_unique<ServiceConfigs>(data_dir_ + "/etc", ServiceConfigValues{});
  ServiceConfigs* configs_ptr = configs_.get();
  daemons.on_change([this](const Daemon& d) {
    if (!d.running) return;
    for (const auto& service : ServiceConfigs::services())
      if (d.binary == ServiceConfigs::api_daemon(service)) read_service_config(service);
  });
  identity::IdentityService* identity_ptr = identity_.get();
  // What the faults reach beyond the daemons, through the services' APIs as the lab's admin.
  FaultHooks fault_hooks;
  // The book's own password where the lab's differs: a config copied from the book.
  fault_hooks.break_service_password = [configs_ptr, &daemons](const std::string& service) -> Status {
    auto right = configs_ptr->get(service, "keystone_authtoken", "password");
    if (!right.ok()) return right.status();
    Status st =
        configs_ptr->set(service, "keystone_authtoken", "password", *right == "bootcamp" ? "nomoresecret" : "bootcamp");
    if (!st.ok()) return st;
    return restart_daemon(daemons, ServiceConfigs::api_daemon(service)).status();
  };
  fault_hooks.service_credentials_accepted = [authtoken_ptr, &daemons, controller](const std::string& service) {
    const std::string api = ServiceConfigs::api_daemon(service);
    return daemons.running(api, controller) && !authtoken_ptr->credentials_refused(api);
  };
  auto lab_admin = [identity_ptr]() -> Result<Credentials> {
    auto project = identity_ptr->find_project("admin", "default");
    if (!project.ok()) return project.status();
    Credentials admin;
    admin.project_id = (*project)["id"];
    admin.roles = {"admin", "member", "reader"};
    return admin;
  };
  fault_hooks.active_server_since = [servers_ptr, lab_admin](TimePoint since) {
    auto admin = lab_admin();
    if (!admin.ok()) return false;
    compute::ServerFilter all;
    all.all_tenants = true;
    auto servers = servers_ptr->list_refs(*admin, all);
    if (!servers.ok()) return false;
    // created_at has whole seconds: a server of the fault's own second counts.
    const TimePoint floor = std::chrono::floor<std::chrono::seconds>(since);
    for (const Json* s : *servers) {
      auto created = parse_iso((*s).value("created_at", std::string()));
      if (created && *created >= floor && (*s)["vm_state"] == "active") return true;
    }
    return false;
  };
  volume::VolumeService* volumes_ptr = volumes_.get();
  fake::FakeVolumeDriver* lvm_ptr = volume_driver_.get();
  // The fault: an admin's forgotten scratch volume as large as the free space.
  fault_hooks.fill_volume_backend = [volumes_ptr, lvm_ptr, lab_admin]() -> Result<std::string> {
    auto admin = lab_admin();
    if (!admin.ok()) return admin.status();
    volume::NewVolume filler;
    filler.size = static_cast<long long>(lvm_ptr->get_volume_stats().pools.front().free_capacity_gb);
    if (*filler.size < 1) return std::string();  // full already
    filler.name = "backup-staging";
    filler.description = "scratch space for a database dump";
    auto created = volumes_ptr->create(*admin, filler);
    if (!created.ok()) return created.status();
    return (*created)["id"].get<std::string>();
  };
  fault_hooks.available_volume_since = [volumes_ptr, lab_admin](TimePoint since, const std::string& except_id) {
    auto admin = lab_admin();
    if (!admin.ok()) return false;
    for (const Json& v : volumes_ptr->list(*admin, true)) {
      auto created = parse_iso(v.value("created_at", std::string()));
      if (v["id"] != except_id && created && *created >= since && v["status"] == "available") return true;
    }
    return false;
  };
  fault_hooks.leased_boot_since = [leases = guest_leases_.get()](TimePoint since) {
    return leases->leased_boot_since(since);
  };
  faults_ = std::make_unique<FaultLab>(*store_, runtime.clock(), daemons, std::move(fault_hooks));
}

void Cloud::read_service_config(const std::string& service) {
  const std::string api = ServiceConfigs::api_daemon(service);
  auto section = configs_->section(service, "keystone_authtoken");
  std::map<std::string, std::string> keys = section.ok() ? *section : std::map<std::string, std::string>{};
  const bool accepted =
      section.ok() &&
      identity_->authenticate(identity::password_auth_body(keys["username"], keys["password"], keys["project_name"]))
          .ok();
  authtoken_->set_credentials_refused(api, !accepted);
  Log::get(api).info("Reading " + service + ".conf: [keystone_authtoken] username " +
                     (section.ok() ? keys["username"] : "?") + ", project_name " +
                     (section.ok() ? keys["project_name"] : "?"));
}

}  // namespace stacklab
