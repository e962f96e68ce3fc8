#include "scenarios/lab/exercises/cloud_view.h"

namespace stacklab::lab {

std::string str(const Json& item, const std::string& key) {
  if (!item.is_object() || !item.contains(key) || !item[key].is_string()) return "";
  return item[key].get<std::string>();
}

const Json& CloudView::list(const std::string& path, const std::string& key, const Actor& who) {
  const std::string cache_key = who.user + "@" + who.project + " " + path;
  if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  Json items = Json::array();
  // A user who cannot sign in has nothing to list; the check that asked says so.
  if ((who.user != kAdmin.user || who.project != kAdmin.project) && !cloud_.sign_in(who).ok())
    return cache_.emplace(cache_key, std::move(items)).first->second;
  auto reply = cloud_.call(who, "GET", path);
  if (!reply.ok())
    errors_.push_back("GET " + path + " as " + who.user + ": " + reply.status().message());
  else if (!reply->ok())
    errors_.push_back("GET " + path + " as " + who.user + ": HTTP " + std::to_string(reply->status));
  else if (reply->body.is_object() && reply->body.contains(key) && reply->body[key].is_array())
    items = reply->body[key];
  return cache_.emplace(cache_key, std::move(items)).first->second;
}

const Json& CloudView::volumes() {
  std::string admin_project = project_id(names::exact("admin"));
  return list("/volume/v3/" + admin_project + "/volumes/detail?all_tenants=1", "volumes");
}

std::vector<Json> CloudView::named(const Json& items, const NamePattern& pattern) {
  std::vector<Json> out;
  for (const auto& item : items)
    if (name_matches(str(item, "name"), pattern)) out.push_back(item);
  return out;
}

Json CloudView::project(const NamePattern& pattern) {
  auto found = named(projects(), pattern);
  return found.empty() ? Json() : found.front();
}

std::string CloudView::project_id(const NamePattern& pattern) { return str(project(pattern), "id"); }

Json CloudView::user(const NamePattern& pattern) {
  auto found = named(users(), pattern);
  return found.empty() ? Json() : found.front();
}

std::vector<Json> CloudView::owned_by(const std::vector<Json>& items, const std::string& project_id) {
  std::vector<Json> out;
  if (project_id.empty()) return out;
  for (const auto& item : items)
    for (const char* key : {"project_id", "tenant_id", "owner", "os-vol-tenant-attr:tenant_id"})
      if (str(item, key) == project_id) {
        out.push_back(item);
        break;
      }
  return out;
}

Json CloudView::default_security_group(const std::string& project_id) {
  auto found = owned_by(named(security_groups(), names::exact("default")), project_id);
  return found.empty() ? Json() : found.front();
}

std::vector<Json> CloudView::ports_of(const std::string& device_id) {
  std::vector<Json> out;
  for (const auto& p : ports())
    if (!device_id.empty() && str(p, "device_id") == device_id) out.push_back(p);
  return out;
}

std::string CloudView::network_id(const NamePattern& pattern) {
  auto found = named(networks(), pattern);
  return found.empty() ? "" : str(found.front(), "id");
}

}  // namespace stacklab::lab
