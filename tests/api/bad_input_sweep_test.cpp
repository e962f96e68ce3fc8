// Bad input, route by route: every route the cloud mounts is sent what a
// broken or hostile client sends (no token, a malformed body, a body of the
// wrong JSON type, a deeply nested body, an unknown id), and must answer it
// with a 4xx of its service's error style: never a 5xx, never a dropped
// connection. Routes come from the mounted routers themselves, so a route
// added tomorrow is swept without touching this file.
#include <set>
#include <string>
#include <vector>

#include "tests/api/test_cloud.h"

namespace stacklab::testing {
namespace {

using nlohmann::json;

// Routes whose success changes the whole cloud (a reset, a snapshot restore)
// or stops a daemon: swept without a token only.
bool destructive(const std::string& path) { return path.rfind("/_stacklab/", 0) == 0; }

// The pattern with each {param} replaced by an id nothing has.
std::string unknown_target(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    auto close = pattern.find('}', i);
    out += "0f0e0d0c-0b0a-4909-8807-060504030201";
    i = close;
  }
  return out;
}

bool has_body(const std::string& method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

class BadInputSweepTest : public LabCloudTest {
 protected:
  std::vector<api::CloudApp::MountedRoute> routes() { return cloud_->app().routes(); }

  // The request, and what is wrong with its answer ("" when nothing).
  std::string verdict(const std::string& method, const std::string& target, const std::string& token,
                      const std::string& body, const std::string& content_type = "application/json") {
    std::map<std::string, std::string> headers{{"Content-Type", content_type}};
    if (!token.empty()) headers["X-Auth-Token"] = token;
    HttpClient fresh(cloud_->port());  // a dropped connection must not poison the next request
    HttpResult r = fresh.request(method, target, body, headers);
    if (r.status == 0) return method + " " + target + ": the connection was dropped";
    if (r.status >= 500 && r.status != 501)
      return method + " " + target + " with body " + body.substr(0, 40) + ": " + std::to_string(r.status) + " " +
             r.body.substr(0, 200);
    return "";
  }
};

TEST_F(BadInputSweepTest, EveryMountedRouteIsSwept) {
  auto all = routes();
  std::set<std::string> services;
  for (const auto& r : all) services.insert(r.service);
  // Guards the sweep itself: if the listing came back short, every other test here passes vacuously.
  EXPECT_GT(all.size(), 300u);
  for (const char* s : {"keystone", "glance-api", "nova-api", "placement-api", "neutron-server", "cinder-api"})
    EXPECT_TRUE(services.count(s)) << s;
}

TEST_F(BadInputSweepTest, NoTokenIs401OnEveryProtectedRoute) {
  std::vector<std::string> wrong;
  for (const auto& r : routes()) {
    if (!r.requires_token) continue;
    std::string target = unknown_target(r.path);
    HttpClient fresh(cloud_->port());
    HttpResult res = fresh.request(r.method, target, has_body(r.method) ? "{}" : "",
                                   {{"Content-Type", "application/json"}});
    if (res.status != 401) wrong.push_back(r.method + " " + target + ": " + std::to_string(res.status));
  }
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(BadInputSweepTest, AForgedTokenIs401) {
  std::vector<std::string> wrong;
  for (const auto& r : routes()) {
    if (!r.requires_token || r.method != "GET") continue;
    std::string target = unknown_target(r.path);
    HttpClient fresh(cloud_->port());
    HttpResult res = fresh.request("GET", target, "", {{"X-Auth-Token", "gAAAAABforged-token-of-nobody"}});
    if (res.status != 401) wrong.push_back("GET " + target + ": " + std::to_string(res.status));
  }
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(BadInputSweepTest, UnknownIdsNeverFailTheServer) {
  std::vector<std::string> wrong;
  for (const auto& r : routes()) {
    if (destructive(r.path)) continue;
    for (const std::string* token : {&admin_, &demo_}) {
      std::string v = verdict(r.method, unknown_target(r.path), *token, has_body(r.method) ? "{}" : "");
      if (!v.empty()) wrong.push_back(v);
    }
  }
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(BadInputSweepTest, MalformedAndMistypedBodiesAre4xx) {
  // What broken clients send: truncated JSON, the wrong top-level type, the
  // right key with the wrong type, nesting meant to exhaust a recursive parser.
  std::string deep(20000, '[');
  deep += std::string(20000, ']');
  const std::vector<std::string> bodies = {"{",    "{\"a\": }", "[]",   "\"text\"", "42",      "null",
                                           "{}}", "\xff\xfe", deep,   "{\"\": null}"};
  std::vector<std::string> wrong;
  for (const auto& r : routes()) {
    if (!has_body(r.method) || destructive(r.path) || r.streaming) continue;
    for (const auto& body : bodies) {
      std::string v = verdict(r.method, unknown_target(r.path), admin_, body);
      if (!v.empty()) wrong.push_back(v);
    }
  }
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(BadInputSweepTest, TruncatedJsonOnACollectionIs400) {
  // With no id to miss, the body is the first thing a create reads: every
  // service answers 400 to JSON it cannot parse (405 where the route is
  // there only to refuse the method, as Glance's PATCH /v2/images).
  std::vector<std::string> wrong;
  int swept = 0;
  for (const auto& r : routes()) {
    if (!has_body(r.method) || r.path.find('{') != std::string::npos || destructive(r.path) || r.streaming) continue;
    ++swept;
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}, {"X-Auth-Token", admin_}};
    // Placement's newer routes exist only from their microversion on.
    if (r.service == "placement-api") headers["OpenStack-API-Version"] = "placement latest";
    HttpClient fresh(cloud_->port());
    HttpResult res = fresh.request(r.method, r.path, "{\"truncated\": ", headers);
    if (res.status != 400 && res.status != 405)
      wrong.push_back(r.method + " " + r.path + ": " + std::to_string(res.status) + " " + res.body.substr(0, 120));
  }
  EXPECT_GT(swept, 40);
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST_F(BadInputSweepTest, CollectionPostsRefuseBodiesOfTheWrongShape) {
  // A create on a collection (no id in the path) does reach its handler: each
  // resource key with every wrong JSON type must be refused, not half-made.
  const std::vector<json> wrong_types = {json(5), json("x"), json::array(), json(true), json(nullptr)};
  std::vector<std::string> wrong;
  for (const auto& r : routes()) {
    if (r.method != "POST" || r.path.find('{') != std::string::npos || destructive(r.path)) continue;
    // The resource key Nova, Neutron, Cinder and Keystone use: the last path segment, singular.
    std::string last = r.path.substr(r.path.rfind('/') + 1);
    std::vector<std::string> keys = {last};
    if (!last.empty() && last.back() == 's') keys.push_back(last.substr(0, last.size() - 1));
    if (last.size() > 3 && last.substr(last.size() - 3) == "ies") keys.push_back(last.substr(0, last.size() - 3) + "y");
    for (const auto& key : keys)
      for (const auto& value : wrong_types) {
        std::string v = verdict("POST", r.path, admin_, json{{key, value}}.dump());
        if (!v.empty()) wrong.push_back(v);
        for (const char* field : {"name", "id", "size", "description", "metadata"}) {
          json body = {{key, {{field, value.is_null() ? json::object() : json::array({value})}}}};
          v = verdict("POST", r.path, admin_, body.dump());
          if (!v.empty()) wrong.push_back(v);
        }
      }
  }
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
  // And still serving.
  EXPECT_EQ(send(admin_, "GET", "/identity/v3/projects").status, 200);
}

}  // namespace
}  // namespace stacklab::testing
