// Operator endpoints outside any OpenStack service: /metrics (Prometheus),
// /healthcheck (oslo.middleware's), /_stacklab/status (for `stacklab status`).
#pragma once

#include <string>

#include "api/router.h"
#include "engine/core/runtime.h"
#include "engine/core/store.h"
#include "metrics/api_metrics.h"

namespace stacklab::api {

struct OpsInfo {
  std::string profile;    // "lab", "ci"
  std::string state_dir;  // "" when ephemeral
  TimePoint started_at;
};

Router make_ops_router(Runtime& runtime, Store& store, metrics::ApiMetrics& metrics, OpsInfo info);

}  // namespace stacklab::api
