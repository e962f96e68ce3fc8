#include "api/router.h"

namespace stacklab::api {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler, bool requires_token) {
  routes_.push_back({method, pattern, split_path(pattern), std::move(handler), requires_token});
}

void Router::add_sync(const std::string& method, const std::string& pattern, std::function<Response(Request&)> fn,
                      bool requires_token) {
  add(
      method, pattern, [fn = std::move(fn)](Request& req, Reply reply) { reply(fn(req)); }, requires_token);
}

void Router::add_streaming(const std::string& method, const std::string& pattern, Handler handler,
                           std::uint64_t limit) {
  routes_.push_back({method, pattern, split_path(pattern), std::move(handler), true, limit});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  auto segs = split_path(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = segs[i];
      else
        ok = p == segs[i];
    }
    if (!ok) continue;
    // HEAD is served by the GET route where no HEAD route exists.
    if (r.method == method || (method == "HEAD" && r.method == "GET" && !m.route)) {
      if (r.method == method || !m.route) {
        m.route = &r;
        m.params = std::move(params);
      }
      if (r.method == method) return m;
    } else {
      m.allowed.push_back(r.method);
    }
  }
  return m;
}

}  // namespace stacklab::api
