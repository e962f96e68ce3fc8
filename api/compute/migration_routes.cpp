// GET /v2.1/os-migrations (admin: every migration, filters, 2.59 paging)
// and GET /v2.1/servers/{id}/migrations (2.23, admin: live migrations in
// progress).
#include "api/compute/compute_routes.h"
#include "api/query.h"

namespace stacklab::api::compute_api {

namespace {

const Microversion k223{2, 23}, k259{2, 59}, k280{2, 80};

// Nova's migration times carry microseconds and no zone.
Json nova_time(const Json& t) {
  if (!t.is_string()) return nullptr;
  std::string s = t;
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  if (s.find('.') == std::string::npos) s += ".000000";
  return s;
}

Json flavor_int_id(const Json& f) {
  if (!f.is_object() || !f["id"].is_string()) return nullptr;
  try {
    return std::stoll(f["id"].get<std::string>());
  } catch (...) {
    return f["id"];
  }
}

Json migration_view(const Request& req, const Json& m, const Microversion& v) {
  Json j = {{"id", m["seq"]},
            {"instance_uuid", m["instance_uuid"]},
            {"source_compute", m["source_compute"]},
            {"source_node", m["source_node"]},
            {"dest_compute", m["dest_compute"]},
            {"dest_node", m["dest_node"]},
            {"dest_host", m["dest_host"]},
            {"old_instance_type_id", flavor_int_id(m["old_flavor"])},
            {"new_instance_type_id", flavor_int_id(m["new_flavor"])},
            {"status", m["status"]},
            {"created_at", nova_time(m["created_at"])},
            {"updated_at", nova_time(m["updated_at"])}};
  if (v >= k223) {
    j["migration_type"] = m["migration_type"];
    if (m["migration_type"] == "live-migration" &&
        (m["status"] == "queued" || m["status"] == "preparing" || m["status"] == "running"))
      j["links"] = Json::array({{{"rel", "self"},
                                 {"href", req.service_url() + "/v2.1/servers/" + m["instance_uuid"].get<std::string>() +
                                              "/migrations/" + std::to_string(m["seq"].get<long long>())}}});
  }
  if (v >= k259) j["uuid"] = m["id"];
  if (v >= k280) {
    j["user_id"] = m["user_id"];
    j["project_id"] = m["project_id"];
  }
  return j;
}

Response list_migrations(Request& req, Ctx ctx, const Microversion& v) {
  compute::ServerMoves::MigrationFilter f;
  f.instance_uuid = req.query_param("instance_uuid").value_or("");
  f.status = req.query_param("status").value_or("");
  f.host = req.query_param("host").value_or("");
  if (v >= k223) f.migration_type = req.query_param("migration_type").value_or("");
  auto all = ctx.server_moves->migrations(caller(req), f);
  if (!all.ok()) return fail(all.status());
  Json list = Json::array();
  Json body;
  if (v >= k259) {
    auto page = paginate(*all, req, 1000, "id");
    if (!page.ok()) {
      if (page.status().code() == Code::kNotFound)
        return fail(BadRequest("Marker " + req.query_param("marker").value_or("") + " could not be found."));
      return fail(page.status());
    }
    for (const Json& m : page->items) list.push_back(migration_view(req, m, v));
    body["migrations"] = list;
    if (page->next_marker)
      body["migrations_links"] = Json::array({{{"rel", "next"}, {"href", next_link(req, *page->next_marker)}}});
  } else {
    for (const Json& m : *all) list.push_back(migration_view(req, m, v));
    body["migrations"] = list;
  }
  return json_response(200, body);
}

Response server_migrations(Request& req, Ctx ctx, const Microversion& v) {
  auto all = ctx.server_moves->in_progress(caller(req), req.params["server_id"]);
  if (!all.ok()) return fail(all.status());
  Json list = Json::array();
  for (const Json& m : *all) {
    Json j = {{"id", m["seq"]},
              {"server_uuid", m["instance_uuid"]},
              {"source_compute", m["source_compute"]},
              {"source_node", m["source_node"]},
              {"dest_compute", m["dest_compute"]},
              {"dest_node", m["dest_node"]},
              {"dest_host", m["dest_host"]},
              {"status", m["status"]},
              {"created_at", nova_time(m["created_at"])},
              {"updated_at", nova_time(m["updated_at"])},
              {"memory_total_bytes", nullptr},
              {"memory_processed_bytes", nullptr},
              {"memory_remaining_bytes", nullptr},
              {"disk_total_bytes", nullptr},
              {"disk_processed_bytes", nullptr},
              {"disk_remaining_bytes", nullptr}};
    if (v >= k259) j["uuid"] = m["id"];
    if (v >= k280) {
      j["user_id"] = m["user_id"];
      j["project_id"] = m["project_id"];
    }
    list.push_back(j);
  }
  return json_response(200, {{"migrations", list}});
}

}  // namespace

void add_migration_routes(Router& r, Ctx ctx) {
  r.add_sync("GET", "/v2.1/os-migrations", [ctx](Request& req) {
    return versioned(req, [&](const Microversion& v) { return list_migrations(req, ctx, v); });
  });
  r.add_sync("GET", "/v2.1/servers/{server_id}/migrations", [ctx](Request& req) {
    return versioned(
        req, [&](const Microversion& v) { return server_migrations(req, ctx, v); }, k223);
  });
}

}  // namespace stacklab::api::compute_api
