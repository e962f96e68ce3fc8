#include "scenarios/lab/lab_profile.h"

namespace stacklab::scenarios {

namespace {

using identity::IdentityService;
using Grant = IdentityService::Grant;

// Ids as the book shows them; where the book printed 31 hex digits, a final
// 0 makes them 32.
constexpr const char* kAdminProject = "fe50f731283540769c4481c80612e053";
constexpr const char* kDemoProject = "a103a240c5b643f085af45390dde02f1";
constexpr const char* kAltDemoProject = "009e1dcac6554c20a7fd5439f0cf8cd6";
constexpr const char* kInvisibleProject = "c98e25ebac3b4e7485792c8e513dce0d";
constexpr const char* kServiceProject = "e3f1c391ff8048ac965b4e44f32b9320";

struct UserSeed {
  const char* id;
  const char* name;
  const char* email;
};
const UserSeed kUsers[] = {
    {"424a757d660743bdb0b4dd6783f26eab", "admin", nullptr},
    {"3095b090bfb749e589bea6cccf3d2176", "demo", "demo@example.com"},
    {"a069cf681b804438b47dab617f52925b", "alt_demo", "alt_demo@example.com"},
    {"9d412d16030442e89e070270314207c2", "nova", nullptr},
    {"646c61a3f23b404986dd0b3f3c4e4745", "glance", nullptr},
    {"72fed10199254569be1d2478f5ef7c2a", "cinder", nullptr},
    {"24cea0721f6c47c2af97bbaea610cd6d", "neutron", nullptr},
    {"ec76b7a03c78404ea9614c89833e8ce6", "placement", nullptr},
};

const char* kRoles[] = {"admin", "member", "Member", "_member_", "reader", "service", "ResellerAdmin", "anotherrole"};

}  // namespace

const CatalogEntry kLabCatalog[] = {
    {"df90e9775a514807b6faec7ea04e9120", "keystone", "identity", "/identity", "Keystone Identity Service"},
    {"56ea37dd5bf34129a7e69a20e4ebbd90", "nova", "compute", "/compute/v2.1", "Nova Compute Service"},
    {"e684cd99002b42d3a0ce5d95155471ee", "nova_legacy", "compute_legacy", "/compute/v2/$(project_id)s",
     "Nova Compute Service (Legacy 2.0)"},
    {"251906d33dce4c95b79d09aa2e94b531", "placement", "placement", "/placement", "Placement Service"},
    {"a60236052b5346399b5540c96106f152", "glance", "image", "/image", "Glance Image Service"},
    {"e29866b0ec2448648ca80c97e01b3d2b", "neutron", "network", "/networking", "Neutron Service"},
    {"c17a7de5b4ac4b34a579cd7a8fae8519", "cinder", "volume", "/volume/v3/$(project_id)s", "Cinder Volume Service"},
    {"5cfaf6018c734355a946b84d84122eb0", "cinderv2", "volumev2", "/volume/v2/$(project_id)s",
     "Cinder Volume Service V2"},
    {"3f38937a34b24dbe89ccee4826c21515", "cinderv3", "volumev3", "/volume/v3/$(project_id)s",
     "Cinder Volume Service V3"},
    {"0b5a2f1e9c8d4e7f8a6b5c4d3e2f1a09", "swift", "object-store", "/object-store/v1/AUTH_$(project_id)s",
     "Swift Service"},
    {"1c6b3f2e0d9e4f8a9b7c6d5e4f3a2b18", "gnocchi", "metric", "/metric", "OpenStack Metric Service"},
    {"2d7c4a3f1e0f4a9bac8d7e6f5a4b3c27", "heat", "orchestration", "/heat-api/v1/$(project_id)s",
     "Heat Orchestration Service"},
};
const std::size_t kLabCatalogSize = sizeof(kLabCatalog) / sizeof(kLabCatalog[0]);

namespace {
template <typename Ensure>
Status seed_identity_once(IdentityService& id, const LabOptions& o, Ensure ensure) {
  Status st;
  if (!id.get_domain("default").ok()) {
    st = ensure(id.create_domain({{"id", "default"}, {"name", "Default"}, {"description", "The default domain"}}));
    if (!st.ok()) return st;
  }
  struct P {
    const char* id;
    const char* name;
    const char* description;
  };
  for (P p : {P{kAdminProject, "admin", "Bootstrap project for initializing the cloud."}, P{kDemoProject, "demo", ""},
              P{kAltDemoProject, "alt_demo", ""}, P{kInvisibleProject, "invisible_to_admin", ""},
              P{kServiceProject, "service", ""}}) {
    if (id.get_project(p.id).ok()) continue;
    st = ensure(
        id.create_project({{"id", p.id}, {"name", p.name}, {"domain_id", "default"}, {"description", p.description}}));
    if (!st.ok()) return st;
  }
  for (const char* r : kRoles) {
    if (id.find_role(r).ok() && id.find_role(r).value()["name"] == r) continue;
    st = ensure(id.create_role({{"name", r}}));
    if (!st.ok()) return st;
  }
  auto role = [&](const char* name) { return id.find_role(name).value()["id"].get<std::string>(); };
  // Keystone's bootstrap: admin implies member, member implies reader.
  for (auto [prior, implied] : {std::pair{"admin", "member"}, std::pair{"member", "reader"}}) {
    st = id.create_implied_role(role(prior), role(implied));
    if (!st.ok()) return st;
  }
  for (const auto& u : kUsers) {
    if (id.get_user(u.id).ok()) continue;
    Json doc = {{"id", u.id}, {"name", u.name}, {"domain_id", "default"}, {"password", o.password}};
    if (u.email) doc["email"] = u.email;
    st = ensure(id.create_user(doc));
    if (!st.ok()) return st;
  }
  auto grant = [&](const char* user_or_group_id, Grant::Actor actor, Grant::Target target, const char* target_id,
                   const char* role_name) {
    Grant g;
    g.actor = actor;
    g.target = target;
    g.actor_id = user_or_group_id;
    g.target_id = target_id;
    g.role_id = role(role_name);
    return id.grant(g);
  };
  const auto U = Grant::Actor::kUser;
  const auto PROJ = Grant::Target::kProject;
  const char* admin = kUsers[0].id;
  const char* demo = kUsers[1].id;
  const char* alt = kUsers[2].id;
  struct A {
    const char* user;
    const char* project;
    const char* role;
  };
  for (A a :
       {A{admin, kAdminProject, "admin"}, A{demo, kDemoProject, "member"}, A{demo, kDemoProject, "anotherrole"},
        A{admin, kDemoProject, "admin"}, A{alt, kAltDemoProject, "member"}, A{alt, kAltDemoProject, "anotherrole"},
        A{admin, kAltDemoProject, "admin"}, A{demo, kInvisibleProject, "member"}}) {
    st = grant(a.user, U, PROJ, a.project, a.role);
    if (!st.ok()) return st;
  }
  st = grant(admin, U, Grant::Target::kDomain, "default", "admin");
  if (st.ok()) st = grant(admin, U, Grant::Target::kSystem, "all", "admin");
  if (!st.ok()) return st;
  for (std::size_t i = 3; i < sizeof(kUsers) / sizeof(kUsers[0]); ++i)
    for (const char* r : {"admin", "service"}) {
      st = grant(kUsers[i].id, U, PROJ, kServiceProject, r);
      if (!st.ok()) return st;
    }
  // DevStack's groups: admins (admin on admin) and nonadmins (member, anotherrole on demo and alt_demo).
  std::string admins_id, nonadmins_id;
  for (const auto& g : id.list_groups()) {
    if (g["name"] == "admins") admins_id = g["id"];
    if (g["name"] == "nonadmins") nonadmins_id = g["id"];
  }
  if (admins_id.empty()) {
    auto g = id.create_group({{"name", "admins"}, {"domain_id", "default"}, {"description", "openstack admin group"}});
    if (!g.ok()) return g.status();
    admins_id = (*g)["id"];
  }
  if (nonadmins_id.empty()) {
    auto g = id.create_group({{"name", "nonadmins"}, {"domain_id", "default"}, {"description", "non-admin group"}});
    if (!g.ok()) return g.status();
    nonadmins_id = (*g)["id"];
  }
  st = grant(admins_id.c_str(), Grant::Actor::kGroup, PROJ, kAdminProject, "admin");
  for (const char* p : {kDemoProject, kAltDemoProject})
    for (const char* r : {"member", "anotherrole"})
      if (st.ok()) st = grant(nonadmins_id.c_str(), Grant::Actor::kGroup, PROJ, p, r);
  if (!st.ok()) return st;

  return {};
}

}  // namespace

Status seed_lab_identity(IdentityService& id, Store& store, const LabOptions& o) {
  store.define("stacklab_meta");
  auto ensure = [](auto result) -> Status {
    return result.ok() || result.status().code() == Code::kConflict ? Status() : result.status();
  };
  return store.transaction([&]() -> Status {
    Status st;
    // Seeded once: what students change later (a removed role, a deleted
    // user) stays changed across restarts.
    if (!store.get("stacklab_meta", "lab_identity")) {
      st = seed_identity_once(id, o, ensure);
      if (!st.ok()) return st;
      st = store.put("stacklab_meta", "lab_identity", Json{{"id", "lab_identity"}, {"seeded", true}});
      if (!st.ok()) return st;
    }
    // Catalog: every service, public/internal/admin endpoints in the region;
    // existing endpoints are re-pointed at host_url.
    if (!id.get_region(o.region).ok()) {
      st = ensure(id.create_region({{"id", o.region}}));
      if (!st.ok()) return st;
    }
    auto endpoints = id.list_endpoints();
    for (std::size_t i = 0; i < kLabCatalogSize; ++i) {
      const auto& c = kLabCatalog[i];
      if (!id.get_service(c.id).ok()) {
        st = ensure(
            id.create_service({{"id", c.id}, {"name", c.name}, {"type", c.type}, {"description", c.description}}));
        if (!st.ok()) return st;
      }
      std::string url = o.host_url + c.path;
      for (const char* iface : {"public", "internal", "admin"}) {
        const Json* existing = nullptr;
        for (const auto& e : endpoints)
          if (e["service_id"] == c.id && e["interface"] == iface) existing = &e;
        if (existing) {
          if ((*existing)["url"] != url) {
            auto r = id.update_endpoint((*existing)["id"], {{"url", url}});
            if (!r.ok()) return r.status();
          }
          continue;
        }
        auto r =
            id.create_endpoint({{"service_id", c.id}, {"interface", iface}, {"url", url}, {"region_id", o.region}});
        if (!r.ok()) return r.status();
      }
    }
    return {};
  });
}

}  // namespace stacklab::scenarios
