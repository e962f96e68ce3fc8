// Request and Response as every service's REST mapping sees them, free of
// Boost.Beast: handlers read parsed path, query, headers and JSON, and return
// a status, headers and a body.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/status.h"
#include "engine/identity/identity_service.h"

namespace stacklab::api {

using Json = nlohmann::json;

struct Request {
  std::string method;           // "GET", "POST", ...
  std::string path;             // decoded, service mount prefix removed
  std::string full_path;        // decoded, as received but for one trailing '/'
  bool trailing_slash = false;  // the target's path ended in '/' (dropped from full_path)
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lowercased names
  std::string body;
  std::string body_file;                      // streamed routes: a temporary file holding the body;
                                              // the handler may move it away, else it is deleted after the reply
  std::uint64_t body_size = 0;                // streamed routes: bytes received,
  std::string body_md5, body_sha512;          // and their digests (lowercase hex)
  std::map<std::string, std::string> params;  // path parameters of the matched route
  std::string request_id;                     // req-<uuid>
  std::string host_url;                       // scheme://host[:port] the client used
  std::string mount;                          // the service prefix this request came through ("/identity")
  std::optional<identity::AuthContext> auth;  // set by the token middleware

  // Header value, "" if absent (name in any case).
  std::string header(const std::string& name) const;
  // First value of a query parameter.
  std::optional<std::string> query_param(const std::string& name) const;
  // The body as a JSON object, or 400 with a clear message.
  Result<Json> json() const;
  // host_url + mount: where links of this service start.
  std::string service_url() const { return host_url + mount; }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  // A body served from a file instead of `body`: bytes [file_offset, file_offset + file_length).
  std::string file_path;
  std::uint64_t file_offset = 0, file_length = 0;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response json_response(int status, const Json& body);
Response empty_response(int status);

// Handlers answer through a Reply, at once or later (after work on the worker pool).
using Reply = std::function<void(Response)>;
using Handler = std::function<void(Request&, Reply)>;

// Percent-decoding for paths and query strings ('+' is a space in queries).
std::string url_decode(const std::string& s, bool plus_is_space);
std::string url_encode(const std::string& s);
// Splits "a=1&b=2" into a multimap.
std::multimap<std::string, std::string> parse_query(const std::string& qs);

}  // namespace stacklab::api
