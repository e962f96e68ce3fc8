// The bootcamp lab's cloud: identity exactly as the book's DevStack leaves it
// (exercises.md §1.1-1.3): domain Default; projects admin, demo, alt_demo,
// invisible_to_admin, service; the book's users and roles with their ids;
// region RegionOne; and the whole service catalog of DESIGN.md.
#pragma once

#include <string>

#include "engine/identity/identity_service.h"

namespace stacklab::scenarios {

struct LabOptions {
  std::string host_url = "http://127.0.0.1:8080";  // where the catalog points ("http://192.168.56.101")
  std::string password = "nomoresecret";           // ADMIN_PASSWORD, also demo's and the service users'
  std::string region = "RegionOne";
};

// Creates what is missing, in one transaction; on a cloud that already has
// the lab it only re-points the catalog's endpoints at `host_url`.
Status seed_lab_identity(identity::IdentityService& identity, Store& store, const LabOptions& options);

// The catalog's URL of each service, relative to host_url (DevStack's paths).
struct CatalogEntry {
  const char* id;
  const char* name;
  const char* type;
  const char* path;
  const char* description;
};
extern const CatalogEntry kLabCatalog[];
extern const std::size_t kLabCatalogSize;

}  // namespace stacklab::scenarios
