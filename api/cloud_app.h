// CloudApp: the whole cloud as one HTTP application.
//
// Each service's Router is mounted under its DevStack path ("/identity",
// "/compute/v2.1", ...). handle() is called on an I/O thread; the request is
// routed, authenticated and answered on the engine loop, then the reply goes
// back to the I/O thread. Every answer carries X-Openstack-Request-Id, is
// logged to its service's log and counted in the metrics.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/audit_log.h"
#include "api/errors.h"
#include "api/http_server.h"
#include "api/router.h"
#include "engine/core/runtime.h"
#include "engine/identity/identity_service.h"
#include "engine/ops/daemons.h"
#include "engine/ops/service_authtoken.h"
#include "metrics/api_metrics.h"

namespace stacklab::api {

class CloudApp {
 public:
  CloudApp(Runtime& runtime, identity::IdentityService& identity, metrics::ApiMetrics& metrics);

  // Serves `router` under `prefix` ("/identity"); `service` names it in logs
  // ("keystone") and metrics; `style` shapes its error bodies.
  void mount(const std::string& prefix, const std::string& service, ErrorStyle style, Router router);

  // A route as a client addresses it: "/compute/v2.1" + "/servers/{server_id}".
  struct MountedRoute {
    std::string service, method, path;
    bool requires_token = true;
    bool streaming = false;  // its body goes to a file (image data)
  };
  // Every mounted route (for sweeps over the whole API).
  std::vector<MountedRoute> routes() const;

  // Entry point from the HTTP server. `reply` may be called on any thread.
  void handle(Request req, Reply reply);
  // How the server should read a request's body, from its head: streamed to
  // a file for routes that take data (images), in memory otherwise. Safe on
  // any thread once mounting is done.
  HttpServer::BodyPlan plan_body(const Request& head) const;

  // A mount whose service (its daemon's binary: "glance-api") is not running
  // on `host` by `check` answers 503, as DevStack's Apache does when the
  // daemon behind it is gone; the line goes to the "apache2" log instead.
  void set_daemon_check(DaemonCheck check, std::string host) {
    daemons_ = std::move(check);
    daemon_host_ = std::move(host);
  }

  // Each service's token middleware asks `authtoken` before validating a
  // token (keystone may be unreachable, or refuse the service's own
  // credentials) and tells it what it validated; null: keystone always answers.
  void set_authtoken(ServiceAuthtoken* authtoken) { authtoken_ = authtoken; }

  // While `up` says the database server is down, every service's call that
  // reads it (keystone's but its version documents; the others' token-checked
  // routes) answers 500 as the service does on oslo.db's DBConnectionError.
  void set_database_check(std::function<bool()> up) { database_up_ = std::move(up); }

  // Every answered request is appended to `log` from now on (null: none).
  void set_audit_log(AuditLog* log) { audit_ = log; }

  Runtime& runtime() { return runtime_; }
  identity::IdentityService& identity() { return identity_; }
  metrics::ApiMetrics& metrics() { return metrics_; }

 private:
  struct Mount {
    std::string prefix, service;
    ErrorStyle style;
    Router router;
  };
  const Mount* find_mount(const std::string& path) const;
  void dispatch(Request& req, Reply reply);

  Runtime& runtime_;
  identity::IdentityService& identity_;
  metrics::ApiMetrics& metrics_;
  std::vector<Mount> mounts_;
  AuditLog* audit_ = nullptr;
  ServiceAuthtoken* authtoken_ = nullptr;
  std::function<bool()> database_up_;
  DaemonCheck daemons_;
  std::string daemon_host_;
};

}  // namespace stacklab::api
