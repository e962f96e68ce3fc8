#include "api/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <limits>
#include <utility>

#include "api/errors.h"
#include "api/file_range_body.h"
#include "api/hashing_file_body.h"

namespace stacklab::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Options& options, const HttpServer::RequestHandler& handler,
          const HttpServer::BodyPlanner& planner, std::atomic<int>& in_flight, std::atomic<bool>& stopping)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        planner_(planner),
        in_flight_(in_flight),
        stopping_(stopping) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  // Reads the head first: the body plan (memory or file) depends on it.
  void read() {
    head_parser_.emplace();
    head_parser_->header_limit(64 * 1024);
    // Beast 1.74 compares the length against an empty optional as "too large": use a number.
    head_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read_header(stream_, buffer_, *head_parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // Answers a request the server itself refuses (malformed, too large) and closes.
  void refuse(int status, const std::string& message) {
    keep_alive_ = false;
    ++in_flight_;
    write(error_response(ErrorStyle::kKeystone, status, message), false);
  }

  bool reject_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      close();
      return true;
    }
    if (ec == http::error::body_limit) {
      refuse(413, "Request is too large.");
      return true;
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        refuse(400, "Malformed HTTP request: " + ec.message());
        return true;
      }
      close();
      return true;
    }
    return false;
  }

  void on_header(beast::error_code ec) {
    if (reject_read_error(ec)) return;
    const auto& msg = head_parser_->get();
    req_ = Request();
    req_.method = std::string(msg.method_string());
    std::string target(msg.target());
    auto q = target.find('?');
    req_.full_path = url_decode(target.substr(0, q), false);
    if (req_.full_path.size() > 1 && req_.full_path.back() == '/') {
      req_.full_path.pop_back();
      req_.trailing_slash = true;
    }
    if (q != std::string::npos) req_.query = parse_query(target.substr(q + 1));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req_.headers[name] = std::string(f.value());
    }
    std::string host = req_.header("Host");
    if (host.empty()) {
      beast::error_code ignored;
      auto ep = stream_.socket().local_endpoint(ignored);
      host = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    std::string scheme = req_.header("X-Forwarded-Proto");
    req_.host_url = (scheme.empty() ? "http" : scheme) + "://" + host;
    keep_alive_ = msg.keep_alive() && !stopping_;
    head_ = msg.method() == http::verb::head;

    HttpServer::BodyPlan plan;
    if (planner_) plan = planner_(req_);
    // Beast checks Content-Length against the limit only while parsing the
    // head, which had none: check it here (chunked bodies are checked as read).
    std::uint64_t limit = plan.to_file ? plan.limit : options_.body_limit;
    if (auto length = head_parser_->content_length(); length && *length > limit)
      return refuse(413, "Request is too large.");
    if (plan.to_file && !options_.upload_dir.empty()) {
      std::string path = options_.upload_dir + "/upload-XXXXXX";
      int fd = ::mkstemp(path.data());
      if (fd < 0) return refuse(500, "cannot store the request body");
      ::close(fd);
      upload_path_ = path;
      file_parser_.emplace(std::move(*head_parser_));
      file_parser_->body_limit(limit);
      if (!file_parser_->get().body().open(path)) return refuse(500, "cannot store the request body");
      // Beast reads as much as the buffer's free capacity: without room it
      // reads 512 bytes per call, a syscall pair per 512 bytes of image.
      buffer_.reserve(1 << 20);
      continue_if_expected([self = shared_from_this()] {
        self->stream_.expires_never();  // large uploads take their time; the peer's close ends them
        http::async_read(self->stream_, self->buffer_, *self->file_parser_,
                         [self](beast::error_code ec, std::size_t) { self->on_body(ec); });
      });
    } else {
      string_parser_.emplace(std::move(*head_parser_));
      string_parser_->body_limit(limit);
      continue_if_expected([self = shared_from_this()] {
        http::async_read(self->stream_, self->buffer_, *self->string_parser_,
                         [self](beast::error_code ec, std::size_t) { self->on_body(ec); });
      });
    }
  }

  // "Expect: 100-continue" (curl on large uploads) waits for this before sending the body.
  template <typename Next>
  void continue_if_expected(Next next) {
    std::string expect = req_.header("Expect");
    for (auto& c : expect) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (expect != "100-continue") return next();
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue),
                     [self = shared_from_this(), next](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       next();
                     });
  }

  void on_body(beast::error_code ec) {
    if (ec) {
      discard_upload();
      if (reject_read_error(ec)) return;
    }
    if (string_parser_) {
      req_.body = std::move(string_parser_->get().body());
      string_parser_.reset();
    } else if (file_parser_) {
      auto& body = file_parser_->get().body();
      body.close();
      req_.body_file = upload_path_;
      req_.body_size = body.size;
      req_.body_md5 = body.md5_hex();
      req_.body_sha512 = body.sha512_hex();
      file_parser_.reset();
      buffer_.shrink_to_fit();  // give back the upload's read room
    }
    ++in_flight_;
    auto self = shared_from_this();
    handler_(std::move(req_), [self](Response resp) {
      net::post(self->stream_.get_executor(),
                [self, resp = std::move(resp)]() mutable { self->write(std::move(resp), self->keep_alive_); });
    });
  }

  template <typename Body>
  void prepare(http::response<Body>& res, Response& resp, bool keep_alive) {
    res.version(11);
    res.result(static_cast<unsigned>(resp.status));
    res.set(http::field::server, "stacklab");
    if (!resp.content_type.empty()) res.set(http::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res.insert(k, v);
    res.keep_alive(keep_alive);
  }

  void write(Response resp, bool keep_alive) {
    discard_upload();  // whatever the handler did not keep
    stream_.expires_after(std::chrono::seconds(60));
    if (!resp.file_path.empty() && !head_) {
      auto res = std::make_shared<http::response<FileRangeBody>>();
      prepare(*res, resp, keep_alive);
      if (!res->body().open(resp.file_path, resp.file_offset, resp.file_length)) {
        Response err = error_response(ErrorStyle::kKeystone, 500, "image data is unreadable");
        return write(std::move(err), false);
      }
      res->content_length(resp.file_length);
      stream_.expires_never();
      http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
        self->after_write(ec, keep_alive);
      });
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>();
    prepare(*res, resp, keep_alive);
    std::uint64_t length = resp.file_path.empty() ? resp.body.size() : resp.file_length;
    if (!head_) res->body() = std::move(resp.body);
    res->content_length(length);
    if (head_) {
      // HEAD: the headers of the GET, no body.
      auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
      http::async_write_header(stream_, *sr,
                               [self = shared_from_this(), res, sr, keep_alive](beast::error_code ec, std::size_t) {
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

  void discard_upload() {
    if (upload_path_.empty()) return;
    ::unlink(upload_path_.c_str());  // a no-op when the handler moved it away
    upload_path_.clear();
  }

  void close() {
    discard_upload();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> head_parser_;
  std::optional<http::request_parser<http::string_body>> string_parser_;
  std::optional<http::request_parser<HashingFileBody>> file_parser_;
  Request req_;
  std::string upload_path_;
  const HttpServer::Options& options_;
  const HttpServer::RequestHandler& handler_;
  const HttpServer::BodyPlanner& planner_;
  std::atomic<int>& in_flight_;
  std::atomic<bool>& stopping_;
  bool keep_alive_ = true;
  bool head_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Options options;
  RequestHandler handler;
  BodyPlanner planner;
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
        std::make_shared<Session>(std::move(socket), options, handler, planner, in_flight, stopping)->run();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(Options options, RequestHandler handler, BodyPlanner planner) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->planner = std::move(planner);
}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

Status HttpServer::start() {
  Status st = bind();
  if (st.ok()) serve();
  return st;
}

Status HttpServer::bind() {
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
  return {};
}

void HttpServer::serve() {
  impl_->accept();
  for (unsigned i = 0; i < std::max(1u, impl_->options.threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->started = true;
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
