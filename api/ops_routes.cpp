#include "api/ops_routes.h"

namespace stacklab::api {

namespace {

// Services and how much of their API is served; the catalog lists them all.
const std::pair<const char*, const char*> kServices[] = {
    {"identity", "up"},
    {"compute", "partial (flavors, keypairs, servers without actions)"},
    {"placement", "up"},
    {"image", "up"},
    {"network", "catalog only"},
    {"volume", "catalog only"},
    {"object-store", "catalog only"},
    {"metric", "catalog only"},
    {"orchestration", "catalog only"},
};

}  // namespace

Router make_ops_router(Runtime& runtime, Store& store, metrics::ApiMetrics& metrics, OpsInfo info) {
  Router r;
  r.add_sync(
      "GET", "/metrics",
      [&metrics, &store](Request&) {
        // Cloud gauges named as the openstack-exporter names them.
        metrics.gauge("openstack_identity_up", "Whether the identity service answers").Set(1);
        metrics.gauge("openstack_identity_domains", "Number of domains")
            .Set(static_cast<double>(store.count("domain")));
        metrics.gauge("openstack_identity_projects", "Number of projects")
            .Set(static_cast<double>(store.count("project")));
        metrics.gauge("openstack_identity_users", "Number of users").Set(static_cast<double>(store.count("user")));
        metrics.gauge("openstack_identity_groups", "Number of groups").Set(static_cast<double>(store.count("group")));
        metrics.gauge("openstack_identity_regions", "Number of regions")
            .Set(static_cast<double>(store.count("region")));
        Response resp;
        resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
        resp.body = metrics.serialize();
        return resp;
      },
      false);
  r.add_sync(
      "GET", "/healthcheck",
      [](Request&) {
        Response resp;
        resp.content_type = "text/plain";
        resp.body = "OK";
        return resp;
      },
      false);
  r.add_sync(
      "GET", "/_stacklab/status",
      [&runtime, &store, info](Request&) {
        Json services = Json::object();
        for (auto [name, state] : kServices) services[name] = state;
        double uptime = std::chrono::duration<double>(runtime.clock().now() - info.started_at).count();
        return json_response(200, {{"status", "ok"},
                                   {"profile", info.profile},
                                   {"state_dir", info.state_dir.empty() ? Json(nullptr) : Json(info.state_dir)},
                                   {"persistent", store.persistent()},
                                   {"schema_version", store.schema_version()},
                                   {"uptime_seconds", uptime},
                                   {"services", services}});
      },
      false);
  return r;
}

}  // namespace stacklab::api
