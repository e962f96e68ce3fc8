// `stacklab up`: build the cloud from config and flags, seed the profile,
// serve until SIGINT/SIGTERM, then shut down gracefully.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/cloud_app.h"
#include "api/http_server.h"
#include "api/identity/identity_routes.h"
#include "api/ops_routes.h"
#include "api/versions/version_documents.h"
#include "cmd/stacklab/commands.h"
#include "engine/core/config.h"
#include "engine/core/log.h"
#include "engine/core/runtime.h"
#include "engine/core/store.h"
#include "engine/identity/identity_service.h"
#include "metrics/api_metrics.h"
#include "scenarios/lab/lab_profile.h"
#include "scenarios/lab/rc_files.h"

namespace stacklab::cmd {

namespace {

std::string default_state_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/stacklab";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/stacklab";
}

bool split_host_port(const std::string& s, std::string* host, unsigned short* port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  try {
    int p = std::stoi(s.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    *port = static_cast<unsigned short>(p);
  } catch (...) {
    return false;
  }
  return !host->empty();
}

int fail(const std::string& msg) {
  std::cerr << "stacklab: " << msg << "\n";
  return 1;
}

}  // namespace

int run_up(const UpOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  // SIGINT/SIGTERM are taken by sigwait() below, in this thread only.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Config config;
  if (!o.config_file.empty()) {
    auto c = Config::load(o.config_file);
    if (!c.ok()) return fail(c.status().message());
    config = *c;
  }
  std::string listen_host;
  unsigned short listen_port = 0;
  if (!split_host_port(o.listen, &listen_host, &listen_port)) return fail("--listen needs ADDRESS:PORT, not " + o.listen);

  std::string state_dir;
  if (!o.ephemeral) {
    state_dir = o.state_dir.empty() ? config.get("DEFAULT", "state_path", default_state_dir()) : o.state_dir;
    std::error_code ec;
    std::filesystem::create_directories(state_dir + "/logs", ec);
    if (ec) return fail("cannot create state directory " + state_dir + ": " + ec.message());
    state_dir = std::filesystem::canonical(state_dir).string();
  }
  // The address clients are told to use: --host-ip, else the listen address.
  std::string host = o.host_ip.empty() ? (listen_host == "0.0.0.0" || listen_host == "::" ? "127.0.0.1" : listen_host)
                                       : o.host_ip;
  if (host.find(':') == std::string::npos && listen_port != 80) host += ":" + std::to_string(listen_port);
  std::string host_url = "http://" + host;

  Runtime runtime(Runtime::Mode::kRealTime, 2);
  Log::Level level = config.get_bool("DEFAULT", "debug", false) ? Log::Level::kDebug : Log::Level::kInfo;
  Log::configure(state_dir.empty() ? "" : state_dir + "/logs", &runtime.clock(), level, !o.quiet);

  Store::Options store_opts;
  if (!state_dir.empty()) store_opts.path = state_dir + "/stacklab.db";
  store_opts.sync_full = config.get("database", "synchronous", "normal") == "full";
  auto store = Store::open(store_opts);
  if (!store.ok()) return fail(store.status().message());

  identity::IdentityOptions id_opts;
  id_opts.token_expiration = std::chrono::seconds(config.get_int("token", "expiration", 3600));
  id_opts.password_hash_rounds = static_cast<int>(config.get_int("identity", "password_hash_rounds", 10000));
  id_opts.max_password_length = static_cast<int>(config.get_int("identity", "max_password_length", 4096));
  identity::IdentityService identity(**store, runtime.clock(), runtime.random(), id_opts);
  if (std::string policy_file = config.get("oslo_policy", "policy_file"); !policy_file.empty()) {
    std::ifstream f(policy_file);
    auto rules = Json::parse(f, nullptr, false);
    if (!f || rules.is_discarded()) return fail("cannot read policy file " + policy_file + " (JSON expected)");
    Status st = identity.mutable_policy().load_overrides(rules);
    if (!st.ok()) return fail(st.message());
  }

  scenarios::LabOptions lab;
  lab.host_url = host_url;
  lab.password = config.get("DEFAULT", "admin_password", "nomoresecret");
  Status st = scenarios::seed_lab_identity(identity, **store, lab);
  if (!st.ok()) return fail("cannot seed the " + o.profile + " profile: " + st.message());
  if (!state_dir.empty()) {
    st = scenarios::write_rc_files(state_dir, host_url, lab.password, lab.region);
    if (!st.ok()) return fail(st.message());
  }

  runtime.start();
  metrics::ApiMetrics metrics;
  api::CloudApp app(runtime, identity, metrics);
  api::identity_api::Ctx ctx{identity, metrics, runtime};
  auto identity_router = api::identity_api::make_identity_router(ctx);
  app.mount("/identity", "keystone", api::ErrorStyle::kKeystone, identity_router);
  app.mount("/identity_admin", "keystone", api::ErrorStyle::kKeystone, identity_router);
  app.mount("/compute", "nova-api", api::ErrorStyle::kNova, api::version_only_router("compute"));
  app.mount("/placement", "placement-api", api::ErrorStyle::kPlacement, api::version_only_router("placement"));
  app.mount("/image", "glance-api", api::ErrorStyle::kGlance, api::version_only_router("image"));
  app.mount("/networking", "neutron-server", api::ErrorStyle::kNeutron, api::version_only_router("network"));
  app.mount("/volume", "cinder-api", api::ErrorStyle::kNova, api::version_only_router("volume"));
  app.mount("/metric", "gnocchi-api", api::ErrorStyle::kKeystone, api::version_only_router("metric"));
  app.mount("/heat-api", "heat-api", api::ErrorStyle::kKeystone, api::version_only_router("orchestration"));
  app.mount("", "stacklab", api::ErrorStyle::kKeystone,
            api::make_ops_router(runtime, **store, metrics, {o.profile, state_dir, runtime.clock().now()}));

  api::HttpServer::Options http_opts;
  http_opts.address = listen_host;
  http_opts.port = listen_port;
  http_opts.threads = o.io_threads;
  http_opts.body_limit = static_cast<std::size_t>(config.get_int("DEFAULT", "max_request_body_size", 1 << 20));
  api::HttpServer server(http_opts, [&app](api::Request req, api::Reply reply) { app.handle(std::move(req), std::move(reply)); });
  st = server.start();
  if (!st.ok()) {
    runtime.stop();
    return fail(st.message());
  }
  double ready = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Log::get("stacklab").info("ready in " + std::to_string(ready) + " s, listening on " + o.listen);

  std::string rc = state_dir.empty() ? "" : state_dir + "/openrc";
  std::printf("\nThis is your host IP address: %s\n", host.c_str());
  std::printf("Keystone is serving at %s/identity/\n", host_url.c_str());
  std::printf("The default users are: admin and demo\nThe password: %s\n\n", lab.password.c_str());
  std::printf("stacklab is ready in %.3f s (profile %s, %s)\n", ready, o.profile.c_str(),
              state_dir.empty() ? "ephemeral" : ("state " + state_dir).c_str());
  if (!rc.empty()) {
    std::printf("  source %s admin admin    # admin; plain 'source %s' is demo/demo\n", rc.c_str(), rc.c_str());
  } else {
    std::printf("  export OS_AUTH_URL=%s/identity OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin OS_PASSWORD=%s "
                "OS_PROJECT_NAME=admin OS_USER_DOMAIN_ID=default OS_PROJECT_DOMAIN_ID=default\n",
                host_url.c_str(), lab.password.c_str());
  }
  std::printf("  openstack token issue\n  metrics: %s/metrics   status: stacklab status --url %s\n", host_url.c_str(),
              host_url.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  Log::get("stacklab").info(std::string("caught ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
  server.stop();
  runtime.stop();
  return 0;
}

}  // namespace stacklab::cmd
