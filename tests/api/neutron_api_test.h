// NeutronApiTest: the lab cloud with Neutron's helpers, shared by the network
// API tests (network, extras, L3): calls under /networking/v2.0 and the
// NeutronError body's type and message.
#pragma once

#include <string>

#include "tests/api/http_client.h"
#include "tests/api/test_cloud.h"

namespace stacklab::testing {

// The lab's networks (scenarios/lab/lab_networks.cpp), with the book's ids.
inline const std::string kLabPublicNetwork = "c1284c1e-1bad-4e3c-990d-eb05fd2ad2c4";
inline const std::string kLabPrivateNetwork = "65ba9c58-b64a-47bd-bf2c-fe2c54512354";
inline const std::string kLabPrivateSubnetV4 = "76f73ba7-525e-4707-bab9-ff73c51b481a";
inline const std::string kLabPrivateSubnetV6 = "90246af6-2a9b-4007-800d-fd89bc4585b2";

class NeutronApiTest : public LabCloudTest {
 protected:
  HttpResult call(const std::string& tok, const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr) {
    return send(tok, method, "/networking/v2.0" + path, body);
  }
  // POST /<collection> {"<resource>": body}, expecting 201; the created resource.
  nlohmann::json create(const std::string& tok, const std::string& collection, const std::string& resource,
                        const nlohmann::json& body) {
    auto r = call(tok, "POST", "/" + collection, {{resource, body}});
    EXPECT_EQ(r.status, 201) << r.body;
    nlohmann::json j = r.json();
    return j.contains(resource) ? j[resource] : nlohmann::json();
  }
  static std::string error_type(const HttpResult& r) { return neutron_error(r, "type"); }
  static std::string error_message(const HttpResult& r) { return neutron_error(r, "message"); }

 private:
  static std::string neutron_error(const HttpResult& r, const char* field) {
    nlohmann::json j = r.json();
    return j.contains("NeutronError") ? j["NeutronError"][field].get<std::string>() : "";
  }
};

}  // namespace stacklab::testing
