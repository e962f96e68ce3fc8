#include "api/compute/server_list_filters.h"

#include <algorithm>

#include "engine/core/timeutil.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k226{2, 26}, k266{2, 66};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Result<std::optional<TimePoint>> time_param(const Request& req, const char* name) {
  auto q = req.query_param(name);
  if (!q) return std::optional<TimePoint>{};
  auto t = parse_iso(*q);
  if (!t) {
    // A date alone is accepted by Nova's iso8601 parser.
    if (q->size() == 10) t = parse_iso(*q + "T00:00:00Z");
  }
  if (!t)
    return BadRequest(std::string("Invalid input for query parameters ") + name + ". Value: " + *q + ". '" + *q +
                      "' is not a 'date-time'");
  return std::optional<TimePoint>{*t};
}

bool has(const std::vector<std::string>& tags, const std::string& t) {
  return std::find(tags.begin(), tags.end(), t) != tags.end();
}

}  // namespace

Result<ServerListFilters> parse_server_list_filters(const Request& req, const Microversion& v) {
  ServerListFilters f;
  if (v >= k226) {
    f.tags = split(req.query_param("tags").value_or(""));
    f.tags_any = split(req.query_param("tags-any").value_or(""));
    f.not_tags = split(req.query_param("not-tags").value_or(""));
    f.not_tags_any = split(req.query_param("not-tags-any").value_or(""));
  }
  auto since = time_param(req, "changes-since");
  if (!since.ok()) return since.status();
  f.changes_since = *since;
  if (v >= k266) {
    auto before = time_param(req, "changes-before");
    if (!before.ok()) return before.status();
    f.changes_before = *before;
    if (f.changes_since && f.changes_before && *f.changes_since > *f.changes_before)
      return BadRequest("The value of changes-since must be less than or equal to changes-before.");
  }
  return f;
}

bool ServerListFilters::matches(const Json& s) const {
  std::vector<std::string> st;
  if (s.contains("tags") && s["tags"].is_array())
    for (const auto& t : s["tags"]) st.push_back(t);
  for (const auto& t : tags)
    if (!has(st, t)) return false;
  if (!tags_any.empty() && std::none_of(tags_any.begin(), tags_any.end(), [&](auto& t) { return has(st, t); }))
    return false;
  if (!not_tags.empty() && std::all_of(not_tags.begin(), not_tags.end(), [&](auto& t) { return has(st, t); }))
    return false;
  if (std::any_of(not_tags_any.begin(), not_tags_any.end(), [&](auto& t) { return has(st, t); })) return false;
  if (changes_since || changes_before) {
    auto updated = s["updated_at"].is_string() ? parse_iso(s["updated_at"].get<std::string>()) : std::nullopt;
    if (!updated) return false;
    if (changes_since && *updated < *changes_since) return false;
    if (changes_before && *updated > *changes_before) return false;
  }
  return true;
}

}  // namespace stacklab::api::compute_api
