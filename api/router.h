// Router: a service's routes ("GET /v3/projects/{project_id}") to handlers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace stacklab::api {

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;                // "/v3/projects/{project_id}"; also the metrics label
    std::vector<std::string> segments;  // pattern split on '/'
    Handler handler;
    bool requires_token = true;      // false: served without X-Auth-Token (version documents, POST tokens)
    std::uint64_t stream_limit = 0;  // > 0: the body is streamed to a file (Request::body_file), up to this size
  };
  struct Match {
    const Route* route = nullptr;  // null: no route for this method and path
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods this path does accept (for 405)
  };

  void add(const std::string& method, const std::string& pattern, Handler handler, bool requires_token = true);
  // Adds a synchronous handler.
  void add_sync(const std::string& method, const std::string& pattern, std::function<Response(Request&)> fn,
                bool requires_token = true);
  // Adds a route whose body is streamed to a file instead of memory (image data).
  void add_streaming(const std::string& method, const std::string& pattern, Handler handler, std::uint64_t limit);
  Match match(const std::string& method, const std::string& path) const;
  // Every route, in the order added.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace stacklab::api
