// `stacklab status`: asks a running cloud for /_stacklab/status.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/stacklab/commands.h"

namespace stacklab::cmd {

int run_status(const std::string& url, bool json) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace net = boost::asio;
  std::string rest = url.rfind("http://", 0) == 0 ? url.substr(7) : url;
  std::string hostport = rest.substr(0, rest.find('/'));
  std::string host = hostport, port = "80";
  if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  try {
    net::io_context ioc;
    net::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(host, port));
    http::request<http::empty_body> req{http::verb::get, "/_stacklab/status", 11};
    req.set(http::field::host, hostport);
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    auto doc = nlohmann::json::parse(res.body(), nullptr, false);
    if (res.result_int() != 200 || doc.is_discarded()) {
      std::cerr << "stacklab at " << url << " answered " << res.result_int() << "\n";
      return 1;
    }
    if (json) {
      std::cout << doc.dump(2) << "\n";
      return 0;
    }
    std::cout << "stacklab at " << url << ": " << doc["status"].get<std::string>() << " (profile "
              << doc["profile"].get<std::string>() << ", up " << static_cast<long>(doc["uptime_seconds"].get<double>())
              << " s, "
              << (doc["persistent"].get<bool>() ? "state " + doc["state_dir"].get<std::string>() : "ephemeral")
              << ")\n";
    for (const auto& [name, state] : doc["services"].items())
      std::cout << "  " << name << std::string(16 - std::min<std::size_t>(15, name.size()), ' ')
                << state.get<std::string>() << "\n";
    return doc["status"] == "ok" ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "stacklab is not answering at " << url << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace stacklab::cmd
