// ReverseProxy: forwards the requests under one path prefix ("/dashboard") to
// an HTTP server on this machine (Horizon under gunicorn), the way DevStack's
// Apache serves the dashboard beside the APIs on one port.
//
// Requests go out as received (method, target, headers, body) on a
// connection of their own; answers come back whole (status, headers and all
// Set-Cookie lines, body). It runs on its own I/O thread and never touches the
// engine. While the upstream does not answer (starting, stopped) the client
// gets 503 with a page that says so.
#pragma once

#include <memory>
#include <string>

#include "api/http_types.h"

namespace stacklab::api {

class ReverseProxy {
 public:
  struct Options {
    std::string prefix = "/dashboard";  // paths equal to it or under it are forwarded
    std::string host = "127.0.0.1";     // the upstream server
    unsigned short port = 0;
    std::string what = "The dashboard";  // names the upstream in the 503 page
    std::string note;                    // what the 503 page adds (how long a start takes, which log to read)
    std::string alias;  // another prefix ("/horizon") whose paths are redirected (302) to the same under `prefix`
  };

  explicit ReverseProxy(Options options);
  ~ReverseProxy();  // waits for its I/O thread

  // Whether `path` (decoded, as Request::full_path) is the proxy's.
  bool serves(const std::string& path) const;
  // Forwards `req` and answers through `reply`, from the proxy's thread.
  void forward(Request req, Reply reply);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stacklab::api
