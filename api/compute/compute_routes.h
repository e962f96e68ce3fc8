// Nova v2.1's REST mapping, served at /compute: version documents,
// microversions 2.1 to kMaxComputeVersion, flavors (with extra specs and
// access lists), keypairs and servers (create, list, show, delete).
#pragma once

#include <functional>

#include "api/microversion.h"
#include "api/router.h"
#include "engine/compute/flavors.h"
#include "engine/compute/instance_actions.h"
#include "engine/compute/keypairs.h"
#include "engine/compute/quotas.h"
#include "engine/compute/server_actions.h"
#include "engine/compute/server_groups.h"
#include "engine/compute/server_metadata.h"
#include "engine/compute/server_moves.h"
#include "engine/compute/servers.h"
#include "engine/compute/usage.h"
#include "engine/core/runtime.h"
#include "engine/image/image_service.h"
#include "engine/volume/volume_service.h"

namespace stacklab::api::compute_api {

// 2.90 (Xena). Everything the routes served here changed up to it is
// honoured: 2.2/2.10/2.35 (keypairs), 2.55/2.61/2.75 (flavors). Known gap:
// 2.86's validation of extra-spec values by namespace is not done (docs/compute.md).
inline const MicroversionRange kComputeVersions{"compute", "X-OpenStack-Nova-API-Version", {2, 1}, {2, 90}};

struct Ctx {
  compute::FlavorService& flavors;
  compute::KeypairService& keypairs;
  Runtime& runtime;
  compute::ComputeService& servers;
  image::ImageService& images;
  // Quotas, limits, usage, server groups, server metadata/tags/update (routes served when set).
  compute::QuotaService* quotas = nullptr;
  compute::UsageService* usage = nullptr;
  compute::ServerGroupService* server_groups = nullptr;
  compute::ServerMetadataService* server_metadata = nullptr;
  // Server actions, their record, and migrations (routes served when set).
  compute::ServerActions* server_actions = nullptr;
  compute::ServerMoves* server_moves = nullptr;
  compute::InstanceActionLog* instance_actions = nullptr;
  // Servers' networking: addresses, os-interface, security groups (served when set).
  compute::NetworkApi* network = nullptr;
  // Cinder, for the deprecated /os-volumes and /os-snapshots proxies (served when set).
  volume::VolumeService* cinder = nullptr;
};

Router make_compute_router(Ctx ctx);

// ---- shared by the route files ----
void add_flavor_routes(Router& r, Ctx ctx);
void add_keypair_routes(Router& r, Ctx ctx);
void add_server_routes(Router& r, Ctx ctx);
void add_image_proxy_routes(Router& r, Ctx ctx);
void add_quota_routes(Router& r, Ctx ctx);
void add_limits_routes(Router& r, Ctx ctx);
void add_usage_routes(Router& r, Ctx ctx);
void add_server_group_routes(Router& r, Ctx ctx);
void add_server_metadata_routes(Router& r, Ctx ctx);
void add_server_action_routes(Router& r, Ctx ctx);
void add_instance_action_routes(Router& r, Ctx ctx);
void add_migration_routes(Router& r, Ctx ctx);
void add_interface_routes(Router& r, Ctx ctx);
// GET /vnc_auto.html (mounted at the root, as nova-novncproxy's page is on its own port).
void add_console_page_route(Router& r, compute::ServerActions& actions);
// /servers/{id}/os-volume_attachments (served when the servers have volumes).
void add_volume_attachment_routes(Router& r, Ctx ctx);
void add_volume_proxy_routes(Router& r, Ctx ctx);
// The addSecurityGroup / removeSecurityGroup actions (`name` is the action's key).
Response security_group_action(Request& req, const Ctx& ctx, const std::string& server_id, const std::string& name,
                               const Json& arg);
// Records `action` of the request on `server` (and starts `first_event`), when instance actions are kept.
void record_action(const Request& req, const Ctx& ctx, const Json& server, const std::string& action,
                   const char* first_event = nullptr);
Response fail(const Status& st);
Credentials caller(const Request& req);
// Negotiates the microversion (400/406 otherwise), runs `fn`, and adds the
// version headers to its answer. `since`: the version that introduced the
// route (404 below it, as Nova).
Response versioned(Request& req, const std::function<Response(const Microversion&)>& fn, Microversion since = {2, 1});
// 400 "Additional properties are not allowed ('x' was unexpected)" for a key of `obj` not in `allowed`.
Status only_keys(const Json& obj, std::initializer_list<const char*> allowed);

}  // namespace stacklab::api::compute_api
