// What a server's owner edits on it in place: metadata (Nova's
// server-metadata API, counted against metadata_items), tags (2.26, at most
// 50) and the updatable fields of PUT /servers/{id} (name, description,
// accessIPv4/v6). Works on the "server" records ComputeService keeps.
// Every method runs on the engine loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/compute/quotas.h"
#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

inline constexpr std::size_t kMaxServerTags = 50;

struct ServerUpdate {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;  // set to null = cleared
  std::optional<std::string> access_ipv4, access_ipv6;
};

// 400 with Nova's message for a bad metadata object (keys 1-255 of
// [a-zA-Z0-9-_:. ], string values up to 255) or tag (1-60, no '/' or ',').
Status validate_metadata(const Json& metadata);
Status validate_tag(const std::string& tag);

class ServerMetadataService {
 public:
  ServerMetadataService(Store& store, Clock& clock, const Policy& policy, const QuotaService* quotas);

  Result<Json> metadata(const Credentials& caller, const std::string& server_id) const;
  // replace: PUT (the whole set), else POST (merged). Returns the server's metadata.
  Result<Json> set_metadata(const Credentials& caller, const std::string& server_id, const Json& metadata,
                            bool replace);
  // 404 "Metadata item was not found".
  Result<std::string> item(const Credentials& caller, const std::string& server_id, const std::string& key) const;
  Status set_item(const Credentials& caller, const std::string& server_id, const std::string& key,
                  const std::string& value);
  Status delete_item(const Credentials& caller, const std::string& server_id, const std::string& key);

  Result<std::vector<std::string>> tags(const Credentials& caller, const std::string& server_id) const;
  Result<std::vector<std::string>> replace_tags(const Credentials& caller, const std::string& server_id,
                                                const std::vector<std::string>& tags);
  // true when the tag was added, false when it was there already.
  Result<bool> add_tag(const Credentials& caller, const std::string& server_id, const std::string& tag);
  // ok if the server has the tag, else 404.
  Status check_tag(const Credentials& caller, const std::string& server_id, const std::string& tag) const;
  Status delete_tag(const Credentials& caller, const std::string& server_id, const std::string& tag);
  Status delete_tags(const Credentials& caller, const std::string& server_id);

  // PUT /servers/{id}: the updated server record.
  Result<Json> update(const Credentials& caller, const std::string& server_id, const ServerUpdate& update);

 private:
  Result<Json> load(const Credentials& caller, const std::string& id, const std::string& action) const;
  // 409 unless the server may be edited now (Nova's vm/task state checks, lock).
  Status editable(const Credentials& caller, const Json& server, const std::string& what, bool tags) const;
  Status save(Json server);

  Store& store_;
  Clock& clock_;
  const Policy& policy_;
  const QuotaService* quotas_;
};

}  // namespace stacklab::compute
