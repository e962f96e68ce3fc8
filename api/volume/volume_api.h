// Cinder's REST mapping, served at /volume: version documents, then the same
// routes under /v3/{project_id} (microversions 3.0 to kVolumeVersions.max)
// and /v2/{project_id} (no microversions): volumes and their actions and
// metadata, snapshots, backups, volume types (extra specs, access), quota
// sets and quota classes, limits, os-services, os-hosts, extensions,
// availability zones and pools.
// The project in the path is the caller's; resources are scoped by the token.
#pragma once

#include <functional>
#include <string>

#include "api/microversion.h"
#include "api/router.h"
#include "engine/volume/qos_specs.h"
#include "engine/volume/volume_backends.h"
#include "engine/volume/volume_backups.h"
#include "engine/volume/volume_quotas.h"
#include "engine/volume/volume_service.h"
#include "engine/volume/volume_transfers.h"
#include "engine/volume/volume_types.h"

namespace stacklab::api::volume_api {

// Up to 3.44: the attachments API (3.27) with os-complete (3.44), snapshots'
// user_id (3.41), extending an in-use volume (3.42) and backup metadata
// (3.43). Generic groups (3.13+) are listed, always empty (none can be
// created). Not served although inside the range: messages (3.3) and volume
// revert (3.40); docs/volume.md lists them.
inline const MicroversionRange kVolumeVersions{"volume", "", {3, 0}, {3, 44}};

struct Ctx {
  volume::VolumeService& volumes;
  volume::VolumeTypeService& types;
  volume::VolumeQuotas& quotas;
  volume::VolumeBackends& backends;
  volume::VolumeTransfers* transfers = nullptr;  // os-volume-transfer, served when set
  volume::VolumeBackups* backups = nullptr;      // /backups, served when set
  volume::QosSpecsService* qos = nullptr;        // /qos-specs, served when set
};

Router make_volume_router(Ctx ctx);

// ---- shared by the route files ----
// The two API roots every route is served under.
inline const char* const kRoots[] = {"/v3/{project_id}", "/v2/{project_id}"};

void add_volume_routes(Router& r, Ctx ctx, const std::string& root);
void add_volume_action_routes(Router& r, Ctx ctx, const std::string& root);
void add_snapshot_routes(Router& r, Ctx ctx, const std::string& root);
void add_type_routes(Router& r, Ctx ctx, const std::string& root);
void add_quota_routes(Router& r, Ctx ctx, const std::string& root);
void add_service_routes(Router& r, Ctx ctx, const std::string& root);
void add_transfer_routes(Router& r, Ctx ctx, const std::string& root);
void add_extension_routes(Router& r, Ctx ctx, const std::string& root);
void add_backup_routes(Router& r, Ctx ctx, const std::string& root);
void add_qos_routes(Router& r, Ctx ctx, const std::string& root);
void add_attachment_routes(Router& r, Ctx ctx, const std::string& root);
void add_group_routes(Router& r, Ctx ctx, const std::string& root);

Response fail(const Status& st);
// 202 with no body, or the error.
Response accepted(const Status& st);
Credentials caller(const Request& req);
// Negotiates the microversion on /v3 (400/406 otherwise; /v2 is 3.0), runs
// `fn`, and adds the version headers to its answer.
Response versioned(Request& req, const std::function<Response(const Microversion&)>& fn);
// The request body's `key` object, or 400 "Missing required element '<key>' in request body."
Result<Json> body_object(const Request& req, const std::string& key);
// A boolean as Cinder's strutils reads it (true/false, "True", "yes", "1"...); nullopt otherwise.
std::optional<bool> parse_bool(const Json& v);
// An integer or an integer string; nullopt otherwise.
std::optional<long long> parse_int(const Json& v);
// A string or null (""); nullopt for other types.
std::optional<std::string> parse_string(const Json& v);
// {key: value} of one metadata item, or 404 "Metadata item was not found".
Result<Json> metadata_item(const Json& metadata, const std::string& key);
// The body of PUT .../metadata/{key}: {"meta": {key: value}} with exactly that key (400 otherwise).
Result<Json> metadata_item_body(const Request& req);
// PUT and DELETE on a collection (".../volumes/" with a blank id): Cinder has
// no such route and answers 404, not 405.
void add_blank_id_routes(Router& r, const std::string& collection);
// Where links of a resource point: <service url>/v3/<project>/<collection>/<id>.
std::string self_href(const Request& req, const std::string& collection, const std::string& id);

// Views, as Cinder's API shows them.
Json volume_view(const Request& req, const Ctx& ctx, const Json& volume, const Microversion& v);
// What POST and PUT /volumes answer: the view without the extension attributes
// (os-vol-*) and volume_image_metadata, which Cinder adds on show and lists only.
Json volume_write_view(const Request& req, const Ctx& ctx, const Json& volume, const Microversion& v);
// {id, name, links (self and bookmark)}: what Cinder's summary lists show of a resource.
Json resource_summary(const Request& req, const std::string& collection, const Json& item);
Json volume_summary(const Request& req, const Json& volume);
// `extended`: with the os-extended-snapshot-attributes (progress, project_id),
// which Cinder shows on GET (show and detail) but not on create, update or the summary list.
Json snapshot_view(const Json& snapshot, const Microversion& v, bool extended);
// Which answer a type's view is for: Cinder's create answer has no
// qos_specs_id, its update answer neither that nor the access attribute.
enum class TypeView { kShown, kCreated, kUpdated };
Json type_view(const Json& type, TypeView view = TypeView::kShown);
// GET list and detail envelopes: filters, sort and paging shared by volumes and snapshots.
Response list_response(Request& req, std::vector<Json> items, const std::string& collection,
                       const std::vector<std::string>& filters, const std::function<Json(const Json&)>& summarize);

}  // namespace stacklab::api::volume_api
