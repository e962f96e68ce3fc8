// Keypairs: public keys a user registers (or has generated) to inject into
// servers. A keypair belongs to a user, not a project; admins may act for
// another user (Nova 2.10's ?user_id).
//
//   keypair {id: "<user_id>/<name>", seq (Nova's integer id), name, user_id,
//            public_key, fingerprint, type ("ssh" | "x509"), created_at}
//
// Every method runs on the engine loop; key generation (ssh_keys.h) does not.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

struct KeypairOptions {
  int key_pairs_per_user = 100;  // [quota] key_pairs; -1 = unlimited
  // The quota service's check (project, user), when set: 403 over quota.
  std::function<Status(const std::string& project_id, const std::string& user_id)> quota_check = nullptr;
};

struct NewKeypair {
  std::string name;
  std::string public_key;  // required here; the API generates one when the client sent none
  std::string type = "ssh";
  std::string user_id = {};  // "" = the caller
};

class KeypairService {
 public:
  KeypairService(Store& store, Clock& clock, const Policy& policy, KeypairOptions options = {});

  // 400 for a bad name, type or key; 403 by policy or over quota;
  // 409 "Key pair '<name>' already exists."
  Result<Json> create(const Credentials& caller, const NewKeypair& keypair);
  // 404 "Keypair <name> not found for user <user_id>".
  Result<Json> get(const Credentials& caller, const std::string& name, const std::string& user_id = "") const;
  // The user's keypairs ordered by name.
  Result<std::vector<Json>> list(const Credentials& caller, const std::string& user_id = "") const;
  Status remove(const Credentials& caller, const std::string& name, const std::string& user_id = "");
  // Checks what create() would refuse before the key exists (name, policy,
  // quota, duplicate), so that generating one is not wasted.
  Status check_create(const Credentials& caller, const NewKeypair& keypair) const;

 private:
  Status authorize_for(const Credentials& caller, const char* action, const std::string& user_id) const;

  Store& store_;
  Clock& clock_;
  const Policy& policy_;
  KeypairOptions options_;
};

}  // namespace stacklab::compute
