#include "engine/network/attributes.h"

#include <algorithm>
#include <cctype>

#include "engine/network/network_errors.h"

namespace stacklab::network {

std::set<std::string> attribute_set(const std::vector<std::string>& filters, const std::set<std::string>& more) {
  std::set<std::string> out(filters.begin(), filters.end());
  out.insert(more.begin(), more.end());
  return out;
}

std::string text_of(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Status check_attributes(const Json& body, const std::set<std::string>& writable, const std::set<std::string>& known,
                        const char* verb) {
  std::string unknown;
  for (const auto& [key, value] : body.items()) {
    if (writable.count(key)) continue;
    if (known.count(key))
      return neutron_error(Code::kBadRequest, "HTTPBadRequest",
                           "Attribute '" + key + "' not allowed in " + std::string(verb));
    if (!unknown.empty()) unknown += ", ";
    unknown += in_quotes(key);
  }
  if (!unknown.empty())
    return neutron_error(Code::kBadRequest, "HTTPBadRequest", "Unrecognized attribute(s) " + unknown);
  return {};
}

Result<bool> to_boolean(const std::string& field, const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer() && (value == 0 || value == 1)) return value == 1;
  if (value.is_string()) {
    std::string s = value;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
  }
  return invalid_attribute(field, in_quotes(value.is_string() ? value.get<std::string>() : value.dump()) +
                                      " cannot be converted to boolean");
}

Result<std::string> to_string_attr(const std::string& field, const Json& value, std::size_t max_len) {
  if (!value.is_string()) return invalid_attribute(field, in_quotes(value.dump()) + " is not a valid string");
  std::string s = value;
  if (s.size() > max_len)
    return invalid_attribute(field, in_quotes(s) + " exceeds maximum length of " + std::to_string(max_len));
  return s;
}

Status copy_boolean(const Json& body, const std::string& field, Json& doc) {
  auto it = body.find(field);
  if (it == body.end()) return {};
  auto b = to_boolean(field, *it);
  if (!b.ok()) return b.status();
  doc[field] = *b;
  return {};
}

Status copy_string(const Json& body, const std::string& field, Json& doc, std::size_t max_len) {
  auto it = body.find(field);
  if (it == body.end()) return {};
  auto s = to_string_attr(field, *it, max_len);
  if (!s.ok()) return s.status();
  doc[field] = *s;
  return {};
}

Status copy_tags(const Json& body, Json& doc) {
  auto it = body.find("tags");
  if (it == body.end()) return {};
  if (!it->is_array()) return invalid_attribute("tags", in_quotes(it->dump()) + " is not a list");
  std::set<std::string> seen;
  Json tags = Json::array();
  for (const Json& t : *it) {
    if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 255)
      return invalid_attribute("tags", in_quotes(t.dump()) + " is not a valid tag");
    if (seen.insert(t.get<std::string>()).second) tags.push_back(t);
  }
  doc["tags"] = tags;
  return {};
}

}  // namespace stacklab::network
