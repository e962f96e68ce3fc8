// ServerActions: Nova's server actions that keep the server where it is
// (POST /servers/{id}/action): power (pause, suspend, stop/start, reboot),
// lock, reset state, crash dump, consoles, snapshots (createImage), rebuild,
// shelve/unshelve and rescue. Moves (resize, migrations) are in
// server_moves.h.
//
// Each action checks as nova-api and nova/compute/api.py do (404 unless
// visible, 403 by policy, 409 "Instance <id> is locked", 409 "Cannot
// '<action>' instance <id> while it is in vm_state <state>"), records an
// instance action under the request id, sets its task_state and returns;
// the hypervisor work completes later through the Clock (an event of the
// action, the final vm_state/power_state, task_state cleared). A task_state
// in flight refuses further actions (Nova's expected_task_state).
#pragma once

#include <optional>
#include <string>

#include "engine/compute/server_tasks.h"

namespace stacklab::compute {

struct RebuildRequest {
  std::string image_ref;
  std::optional<std::string> name, admin_pass, description;
  std::optional<Json> metadata;
};

// A console the API turns into a URL: the token names it.
struct ConsoleAccess {
  std::string token;
  VncConsole vnc;
};

// createBackup: a snapshot of kind "backup"; once it is uploaded, the
// server's older backups of the same type beyond `rotation` are deleted.
struct BackupRequest {
  std::string name, backup_type;
  int rotation = 0;
  Json metadata = Json::object();
};

// What the console page behind a console URL shows.
struct ConsolePage {
  std::string instance_uuid, server_name, instance_name, host, log;
};

struct ShelveOptions {
  int shelved_offload_time = 0;  // seconds; 0 = offload at once (Nova's default), -1 = never
};

class ServerActions {
 public:
  explicit ServerActions(ServerTasks& tasks, ShelveOptions shelve = {}) : t_(tasks), shelve_(shelve) {}

  Status pause(const RequestContext& ctx, const std::string& id);
  Status unpause(const RequestContext& ctx, const std::string& id);
  Status suspend(const RequestContext& ctx, const std::string& id);
  Status resume(const RequestContext& ctx, const std::string& id);
  Status stop(const RequestContext& ctx, const std::string& id);
  Status start(const RequestContext& ctx, const std::string& id);
  Status reboot(const RequestContext& ctx, const std::string& id, RebootType type);
  // 2.73: `reason` shown as locked_reason.
  Status lock(const RequestContext& ctx, const std::string& id, std::optional<std::string> reason);
  Status unlock(const RequestContext& ctx, const std::string& id);
  // Admin: vm_state "active" or "error" (400 otherwise), task_state cleared.
  Status reset_state(const RequestContext& ctx, const std::string& id, const std::string& state);
  Status trigger_crash_dump(const RequestContext& ctx, const std::string& id);

  // The console log, its last `length` lines (nullopt or -1: all).
  Result<std::string> console_output(const RequestContext& ctx, const std::string& id, std::optional<int> length);
  // A VNC console of a running server (409 "Instance <id> is not ready" without a host).
  Result<ConsoleAccess> vnc_console(const RequestContext& ctx, const std::string& id);
  // The server a console token opens (nullopt: unknown or expired).
  std::optional<Json> console_by_token(const std::string& token) const;
  // The page a console token opens: the server and its console (nullopt:
  // unknown or expired token, or the server is gone).
  std::optional<ConsolePage> console_page(const std::string& token) const;
  // changePassword: the guest agent sets it (ACTIVE only; task_state
  // updating_password meanwhile).
  Status change_password(const RequestContext& ctx, const std::string& id, const std::string& password);
  // Admin: the hypervisor's view of the server (2.48's shape; 409 when it is
  // on no host).
  Result<Json> diagnostics(const RequestContext& ctx, const std::string& id);

  // Snapshot into the image service: the new image's id (queued now; active
  // when the upload ends).
  Result<std::string> create_image(const RequestContext& ctx, const std::string& id, const std::string& name,
                                   const Json& metadata);
  // The backup image's id (400 for a volume-backed server, as Nova).
  Result<std::string> create_backup(const RequestContext& ctx, const std::string& id, const BackupRequest& request);
  // The rebuilt server (REBUILD now) with its new admin_pass.
  Result<Json> rebuild(const RequestContext& ctx, const std::string& id, const RebuildRequest& request);
  Status shelve(const RequestContext& ctx, const std::string& id);
  Status shelve_offload(const RequestContext& ctx, const std::string& id);
  Status unshelve(const RequestContext& ctx, const std::string& id);
  // The rescue boot's admin password (given or generated).
  Result<std::string> rescue(const RequestContext& ctx, const std::string& id, std::optional<std::string> admin_pass);
  Status unrescue(const RequestContext& ctx, const std::string& id);

 private:
  struct PowerAction;
  Status power_action(const RequestContext& ctx, const std::string& id, const PowerAction& a);
  // The driver's snapshot of `uuid` uploaded into image `image_id`, the
  // server's task_state going image_pending_upload -> image_uploading; then
  // `then(status)`.
  void snapshot_into(const std::string& request_id, const std::string& uuid, const std::string& image_id,
                     const Credentials& owner, const std::string& event, std::function<void(Status)> then);
  Result<std::string> new_snapshot_image(const RequestContext& ctx, const Json& server, const std::string& name,
                                         const Json& metadata);
  // What a snapshot inherits from the server's base image: formats,
  // minimums and the properties it boots by (empty without a base image).
  Json base_image_fields(const Credentials& caller, const Json& server) const;
  // createImage of a volume-backed server (Nova's snapshot_volume_backed):
  // a Cinder snapshot of each volume and an active 0-byte image whose
  // block_device_mapping names them; done before the API answers.
  Result<std::string> snapshot_volume_backed(const RequestContext& ctx, const Json& server, const std::string& name,
                                             const Json& metadata);
  // Deletes the server's backups of `type` beyond the newest `rotation`.
  void rotate_backups(const Credentials& owner, const std::string& uuid, const std::string& type, int rotation);
  void offload(const std::string& request_id, const std::string& uuid);
  void unshelve_offloaded(const std::string& request_id, const std::string& uuid);

  ServerTasks& t_;
  ShelveOptions shelve_;
};

}  // namespace stacklab::compute
