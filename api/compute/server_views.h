// The server views the route files share (defined in server_routes.cpp).
#pragma once

#include <string>

#include "api/compute/compute_routes.h"
#include "api/http_types.h"
#include "api/microversion.h"

namespace stacklab::api::compute_api {

// GET /servers/{id}'s "server" object for `server` at microversion `v`;
// addresses and security groups from ctx.network, volumes from
// ctx.servers.volumes() (none without them).
Json server_detail_view(const Request& req, const Json& server, const Microversion& v, bool admin, const Ctx& ctx);

// The "server" object of PUT /servers/{id} and the rebuild action: below
// 2.75 Nova leaves out the extension attributes there (OS-EXT-*, OS-SRV-USG,
// config_drive, key_name, security_groups, volumes, host_status); from 2.75
// it is the GET view. From 2.71 both carry server_groups; rebuild's also
// key_name from 2.54 and user_data from 2.57.
Json server_update_view(const Request& req, const Json& server, const Microversion& v, bool admin, const Ctx& ctx,
                        bool rebuild = false);

// Nova's hostId: sha224(project_id + host) in hex.
std::string host_id(const std::string& project_id, const std::string& host);

}  // namespace stacklab::api::compute_api
