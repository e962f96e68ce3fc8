// /backups (create, list, detail, show, update (3.9), delete),
// /backups/{id}/restore, /backups/{id}/action (an admin's os-reset_status and
// os-force_delete), and an admin's /backups/{id}/export_record and
// /backups/import_record. Metadata from 3.43.
#include "api/errors.h"
#include "api/volume/volume_api.h"

namespace stacklab::api::volume_api {

namespace {

const Microversion kBackupUpdate{3, 9};
const Microversion kBackupMetadata{3, 43};

Json backup_view(const Request& req, const volume::VolumeBackups& backups, const Json& b, const Microversion& mv) {
  Json out = resource_summary(req, "backups", b);
  for (const char* key : {"status", "size", "object_count", "container", "description", "availability_zone",
                          "created_at", "updated_at", "volume_id", "fail_reason", "is_incremental",
                          "data_timestamp", "snapshot_id"})
    out[key] = b[key];
  out["has_dependent_backups"] = backups.has_dependents(b["id"]);
  if (mv >= Microversion{3, 18} && caller(req).is_admin()) out["os-backup-project-attr:project_id"] = b["project_id"];
  if (mv >= kBackupMetadata) out["metadata"] = b.value("metadata", Json::object());
  return out;
}

// PUT /backups/{id}'s body: name and description, and metadata from 3.43.
Result<volume::BackupChange> parse_backup_change(const Json& body, const Microversion& mv) {
  volume::BackupChange out;
  for (const auto& [key, value] : body.items()) {
    if (key == "name" || key == "description") {
      auto s = parse_string(value);
      if (!s || s->size() > 255) return BadRequest("Invalid input for field/attribute " + key + ".");
      (key == "name" ? out.name : out.description) = *s;
    } else if (key == "metadata" && mv >= kBackupMetadata) {
      out.metadata = value;
    } else {
      return BadRequest("Invalid input for field/attribute backup. Additional properties are not allowed ('" + key +
                        "' was unexpected)");
    }
  }
  return out;
}

Result<volume::NewBackup> parse_new_backup(const Json& body, const Microversion& mv) {
  volume::NewBackup out;
  if (!body.contains("volume_id") || !body["volume_id"].is_string())
    return BadRequest("Invalid input received: 'volume_id' must be specified and be a string.");
  out.volume_id = body["volume_id"];
  for (auto [key, to] : {std::pair{"name", &out.name}, std::pair{"description", &out.description},
                         std::pair{"container", &out.container}, std::pair{"snapshot_id", &out.snapshot_id}}) {
    if (!body.contains(key)) continue;
    auto s = parse_string(body[key]);
    if (!s) return BadRequest(std::string("Invalid input for field/attribute ") + key + ".");
    *to = *s;
  }
  if (mv >= kBackupMetadata && body.contains("metadata") && !body["metadata"].is_null())
    out.metadata = body["metadata"];
  for (auto [key, to] : {std::pair{"incremental", &out.incremental}, std::pair{"force", &out.force}}) {
    if (!body.contains(key) || body[key].is_null()) continue;
    auto b = parse_bool(body[key]);
    if (!b) return BadRequest(std::string("Invalid value '") + body[key].dump() + "' for " + key + ".");
    *to = *b;
  }
  return out;
}

}  // namespace

void add_backup_routes(Router& r, Ctx ctx, const std::string& root) {
  volume::VolumeBackups& backups = *ctx.backups;
  const std::string base = root + "/backups";
  r.add_sync("POST", base, [&backups](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto body = body_object(req, "backup");
      if (!body.ok()) return fail(body.status());
      auto spec = parse_new_backup(*body, mv);
      if (!spec.ok()) return fail(spec.status());
      auto b = backups.create(caller(req), *spec);
      if (!b.ok()) return fail(b.status());
      return json_response(202, {{"backup", resource_summary(req, "backups", *b)}});
    });
  });
  for (bool detail : {false, true})
    r.add_sync("GET", detail ? base + "/detail" : base, [&backups, detail](Request& req) {
      return versioned(req, [&](const Microversion& mv) {
        if (!detail && req.trailing_slash) return fail(NotFound("The resource could not be found."));
        bool all = req.query_param("all_tenants") && parse_bool(Json(*req.query_param("all_tenants"))).value_or(true);
        std::vector<Json> views;
        for (const auto& b : backups.list(caller(req), all)) views.push_back(backup_view(req, backups, b, mv));
        return list_response(
            req, std::move(views), "backups", {"name", "status", "volume_id"},
            detail ? std::function<Json(const Json&)>()
                   : [&req](const Json& b) { return resource_summary(req, "backups", b); });
      });
    });
  add_blank_id_routes(r, base);
  r.add_sync("GET", base + "/{backup_id}", [&backups](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      auto b = backups.get(caller(req), req.params["backup_id"]);
      if (!b.ok()) return fail(b.status());
      return json_response(200, {{"backup", backup_view(req, backups, *b, mv)}});
    });
  });
  r.add_sync("PUT", base + "/{backup_id}", [&backups](Request& req) {
    return versioned(req, [&](const Microversion& mv) {
      if (mv < kBackupUpdate) return fail(NotFound("The resource could not be found."));
      auto body = body_object(req, "backup");
      if (!body.ok()) return fail(body.status());
      auto change = parse_backup_change(*body, mv);
      if (!change.ok()) return fail(change.status());
      auto b = backups.update(caller(req), req.params["backup_id"], *change);
      if (!b.ok()) return fail(b.status());
      return json_response(200, {{"backup", resource_summary(req, "backups", *b)}});
    });
  });
  r.add_sync("GET", base + "/{backup_id}/export_record", [&backups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto record = backups.export_record(caller(req), req.params["backup_id"]);
      if (!record.ok()) return fail(record.status());
      return json_response(
          200, {{"backup-record", {{"backup_service", record->backup_service}, {"backup_url", record->backup_url}}}});
    });
  });
  r.add_sync("POST", base + "/import_record", [&backups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      const Json* record = body->is_object() && body->contains("backup-record") ? &(*body)["backup-record"] : nullptr;
      if (!record || !record->is_object() || !record->contains("backup_service") ||
          !(*record)["backup_service"].is_string() || !record->contains("backup_url") ||
          !(*record)["backup_url"].is_string())
        return fail(BadRequest("Incorrect request body format."));
      auto b = backups.import_record(caller(req), {(*record)["backup_service"], (*record)["backup_url"]});
      if (!b.ok()) return fail(b.status());
      return json_response(201, {{"backup", resource_summary(req, "backups", *b)}});
    });
  });
  r.add_sync("DELETE", base + "/{backup_id}", [&backups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      return accepted(backups.remove(caller(req), req.params["backup_id"], false));
    });
  });
  r.add_sync("POST", base + "/{backup_id}/restore", [&backups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = body_object(req, "restore");
      if (!body.ok()) return fail(body.status());
      std::string volume_id, name;
      for (auto [key, to] : {std::pair{"volume_id", &volume_id}, std::pair{"name", &name}}) {
        if (!body->contains(key)) continue;
        auto s = parse_string((*body)[key]);
        if (!s) return fail(BadRequest(std::string("Invalid input for field/attribute ") + key + "."));
        *to = *s;
      }
      auto out = backups.restore(caller(req), req.params["backup_id"], volume_id, name);
      if (!out.ok()) return fail(out.status());
      return json_response(202, {{"restore", *out}});
    });
  });
  r.add_sync("POST", base + "/{backup_id}/action", [&backups](Request& req) {
    return versioned(req, [&](const Microversion&) {
      auto body = req.json();
      if (!body.ok()) return fail(body.status());
      const std::string id = req.params["backup_id"];
      if (body->is_object() && body->contains("os-force_delete")) {
        return accepted(backups.remove(caller(req), id, true));
      }
      if (body->is_object() && body->contains("os-reset_status")) {
        const Json& args = (*body)["os-reset_status"];
        if (!args.is_object() || !args.contains("status") || !args["status"].is_string())
          return fail(BadRequest("Invalid input received: Must specify 'status'"));
        return accepted(backups.reset_status(caller(req), id, args["status"]));
      }
      return fail(BadRequest("There is no such action: " +
                             (body->is_object() && !body->empty() ? body->begin().key() : std::string("(none)"))));
    });
  });
}

}  // namespace stacklab::api::volume_api
