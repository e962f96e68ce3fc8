#include "api/cloud_app.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

#include "api/auth_middleware.h"
#include "engine/core/log.h"

namespace stacklab::api {

namespace {

// What the web server in front of a service answers when the daemon behind it
// is not running: 503 with a small HTML page (no service's error shape).
Response service_unavailable() {
  Response resp;
  resp.status = 503;
  resp.content_type = "text/html; charset=iso-8859-1";
  resp.body =
      "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n"
      "</head><body>\n<h1>Service Unavailable</h1>\n<p>The service behind this address is not running.</p>\n"
      "</body></html>\n";
  return resp;
}

// A password sign-in carries no token, so its entry would name nobody: a
// token issued (201 with X-Subject-Token) is recorded as its user's act in
// its scope, as Keystone's authenticate notification names its initiator.
// That is how the grader sees "bootcamp signed in to helloworld.com" from
// `openstack token issue` (exercises.md EX-30).
void attribute_sign_in(const identity::IdentityService& identity, const Response& resp, AuditEntry& entry) {
  if (resp.status != 201 || entry.action != "identity:auth:tokens:create") return;
  for (const auto& [name, value] : resp.headers) {
    if (name != "X-Subject-Token") continue;
    auto token = identity.validate_token(value);
    if (!token.ok()) return;
    entry.user_id = token->user_id;
    entry.user_name = token->user_name;
    entry.project_id = token->project_id;
    return;
  }
}

// keystonemiddleware's answer when it cannot validate a token with keystone:
// webob's 503 in JSON (what clients send Accept for), the middleware's
// sentence after webob's own.
Response keystone_unavailable() {
  return json_response(503, {{"message",
                              "The server is currently unavailable. Please try again at a later time.<br /><br />\n"
                              "The Keystone service is temporarily unavailable.\n\n"},
                             {"code", "503 Service Unavailable"},
                             {"title", "Service Unavailable"}});
}

// What each service answers when oslo.db cannot reach the database: an
// unexpected error in its own shape (nova names the exception, as its
// faultwrap does for anything unexpected).
Response database_unreachable(const std::string& service, ErrorStyle style, const std::string& request_id) {
  std::string message = "The server has either erred or is incapable of performing the requested operation.";
  if (service == "keystone") message = "An unexpected error prevented the server from fulfilling your request.";
  if (service == "nova-api")
    message =
        "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if "
        "possible.\n<class 'oslo_db.exception.DBConnectionError'>";
  if (service == "neutron-server") message = "Request Failed: internal server error while processing your request.";
  Log::get(service).error(
      "oslo_db.sqlalchemy.engines DBConnectionError: (pymysql.err.OperationalError) (2003, \"Can't connect to MySQL "
      "server on 'controller' ([Errno 111] Connection refused)\")");
  return error_response(style, 500, message, request_id);
}

bool is_version_document(const std::string& path) { return path == "/" || path == "/v3" || path == "/v3/"; }

// Keystone checks its own tokens, and the operator's routes are not a service behind the middleware.
bool behind_token_middleware(const std::string& service) { return service != "keystone" && service != "stacklab"; }

}  // namespace

CloudApp::CloudApp(Runtime& runtime, identity::IdentityService& identity, metrics::ApiMetrics& metrics)
    : runtime_(runtime), identity_(identity), metrics_(metrics) {}

void CloudApp::mount(const std::string& prefix, const std::string& service, ErrorStyle style, Router router) {
  mounts_.push_back({prefix, service, style, std::move(router)});
}

const CloudApp::Mount* CloudApp::find_mount(const std::string& path) const {
  const Mount* best = nullptr;
  for (const auto& m : mounts_) {
    bool prefix_match = m.prefix.empty() || (path.rfind(m.prefix, 0) == 0 &&
                                             (path.size() == m.prefix.size() || path[m.prefix.size()] == '/'));
    if (prefix_match && (!best || m.prefix.size() > best->prefix.size())) best = &m;
  }
  return best;
}

std::vector<CloudApp::MountedRoute> CloudApp::routes() const {
  std::vector<MountedRoute> all;
  for (const auto& m : mounts_)
    for (const auto& r : m.router.routes())
      all.push_back({m.service, r.method, m.prefix + r.pattern, r.requires_token, r.stream_limit > 0});
  return all;
}

HttpServer::BodyPlan CloudApp::plan_body(const Request& head) const {
  HttpServer::BodyPlan plan;
  const Mount* mount = find_mount(head.full_path);
  if (!mount) return plan;
  std::string path = head.full_path.substr(mount->prefix.size());
  auto match = mount->router.match(head.method, path.empty() ? "/" : path);
  if (match.route && match.route->stream_limit > 0) {
    plan.to_file = true;
    plan.limit = match.route->stream_limit;
  }
  return plan;
}

void CloudApp::handle(Request req, Reply reply) {
  metrics_.request_started();
  runtime_.post([this, req = std::move(req), reply = std::move(reply)]() mutable { dispatch(req, std::move(reply)); });
}

void CloudApp::dispatch(Request& req, Reply reply) {
  auto started = std::chrono::steady_clock::now();
  req.request_id = "req-" + runtime_.random().uuid4();
  const Mount* mount = find_mount(req.full_path);
  std::string service = mount ? mount->service : "stacklab";
  // A stopped daemon serves nothing and logs nothing: the proxy in front of it answers.
  const bool daemon_stopped = mount && daemons_ && !daemons_(service, daemon_host_);
  const std::string log_name = daemon_stopped ? "apache2" : service;
  ErrorStyle style = mount ? mount->style : ErrorStyle::kKeystone;

  // Every answer, at once or later, goes through here exactly once: request
  // id header, access log line, metrics.
  struct Seen {
    std::atomic<bool> done{false};
    std::string route = "unmatched", user_id, project_id;  // set before the handler runs
    std::string user_name, action;                         // for the audit log
  };
  auto seen = std::make_shared<Seen>();
  Reply respond = [this, service, log_name, started, seen, method = req.method, path = req.full_path,
                   request_id = req.request_id, reply = std::move(reply)](Response resp) {
    if (seen->done.exchange(true)) return;
    Log::RequestScope scope(request_id, seen->user_id, seen->project_id);
    resp.header("X-Openstack-Request-Id", request_id);
    // Nova also sends its older name for it; clients (tempest's instance
    // actions tests, novaclient) read that one.
    if (service == "nova-api") resp.header("X-Compute-Request-Id", request_id);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.observe_request(service, method, seen->route, resp.status, secs);
    metrics_.request_finished();
    Log::get(log_name).info("\"" + method + " " + path + "\" status: " + std::to_string(resp.status) +
                            " len: " + std::to_string(resp.body.size()) + " time: " + std::to_string(secs));
    if (audit_) {
      AuditEntry entry{runtime_.clock().now(),
                       request_id,
                       seen->user_id,
                       seen->user_name,
                       seen->project_id,
                       audit_service_type(service),
                       method,
                       path,
                       seen->route,
                       seen->action,
                       resp.status};
      if (entry.user_id.empty()) attribute_sign_in(identity_, resp, entry);
      audit_->append(entry);
    }
    reply(std::move(resp));
  };

  if (!mount) {
    respond(error_response(style, 404, "The resource could not be found.", req.request_id));
    return;
  }
  if (daemon_stopped) {
    Log::get(log_name).error("failed to make connection to backend " + service + " (" + daemon_host_ +
                             "): Connection refused");
    respond(service_unavailable());
    return;
  }
  req.mount = mount->prefix;
  req.path = req.full_path.substr(mount->prefix.size());
  if (req.path.empty()) req.path = "/";
  auto match = mount->router.match(req.method, req.path);
  if (!match.route) {
    if (!match.allowed.empty()) {
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      auto resp =
          error_response(style, 405, "The method " + req.method + " is not allowed for this resource.", req.request_id);
      resp.header("Allow", allow);
      respond(std::move(resp));
    } else {
      respond(error_response(style, 404, "The resource could not be found.", req.request_id));
    }
    return;
  }
  seen->route = match.route->pattern;
  if (audit_) seen->action = audit_action(audit_service_type(service), req.method, seen->route, req.body);
  req.params = std::move(match.params);
  const bool database_down = database_up_ && !database_up_() && service != "stacklab";
  if (database_down && service == "keystone" && !is_version_document(req.path)) {
    respond(database_unreachable(service, style, req.request_id));
    return;
  }
  if (match.route->requires_token) {
    std::string token = req.header("X-Auth-Token");
    if (token.empty()) token = req.header("X-Storage-Token");
    const bool middleware = authtoken_ && behind_token_middleware(service) && !token.empty();
    if (middleware && !authtoken_->admit(service, token)) {
      respond(keystone_unavailable());
      return;
    }
    Status st = authenticate_request(req, identity_);
    if (middleware && st.ok()) authtoken_->validated(token);
    metrics_.token_validation(st.ok());
    if (!st.ok()) {
      auto resp = error_response(style, st, req.request_id);
      resp.header("WWW-Authenticate", "Keystone uri=\"" + req.host_url + "/identity\"");
      respond(std::move(resp));
      return;
    }
    if (database_down) {
      respond(database_unreachable(service, style, req.request_id));
      return;
    }
  }
  if (req.auth) {
    seen->user_id = req.auth->user_id;
    seen->project_id = req.auth->project_id;
    seen->user_name = req.auth->user_name;
  }
  Log::RequestScope scope(req.request_id, seen->user_id, seen->project_id);
  try {
    match.route->handler(req, respond);
  } catch (const std::exception& e) {
    Log::get(service).error("unhandled error in " + seen->route + ": " + e.what());
    respond(error_response(style, 500, "An unexpected error prevented the server from fulfilling your request.",
                           req.request_id));
  }
}

}  // namespace stacklab::api
