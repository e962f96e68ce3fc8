// HttpServer: one Boost.Beast listener with several I/O threads, keep-alive,
// a request body limit and graceful shutdown. It knows nothing of OpenStack:
// each request goes to a handler as an api::Request, and the handler's
// Response is written back whenever it arrives.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/http_types.h"

namespace stacklab::api {

class HttpServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (tests)
    unsigned threads = 2;
    std::size_t body_limit = 1 << 20;  // bytes; larger bodies get 413
    std::string upload_dir;            // where streamed bodies are written (must exist); "" = none
  };
  // How to read one request's body, decided from its head (method, path, headers).
  struct BodyPlan {
    bool to_file = false;     // stream into a file in upload_dir (req.body_file)
    std::uint64_t limit = 0;  // bytes, for streamed bodies
  };
  using BodyPlanner = std::function<BodyPlan(const Request& head)>;
  using RequestHandler = std::function<void(Request, Reply)>;

  HttpServer(Options options, RequestHandler handler, BodyPlanner planner = nullptr);
  ~HttpServer();

  // Binds and listens; connections wait in the kernel's backlog until serve().
  // An error if the address cannot be bound.
  Status bind();
  // Starts accepting and the I/O threads.
  void serve();
  // bind() then serve().
  Status start();
  // The bound port (useful with port 0).
  unsigned short port() const { return port_; }
  // Stops accepting, lets in-flight requests finish (up to `grace`), then stops.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace stacklab::api
