// Version discovery documents: what `GET <service root>` answers, so that
// keystoneauth and openstacksdk can find each service's API version (and,
// for microversioned services, its range).
#pragma once

#include "api/router.h"

namespace stacklab::api {

// GET / and GET /v3 of identity.
void add_identity_version_routes(Router& router);

// Root documents of the services whose APIs arrive in later work. They
// advertise only what is served today; each service's REST mapping replaces
// its entry when it lands. `service` is one of: metric, orchestration
// (network's documents are in api/network, volume's in api/volume).
Router version_only_router(const std::string& service);

}  // namespace stacklab::api
