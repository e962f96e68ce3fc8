// GET /servers filters on tags (2.26: tags, tags-any, not-tags,
// not-tags-any; comma lists) and on update times (changes-since,
// 2.66 changes-before; 400 on a malformed time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/microversion.h"
#include "engine/core/clock.h"

namespace stacklab::api::compute_api {

struct ServerListFilters {
  std::vector<std::string> tags, tags_any, not_tags, not_tags_any;
  std::optional<TimePoint> changes_since, changes_before;
  // Nova lists deleted servers too when asked for changes.
  bool wants_deleted() const { return changes_since.has_value() || changes_before.has_value(); }
  bool matches(const Json& server) const;
};

Result<ServerListFilters> parse_server_list_filters(const Request& req, const Microversion& v);

}  // namespace stacklab::api::compute_api
