// Cloud's HTTP side: each service's router mounted at DevStack's paths
// (/identity, /compute, /image, ...) on one CloudApp, and the operator's
// routes (/_stacklab/...) at the root.
#include "cmd/stacklab/cloud.h"

#include "api/compute/compute_routes.h"
#include "api/compute/host_routes.h"
#include "api/daemon_routes.h"
#include "api/guest_routes.h"
#include "api/identity/identity_routes.h"
#include "api/image/image_routes.h"
#include "api/lab_state_routes.h"
#include "api/network/network_routes.h"
#include "api/ops_routes.h"
#include "api/placement/placement_routes.h"
#include "api/probe_routes.h"
#include "api/versions/version_documents.h"
#include "api/volume/volume_api.h"

namespace stacklab {

void Cloud::mount_services(const CloudOptions& o) {
  Runtime& runtime = *runtime_;
  StateSnapshots& snapshots = *snapshots_;
  DaemonRegistry& daemons = *daemons_;
  const std::string& controller = daemons.controller_host();
  metrics_ = std::make_unique<metrics::ApiMetrics>();
  app_ = std::make_unique<api::CloudApp>(runtime, *identity_, *metrics_);
  api::CloudApp& app = *app_;
  app.set_audit_log(audit_.get());
  app.set_daemon_check(daemons.check(), controller);
  app.set_authtoken(authtoken_.get());
  app.set_database_check([&daemons, controller] { return daemons.running("mysql", controller); });
  auto identity_router = api::identity_api::make_identity_router({*identity_, *metrics_, runtime});
  app.mount("/identity", "keystone", api::ErrorStyle::kKeystone, identity_router);
  app.mount("/identity_admin", "keystone", api::ErrorStyle::kKeystone, identity_router);
  api::Router compute_router = api::compute_api::make_compute_router(
      {*flavors_, *keypairs_, runtime, *servers_, *images_, quotas_.get(),
       usage_.get(), server_groups_.get(), server_metadata_.get(), server_actions_.get(),
       server_moves_.get(), instance_actions_.get(), server_network_.get(), volumes_.get()});
  api::compute_api::add_host_routes(
      compute_router, {*compute_services_, *hypervisors_, *aggregates_, *zones_});
  app.mount("/compute", "nova-api", api::ErrorStyle::kNova, std::move(compute_router));
  app.mount("/placement", "placement-api", api::ErrorStyle::kPlacement,
            api::placement_api::make_placement_router({*placement_}));
  app.mount("/image", "glance-api", api::ErrorStyle::kGlance,
            api::image_api::make_image_router(
                {*images_, *image_store_, runtime, data_dir_ + "/staging"}));
  app.mount("/networking", "neutron-server", api::ErrorStyle::kNeutron,
            api::network_api::make_network_router({*networks_}));
  app.mount("/volume", "cinder-api", api::ErrorStyle::kNova,
            api::volume_api::make_volume_router({*volumes_, *volume_types_, *volume_quotas_,
                                                 *volume_backends_, volume_transfers_.get(),
                                                 volume_backups_.get(), qos_specs_.get()}));
  app.mount("/metric", "gnocchi-api", api::ErrorStyle::kKeystone, api::version_only_router("metric"));
  app.mount("/heat-api", "heat-api", api::ErrorStyle::kKeystone, api::version_only_router("orchestration"));
  api::Router ops_router =
      api::make_ops_router(runtime, *store_, *metrics_, {o.profile, o.state_dir, runtime.clock().now()});
  api::add_lab_state_routes(ops_router, {snapshots, *audit_});
  api::compute_api::add_console_page_route(ops_router, *server_actions_);
  api::add_probe_routes(ops_router, {*probes_, *audit_, runtime.clock()});
  api::add_guest_routes(ops_router, {*guest_sessions_, *audit_, runtime.clock()});
  api::add_daemon_routes(ops_router, {daemons, *faults_, *identity_,
                                      o.state_dir.empty() ? "" : o.state_dir + "/logs", configs_.get()});
  app.mount("", "stacklab", api::ErrorStyle::kKeystone, std::move(ops_router));
}

}  // namespace stacklab
