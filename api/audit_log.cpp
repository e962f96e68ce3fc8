#include "api/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <map>

#include "api/router.h"
#include "engine/core/timeutil.h"

namespace stacklab::api {

using Json = nlohmann::json;

Json AuditEntry::to_json() const {
  auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  Json entry = {{"time", format_iso_micro(time)},
                {"request_id", request_id},
                {"user_id", or_null(user_id)},
                {"user_name", or_null(user_name)},
                {"project_id", or_null(project_id)},
                {"service", service},
                {"method", method},
                {"path", path},
                {"route", route},
                {"action", action},
                {"status", status}};
  if (details.is_object())
    for (const auto& [key, value] : details.items())
      if (!entry.contains(key)) entry[key] = value;
  return entry;
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  std::unique_ptr<AuditLog> log(new AuditLog());
  log->path_ = path;
  if (!path.empty()) {
    log->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log->fd_ < 0) return Status(Code::kInternal, "cannot open the audit log " + path);
  }
  return log;
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::append(const AuditEntry& entry) {
  Json doc = entry.to_json();
  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    memory_.push_back(std::move(doc));
    if (memory_.size() > kMemoryEntries) memory_.pop_front();
    return;
  }
  // One write of a whole line: O_APPEND keeps lines whole and in order.
  std::string line = doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  (void)!::write(fd_, line.data(), line.size());
}

std::vector<Json> AuditLog::query(const AuditQuery& q) const {
  auto matches = [&q](const Json& e) {
    auto field = [&e](const char* name) { return e.value(name, Json()); };
    if (q.since) {
      auto t = parse_iso(e.value("time", ""));
      if (!t || *t < *q.since) return false;
    }
    if (!q.user.empty() && field("user_id") != q.user && field("user_name") != q.user) return false;
    if (!q.project.empty() && field("project_id") != q.project) return false;
    if (!q.service.empty() && field("service") != q.service) return false;
    return true;
  };
  std::deque<Json> out;
  auto keep = [&](Json e) {
    if (!matches(e)) return;
    out.push_back(std::move(e));
    if (out.size() > q.limit) out.pop_front();
  };
  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    for (const Json& e : memory_) keep(e);
  } else {
    std::ifstream f(path_);
    std::string line;
    while (std::getline(f, line)) {
      Json e = Json::parse(line, nullptr, false);
      if (e.is_object()) keep(std::move(e));  // a line cut by a power loss is skipped
    }
  }
  return std::vector<Json>(out.begin(), out.end());
}

std::string audit_service_type(const std::string& service) {
  static const std::map<std::string, std::string> kTypes = {
      {"keystone", "identity"},        {"nova-api", "compute"},       {"placement-api", "placement"},
      {"glance-api", "image"},         {"neutron-server", "network"}, {"cinder-api", "volume"},
      {"swift-proxy", "object-store"}, {"gnocchi-api", "metric"},     {"heat-api", "orchestration"},
  };
  auto it = kTypes.find(service);
  return it == kTypes.end() ? service : it->second;
}

std::string audit_action(const std::string& service_type, const std::string& method, const std::string& route,
                         const std::string& body) {
  auto is_version = [](const std::string& s) {
    return s.size() >= 2 && s[0] == 'v' && std::isdigit(static_cast<unsigned char>(s[1]));
  };
  std::string action = service_type;
  bool item = false;  // the route ends with a {parameter}
  std::size_t literals = 0;
  for (const auto& seg : split_path(route)) {
    item = !seg.empty() && seg.front() == '{';
    if (item || is_version(seg)) continue;
    action += ":" + seg;
    ++literals;
  }
  if (literals == 0) action += ":versions";
  if (method == "GET" || method == "HEAD") return action + (item ? ":show" : ":list");
  if (method == "PUT" || method == "PATCH") return action + ":update";
  if (method == "DELETE") return action + ":delete";
  if (method != "POST") return action + ":" + method;
  if (route.size() >= 7 && route.compare(route.size() - 7, 7, "/action") == 0) {
    Json b = Json::parse(body, nullptr, false);
    if (b.is_object() && !b.empty()) return action + ":" + b.begin().key();
    return action;
  }
  return action + ":create";
}

}  // namespace stacklab::api
