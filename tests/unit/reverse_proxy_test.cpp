// ReverseProxy: what goes to the upstream and what comes back, against a
// one-shot upstream on a loopback port.
#include "api/reverse_proxy.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <future>
#include <string>
#include <thread>

namespace stacklab::api {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts one connection, keeps the request it read, answers `response`.
class OneShotUpstream {
 public:
  explicit OneShotUpstream(std::string response)
      : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), response_(std::move(response)) {
    thread_ = std::thread([this] {
      tcp::socket socket(ioc_);
      acceptor_.accept(socket);
      std::string data;
      char buf[4096];
      boost::system::error_code ec;
      // The head, then as many body bytes as Content-Length says.
      while (data.find("\r\n\r\n") == std::string::npos && !ec) data.append(buf, socket.read_some(net::buffer(buf), ec));
      auto head_end = data.find("\r\n\r\n") + 4;
      std::size_t length = 0;
      if (auto at = data.find("Content-Length: "); at != std::string::npos && at < head_end)
        length = std::stoul(data.substr(at + 16));
      while (data.size() < head_end + length && !ec) data.append(buf, socket.read_some(net::buffer(buf), ec));
      request_.set_value(data);
      net::write(socket, net::buffer(response_), ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
    });
  }
  ~OneShotUpstream() { thread_.join(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string request() { return request_.get_future().get(); }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::string response_;
  std::promise<std::string> request_;
  std::thread thread_;
};

Response forward(ReverseProxy& proxy, Request req) {
  std::promise<Response> answer;
  proxy.forward(std::move(req), [&answer](Response r) { answer.set_value(std::move(r)); });
  return answer.get_future().get();
}

TEST(ReverseProxyTest, ServesItsPrefixOnly) {
  ReverseProxy proxy({"/dashboard", "127.0.0.1", 1, "The dashboard", ""});
  EXPECT_TRUE(proxy.serves("/dashboard"));
  EXPECT_TRUE(proxy.serves("/dashboard/auth/login"));
  EXPECT_FALSE(proxy.serves("/dashboards"));
  EXPECT_FALSE(proxy.serves("/identity/v3"));
}

TEST(ReverseProxyTest, ItsAliasRedirectsToTheSamePathUnderItsPrefix) {
  ReverseProxy proxy({"/dashboard", "127.0.0.1", 1, "The dashboard", "", "/horizon"});
  EXPECT_TRUE(proxy.serves("/horizon"));
  EXPECT_FALSE(proxy.serves("/horizons"));
  Request req;
  req.method = "GET";
  req.full_path = "/horizon";
  Response r = forward(proxy, req);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.size() > 0 ? r.headers.front().second : "", "/dashboard/");
  req.full_path = "/horizon/project/instances";
  req.trailing_slash = true;
  r = forward(proxy, req);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.front().second, "/dashboard/project/instances/");
}

TEST(ReverseProxyTest, ForwardsTheRequestAndReturnsTheWholeAnswer) {
  OneShotUpstream upstream(
      "HTTP/1.1 302 Found\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /dashboard/project/\r\n"
      "Set-Cookie: sessionid=abc; Path=/\r\nSet-Cookie: csrftoken=xyz; Path=/\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\nok");
  ReverseProxy proxy({"/dashboard", "127.0.0.1", upstream.port(), "The dashboard", ""});
  Request req;
  req.method = "POST";
  req.full_path = "/dashboard/auth/login";
  req.trailing_slash = true;
  req.query.emplace("next", "/dashboard/");
  req.headers = {{"host", "lab.example:8080"}, {"cookie", "csrftoken=xyz"}, {"connection", "keep-alive"},
                 {"content-type", "application/x-www-form-urlencoded"}, {"content-length", "13"}};
  req.body = "username=demo";

  Response resp = forward(proxy, req);
  std::string seen = upstream.request();
  EXPECT_EQ(seen.rfind("POST /dashboard/auth/login/?next=%2Fdashboard%2F HTTP/1.1\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("host: lab.example:8080\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("cookie: csrftoken=xyz\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("keep-alive"), std::string::npos) << seen;  // hop-by-hop headers stay here
  EXPECT_EQ(seen.substr(seen.size() - 13), "username=demo");

  EXPECT_EQ(resp.status, 302);
  EXPECT_EQ(resp.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(resp.body, "ok");
  int cookies = 0;
  std::string location;
  for (const auto& [name, value] : resp.headers) {
    if (name == "Set-Cookie") ++cookies;
    if (name == "Location") location = value;
    EXPECT_NE(name, "Content-Length");  // the server sets its own
    EXPECT_NE(name, "Connection");
  }
  EXPECT_EQ(cookies, 2);
  EXPECT_EQ(location, "/dashboard/project/");
}

TEST(ReverseProxyTest, AnUpstreamThatDoesNotAnswerIs503WithAPageThatSaysSo) {
  unsigned short closed_port;
  {
    net::io_context ioc;
    tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  ReverseProxy proxy({"/dashboard", "127.0.0.1", closed_port, "The dashboard", "See logs/horizon.log."});
  Request req;
  req.method = "GET";
  req.full_path = "/dashboard";
  Response resp = forward(proxy, req);
  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(resp.content_type, "text/html; charset=utf-8");
  EXPECT_NE(resp.body.find("The dashboard is not answering"), std::string::npos) << resp.body;
  EXPECT_NE(resp.body.find("See logs/horizon.log."), std::string::npos) << resp.body;
}

}  // namespace
}  // namespace stacklab::api
