#include "cmd/stacklab/lab_http_cloud.h"

namespace stacklab::cmd {

Result<std::string> HttpLabCloud::token(const lab::Actor& who) {
  if (auto it = tokens_.find(who); it != tokens_.end()) return it->second;
  AdminCredentials creds = admin_;
  if (who.user != lab::kAdmin.user || who.project != lab::kAdmin.project) {
    creds.username = who.user;
    creds.password = "nomoresecret";
    creds.project_name = who.project;
    creds.user_domain_id = creds.project_domain_id = "default";
  }
  auto tok = client_.token(creds);
  if (tok.ok()) tokens_[who] = *tok;
  return tok;
}

Result<lab::ApiReply> HttpLabCloud::send(const lab::Actor& who, const std::string& method, const std::string& path,
                                         const std::string& body, const std::string& content_type) {
  auto tok = token(who);
  if (!tok.ok()) return tok.status();
  auto reply = client_.send(method, path, body, content_type, *tok);
  if (!reply.ok()) return reply.status();
  return lab::ApiReply{reply->status, reply->body};
}

Result<lab::ApiReply> HttpLabCloud::call(const lab::Actor& who, const std::string& method, const std::string& path,
                                         const nlohmann::json& body) {
  if (body.is_null()) return send(who, method, path, "", "");
  // Glance's PATCH takes a JSON patch document, not a JSON object.
  bool image_patch = method == "PATCH" && path.rfind("/image/", 0) == 0;
  return send(who, method, path, body.dump(),
              image_patch ? "application/openstack-images-v2.1-json-patch" : "application/json");
}

Result<lab::ApiReply> HttpLabCloud::upload(const lab::Actor& who, const std::string& path, const std::string& bytes) {
  return send(who, "PUT", path, bytes, "application/octet-stream");
}

}  // namespace stacklab::cmd
