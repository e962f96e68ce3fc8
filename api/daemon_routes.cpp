#include "api/daemon_routes.h"

#include <deque>
#include <fstream>
#include <memory>

#include "api/auth_middleware.h"
#include "api/errors.h"
#include "engine/identity/password_auth.h"
#include "engine/ops/daemon_control.h"
#include "engine/core/policy.h"
#include "engine/core/timeutil.h"

namespace stacklab::api {

namespace {

constexpr int kMaxLogLines = 200;

Response error(const Request& req, const Status& st) {
  return error_response(ErrorStyle::kKeystone, st, req.request_id);
}

// The caller's credentials: its token, or (keystone may be stopped) the
// tempauth-style user and key checked in process.
Result<Credentials> operator_credentials(Request& req, identity::IdentityService& identity) {
  if (!req.header("X-Auth-Token").empty()) {
    if (Status st = authenticate_request(req, identity); !st.ok()) return st;
    return req.auth->credentials();
  }
  std::string user = req.header("X-Auth-User"), key = req.header("X-Auth-Key");
  auto colon = user.find(':');
  if (user.empty() || key.empty() || colon == std::string::npos)
    return Status(Code::kUnauthorized,
                  "The request you have made requires authentication: an X-Auth-Token, or X-Auth-User "
                  "(project:user) and X-Auth-Key.");
  auto ctx = identity.authenticate(identity::password_auth_body(user.substr(colon + 1), key, user.substr(0, colon)));
  if (!ctx.ok()) return ctx.status();
  return ctx->credentials();
}

std::string log_file(const Daemon& d) { return "logs/" + d.binary + ".log"; }

Json daemon_json(const Daemon& d) {
  return {{"name", d.name},
          {"binary", d.binary},
          {"host", d.host},
          {"service", d.service},
          {"kind", daemon_kind_name(d.kind)},
          {"state", d.running ? "running" : "stopped"},
          {"active", d.running ? "active" : "inactive"},
          {"since", format_iso_seconds(d.since)},
          {"log_file", log_file(d)}};
}

// The last `n` lines of the daemon's log, oldest first (the hosts of a
// multi-host fleet share one nova-compute.log, as DevStack's journal does).
Json log_tail(const std::string& log_dir, const Daemon& d, int n) {
  Json out = Json::array();
  if (log_dir.empty() || n <= 0) return out;
  std::ifstream in(log_dir + "/" + d.binary + ".log");
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(std::move(line));
    if (static_cast<int>(last.size()) > n) last.pop_front();
  }
  for (auto& l : last) out.push_back(std::move(l));
  return out;
}

Result<Json> inject_body(const Request& req) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->contains("scenario") || !(*body)["scenario"].is_string())
    return BadRequest("'scenario' is a required property and must be a string.");
  return body;
}

}  // namespace

void add_daemon_routes(Router& r, DaemonRouteDeps deps) {
  auto policy = std::make_shared<Policy>();
  for (const char* action :
       {"stacklab:service:list", "stacklab:service:update", "stacklab:fault:list", "stacklab:fault:create"})
    policy->register_default(action, "role:admin");
  identity::IdentityService& identity = deps.identity;
  // Runs `fn` when the caller passes `action`'s rule.
  auto guarded = [policy, &identity](const char* action, std::function<Response(Request&)> fn) {
    return [policy, action, fn = std::move(fn), &identity](Request& req) {
      auto who = operator_credentials(req, identity);
      if (!who.ok()) return error(req, who.status());
      Status st = policy->enforce(action, *who);
      return st.ok() ? fn(req) : error(req, st);
    };
  };
  DaemonRegistry& daemons = deps.daemons;
  FaultLab& faults = deps.faults;
  const std::string log_dir = deps.log_dir;

  r.add_sync("GET", "/_stacklab/services",
             guarded("stacklab:service:list",
                     [&daemons](Request&) {
                       Json list = Json::array();
                       for (const auto& d : daemons.list()) list.push_back(daemon_json(d));
                       return json_response(200, {{"services", list}});
                     }),
             false);
  r.add_sync("GET", "/_stacklab/services/{name}",
             guarded("stacklab:service:list",
                     [&daemons, log_dir](Request& req) {
                       auto d = daemons.find(req.params["name"]);
                       if (!d.ok()) return error(req, d.status());
                       int lines = 10;
                       if (auto q = req.query_param("lines")) {
                         try {
                           lines = std::stoi(*q);
                         } catch (...) {
                           lines = -1;
                         }
                         if (lines < 0 || lines > kMaxLogLines)
                           return error(req, BadRequest("Invalid lines '" + *q + "': an integer from 0 to " +
                                                        std::to_string(kMaxLogLines) + " expected."));
                       }
                       Json view = daemon_json(*d);
                       view["log_tail"] = log_tail(log_dir, *d, lines);
                       return json_response(200, {{"service", view}});
                     }),
             false);
  for (const std::string verb : {"stop", "start", "restart"}) {
    r.add_sync("POST", "/_stacklab/services/{name}/" + verb,
               guarded("stacklab:service:update",
                       [&daemons, verb](Request& req) {
                         const std::string& name = req.params["name"];
                         auto d = verb == "start"  ? daemons.start(name)
                                  : verb == "stop" ? daemons.stop(name)
                                                   : restart_daemon(daemons, name);
                         if (!d.ok()) return error(req, d.status());
                         return json_response(200, {{"service", daemon_json(*d)}});
                       }),
               false);
  }
  ServiceConfigs* configs = deps.configs;
  r.add_sync(
      "GET", "/_stacklab/configs/{service}",
      guarded("stacklab:service:list",
              [configs](Request& req) {
                const std::string& service = req.params["service"];
                if (!configs) return error(req, NotFound("This cloud models no config files."));
                auto path = configs->ensure(service);
                if (!path.ok()) return error(req, path.status());
                auto text = configs->read(service);
                if (!text.ok()) return error(req, text.status());
                return json_response(200, {{"config", {{"service", service}, {"path", *path}, {"text", *text}}}});
              }),
      false);
  r.add_sync("GET", "/_stacklab/lab/faults",
             guarded("stacklab:fault:list",
                     [&faults](Request&) {
                       Json scenarios = Json::array();
                       for (const auto& s : FaultLab::scenarios())
                         scenarios.push_back({{"name", s.name}, {"symptom", s.symptom}, {"stops", s.stopped}});
                       Json current = nullptr;
                       if (auto f = faults.current())
                         current = {{"scenario", f->scenario}, {"injected_at", format_iso_seconds(f->injected_at)}};
                       Json checks = Json::array();
                       for (const auto& c : faults.grade())
                         checks.push_back({{"task", c.task}, {"done", c.done}, {"missing", c.missing}});
                       return json_response(200, {{"scenarios", scenarios}, {"current", current}, {"checks", checks}});
                     }),
             false);
  r.add_sync(
      "POST", "/_stacklab/lab/faults",
      guarded("stacklab:fault:create",
              [&faults](Request& req) {
                auto body = inject_body(req);
                if (!body.ok()) return error(req, body.status());
                auto f = faults.inject((*body)["scenario"].get<std::string>());
                if (!f.ok()) return error(req, f.status());
                return json_response(
                    201, {{"fault", {{"scenario", f->scenario}, {"injected_at", format_iso_seconds(f->injected_at)}}}});
              }),
      false);
}

}  // namespace stacklab::api
