#include "tests/api/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace stacklab::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

struct HttpClient::Impl {
  unsigned short port;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
};

HttpClient::HttpClient(unsigned short port) : impl_(std::make_unique<Impl>()) { impl_->port = port; }
HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!impl_->stream) {
        impl_->stream.emplace(impl_->ioc);
        impl_->stream->connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), impl_->port));
        ++connections_;
      }
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
      if (!body.empty()) req.set(http::field::content_type, "application/json");
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      http::write(*impl_->stream, req);
      beast::flat_buffer buf;
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      if (method == "HEAD") parser.skip(true);
      http::read(*impl_->stream, buf, parser);
      auto res = parser.release();
      HttpResult out;
      out.status = res.result_int();
      for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
      }
      out.body = res.body();
      if (!res.keep_alive()) impl_->stream.reset();
      return out;
    } catch (const std::exception&) {
      impl_->stream.reset();  // the server closed a kept-alive connection: reconnect once
      if (attempt == 1) throw;
    }
  }
  return {};
}

}  // namespace stacklab::testing
