// The lab's state endpoints, admin only (policy "role:admin" for each):
//
//   POST   /_stacklab/snapshots                  {"name": N}  -> 201 {"snapshot": {...}}
//   GET    /_stacklab/snapshots                               -> 200 {"snapshots": [...]}
//   DELETE /_stacklab/snapshots/{name}                        -> 204
//   POST   /_stacklab/snapshots/{name}/restore                -> 200 {"restore": {...}}
//   POST   /_stacklab/reset                 (restores "pristine") -> 200 {"restore": {...}}
//   GET    /_stacklab/audit?since=&user=&project=&service=&limit= -> 200 {"audit": [...]}
//
// Errors in Keystone's shape (400 bad name or filter, 403 not admin, 404
// no such snapshot).
#pragma once

#include "api/audit_log.h"
#include "api/router.h"
#include "engine/core/state_snapshots.h"

namespace stacklab::api {

// The snapshot taken right after the profile is seeded at first start.
inline constexpr const char* kPristineSnapshot = "pristine";

struct LabStateDeps {
  StateSnapshots& snapshots;
  AuditLog& audit;
};

void add_lab_state_routes(Router& router, LabStateDeps deps);

}  // namespace stacklab::api
