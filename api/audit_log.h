// AuditLog: who called which API, and what the cloud answered.
//
// CloudApp appends one entry per answered request (allowed or refused),
// after the reply is decided; handlers may add events of their own (the
// guest events of network probes: service "guest", action "guest.ping"). Entries are history: they live outside the
// Store, in an append-only file of JSON lines (<state>/audit.log), so a
// snapshot restore does not roll them back and a restart keeps them; an
// ephemeral cloud keeps the latest kMemoryEntries in memory. An append is
// one write(2) of one line, without fsync: a killed process loses nothing
// (the kernel has it), a power cut may lose the last lines. Tokens, passwords
// and bodies are never recorded. Thread-safe.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/status.h"

namespace stacklab::api {

struct AuditEntry {
  TimePoint time;
  std::string request_id;
  std::string user_id, user_name, project_id;  // empty when the call had no valid token
  std::string service;                         // service type: "compute", "identity", "stacklab", ...
  std::string method, path;                    // path without the query string
  std::string route;                           // the matched route pattern, "unmatched" if none
  std::string action;                          // "compute:servers:create" (see audit_action)
  int status = 0;
  // Fields of an event that is not an API call (guest events: "from", "to",
  // "result"), added to the entry as they are.
  nlohmann::json details = nullptr;
  nlohmann::json to_json() const;
};

// GET /_stacklab/audit's filters; empty = any.
struct AuditQuery {
  std::optional<TimePoint> since;  // entries at or after
  std::string user;                // user id or name
  std::string project;             // project id
  std::string service;             // service type
  std::size_t limit = 100;         // the latest `limit` matching entries
};

class AuditLog {
 public:
  static constexpr std::size_t kMemoryEntries = 100000;
  // `path` "" keeps entries in memory only.
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
  ~AuditLog();

  void append(const AuditEntry& entry);
  // Matching entries, oldest first.
  std::vector<nlohmann::json> query(const AuditQuery& query) const;

 private:
  AuditLog() = default;
  mutable std::mutex mu_;
  int fd_ = -1;
  std::string path_;
  std::deque<nlohmann::json> memory_;
};

// The service type of a mounted service name ("nova-api" -> "compute").
std::string audit_service_type(const std::string& service);

// A normalised action from the route: the service type, the route's literal
// segments (versions and {parameters} dropped) and a verb from the method:
// GET on a collection "list", on an item "show"; POST "create"; PUT/PATCH
// "update"; DELETE "delete"; a server action POST .../action adds its name:
//   compute POST /v2.1/servers                    -> compute:servers:create
//   compute GET  /v2.1/os-services                -> compute:os-services:list
//   compute POST /v2.1/servers/{server_id}/action -> compute:servers:action:reboot
std::string audit_action(const std::string& service_type, const std::string& method, const std::string& route,
                         const std::string& body);

}  // namespace stacklab::api
