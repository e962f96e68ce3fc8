// Glance v2's REST mapping onto ImageService, served at /image.
#pragma once

#include "api/router.h"
#include "engine/core/runtime.h"
#include "engine/image/image_service.h"

namespace stacklab::api::image_api {

struct Ctx {
  image::ImageService& images;
  image::ImageStore& data;
  Runtime& runtime;
  std::string staging_dir;  // where staged uploads wait for their import
};

// The whole image Router: versions, images, data, members, tags, schemas, info,
// metadata definitions (empty).
Router make_image_router(Ctx ctx);

// ---- shared by the route files ----
void add_data_routes(Router& r, Ctx ctx);
void add_member_routes(Router& r, Ctx ctx);
void add_schema_routes(Router& r);
void add_metadefs_routes(Router& r);
Response fail(const Status& st);
// Glance's view of an image document: properties flattened, links added,
// internal fields removed.
Json image_view(const Json& doc);
Credentials caller(const Request& req);

}  // namespace stacklab::api::image_api
