// `stacklab service ...`, `stacklab lab break` and `stacklab lab check day9`:
// the troubleshooting day against a running cloud's /_stacklab/services and
// /_stacklab/lab/faults.
#include <iomanip>
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/ops_client.h"

namespace stacklab::cmd {

namespace {

// A client that proves it is the admin without keystone (which may be the
// daemon that is stopped).
OpsClient operator_client(const OpsTarget& target) {
  AdminCredentials who = lab_admin(target);
  OpsClient client(target.url);
  client.set_header("X-Auth-User", who.project_name + ":" + who.username);
  client.set_header("X-Auth-Key", who.password);
  return client;
}

// The request, or the cloud's message on stderr and nullopt.
std::optional<HttpReply> ask(const OpsTarget& target, const std::string& method, const std::string& path,
                             const nlohmann::json& body = nullptr) {
  auto reply = operator_client(target).request(method, path, body);
  if (!reply.ok()) {
    std::cerr << "stacklab: " << reply.status().message() << "\n";
    return std::nullopt;
  }
  if (reply->status < 200 || reply->status > 299) {
    std::cerr << "stacklab: " << error_message(*reply) << "\n";
    return std::nullopt;
  }
  return *reply;
}

void print_status(const nlohmann::json& d) {
  const bool running = d["state"] == "running";
  std::cout << (running ? "● " : "○ ") << d["name"].get<std::string>() << " - OpenStack "
            << d["service"].get<std::string>() << " " << d["binary"].get<std::string>() << " on "
            << d["host"].get<std::string>() << "\n"
            << "     Active: " << (running ? "active (running)" : "inactive (dead)") << " since "
            << d["since"].get<std::string>() << "\n"
            << "        Log: " << d["log_file"].get<std::string>() << " (under the state directory)\n";
  if (d.contains("log_tail") && !d["log_tail"].empty()) {
    std::cout << "\n";
    for (const auto& line : d["log_tail"]) std::cout << line.get<std::string>() << "\n";
  }
}

}  // namespace

int run_service(const OpsTarget& target, const std::string& verb, const std::string& name) {
  if (verb != "list" && name.empty()) {
    std::cerr << "stacklab: service " << verb << " needs a daemon name (see `stacklab service list`)\n";
    return 2;
  }
  if (verb == "list") {
    auto reply = ask(target, "GET", "/_stacklab/services");
    if (!reply) return 1;
    std::cout << std::left << std::setw(34) << "UNIT" << std::setw(10) << "ACTIVE" << std::setw(10) << "SUB"
              << "SINCE\n";
    for (const auto& d : reply->body["services"])
      std::cout << std::setw(34) << d["name"].get<std::string>() << std::setw(10) << d["active"].get<std::string>()
                << std::setw(10) << (d["state"] == "running" ? "running" : "dead") << d["since"].get<std::string>()
                << "\n";
    return 0;
  }
  if (verb == "status") {
    auto reply = ask(target, "GET", "/_stacklab/services/" + name + "?lines=10");
    if (!reply) return 1;
    print_status(reply->body["service"]);
    // systemctl's convention: 3 for a unit that is not active.
    return reply->body["service"]["state"] == "running" ? 0 : 3;
  }
  if (verb == "config") {
    auto reply = ask(target, "GET", "/_stacklab/configs/" + name);
    if (!reply) return 1;
    const auto& c = reply->body["config"];
    std::cout << "# " << c["path"].get<std::string>() << "\n" << c["text"].get<std::string>();
    return 0;
  }
  auto reply = ask(target, "POST", "/_stacklab/services/" + name + "/" + verb);
  if (!reply) return 1;
  const auto& d = reply->body["service"];
  std::cout << d["name"].get<std::string>() << ": "
            << (d["state"] == "running" ? "active (running)" : "inactive (dead)") << "\n";
  return 0;
}

int run_lab_break(const OpsTarget& target, const std::string& scenario, bool list) {
  if (list || scenario.empty()) {
    auto reply = ask(target, "GET", "/_stacklab/lab/faults");
    if (!reply) return 1;
    for (const auto& s : reply->body["scenarios"])
      std::cout << std::left << std::setw(26) << s["name"].get<std::string>() << s["symptom"].get<std::string>()
                << "\n";
    if (!list) {
      std::cerr << "stacklab: lab break needs a SCENARIO (one of the above)\n";
      return 2;
    }
    return 0;
  }
  auto reply = ask(target, "POST", "/_stacklab/lab/faults", {{"scenario", scenario}});
  if (!reply) return 1;
  std::cout << "Injected " << scenario << ". Find it and fix it, then run `stacklab lab check day9`.\n";
  return 0;
}

int run_day9(const OpsTarget& target, const std::string& verb, bool json) {
  if (verb == "replay") {
    std::cerr << "stacklab: day9 has nothing to replay: inject a fault with `stacklab lab break SCENARIO`\n";
    return 2;
  }
  auto reply = ask(target, "GET", "/_stacklab/lab/faults");
  if (!reply) return 1;
  const auto& checks = reply->body["checks"];
  bool all_done = true;
  for (const auto& c : checks) all_done = all_done && c["done"].get<bool>();
  if (json) {
    std::cout << nlohmann::json{{"current", reply->body["current"]}, {"checks", checks}}.dump(2) << "\n";
  } else {
    const auto& current = reply->body["current"];
    std::cout << "Day 9, troubleshooting: "
              << (current.is_object() ? current["scenario"].get<std::string>() + " (injected " +
                                            current["injected_at"].get<std::string>() + ")"
                                      : std::string("no fault injected"))
              << "\n";
    for (const auto& c : checks) {
      std::cout << "  " << (c["done"].get<bool>() ? "done     " : "not yet  ") << c["task"].get<std::string>();
      if (!c["done"].get<bool>()) std::cout << ": " << c["missing"].get<std::string>();
      std::cout << "\n";
    }
  }
  return verb != "check" || all_done ? 0 : 1;
}

}  // namespace stacklab::cmd
