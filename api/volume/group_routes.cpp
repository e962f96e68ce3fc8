// Generic volume groups (3.13+) and group snapshots (3.14+), read only.
//
// stacklab creates no groups, so the lists are empty and every id is not
// found; what matters is that the routes exist at the microversions that
// advertise them: Horizon asks for the groups (at 3.43, from our 3.44)
// before it shows the Volumes table or the Create Volume form, and a 404
// there is an error on the page. Below 3.13 (and on /v2) Cinder has no such
// routes: 404.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

const Microversion kGroups{3, 13};
const Microversion kGroupSnapshots{3, 14};

// GET on a collection (its /detail too) that is always empty here.
void add_empty_list(Router& r, const std::string& path, const std::string& key, Microversion since) {
  for (const std::string& suffix : {std::string(), std::string("/detail")}) {
    r.add_sync("GET", path + suffix, [key, since](Request& req) {
      return versioned(req, [&](const Microversion& mv) {
        if (mv < since) return fail(NotFound("The resource could not be found."));
        return json_response(200, {{key, Json::array()}});
      });
    });
  }
}

// GET of one member: never found.
void add_not_found(Router& r, const std::string& path, const std::string& what, Microversion since) {
  r.add_sync("GET", path, [what, since](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      if (mv < since) return fail(NotFound("The resource could not be found."));
      return fail(NotFound(what + " " + req.params.at("id") + " could not be found."));
    });
  });
}

}  // namespace

void add_group_routes(Router& r, Ctx, const std::string& root) {
  if (root.rfind("/v3/", 0) != 0) return;  // Cinder's v2 API has no groups
  add_empty_list(r, root + "/groups", "groups", kGroups);
  add_not_found(r, root + "/groups/{id}", "Group", kGroups);
  add_empty_list(r, root + "/group_snapshots", "group_snapshots", kGroupSnapshots);
  add_not_found(r, root + "/group_snapshots/{id}", "GroupSnapshot", kGroupSnapshots);
}

}  // namespace stacklab::api::volume_api
