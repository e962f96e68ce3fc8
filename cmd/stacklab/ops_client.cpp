#include "cmd/stacklab/ops_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>

#include "cmd/stacklab/commands.h"

namespace stacklab::cmd {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

AdminCredentials AdminCredentials::from_environment() {
  AdminCredentials c;
  c.username = env_or("OS_USERNAME", "admin");
  c.password = env_or("OS_PASSWORD", "nomoresecret");
  c.project_name = env_or("OS_PROJECT_NAME", "admin");
  c.user_domain_id = env_or("OS_USER_DOMAIN_ID", "default");
  c.project_domain_id = env_or("OS_PROJECT_DOMAIN_ID", "default");
  return c;
}

Result<HttpReply> OpsClient::request(const std::string& method, const std::string& target, const nlohmann::json& body,
                                     const std::string& token) const {
  return body.is_null() ? send(method, target, "", "", token)
                        : send(method, target, body.dump(), "application/json", token);
}

Result<HttpReply> OpsClient::send(const std::string& method, const std::string& target, const std::string& body,
                                  const std::string& content_type, const std::string& token) const {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace net = boost::asio;
  std::string rest = url_.rfind("http://", 0) == 0 ? url_.substr(7) : url_;
  std::string hostport = rest.substr(0, rest.find('/'));
  std::string host = hostport, port = "80";
  if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  try {
    net::io_context ioc;
    net::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, hostport);
    if (!token.empty()) req.set("X-Auth-Token", token);
    for (const auto& [name, value] : headers_) req.set(name, value);
    if (!content_type.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    HttpReply reply;
    reply.status = res.result_int();
    reply.text = res.body();
    reply.body = nlohmann::json::parse(reply.text, nullptr, false);
    if (reply.body.is_discarded()) reply.body = nullptr;
    if (auto subject = res.find("X-Subject-Token"); subject != res.end())
      reply.body["x_subject_token"] = std::string(subject->value());
    return reply;
  } catch (const std::exception& e) {
    return Status(Code::kInternal, "stacklab is not answering at " + url_ + ": " + e.what());
  }
}

Result<std::string> OpsClient::token(const AdminCredentials& who) const {
  nlohmann::json auth = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", who.username}, {"domain", {{"id", who.user_domain_id}}}, {"password", who.password}}}}}}},
        {"scope", {{"project", {{"name", who.project_name}, {"domain", {{"id", who.project_domain_id}}}}}}}}}};
  auto reply = request("POST", "/identity/v3/auth/tokens", auth);
  if (!reply.ok()) return reply.status();
  if (reply->status != 201 || !reply->body.contains("x_subject_token"))
    return Status(Code::kUnauthorized, "cannot authenticate as " + who.username + ": " + error_message(*reply));
  return reply->body["x_subject_token"].get<std::string>();
}

Result<HttpReply> OpsClient::admin_call(const AdminCredentials& who, const std::string& method,
                                        const std::string& target, const nlohmann::json& body) const {
  auto tok = token(who);
  if (!tok.ok()) return tok.status();
  auto reply = request(method, target, body, *tok);
  if (!reply.ok()) return reply.status();
  if (reply->status < 200 || reply->status > 299)
    return Status(Code::kInternal, std::to_string(reply->status) + ": " + error_message(*reply));
  return reply;
}

std::string error_message(const HttpReply& reply) {
  const nlohmann::json& b = reply.body;
  if (b.is_object() && !b.empty()) {
    const nlohmann::json& inner = b.begin().value();
    if (inner.is_object() && inner.contains("message") && inner["message"].is_string()) return inner["message"];
  }
  return reply.text.empty() ? "HTTP " + std::to_string(reply.status) : reply.text;
}

AdminCredentials lab_admin(const OpsTarget& t) {
  AdminCredentials c;
  c.username = t.username.empty() ? "admin" : t.username;
  c.password = t.password.empty() ? "nomoresecret" : t.password;
  c.project_name = t.project_name.empty() ? "admin" : t.project_name;
  return c;
}

AdminCredentials credentials_of(const OpsTarget& t) {
  AdminCredentials who = AdminCredentials::from_environment();
  if (!t.username.empty()) who.username = t.username;
  if (!t.password.empty()) who.password = t.password;
  if (!t.project_name.empty()) who.project_name = t.project_name;
  return who;
}

Result<HttpReply> call(const OpsTarget& t, const std::string& method, const std::string& target,
                       const nlohmann::json& body) {
  auto reply = OpsClient(t.url).admin_call(credentials_of(t), method, target, body);
  if (!reply.ok()) std::cerr << "stacklab: " << reply.status().message() << "\n";
  return reply;
}

}  // namespace stacklab::cmd
