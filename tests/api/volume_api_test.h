// VolumeApiTest: the lab cloud with Cinder's helpers, shared by the volume
// API tests: calls under /volume/v3/<the token's project>, waiting for a
// volume to settle, and the error body's message.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

namespace stacklab::testing {

using Json = nlohmann::json;

class VolumeApiTest : public LabCloudTest {
 protected:
  static void SetUpTestSuite() {
    LabCloudTest::SetUpTestSuite();
    HttpClient client(cloud_->port());
    demo_project_ = project_id(client, admin_, "demo");
    admin_project_ = project_id(client, admin_, "admin");
  }
  // `path` under /volume/v3/<the token's project>.
  HttpResult call(const std::string& tok, const std::string& method, const std::string& path,
                  const Json& body = nullptr, const std::string& version = "") {
    std::string project = tok == admin_ ? admin_project_ : demo_project_;
    std::map<std::string, std::string> headers;
    if (!version.empty()) headers["OpenStack-API-Version"] = "volume " + version;
    return send(tok, method, "/volume/v3/" + project + path, body, headers);
  }
  // Creates a volume and waits until it leaves "creating"; its last view.
  Json create(const Json& spec, const std::string& tok = demo_) {
    auto r = call(tok, "POST", "/volumes", {{"volume", spec}});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return Json::object();
    return wait(r.json()["volume"]["id"], tok);
  }
  Json wait(const std::string& id, const std::string& tok = demo_) {
    Json v;
    for (int i = 0; i < 400; ++i) {
      auto r = call(tok, "GET", "/volumes/" + id);
      if (r.status == 404) return Json::object();
      v = r.json()["volume"];
      std::string s = v["status"];
      if (s != "creating" && s != "deleting" && s != "extending" && s != "downloading" && s != "uploading" &&
          s != "backing-up" && s != "restoring-backup")
        return v;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return v;
  }
  bool gone(const std::string& path, const std::string& tok = demo_) {
    for (int i = 0; i < 400; ++i) {
      if (call(tok, "GET", path).status == 404) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  static std::string message(const HttpResult& r, const std::string& key) {
    Json j = r.json();
    return j.contains(key) ? j[key]["message"].get<std::string>() : "";
  }

  static inline std::string demo_project_, admin_project_;
};


}  // namespace stacklab::testing
