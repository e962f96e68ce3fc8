// Credentials of the shape every engine test uses: a user "u-<project>" with
// member and reader in its project (and admin when asked).
#pragma once

#include <set>
#include <string>

#include "engine/core/policy.h"

namespace stacklab::testing {

inline Credentials project_member(const std::string& project) {
  Credentials c;
  c.user_id = "u-";
  c.user_id += project;
  c.project_id = project;
  c.roles = {"member", "reader"};
  return c;
}

inline Credentials cloud_admin() {
  Credentials c = project_member("admin");
  c.roles.insert("admin");
  return c;
}

// A member of project `id`, or an admin there when `admin`.
inline Credentials project(const std::string& id, bool admin = false) {
  Credentials c = project_member(id);
  if (admin) c.roles.insert("admin");
  return c;
}

}  // namespace stacklab::testing
