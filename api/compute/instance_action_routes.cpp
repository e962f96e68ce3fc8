// GET /v2.1/servers/{id}/os-instance-actions[/{request_id}]: what was done
// to a server, request by request, and (admins; everyone since 2.51,
// without tracebacks) the events of each.
#include "api/compute/compute_routes.h"
#include "api/compute/server_views.h"
#include "api/query.h"
#include "engine/compute/instance_actions.h"
#include "engine/core/timeutil.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k251{2, 51}, k258{2, 58}, k262{2, 62}, k266{2, 66}, k284{2, 84};

Json action_view(const Json& a, const Microversion& v) {
  Json j = {{"action", a["action"]},         {"instance_uuid", a["instance_uuid"]}, {"message", a["message"]},
            {"project_id", a["project_id"]}, {"request_id", a["request_id"]},       {"start_time", a["start_time"]},
            {"user_id", a["user_id"]}};
  if (v >= k258) j["updated_at"] = a["updated_at"];
  return j;
}

// Nova's time filters take ISO times with or without zone; actions keep UTC without one.
std::optional<std::string> comparable_time(const std::string& q) {
  auto t = parse_iso(q);
  if (!t) return std::nullopt;
  std::string s = format_iso_micro(*t);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

Response list_actions(Request& req, Ctx ctx, const Microversion& v) {
  Credentials who = caller(req);
  auto s = ctx.servers.get(who, req.params["server_id"]);
  if (!s.ok()) return fail(s.status());
  auto rights = ctx.instance_actions->authorize_read(who, (*s)["project_id"], false);
  if (!rights.ok()) return fail(rights.status());
  std::vector<Json> all = ctx.instance_actions->list((*s)["id"]);
  std::vector<Json> items;
  std::optional<std::string> since, before;
  if (v >= k258) {
    if (auto q = req.query_param("changes-since")) {
      since = comparable_time(*q);
      if (!since) return fail(BadRequest("Invalid input for query parameters changes-since. Value: " + *q));
    }
  }
  if (v >= k266) {
    if (auto q = req.query_param("changes-before")) {
      before = comparable_time(*q);
      if (!before) return fail(BadRequest("Invalid input for query parameters changes-before. Value: " + *q));
    }
  }
  for (Json& a : all) {
    if (since && a["updated_at"].get<std::string>() < *since) continue;
    if (before && a["updated_at"].get<std::string>() > *before) continue;
    items.push_back(std::move(a));
  }
  Json list = Json::array();
  Json body;
  if (v >= k258) {
    auto page = paginate(items, req, 1000, "request_id");
    if (!page.ok()) {
      if (page.status().code() == Code::kNotFound)
        return fail(BadRequest("Marker " + req.query_param("marker").value_or("") + " could not be found."));
      return fail(page.status());
    }
    for (const Json& a : page->items) list.push_back(action_view(a, v));
    body["instanceActions"] = list;
    if (page->next_marker)
      body["links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
  } else {
    for (const Json& a : items) list.push_back(action_view(a, v));
    body["instanceActions"] = list;
  }
  return json_response(200, body);
}

Response show_action(Request& req, Ctx ctx, const Microversion& v) {
  Credentials who = caller(req);
  auto s = ctx.servers.get(who, req.params["server_id"]);
  if (!s.ok()) return fail(s.status());
  auto rights = ctx.instance_actions->authorize_read(who, (*s)["project_id"], true);
  if (!rights.ok()) return fail(rights.status());
  const std::string rid = req.params["request_id"];
  auto a = ctx.instance_actions->get((*s)["id"], rid);
  if (!a)
    return fail(
        NotFound("Action for request_id " + rid + " on instance " + (*s)["id"].get<std::string>() + " not found"));
  Json j = action_view(*a, v);
  bool events = v >= k251 || rights->events;
  bool details = rights->details;
  if (events) {
    Json list = Json::array();
    for (const Json& e : (*a)["events"]) {
      Json ej = {{"event", e["event"]},
                 {"start_time", e["start_time"]},
                 {"finish_time", e["finish_time"]},
                 {"result", e["result"]}};
      if (details) ej["traceback"] = e["traceback"];
      if (v >= k262) {
        ej["hostId"] = e["host"].is_string() ? host_id((*s)["project_id"], e["host"]) : "";
        if (details) ej["host"] = e["host"].is_string() ? e["host"] : Json("");
      }
      if (v >= k284)
        ej["details"] = e["result"] == "Error" && e["traceback"].is_string() ? Json("Error") : Json(nullptr);
      list.push_back(ej);
    }
    j["events"] = list;
  }
  return json_response(200, {{"instanceAction", j}});
}

}  // namespace

void record_action(const Request& req, const Ctx& ctx, const Json& server, const std::string& action,
                   const char* first_event) {
  if (!ctx.instance_actions) return;
  ctx.instance_actions->start({caller(req), req.request_id}, server["id"], server["project_id"], action);
  if (first_event) ctx.instance_actions->event_start(req.request_id, server["id"], first_event);
}

void add_instance_action_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/servers/{server_id}/os-instance-actions", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_actions(req, ctx, v); });
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}/os-instance-actions/{request_id}", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return show_action(req, ctx, v); });
  });
}

}  // namespace stacklab::api::compute_api
