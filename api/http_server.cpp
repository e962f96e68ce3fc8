#include <utility>
#include "api/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.h"

namespace stacklab::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Options& options, const HttpServer::RequestHandler& handler,
          std::atomic<int>& in_flight, std::atomic<bool>& stopping)
      : stream_(std::move(socket)), options_(options), handler_(handler), in_flight_(in_flight), stopping_(stopping) {}

  void run() { net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); }); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted) {
      return close();
    }
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      ++in_flight_;
      return write(error_response(ErrorStyle::kKeystone, 413, "Request is too large."), false);
    }
    if (ec) {
      if (ec == http::error::bad_target || ec == http::error::bad_method || ec == http::error::bad_version ||
          ec == http::error::bad_field || ec == http::error::bad_value || ec == http::error::header_limit) {
        keep_alive_ = false;
        ++in_flight_;
        return write(error_response(ErrorStyle::kKeystone, 400, "Malformed HTTP request: " + ec.message()), false);
      }
      return close();
    }
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive() && !stopping_;
    head_ = msg.method() == http::verb::head;
    Request req;
    req.method = std::string(msg.method_string());
    std::string target(msg.target());
    auto q = target.find('?');
    req.full_path = url_decode(target.substr(0, q), false);
    if (req.full_path.size() > 1 && req.full_path.back() == '/') req.full_path.pop_back();
    if (q != std::string::npos) req.query = parse_query(target.substr(q + 1));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    std::string host = req.header("Host");
    if (host.empty()) {
      beast::error_code ignored;
      auto ep = stream_.socket().local_endpoint(ignored);
      host = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    std::string scheme = req.header("X-Forwarded-Proto");
    req.host_url = (scheme.empty() ? "http" : scheme) + "://" + host;
    req.body = std::move(msg.body());
    ++in_flight_;
    auto self = shared_from_this();
    handler_(std::move(req), [self](Response resp) {
      net::post(self->stream_.get_executor(), [self, resp = std::move(resp)]() mutable {
        self->write(std::move(resp), self->keep_alive_);
      });
    });
  }

  void write(Response resp, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(resp.status));
    res->set(http::field::server, "stacklab");
    if (!resp.content_type.empty()) res->set(http::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res->insert(k, v);
    res->keep_alive(keep_alive);
    std::size_t length = resp.body.size();
    if (!head_) res->body() = std::move(resp.body);
    res->content_length(length);
    stream_.expires_after(std::chrono::seconds(60));
    if (head_) {
      // HEAD: the headers of the GET, no body.
      auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
      http::async_write_header(stream_, *sr, [self = shared_from_this(), res, sr, keep_alive](beast::error_code ec, std::size_t) {
        self->after_write(ec, keep_alive);
      });
      return;
    }
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
      self->after_write(ec, keep_alive);
    });
  }

  void after_write(beast::error_code ec, bool keep_alive) {
    --in_flight_;
    if (ec || !keep_alive || stopping_) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServer::Options& options_;
  const HttpServer::RequestHandler& handler_;
  std::atomic<int>& in_flight_;
  std::atomic<bool>& stopping_;
  bool keep_alive_ = true;
  bool head_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Options options;
  RequestHandler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  bool started = false;

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      } else {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(socket), options, handler, in_flight, stopping)->run();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(Options options, RequestHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

Status HttpServer::start() {
  beast::error_code ec;
  auto addr = net::ip::make_address(impl_->options.address, ec);
  if (ec) return BadRequest("invalid listen address '" + impl_->options.address + "'");
  tcp::endpoint ep(addr, impl_->options.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Status(Code::kInternal, "cannot listen on " + impl_->options.address + ":" +
                                       std::to_string(impl_->options.port) + ": " + ec.message());
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  for (unsigned i = 0; i < std::max(1u, impl_->options.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->started = true;
  return {};
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (!impl_->started) return;
  impl_->stopping = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->started = false;
}

}  // namespace stacklab::api
