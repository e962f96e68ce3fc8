#include "api/errors.h"

namespace stacklab::api {

int http_status(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kBadRequest:
      return 400;
    case Code::kUnauthorized:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kOverQuota:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kNotAcceptable:
      return 406;
    case Code::kConflict:
      return 409;
    case Code::kPayloadTooLarge:
      return 413;
    case Code::kUnprocessable:
      return 422;
    case Code::kInternal:
      return 500;
    case Code::kNotImplemented:
      return 501;
  }
  return 500;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
  }
  return "Error";
}

static const char* nova_key(int status) {
  switch (status) {
    case 400:
      return "badRequest";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "itemNotFound";
    case 405:
      return "badMethod";
    case 406:
      return "notAcceptable";
    case 409:
      return "conflictingRequest";
    case 413:
      return "overLimit";
    case 415:
      return "badMediaType";
    case 501:
      return "notImplemented";
    case 503:
      return "serviceUnavailable";
  }
  return status >= 500 ? "computeFault" : "badRequest";
}

static const char* neutron_type(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "NotAuthorized";
    case 403:
      return "PolicyNotAuthorized";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 413:
      return "OverQuota";
  }
  return "NeutronError";
}

Response error_response(ErrorStyle style, int status, const std::string& message, const std::string& request_id) {
  Json body;
  switch (style) {
    case ErrorStyle::kKeystone:
      body = {{"error", {{"code", status}, {"message", message}, {"title", reason_phrase(status)}}}};
      break;
    case ErrorStyle::kNova:
      body = {{nova_key(status), {{"code", status}, {"message", message}}}};
      break;
    case ErrorStyle::kNeutron:
      body = {{"NeutronError", {{"type", neutron_type(status)}, {"message", message}, {"detail", ""}}}};
      break;
    case ErrorStyle::kPlacement:
      body = {{"errors", Json::array({{{"status", status},
                                       {"title", reason_phrase(status)},
                                       {"detail", message},
                                       {"request_id", request_id}}})}};
      break;
    case ErrorStyle::kGlance: {
      Response r;
      r.status = status;
      r.content_type = "text/plain; charset=UTF-8";
      r.body = std::to_string(status) + " " + reason_phrase(status) + "\n\n" + message + "\n\n   ";
      return r;
    }
  }
  return json_response(status, body);
}

Response error_response(ErrorStyle style, const Status& status, const std::string& request_id) {
  // Neutron names the failure's exception class; the status carries it when the engine knows it.
  if (style == ErrorStyle::kNeutron && !status.type().empty())
    return json_response(http_status(status.code()),
                         {{"NeutronError", {{"type", status.type()}, {"message", status.message()}, {"detail", ""}}}});
  return error_response(style, http_status(status.code()), status.message(), request_id);
}

}  // namespace stacklab::api
