// Image data: PUT/GET /v2/images/{id}/file (streamed, with Range), the
// interoperable import (stage + import), /v2/info/import and /v2/info/stores.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/errors.h"
#include "api/image/image_routes.h"

namespace stacklab::api::image_api {

namespace {

constexpr std::uint64_t kMaxUpload = 1ull << 40;  // Glance's image_size_cap; the service checks its own

bool octet_stream(const Request& req) {
  std::string t = req.header("Content-Type");
  return t.empty() || t.rfind("application/octet-stream", 0) == 0;
}

// Adopts a received file into the store on a worker, then finishes the upload on the loop.
void adopt_then_finish(Ctx ctx, const std::string& id, image::ImageService::StagedFile file, int ok_status,
                       Reply reply) {
  auto stored = std::make_shared<Result<image::StoredData>>(Status(Code::kInternal, "not stored"));
  ctx.runtime.offload(
      [ctx, id, file, stored] { *stored = ctx.data.adopt(id, file.path, file.size, file.md5, file.sha512); },
      [ctx, id, stored, ok_status, reply] {
        auto img = ctx.images.finish_upload(id, *stored);
        reply(img.ok() ? empty_response(ok_status) : fail(img.status()));
      });
}

// "bytes=a-b", "bytes=a-", "bytes=-n" -> [first, last]; false if unsatisfiable or malformed.
bool parse_range(const std::string& h, std::uint64_t size, std::uint64_t* first, std::uint64_t* last) {
  if (h.rfind("bytes=", 0) != 0 || h.find(',') != std::string::npos || size == 0) return false;
  std::string spec = h.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos) return false;
  try {
    std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
    if (a.empty()) {
      std::uint64_t n = std::stoull(b);
      if (n == 0) return false;
      *first = n >= size ? 0 : size - n;
      *last = size - 1;
    } else {
      *first = std::stoull(a);
      *last = b.empty() ? size - 1 : std::min<std::uint64_t>(std::stoull(b), size - 1);
    }
  } catch (...) {
    return false;
  }
  return *first <= *last && *first < size;
}

}  // namespace

void add_data_routes(Router& r, Ctx ctx) {
  r.add_streaming(
      "PUT", "/v2/images/{image_id}/file",
      [ctx](Request& req, Reply reply) {
        if (!octet_stream(req))
          return reply(error_response(ErrorStyle::kGlance, 415, "Content-Type must be application/octet-stream"));
        std::string id = req.params["image_id"];
        Status st = ctx.images.begin_upload(caller(req), id, req.body_size);
        if (!st.ok()) return reply(fail(st));
        adopt_then_finish(ctx, id, {req.body_file, req.body_md5, req.body_sha512, req.body_size}, 204, reply);
      },
      kMaxUpload);

  r.add_sync("GET", "/v2/images/{image_id}/file", [ctx](Request& req) {
    auto dl = ctx.images.download(caller(req), req.params["image_id"]);
    if (!dl.ok()) return fail(dl.status());
    if (!*dl) return empty_response(204);
    const auto& d = **dl;
    Response resp;
    resp.content_type = "application/octet-stream";
    resp.file_path = d.path;
    resp.file_length = d.size;
    std::string range = req.header("Range");
    if (range.empty()) range = req.header("Content-Range");  // glanceclient's older spelling
    if (!range.empty()) {
      std::uint64_t first, last;
      if (!parse_range(range, d.size, &first, &last)) {
        auto bad = error_response(ErrorStyle::kGlance, 416, "Requested range not satisfiable");
        bad.header("Content-Range", "bytes */" + std::to_string(d.size));
        return bad;
      }
      resp.status = 206;
      resp.file_offset = first;
      resp.file_length = last - first + 1;
      resp.header("Content-Range",
                  "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(d.size));
      return resp;
    }
    resp.header("Content-MD5", d.md5);
    return resp;
  });

  r.add_streaming(
      "PUT", "/v2/images/{image_id}/stage",
      [ctx](Request& req, Reply reply) {
        if (!octet_stream(req))
          return reply(error_response(ErrorStyle::kGlance, 415, "Content-Type must be application/octet-stream"));
        std::string id = req.params["image_id"];
        if (id.find('/') != std::string::npos) return reply(fail(NotFound("No image found with ID " + id)));
        // Keep the upload aside under the image's id until it is imported.
        std::string staged = ctx.staging_dir + "/" + id;
        std::error_code ec;
        std::filesystem::rename(req.body_file, staged, ec);
        if (ec) return reply(fail(Status(Code::kInternal, "cannot stage image data: " + ec.message())));
        Status st = ctx.images.stage(caller(req), id, staged, req.body_size, req.body_md5, req.body_sha512);
        if (!st.ok()) std::filesystem::remove(staged, ec);
        reply(st.ok() ? empty_response(204) : fail(st));
      },
      kMaxUpload);

  r.add("POST", "/v2/images/{image_id}/import", [ctx](Request& req, Reply reply) {
    auto body = req.json();
    if (!body.ok()) return reply(fail(body.status()));
    std::string id = req.params["image_id"];
    auto staged = ctx.images.begin_import(caller(req), id, *body);
    if (!staged.ok()) return reply(fail(staged.status()));
    // Glance answers 202 at once and imports in the background; the data is
    // already local here, so the import finishes before the answer.
    adopt_then_finish(ctx, id, *staged, 202, reply);
  });

  r.add_sync("GET", "/v2/info/import", [](Request&) {
    return json_response(200, {{"import-methods",
                                {{"description", "Import methods available."},
                                 {"type", "array"},
                                 {"value", Json::array({"glance-direct"})}}}});
  });
  r.add_sync("GET", "/v2/info/stores", [ctx](Request&) {
    return json_response(200,
                         {{"stores", Json::array({{{"id", ctx.images.store_id()},
                                                   {"description", "Image data kept as files in the state directory"},
                                                   {"default", true}}})}});
  });
}

}  // namespace stacklab::api::image_api
