// `stacklab status`: asks a running cloud for /_stacklab/status.
#include <iostream>

#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/ops_client.h"

namespace stacklab::cmd {

int run_status(const std::string& url, bool json) {
  auto reply = OpsClient(url).request("GET", "/_stacklab/status");
  if (!reply.ok()) {
    std::cerr << reply.status().message() << "\n";
    return 1;
  }
  const nlohmann::json& doc = reply->body;
  if (reply->status != 200 || !doc.is_object()) {
    std::cerr << "stacklab at " << url << " answered " << reply->status << "\n";
    return 1;
  }
  if (json) {
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << "stacklab at " << url << ": " << doc["status"].get<std::string>() << " (profile "
            << doc["profile"].get<std::string>() << ", up " << static_cast<long>(doc["uptime_seconds"].get<double>())
            << " s, " << (doc["persistent"].get<bool>() ? "state " + doc["state_dir"].get<std::string>() : "ephemeral")
            << ")\n";
  for (const auto& [name, state] : doc["services"].items())
    std::cout << "  " << name << std::string(16 - std::min<std::size_t>(15, name.size()), ' ')
              << state.get<std::string>() << "\n";
  return doc["status"] == "ok" ? 0 : 1;
}

}  // namespace stacklab::cmd
