// Placement's REST mapping onto PlacementService, served at /placement,
// microversions 1.0 to kMaxPlacementVersion.
#pragma once

#include "api/microversion.h"
#include "api/router.h"
#include "engine/placement/placement_service.h"

namespace stacklab::api::placement_api {

// 1.29 (Rocky): nested providers in candidates; the reshaper (1.30) and later are not served.
inline const MicroversionRange kPlacementVersions{"placement", "", {1, 0}, {1, 29}};

struct Ctx {
  placement::PlacementService& placement;
};

Router make_placement_router(Ctx ctx);

// ---- shared by the route files ----
void add_allocation_routes(Router& r, Ctx ctx);
Response fail(const Status& st, const std::string& request_id = "");
// Runs `fn(version)` for admins/services within the negotiated microversion,
// answering 406/400/403 otherwise, and annotates the reply's version headers.
// `since`: the microversion that introduced the route (404 below it).
Response versioned(Request& req, Microversion since, const std::function<Response(const Microversion&)>& fn);
Json provider_json(const placement::ResourceProvider& rp, const Microversion& v);

}  // namespace stacklab::api::placement_api
