// InstanceActionLog: Nova's instance actions and their events (GET
// /servers/{id}/os-instance-actions), one record per API request that acted
// on a server, keyed by that request's X-Openstack-Request-Id.
//
//   action {request_id, instance_uuid, action ("create", "pause", ...),
//           user_id, project_id, start_time, updated_at, message (null, or
//           "Error" once an event failed),
//           events [{event ("compute_pause_instance"), start_time,
//                    finish_time (or null), result ("Success"/"Error"/null),
//                    traceback (or null), host}]}
//
// Times are Nova's ("2026-01-01T00:00:00.000000", no zone). Every method
// runs on the engine loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

// Who asked, and which API request it was (Nova's RequestContext).
struct RequestContext {
  Credentials caller;
  std::string request_id;  // "req-<uuid>"; "" = not from the API (no record)
};

class InstanceActionLog {
 public:
  InstanceActionLog(Store& store, Clock& clock, const Policy& policy);

  // Nova's InstanceAction.action_start.
  void start(const RequestContext& ctx, const std::string& instance_uuid, const std::string& project_id,
             const std::string& action);
  // Nova's InstanceActionEvent.event_start / event_finish_with_failure.
  void event_start(const std::string& request_id, const std::string& instance_uuid, const std::string& event,
                   const std::string& host = "");
  void event_finish(const std::string& request_id, const std::string& instance_uuid, const std::string& event,
                    const Status& result);

  // The server's actions, newest first.
  std::vector<Json> list(const std::string& instance_uuid) const;
  std::optional<Json> get(const std::string& instance_uuid, const std::string& request_id) const;

  // What `caller` may read of a server's actions (`project_id` its
  // project): 403 without os-instance-actions:list (or :show); `events` and
  // `details` (tracebacks, hosts) by the admin-only event rules.
  struct ReadRights {
    bool events = false, details = false;
  };
  Result<ReadRights> authorize_read(const Credentials& caller, const std::string& project_id, bool show) const;

  // Follows the build through the server's saved states (the build code does
  // not know request ids): the create action's scheduling event finishes when
  // the server gets a host, its build event when it leaves BUILD.
  void server_saved(const Json& before, const Json& after);

 private:
  std::string now() const;
  Json* load(const std::string& request_id, const std::string& instance_uuid);

  Store& store_;
  Clock& clock_;
  const Policy& policy_;
  Json scratch_;
};

}  // namespace stacklab::compute
