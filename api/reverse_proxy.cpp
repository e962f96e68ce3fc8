#include "api/reverse_proxy.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "engine/core/log.h"

namespace stacklab::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Horizon's slowest pages wait on several API calls of the cloud behind it.
constexpr auto kUpstreamTimeout = std::chrono::seconds(120);
// The largest answer taken whole (Horizon's compressed JavaScript is ~2 MB).
constexpr std::uint64_t kResponseLimit = 64ull << 20;

// Headers of one hop only (RFC 9110 7.6.1), and the ones the server sets itself.
bool hop_by_hop(const std::string& lower_name) {
  static const std::set<std::string> names = {"connection", "keep-alive",     "proxy-connection", "te",
                                              "trailer",    "transfer-encoding", "upgrade",         "expect",
                                              "content-length"};
  return names.count(lower_name) > 0;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The request target again from its decoded parts (the server keeps no raw
// target): a path keeps its '/' and sub-delimiters, the query is re-encoded
// in key order. A "%2F" inside a path segment comes out as '/'.
std::string rebuild_target(const Request& req) {
  static const char* hex = "0123456789ABCDEF";
  std::string target;
  for (unsigned char c : req.full_path) {
    if (std::isalnum(c) || std::string_view("-._~/:@!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos) {
      target += static_cast<char>(c);
    } else {
      target += '%';
      target += hex[c >> 4];
      target += hex[c & 15];
    }
  }
  if (req.trailing_slash) target += '/';
  char sep = '?';
  for (const auto& [key, value] : req.query) {
    target += sep + url_encode(key) + "=" + url_encode(value);
    sep = '&';
  }
  return target;
}

// One forwarded request: connect, write, read the answer, reply.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(net::io_context& ioc, const ReverseProxy::Options& options, Request req, Reply reply)
      : stream_(ioc), options_(options), reply_(std::move(reply)) {
    out_.method_string(req.method);
    out_.target(rebuild_target(req));
    out_.version(11);
    for (const auto& [name, value] : req.headers)
      if (!hop_by_hop(name)) out_.set(name, value);
    // The client's address and scheme, for the upstream's logs and links.
    out_.set("X-Forwarded-Proto", req.header("X-Forwarded-Proto").empty() ? "http" : req.header("X-Forwarded-Proto"));
    out_.set(http::field::connection, "close");
    out_.body() = std::move(req.body);
    out_.prepare_payload();
    parser_.body_limit(kResponseLimit);
  }

  void start() {
    stream_.expires_after(kUpstreamTimeout);
    tcp::endpoint upstream(net::ip::make_address(options_.host), options_.port);
    stream_.async_connect(upstream, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->unavailable(ec);
      http::async_write(self->stream_, self->out_, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->unavailable(ec);
        http::async_read(self->stream_, self->buffer_, self->parser_,
                         [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
      });
    });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return unavailable(ec);
    auto& in = parser_.get();
    Response resp;
    resp.status = static_cast<int>(in.result_int());
    resp.content_type.clear();  // no Content-Type unless the upstream sent one
    for (const auto& field : in) {
      std::string name(field.name_string());
      std::string lname = lower(name);
      if (lname == "content-type") {
        resp.content_type = std::string(field.value());
      } else if (!hop_by_hop(lname) && lname != "server") {
        resp.header(name, std::string(field.value()));
      }
    }
    resp.body = std::move(in.body());
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    reply_(std::move(resp));
  }

  void unavailable(beast::error_code ec) {
    Log::get("stacklab").warning(options_.what + " at " + options_.host + ":" + std::to_string(options_.port) +
                                 " did not answer " + std::string(out_.method_string()) + " " +
                                 std::string(out_.target()) + ": " + ec.message());
    Response resp;
    resp.status = 503;
    resp.content_type = "text/html; charset=utf-8";
    resp.header("Retry-After", "5");
    resp.body = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title>"
                "<meta http-equiv=\"refresh\" content=\"5\"></head><body>\n<h1>Service Unavailable</h1>\n<p>" +
                options_.what + " is not answering (yet): this page reloads by itself. " + options_.note +
                "</p>\n</body></html>\n";
    reply_(std::move(resp));
  }

  beast::tcp_stream stream_;
  const ReverseProxy::Options& options_;
  Reply reply_;
  http::request<http::string_body> out_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

struct ReverseProxy::Impl {
  Options options;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  std::thread thread;
};

ReverseProxy::ReverseProxy(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

ReverseProxy::~ReverseProxy() {
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

namespace {

bool under(const std::string& path, const std::string& prefix) {
  return !prefix.empty() && path.rfind(prefix, 0) == 0 && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

bool ReverseProxy::serves(const std::string& path) const {
  return under(path, impl_->options.prefix) || under(path, impl_->options.alias);
}

void ReverseProxy::forward(Request req, Reply reply) {
  if (const Options& o = impl_->options; under(req.full_path, o.alias) && !under(req.full_path, o.prefix)) {
    std::string rest = req.full_path.substr(o.alias.size());
    Response moved = empty_response(302);
    moved.header("Location", o.prefix + (rest.empty() ? "/" : rest + (req.trailing_slash ? "/" : "")));
    net::post(impl_->ioc, [reply = std::move(reply), moved = std::move(moved)]() mutable { reply(std::move(moved)); });
    return;
  }
  net::post(impl_->ioc, [impl = impl_.get(), req = std::move(req), reply = std::move(reply)]() mutable {
    std::make_shared<Exchange>(impl->ioc, impl->options, std::move(req), std::move(reply))->start();
  });
}

}  // namespace stacklab::api
