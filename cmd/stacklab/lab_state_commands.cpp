// `stacklab snapshot ...`, `stacklab lab reset` and `stacklab audit`: the
// lab's state endpoints (/_stacklab/snapshots, /_stacklab/reset,
// /_stacklab/audit) of a running cloud, as its admin. A restore replaces the
// state of the live cloud, so these commands need it running.
#include <iomanip>
#include <iostream>
#include <utility>
#include <vector>

#include "api/http_types.h"
#include "cmd/stacklab/commands.h"
#include "cmd/stacklab/ops_client.h"

namespace stacklab::cmd {

namespace {

int print_restore(const HttpReply& reply) {
  const auto& r = reply.body["restore"];
  std::cout << "Restored " << r["name"].get<std::string>() << " (" << r["documents"] << " documents in " << std::fixed
            << std::setprecision(3) << r["seconds"].get<double>() << " s)\n";
  return 0;
}

}  // namespace

int run_snapshot(const OpsTarget& t, const std::string& verb, const std::string& name) {
  if (verb != "list" && name.empty()) {
    std::cerr << "stacklab: snapshot " << verb << " needs a NAME\n";
    return 2;
  }
  const std::string item = "/_stacklab/snapshots/" + api::url_encode(name);
  if (verb == "save") {
    auto reply = call(t, "POST", "/_stacklab/snapshots", {{"name", name}});
    if (!reply.ok()) return 1;
    std::cout << "Saved snapshot " << name << " (" << reply->body["snapshot"]["documents"] << " documents)\n";
    return 0;
  }
  if (verb == "restore") {
    auto reply = call(t, "POST", item + "/restore");
    return reply.ok() ? print_restore(*reply) : 1;
  }
  if (verb == "delete") {
    auto reply = call(t, "DELETE", item);
    if (!reply.ok()) return 1;
    std::cout << "Deleted snapshot " << name << "\n";
    return 0;
  }
  auto reply = call(t, "GET", "/_stacklab/snapshots");
  if (!reply.ok()) return 1;
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(24) << "CREATED"
            << "DOCUMENTS\n";
  for (const auto& s : reply->body["snapshots"])
    std::cout << std::setw(24) << s["name"].get<std::string>() << std::setw(24) << s["created_at"].get<std::string>()
              << s["documents"] << "\n";
  return 0;
}

namespace {

// The named lab states beyond pristine: the days replayed on the pristine lab.
const std::vector<std::pair<std::string, std::vector<std::string>>>& replayed_states() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> states = {
      {"end-of-day6", {"day6"}}, {"end-of-day7", {"day6", "day7"}}};
  return states;
}

bool snapshot_exists(const OpsTarget& t, const std::string& name) {
  auto reply = call(t, "GET", "/_stacklab/snapshots");
  if (!reply.ok()) return false;
  for (const auto& s : reply->body["snapshots"])
    if (s.value("name", "") == name) return true;
  return false;
}

// First use of a replayed state: pristine, the days' replay, then saved as a
// snapshot of that name so that the next reset is a plain restore.
int build_replayed_state(const OpsTarget& t, const std::string& name, const std::vector<std::string>& days) {
  auto reset = call(t, "POST", "/_stacklab/reset");
  if (!reset.ok()) return 1;
  std::cout << "Building " << name << " (first use): replaying";
  for (const auto& d : days) std::cout << " " << d;
  std::cout << " on the pristine lab\n";
  for (const auto& day : days)
    if (int rc = replay_scope(t, day); rc != 0) {
      std::cerr << "stacklab: the replay of " << day << " failed; " << name << " was not saved\n";
      return rc;
    }
  auto saved = call(t, "POST", "/_stacklab/snapshots", {{"name", name}});
  if (!saved.ok()) return 1;
  std::cout << "Saved " << name << " (" << saved->body["snapshot"]["documents"]
            << " documents); `stacklab snapshot delete " << name << "` makes the next reset replay again\n";
  return 0;
}

}  // namespace

int run_lab_reset(const OpsTarget& t, const std::string& name) {
  if (name.empty() || name == "pristine") {
    auto reply = call(t, "POST", "/_stacklab/reset");
    return reply.ok() ? print_restore(*reply) : 1;
  }
  for (const auto& [state, days] : replayed_states())
    if (name == state && !snapshot_exists(t, name)) return build_replayed_state(t, name, days);
  auto reply = call(t, "POST", "/_stacklab/snapshots/" + api::url_encode(name) + "/restore");
  return reply.ok() ? print_restore(*reply) : 1;
}

int run_audit(const OpsTarget& t, const AuditFilter& f) {
  std::string query = "?limit=" + std::to_string(f.limit);
  const std::vector<std::pair<std::string, std::string>> filters = {
      {"user", f.user}, {"project", f.project}, {"service", f.service}, {"since", f.since}};
  for (const auto& [key, value] : filters)
    if (!value.empty()) query += "&" + key + "=" + api::url_encode(value);
  auto reply = call(t, "GET", "/_stacklab/audit" + query);
  if (!reply.ok()) return 1;
  if (f.json) {
    std::cout << reply->body["audit"].dump(2) << "\n";
    return 0;
  }
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string("-"); };
  for (const auto& e : reply->body["audit"])
    std::cout << text(e["time"]) << "  " << e["status"] << "  " << std::left << std::setw(12) << text(e["user_name"])
              << std::setw(40) << text(e["action"]) << text(e["method"]) << " " << text(e["path"]) << "\n";
  return 0;
}

}  // namespace stacklab::cmd
