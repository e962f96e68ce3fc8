// ServerVolumeApiTest: the lab cloud with the helpers the tests of servers'
// volumes share: Cinder calls as the demo project, waiting for a volume's
// status, attaching and detaching through os-volume_attachments, booting
// with a body, and the error body's message.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

namespace stacklab::testing {

using Json = nlohmann::json;

class ServerVolumeApiTest : public ComputeCloudTest {
 protected:
  HttpResult cinder(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return send(demo_, method, "/volume/v3/" + demo_project_ + path, body);
  }
  // A new volume of the demo project, once it has left "creating".
  std::string volume(const Json& spec = {{"size", 1}}) {
    auto r = cinder("POST", "/volumes", {{"volume", spec}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::string id = r.json()["volume"].value("id", "");
    wait_volume(id, [](const Json& v) { return v["status"] != "creating" && v["status"] != "downloading"; });
    return id;
  }
  // Polls the volume (5 ms apart, at most 4 s) until `done`; its last view (null once gone).
  Json wait_volume(const std::string& id, const std::function<bool(const Json&)>& done) {
    Json v;
    for (int i = 0; i < 800; ++i) {
      auto r = cinder("GET", "/volumes/" + id);
      v = r.status == 200 ? r.json()["volume"] : Json(nullptr);
      if (done(v)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return v;
  }
  Json wait_status(const std::string& id, const std::string& status) {
    return wait_volume(id, [&](const Json& v) { return !v.is_null() && v["status"] == status; });
  }
  bool volume_gone(const std::string& id) {
    return wait_volume(id, [](const Json& v) { return v.is_null(); }).is_null();
  }
  HttpResult attach(const std::string& server, const std::string& vol, const std::string& version = "",
                    const std::string& tok = demo_, Json extra = Json::object()) {
    Json a = {{"volumeId", vol}};
    a.update(extra);
    return call(tok, "POST", "/servers/" + server + "/os-volume_attachments", {{"volumeAttachment", a}}, version);
  }
  HttpResult detach(const std::string& server, const std::string& vol, const std::string& tok = demo_) {
    return call(tok, "DELETE", "/servers/" + server + "/os-volume_attachments/" + vol);
  }
  std::string active_server(const std::string& name) {
    std::string id = boot(name);
    EXPECT_EQ(settle(id)["status"], "ACTIVE");
    return id;
  }
  void remove_server(const std::string& id) {
    EXPECT_EQ(call(demo_, "DELETE", "/servers/" + id).status, 204);
    for (int i = 0; i < 400 && call(demo_, "GET", "/servers/" + id).status == 200; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  static std::string message(const HttpResult& r) {
    Json j = r.json();
    for (const char* k : {"badRequest", "itemNotFound", "conflictingRequest", "forbidden"})
      if (j.contains(k)) return j[k].value("message", "");
    return "";
  }
  HttpResult boot_body(const Json& server, const std::string& version = "") {
    Json body = {{"server", {{"name", "bfv"}, {"flavorRef", "42"}}}};
    body["server"].update(server);
    return call(demo_, "POST", "/servers", body, version);
  }
};

}  // namespace stacklab::testing
