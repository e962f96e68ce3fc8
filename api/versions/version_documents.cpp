#include "api/versions/version_documents.h"

namespace stacklab::api {

namespace {

Json self_link(const std::string& href) { return Json::array({{{"rel", "self"}, {"href", href}}}); }

Json identity_v3(const Request& req) {
  return {{"id", "v3.14"},
          {"status", "stable"},
          {"updated", "2020-04-07T00:00:00Z"},
          {"links", self_link(req.service_url() + "/v3/")},
          {"media-types",
           Json::array({{{"base", "application/json"}, {"type", "application/vnd.openstack.identity-v3+json"}}})}};
}

}  // namespace

void add_identity_version_routes(Router& router) {
  router.add_sync(
      "GET", "/",
      [](Request& req) {
        return json_response(300, {{"versions", {{"values", Json::array({identity_v3(req)})}}}});
      },
      false);
  router.add_sync(
      "GET", "/v3",
      [](Request& req) {
        return json_response(200, {{"version", identity_v3(req)}});
      },
      false);
}

Router version_only_router(const std::string& service) {
  Router r;
  // metric, orchestration
  r.add_sync(
      "GET", "/",
      [](Request& req) {
        return json_response(
            300, {{"versions",
                   Json::array(
                       {{{"id", "v1.0"}, {"status", "CURRENT"}, {"links", self_link(req.service_url() + "/v1/")}}})}});
      },
      false);
  return r;
}

}  // namespace stacklab::api
