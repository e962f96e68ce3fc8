// List helpers shared by every service: filters, sorting and pagination from
// query parameters, as the upstream APIs spell them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace stacklab::api {

// Keeps items whose `field` matches each query parameter among `fields`.
// A parameter "name__contains" (also __icontains, __startswith,
// __istartswith, __endswith, __iendswith) filters inexactly, as Keystone does.
// Booleans compare to "true"/"false" in any case.
void filter_items(std::vector<Json>& items, const Request& req, const std::vector<std::string>& fields);

// `limit` as a non-negative integer, or 400.
Result<std::optional<std::size_t>> parse_limit(const Request& req, std::size_t max_limit = 1000);

// Sorts by sort_key/sort_dir (repeatable, or comma lists), among `allowed` keys; 400 on others.
Status sort_items(std::vector<Json>& items, const Request& req, const std::vector<std::string>& allowed,
                  const std::string& default_key = "");

struct Page {
  std::vector<Json> items;
  std::optional<std::string> next_marker;  // set when more items follow
};
// The page after `marker` (an id; 404 if unknown, as upstream) of at most `limit` items.
Result<Page> paginate(std::vector<Json> items, const Request& req, std::size_t max_limit = 1000,
                      const std::string& id_field = "id");
// The "next" link for a page: the request's URL with marker (and limit) replaced.
std::string next_link(const Request& req, const std::string& marker);

}  // namespace stacklab::api
