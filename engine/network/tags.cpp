// Tags (standard-attr-tag): /v2.0/<collection>/<id>/tags on every taggable
// collection. One table maps a URL collection to its store table and its
// not-found error; a new taggable resource is one line there. Reading tags
// needs the resource visible; changing them needs its owner or an admin.
// Each change bumps the resource's revision, as Neutron does.
#include <algorithm>
#include <map>

#include "engine/network/network_errors.h"
#include "engine/network/network_service.h"

namespace stacklab::network {

namespace {

struct TaggableCollection {
  const char* table;
  const char* not_found_type;  // Neutron's exception name
  const char* noun;            // as its not-found message words it
};

// URL collection -> where its resources live.
const std::map<std::string, TaggableCollection>& collection_tables() {
  static const std::map<std::string, TaggableCollection> kCollections = {
      {"networks", {"network", "NetworkNotFound", "Network"}},
      {"subnets", {"subnet", "SubnetNotFound", "Subnet"}},
      {"ports", {"port", "PortNotFound", "Port"}},
      {"security-groups", {"security_group", "SecurityGroupNotFound", "Security group"}},
      {"subnetpools", {"subnetpool", "SubnetPoolNotFound", "Subnet pool"}},
      {"routers", {"router", "RouterNotFound", "Router"}},
      {"floatingips", {"floatingip", "FloatingIPNotFound", "Floating IP"}},
  };
  return kCollections;
}

constexpr std::size_t kMaxTagLength = 60;  // neutron-lib's MAX_TAG_LEN

Result<std::string> valid_tag(const Json& tag) {
  if (!tag.is_string() || tag.get<std::string>().empty() || tag.get<std::string>().size() > kMaxTagLength)
    return invalid_attribute("tags", in_quotes(tag.is_string() ? tag.get<std::string>() : tag.dump()) +
                                         " is not a valid tag: a string of 1 to 60 characters");
  return tag.get<std::string>();
}

// The resource's type as TagNotFound words it: "security-groups" -> "security_group".
std::string resource_name(const std::string& collection) {
  std::string name = collection;
  if (!name.empty() && name.back() == 's') name.pop_back();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

std::vector<std::string> NetworkService::taggable_collections() {
  std::vector<std::string> out;
  for (const auto& [collection, entry] : collection_tables()) out.push_back(collection);
  return out;
}

Result<Json> NetworkService::taggable_resource(const Credentials& caller, const std::string& collection,
                                               const std::string& id, bool for_update) const {
  const auto& entry = collection_tables().at(collection);
  Status not_found =
      neutron_error(Code::kNotFound, entry.not_found_type, std::string(entry.noun) + " " + id + " could not be found.");
  const Json* doc = store_.get(entry.table, id);
  if (!doc) return not_found;
  // Visibility as the resource's own GET decides it.
  bool visible = caller.is_admin() || (*doc)["project_id"] == caller.project_id;
  if (!visible && collection == "networks") visible = visible_network(caller, id).ok();
  if (!visible && collection == "subnets") visible = visible_subnet(caller, id).ok();
  if (!visible && collection == "ports") visible = visible_port(caller, id).ok();
  if (!visible && collection == "subnetpools") visible = visible_subnet_pool(caller, id).ok();
  if (!visible) return not_found;
  if (for_update && !caller.is_admin() && (*doc)["project_id"] != caller.project_id)
    return neutron_error(Code::kForbidden, "PolicyNotAuthorized",
                         "(rule:update_" + resource_name(collection) + ":tags) is disallowed by policy");
  return *doc;
}

Result<Json> NetworkService::get_tags(const Credentials& caller, const std::string& collection,
                                      const std::string& id) const {
  auto doc = taggable_resource(caller, collection, id, false);
  if (!doc.ok()) return doc.status();
  return doc->value("tags", Json::array());
}

Status NetworkService::check_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                                 const std::string& tag) const {
  auto tags = get_tags(caller, collection, id);
  if (!tags.ok()) return tags.status();
  if (std::find(tags->begin(), tags->end(), Json(tag)) != tags->end()) return {};
  return neutron_error(Code::kNotFound, "TagNotFound",
                       "Tag " + tag + " could not be found for " + resource_name(collection) + " " + id + ".");
}

Result<Json> NetworkService::replace_tags(const Credentials& caller, const std::string& collection,
                                          const std::string& id, const Json& tags) {
  auto doc = taggable_resource(caller, collection, id, true);
  if (!doc.ok()) return doc.status();
  if (!tags.is_array()) return invalid_attribute("tags", in_quotes(tags.dump()) + " is not a list");
  Json out = Json::array();
  for (const Json& t : tags) {
    auto tag = valid_tag(t);
    if (!tag.ok()) return tag.status();
    if (std::find(out.begin(), out.end(), Json(*tag)) == out.end()) out.push_back(*tag);
  }
  (*doc)["tags"] = out;
  if (Status st = touch_and_put(collection_tables().at(collection).table, *doc); !st.ok()) return st;
  return out;
}

Status NetworkService::add_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                               const std::string& tag) {
  auto doc = taggable_resource(caller, collection, id, true);
  if (!doc.ok()) return doc.status();
  auto valid = valid_tag(tag);
  if (!valid.ok()) return valid.status();
  Json& tags = (*doc)["tags"];
  if (!tags.is_array()) tags = Json::array();
  if (std::find(tags.begin(), tags.end(), Json(tag)) != tags.end()) return {};
  tags.push_back(tag);
  return touch_and_put(collection_tables().at(collection).table, *doc);
}

Status NetworkService::remove_tag(const Credentials& caller, const std::string& collection, const std::string& id,
                                  const std::string& tag) {
  auto doc = taggable_resource(caller, collection, id, true);
  if (!doc.ok()) return doc.status();
  Json& tags = (*doc)["tags"];
  if (!tags.is_array()) tags = Json::array();
  if (tag.empty()) {
    tags = Json::array();
  } else {
    auto it = std::find(tags.begin(), tags.end(), Json(tag));
    if (it == tags.end())
      return neutron_error(Code::kNotFound, "TagNotFound",
                           "Tag " + tag + " could not be found for " + resource_name(collection) + " " + id + ".");
    tags.erase(it);
  }
  return touch_and_put(collection_tables().at(collection).table, *doc);
}

}  // namespace stacklab::network
