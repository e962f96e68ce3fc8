// The server views the route files share (defined in server_routes.cpp).
#pragma once

#include "api/http_types.h"
#include "api/microversion.h"

namespace stacklab::api::compute_api {

// GET /servers/{id}'s "server" object for `server` at microversion `v`.
Json server_detail_view(const Request& req, const Json& server, const Microversion& v, bool admin);

}  // namespace stacklab::api::compute_api
