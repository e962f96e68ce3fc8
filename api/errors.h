// Error bodies in each service's upstream shape, from one Status.
//
//   keystone   {"error": {"code": 404, "message": "...", "title": "Not Found"}}
//   nova/cinder {"itemNotFound": {"code": 404, "message": "..."}}
//   neutron    {"NeutronError": {"type": "...", "message": "...", "detail": ""}}
//   placement  {"errors": [{"status": 404, "title": "Not Found", "detail": "...", "request_id": "..."}]}
//   glance     text/plain "404 Not Found\n\n<message>"
#pragma once

#include "api/http_types.h"

namespace stacklab::api {

enum class ErrorStyle { kKeystone, kNova, kNeutron, kPlacement, kGlance };

int http_status(Code code);
const char* reason_phrase(int status);
Response error_response(ErrorStyle style, int status, const std::string& message, const std::string& request_id = "");
Response error_response(ErrorStyle style, const Status& status, const std::string& request_id = "");

}  // namespace stacklab::api
