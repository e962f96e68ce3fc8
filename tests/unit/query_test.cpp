#include "api/query.h"

#include <gtest/gtest.h>

#include "api/microversion.h"
#include "api/router.h"

using namespace stacklab;
using namespace stacklab::api;

namespace {

Request with_query(const std::string& qs) {
  Request r;
  r.query = parse_query(qs);
  r.host_url = "http://h";
  r.full_path = "/identity/v3/projects";
  return r;
}

std::vector<Json> items() {
  return {{{"id", "1"}, {"name", "alpha"}, {"enabled", true}},
          {{"id", "2"}, {"name", "beta"}, {"enabled", false}},
          {{"id", "3"}, {"name", "Alphabet"}, {"enabled", true}}};
}

}  // namespace

TEST(Query, FiltersExactlyAndInexactly) {
  auto v = items();
  filter_items(v, with_query("enabled=False"), {"name", "enabled"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]["id"], "2");
  v = items();
  filter_items(v, with_query("name__icontains=ALPHA"), {"name"});
  EXPECT_EQ(v.size(), 2u);
  v = items();
  filter_items(v, with_query("name__startswith=Al&unknown=1"), {"name"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]["id"], "3");
}

TEST(Query, PaginatesWithMarkerAndRejectsBadLimits) {
  auto page = paginate(items(), with_query("limit=1&marker=1"));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0]["id"], "2");
  EXPECT_EQ(page->next_marker, "2");
  EXPECT_EQ(next_link(with_query("limit=1&marker=1"), "2"), "http://h/identity/v3/projects?limit=1&marker=2");
  EXPECT_EQ(paginate(items(), with_query("limit=-1")).status().code(), Code::kBadRequest);
  EXPECT_EQ(paginate(items(), with_query("marker=nope")).status().code(), Code::kNotFound);
}

TEST(Query, SortsByKeysAndDirections) {
  auto v = items();
  ASSERT_TRUE(
      sort_items(v, with_query("sort_key=enabled&sort_key=name&sort_dir=desc&sort_dir=asc"), {"name", "enabled"}).ok());
  EXPECT_EQ(v[0]["id"], "3");
  EXPECT_EQ(v[1]["id"], "1");
  EXPECT_EQ(v[2]["id"], "2");
  EXPECT_EQ(sort_items(v, with_query("sort_key=password"), {"name"}).code(), Code::kBadRequest);
  EXPECT_EQ(sort_items(v, with_query("sort=name:sideways"), {"name"}).code(), Code::kBadRequest);
}

TEST(Microversion, NegotiatesWithinRangeAndNamesTheRangeOtherwise) {
  MicroversionRange compute{"compute", "X-OpenStack-Nova-API-Version", {2, 1}, {2, 79}};
  Request r;
  EXPECT_EQ(negotiate(r, compute)->str(), "2.1");
  r.headers["openstack-api-version"] = "compute 2.60";
  EXPECT_EQ(negotiate(r, compute)->str(), "2.60");
  r.headers["openstack-api-version"] = "compute latest";
  EXPECT_EQ(negotiate(r, compute)->str(), "2.79");
  r.headers["openstack-api-version"] = "volume 3.5";
  r.headers["x-openstack-nova-api-version"] = "2.10";
  EXPECT_EQ(negotiate(r, compute)->str(), "2.10");
  r.headers["openstack-api-version"] = "compute 2.200";
  auto bad = negotiate(r, compute);
  EXPECT_EQ(bad.status().code(), Code::kNotAcceptable);
  EXPECT_EQ(bad.status().message(), "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.79.");
  r.headers["openstack-api-version"] = "compute two";
  EXPECT_EQ(negotiate(r, compute).status().code(), Code::kBadRequest);
}

TEST(Router, MatchesParamsAndReportsAllowedMethods) {
  Router router;
  router.add_sync("GET", "/v3/projects/{project_id}", [](Request&) { return empty_response(200); });
  router.add_sync("DELETE", "/v3/projects/{project_id}", [](Request&) { return empty_response(204); });
  auto m = router.match("GET", "/v3/projects/abc");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["project_id"], "abc");
  EXPECT_NE(router.match("HEAD", "/v3/projects/abc").route, nullptr);  // HEAD served by GET
  auto post = router.match("POST", "/v3/projects/abc");
  EXPECT_EQ(post.route, nullptr);
  EXPECT_EQ(post.allowed.size(), 2u);
  EXPECT_EQ(router.match("GET", "/v3/projects").route, nullptr);
}
