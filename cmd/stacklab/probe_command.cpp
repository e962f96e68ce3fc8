// `stacklab probe FROM TO [--tcp PORT | --udp PORT]`: would a ping (or a
// TCP/UDP connection) from FROM reach TO in the running cloud, and why not.
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/ops_client.h"
#include "engine/network/ipam.h"

namespace stacklab::cmd {

namespace {

// "host", "internet", an address, "port:ID", else a server name or id ("server:NAME" when it looks like one of those).
nlohmann::json endpoint(const std::string& text) {
  if (text == "host" || text == "internet") return text;
  if (network::parse_ip(text)) return {{"ip", text}};
  if (text.rfind("port:", 0) == 0) return {{"port", text.substr(5)}};
  if (text.rfind("server:", 0) == 0) return {{"server", text.substr(7)}};
  return {{"server", text}};
}

std::string describe(const nlohmann::json& end) {
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
  std::string name = text(end.value("name", nlohmann::json())), ip = text(end.value("ip", nlohmann::json()));
  if (name.empty()) return ip;
  return ip.empty() ? name : name + " (" + ip + ")";
}

}  // namespace

int run_probe(const OpsTarget& t, const ProbeOptions& o) {
  nlohmann::json body = {{"from", endpoint(o.from)}, {"to", endpoint(o.to)}, {"protocol", "icmp"}};
  if (o.tcp_port > 0 || o.udp_port > 0) {
    body["protocol"] = o.tcp_port > 0 ? "tcp" : "udp";
    body["port"] = o.tcp_port > 0 ? o.tcp_port : o.udp_port;
  }
  auto reply = call(t, "POST", "/_stacklab/network/probe", body);
  if (!reply.ok()) return 1;
  const nlohmann::json& p = reply->body["probe"];
  if (o.json) {
    std::cout << p.dump(2) << "\n";
  } else {
    std::string what = p["protocol"] == "icmp" ? "ping" : p["protocol"].get<std::string>() + "/" + p["port"].dump();
    std::cout << what << " " << describe(p["from"]) << " -> " << describe(p["to"]) << ": "
              << (p["reachable"] == true ? "reachable" : "NOT reachable") << "\n";
    int n = 0;
    for (const auto& h : p["hops"]) {
      std::cout << "  " << ++n << ". " << h["type"].get<std::string>() << " " << h["name"].get<std::string>();
      if (!h["address"].get<std::string>().empty()) std::cout << " " << h["address"].get<std::string>();
      if (!h["detail"].get<std::string>().empty()) std::cout << ": " << h["detail"].get<std::string>();
      std::cout << "\n";
    }
    if (p["reachable"] != true) std::cout << "reason: " << p["reason"].get<std::string>() << "\n";
  }
  return p["reachable"] == true ? 0 : 3;
}

}  // namespace stacklab::cmd
