// ServerMoves: Nova's actions that move a server between hosts or flavors,
// and the migration records they leave (GET /os-migrations,
// /servers/{id}/migrations).
//
//   migration {id (uuid, the store key), seq (Nova's integer id),
//              instance_uuid, migration_type ("resize", "migration",
//              "live-migration", "evacuation"), status, source_compute,
//              source_node, dest_compute, dest_node, dest_host,
//              old_flavor, new_flavor (the embedded flavors), project_id,
//              user_id, created_at, updated_at}
//
// Resize and cold migration follow Nova's protocol: the scheduler (with
// placement) picks the destination synchronously (NoValidHost: 400 to the
// caller); the instance's allocation moves to the migration record as
// consumer, the instance claims the new flavor on the destination; the
// source's migrate_disk_and_power_off, the destination's finish_migration
// -> VERIFY_RESIZE. confirmResize drops the migration's allocation (and the
// source copy); revertResize destroys the destination's copy, gives the
// migration's allocation back to the instance and restarts the source copy.
// A resize may land on the source host (DevStack's
// allow_resize_to_same_host=True); a migration may not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/compute/server_tasks.h"

namespace stacklab::compute {

struct LiveMigrateRequest {
  std::optional<std::string> host;  // none: the scheduler picks
  bool force = false;               // 2.30: skip the scheduler for `host`
};

class ServerMoves {
 public:
  explicit ServerMoves(ServerTasks& tasks);

  Status resize(const RequestContext& ctx, const std::string& id, const std::string& flavor_ref);
  Status confirm_resize(const RequestContext& ctx, const std::string& id);
  Status revert_resize(const RequestContext& ctx, const std::string& id);
  // Admin, cold; `host` (2.56) asks for a destination.
  Status migrate(const RequestContext& ctx, const std::string& id, std::optional<std::string> host);
  Status live_migrate(const RequestContext& ctx, const std::string& id, const LiveMigrateRequest& request);
  // Admin; only when the server's host's compute service is down (400
  // otherwise). Returns the admin password of the rebuilt server. The
  // source's allocation stays (held by the migration) until the source
  // comes back: see clean_evacuated.
  Result<std::string> evacuate(const RequestContext& ctx, const std::string& id, std::optional<std::string> host,
                               std::optional<std::string> admin_pass);
  // What a nova-compute does when it comes (back) up (Nova's
  // _destroy_evacuated_instances): for each evacuation off `host`, the
  // guest left there is destroyed, the source allocation dropped, and the
  // migration "completed".
  void clean_evacuated(const std::string& host);

  // Admin: every migration, newest first; filters as GET /os-migrations.
  struct MigrationFilter {
    std::string instance_uuid, status, migration_type, host;
  };
  Result<std::vector<Json>> migrations(const Credentials& caller, const MigrationFilter& filter) const;
  // Follows servers' saved states: a server deleted in VERIFY_RESIZE has its
  // resize confirmed on the way out (Nova's _confirm_resize_on_deleting):
  // the migration's allocation and the source's copy go.
  void server_saved(const Json& before, const Json& after);
  // Admin: the server's live migrations in progress (GET /servers/{id}/migrations).
  Result<std::vector<Json>> in_progress(const Credentials& caller, const std::string& id) const;

 private:
  // The migration in `status` of a server, if any.
  std::optional<Json> migration_of(const std::string& instance_uuid, const std::vector<std::string>& statuses) const;
  Json new_migration(const RequestContext& ctx, const Json& server, const std::string& type, const Json& new_flavor);
  Status save_migration(Json& migration, const std::string& status);
  // Schedules `server` with `flavor` (source host ignored unless `same_host_ok`)
  // and moves the allocations: Nova's conductor for resize/migrate. On
  // success the migration names the destination.
  Status claim_destination(const Json& server, const Json& flavor, Json& migration, bool same_host_ok,
                           const std::optional<std::string>& host);
  // Gives the migration's allocation back to the instance (failures, revert).
  void restore_allocation(const std::string& instance_uuid, const std::string& migration_uuid);
  Status move_allocation(const std::string& from, const std::string& to, const std::string& consumer_type);
  Result<Json> flavor_info(const Credentials& caller, const std::string& flavor_ref) const;
  // The migration's status set and saved, if it is still stored.
  void set_migration_status(const std::string& migration_id, const std::string& status);
  // The server in ERROR with the fault of `failure`, task_state cleared, saved.
  void save_error(Json& server, const Status& failure);
  // Resize and cold migration, once the request is checked: the destination
  // claimed (NoValidHost: 400), the action logged as `action`, the move queued.
  Status start_cold_move(const RequestContext& ctx, Json& server, Json& migration, const Json& flavor,
                         bool same_host_ok, const std::optional<std::string>& host, const std::string& action);
  // The conductor's step of a queued live migration or evacuation: loads the
  // server and the migration and claims the destination (the migration's
  // requested_host, if any), recorded as event `event`. False when the move
  // is over: the server or migration is gone, the server is being deleted, or
  // no destination fits (the migration errors, the server stays, unharmed).
  bool conduct(const std::string& request_id, const std::string& uuid, const std::string& migration_id,
               const std::string& event, Json& server, Json& migration);
  void cold_move(const std::string& request_id, const std::string& uuid, const std::string& migration_id);
  void live_move(const std::string& request_id, const std::string& uuid, const std::string& migration_id);

  ServerTasks& t_;
};

}  // namespace stacklab::compute
