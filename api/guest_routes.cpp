#include "api/guest_routes.h"

#include <memory>

#include "api/errors.h"
#include "api/guest_events.h"
#include "engine/core/policy.h"

namespace stacklab::api {

namespace {

constexpr const char* kPolicy = "stacklab:guest:session";

Response error(const Request& req, const Status& st) {
  return error_response(ErrorStyle::kKeystone, st, req.request_id);
}

void record(const Request& req, const GuestDeps& deps, const std::string& route,
            const std::vector<guest::GuestEvent>& events) {
  for (const auto& e : events) deps.audit.append(guest_event_entry(req, deps.clock.now(), route, e.action, e.details));
}

// A string member of the body, "" when absent; 400 when present but not a string.
Result<std::string> text(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::string();
  if (!body[field].is_string()) return BadRequest(std::string("'") + field + "' must be a string.");
  return body[field].get<std::string>();
}

// The body as an object whose listed fields are strings.
Result<std::map<std::string, std::string>> fields(const Request& req, std::initializer_list<const char*> names) {
  auto body = req.json();
  if (!body.ok()) return body.status();
  if (!body->is_object()) return BadRequest("The request body must be a JSON object.");
  std::map<std::string, std::string> out;
  for (const char* name : names) {
    auto v = text(*body, name);
    if (!v.ok()) return v.status();
    out[name] = *v;
  }
  return out;
}

}  // namespace

void add_guest_routes(Router& r, GuestDeps deps) {
  auto policy = std::make_shared<Policy>();
  // As Nova's remote consoles: any member of a project; the book's lab also grants the legacy _member_.
  policy->register_default(kPolicy, "role:admin or role:member or role:_member_");
  auto allowed = [policy](const Request& req) { return policy->enforce(kPolicy, req.auth->credentials()); };

  r.add_sync("POST", "/_stacklab/guest/ssh", [allowed, deps](Request& req) {
    if (Status st = allowed(req); !st.ok()) return error(req, st);
    auto f = fields(req, {"user", "host", "key", "password"});
    if (!f.ok()) return error(req, f.status());
    guest::SshRequest ssh{(*f)["user"], (*f)["host"], (*f)["key"], (*f)["password"]};
    auto out = deps.sessions.ssh(req.auth->credentials(), ssh);
    if (!out.ok()) return error(req, out.status());
    record(req, deps, "/_stacklab/guest/ssh", out->events);
    return json_response(200, {{"ssh", out->to_json()}});
  });

  r.add_sync("POST", "/_stacklab/guest/console", [allowed, deps](Request& req) {
    if (Status st = allowed(req); !st.ok()) return error(req, st);
    auto f = fields(req, {"server"});
    if (!f.ok()) return error(req, f.status());
    if ((*f)["server"].empty()) return error(req, BadRequest("'server' is required: a server name or ID."));
    auto out = deps.sessions.console(req.auth->credentials(), (*f)["server"]);
    if (!out.ok()) return error(req, out.status());
    record(req, deps, "/_stacklab/guest/console", out->events);
    return json_response(200, {{"console", out->to_json()}});
  });

  r.add_sync("POST", "/_stacklab/guest/exec", [allowed, deps](Request& req) {
    if (Status st = allowed(req); !st.ok()) return error(req, st);
    auto f = fields(req, {"session", "command"});
    if (!f.ok()) return error(req, f.status());
    if ((*f)["session"].empty()) return error(req, BadRequest("'session' is required: the id ssh or console gave."));
    auto out = deps.sessions.exec(req.auth->credentials(), (*f)["session"], (*f)["command"]);
    if (!out.ok()) return error(req, out.status());
    record(req, deps, "/_stacklab/guest/exec", out->events);
    return json_response(200, {{"exec", out->to_json()}});
  });

  r.add_sync("DELETE", "/_stacklab/guest/sessions/{session_id}", [allowed, deps](Request& req) {
    if (Status st = allowed(req); !st.ok()) return error(req, st);
    Status st = deps.sessions.close(req.auth->credentials(), req.params["session_id"]);
    if (!st.ok()) return error(req, st);
    return empty_response(204);
  });
}

}  // namespace stacklab::api
