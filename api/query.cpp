#include "api/query.h"

#include <algorithm>
#include <cctype>

namespace stacklab::api {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string text_of(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

bool matches(const Json& value, const std::string& op, const std::string& want) {
  if (value.is_boolean() && op.empty()) {
    std::string w = lower(want);
    bool b = !(w == "false" || w == "0" || w == "no" || w == "off");
    return value.get<bool>() == b;
  }
  std::string have = text_of(value);
  if (op.empty()) return have == want;
  bool ci = op[0] == 'i';
  std::string h = ci ? lower(have) : have, w = ci ? lower(want) : want;
  std::string kind = ci ? op.substr(1) : op;
  if (kind == "contains") return h.find(w) != std::string::npos;
  if (kind == "startswith") return h.rfind(w, 0) == 0;
  if (kind == "endswith") return h.size() >= w.size() && h.compare(h.size() - w.size(), w.size(), w) == 0;
  return false;
}

}  // namespace

void filter_items(std::vector<Json>& items, const Request& req, const std::vector<std::string>& fields) {
  for (const auto& [key, want] : req.query) {
    std::string field = key, op;
    auto sep = key.find("__");
    if (sep != std::string::npos) {
      field = key.substr(0, sep);
      op = key.substr(sep + 2);
    }
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) continue;
    std::erase_if(items, [&](const Json& item) {
      auto it = item.find(field);
      if (it == item.end()) return true;
      return !matches(*it, op, want);
    });
  }
}

void filter_items_any_of(std::vector<Json>& items, const Request& req, const std::vector<std::string>& fields) {
  for (const auto& field : fields) {
    auto [first, last] = req.query.equal_range(field);
    if (first == last) continue;
    std::erase_if(items, [&](const Json& item) {
      auto it = item.find(field);
      if (it == item.end()) return true;
      for (auto q = first; q != last; ++q)
        if (matches(*it, "", q->second)) return false;
      return true;
    });
  }
}

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    auto comma = v.find(',', start);
    std::string part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> requested_fields(const Request& req) {
  std::vector<std::string> out;
  for (auto [it, end] = req.query.equal_range("fields"); it != end; ++it) {
    auto parts = split_commas(it->second);
    out.insert(out.end(), parts.begin(), parts.end());
  }
  return out;
}

void keep_fields(Json& item, const std::vector<std::string>& fields) {
  if (fields.empty() || !item.is_object()) return;
  Json kept = Json::object();
  for (const auto& f : fields)
    if (auto it = item.find(f); it != item.end()) kept[f] = *it;
  item = std::move(kept);
}

Result<std::optional<std::size_t>> parse_limit(const Request& req, std::size_t max_limit) {
  auto v = req.query_param("limit");
  if (!v) return std::optional<std::size_t>();
  if (v->empty() || v->size() > 12 || !std::all_of(v->begin(), v->end(), ::isdigit))
    return BadRequest("limit must be a non-negative integer, not '" + *v + "'");
  std::size_t n = std::stoull(*v);
  return std::optional<std::size_t>(std::min(n, max_limit));
}

Result<std::vector<SortKey>> parse_sort(const Request& req, const std::vector<std::string>& allowed,
                                        const std::string& default_key) {
  std::vector<std::string> keys, dirs;
  auto split_into = [](const std::string& v, std::vector<std::string>& out) {
    auto parts = split_commas(v);
    out.insert(out.end(), parts.begin(), parts.end());
  };
  for (auto [it, end] = req.query.equal_range("sort_key"); it != end; ++it) split_into(it->second, keys);
  for (auto [it, end] = req.query.equal_range("sort_dir"); it != end; ++it) split_into(it->second, dirs);
  if (auto s = req.query_param("sort")) {  // "name:asc,id:desc" (Glance, Cinder)
    std::vector<std::string> parts;
    split_into(*s, parts);
    for (const auto& p : parts) {
      auto colon = p.find(':');
      keys.push_back(p.substr(0, colon));
      dirs.push_back(colon == std::string::npos ? "asc" : p.substr(colon + 1));
    }
  }
  if (keys.empty() && !default_key.empty()) keys.push_back(default_key);
  for (const auto& k : keys)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) return BadRequest("Invalid sort key: " + k);
  for (const auto& d : dirs)
    if (d != "asc" && d != "desc") return BadRequest("Invalid sort direction: " + d + " (use asc or desc)");
  std::vector<SortKey> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& dir = i < dirs.size() ? dirs[i] : (dirs.empty() ? "asc" : dirs.back());
    out.push_back({keys[i], dir == "desc"});
  }
  return out;
}

bool sorts_before(const Json& a, const Json& b, const std::vector<SortKey>& keys) {
  static const Json kNull;
  for (const auto& k : keys) {
    auto ia = a.find(k.key), ib = b.find(k.key);
    const Json& x = ia == a.end() ? kNull : *ia;
    const Json& y = ib == b.end() ? kNull : *ib;
    if (x == y) continue;
    return k.descending ? y < x : x < y;
  }
  return false;
}

Status sort_items(std::vector<Json>& items, const Request& req, const std::vector<std::string>& allowed,
                  const std::string& default_key) {
  auto keys = parse_sort(req, allowed, default_key);
  if (!keys.ok()) return keys.status();
  if (keys->empty()) return {};
  std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) { return sorts_before(a, b, *keys); });
  return {};
}

Result<Page> paginate(const std::vector<Json>& items, const Request& req, std::size_t max_limit,
                      const std::string& id_field) {
  return paginate_by(items, req, max_limit, [&](const Json& j) {
    return j.contains(id_field) && j[id_field].is_string() ? j[id_field].get<std::string>() : std::string();
  });
}

std::string query_with_marker(const Request& req, const std::string& marker) {
  std::string q;
  auto append = [&q](const std::string& k, const std::string& v) {
    if (!q.empty()) q.push_back('&');
    q.append(url_encode(k)).append("=").append(url_encode(v));
  };
  for (const auto& [k, v] : req.query)
    if (k != "marker") append(k, v);
  append("marker", marker);
  return q;
}

std::string next_link(const Request& req, const std::string& marker) {
  return req.host_url + req.full_path + "?" + query_with_marker(req, marker);
}

}  // namespace stacklab::api
