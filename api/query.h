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

// Neutron's filters: keeps items whose `field` equals one of the values the
// query gives for it (a repeated parameter is an OR: ?id=a&id=b), for each
// field among `fields`. Booleans compare as in filter_items.
void filter_items_any_of(std::vector<Json>& items, const Request& req, const std::vector<std::string>& fields);

// The non-empty parts of a comma-separated value ("a,,b" -> {"a", "b"}).
std::vector<std::string> split_commas(const std::string& value);

// The `fields` query parameters (repeatable, or comma lists), as Neutron and
// Cinder take them; empty when none were asked.
std::vector<std::string> requested_fields(const Request& req);

// Removes from `item` every key not in `fields` (no-op when `fields` is empty).
void keep_fields(Json& item, const std::vector<std::string>& fields);

// `limit` as a non-negative integer, or 400.
Result<std::optional<std::size_t>> parse_limit(const Request& req, std::size_t max_limit = 1000);

// One sort key of a request, and the order it asks for.
struct SortKey {
  std::string key;
  bool descending = false;
};
// sort_key/sort_dir (repeatable, or comma lists) or sort=key:dir,...; 400
// for a key outside `allowed` or a direction other than asc/desc.
Result<std::vector<SortKey>> parse_sort(const Request& req, const std::vector<std::string>& allowed,
                                        const std::string& default_key = "");
// True when `a` sorts before `b` under `keys` (missing fields sort as null).
bool sorts_before(const Json& a, const Json& b, const std::vector<SortKey>& keys);

// Sorts by the request's sort keys, among `allowed` keys; 400 on others.
Status sort_items(std::vector<Json>& items, const Request& req, const std::vector<std::string>& allowed,
                  const std::string& default_key = "");

template <typename T>
struct PageOf {
  std::vector<T> items;
  std::optional<std::string> next_marker;  // set when more items follow
};
using Page = PageOf<Json>;

// The page after `marker` (an item's id; 404 if unknown, as upstream) of at
// most `limit` items. `id_of` reads an item's id.
template <typename T, typename IdOf>
Result<PageOf<T>> paginate_by(const std::vector<T>& items, const Request& req, std::size_t max_limit, IdOf id_of) {
  auto limit = parse_limit(req, max_limit);
  if (!limit.ok()) return limit.status();
  std::size_t start = 0;
  if (auto marker = req.query_param("marker")) {
    std::size_t i = 0;
    while (i < items.size() && id_of(items[i]) != *marker) ++i;
    if (i == items.size()) return NotFound("Marker " + *marker + " could not be found.");
    start = i + 1;
  }
  PageOf<T> page;
  std::size_t end = items.size();
  if (*limit && start + **limit < items.size()) end = start + **limit;
  page.items.assign(items.begin() + static_cast<std::ptrdiff_t>(std::min(start, end)),
                    items.begin() + static_cast<std::ptrdiff_t>(end));
  if (end < items.size() && !page.items.empty()) page.next_marker = id_of(page.items.back());
  return page;
}

// paginate_by over JSON documents with an "id"-like field.
Result<Page> paginate(const std::vector<Json>& items, const Request& req, std::size_t max_limit = 1000,
                      const std::string& id_field = "id");
// The request's query string with its marker replaced by `marker`.
std::string query_with_marker(const Request& req, const std::string& marker);
// The "next" link for a page: the request's URL with marker (and limit) replaced.
std::string next_link(const Request& req, const std::string& marker);

}  // namespace stacklab::api
