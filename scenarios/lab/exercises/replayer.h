// Replayer: does the book's exercises through the public REST API, as the
// book's users, with the book's canonical names; what `stacklab lab replay`
// runs for an instructor's demo and what the grader's own tests run before
// `lab check`. Every step is "ensure": it looks first and creates only
// what is missing, so a replay can follow a student's partial work or
// itself. Each method returns the cloud's refusal as an error.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "scenarios/lab/exercises/lab_cloud.h"

namespace stacklab::lab {

using Json = nlohmann::json;

class Replayer {
 public:
  Replayer(LabCloud& cloud, std::ostream& log) : cloud_(cloud), log_(log) {}

  // One call that must answer 2xx; its body.
  Result<Json> call(const Actor& who, const std::string& method, const std::string& path, const Json& body = nullptr);
  // One call that must be refused with `status` (the book's negative steps).
  Status expect_refused(const Actor& who, const std::string& method, const std::string& path, int status,
                        const Json& body = nullptr);
  // The id of the first item of GET `path` (key `key`) named `name` exactly, "" when none.
  Result<std::string> find_id(const Actor& who, const std::string& path, const std::string& key,
                              const std::string& name);
  // The id of project `name` (as admin); an error when it does not exist.
  Result<std::string> project_id(const std::string& name);

  // identity (as admin)
  Status ensure_project(const std::string& name, const std::string& description);
  Status ensure_user(const std::string& name, const std::string& project, const std::string& email,
                     const std::string& description);
  Status grant_role(const std::string& project, const std::string& user, const std::string& role);
  // compute
  Status ensure_flavor(const std::string& name, int vcpus, int ram, int disk);
  Status ensure_keypair(const Actor& who, const std::string& name, const std::string& public_key = "");
  // Creates (count > 1: NAME-1..NAME-count) and waits until ACTIVE.
  Status ensure_server(const Actor& who, const std::string& name, const std::string& flavor, const std::string& image,
                       const std::string& network, const std::string& key_name, int count = 1);
  // Boots from a new `size` GB volume made from `image`, kept when the server is deleted (EX-06).
  Status ensure_server_from_volume(const Actor& who, const std::string& name, const std::string& flavor,
                                   const std::string& image, const std::string& network, int size);
  Status delete_server(const Actor& who, const std::string& name);
  // image: `file` is one of the book's cloud images (make_cloud_image's names); attrs go into the create body.
  Status ensure_image(const Actor& who, const std::string& name, const std::string& file, const Json& attrs);
  Status set_image_public(const std::string& name);
  // network
  Status ensure_network(const Actor& who, const std::string& network, const std::string& subnet,
                        const std::string& cidr, const std::string& gateway, const std::string& dns);
  Status ensure_default_rule(const Actor& who, const std::string& protocol, int port);
  Status ensure_router(const Actor& who, const std::string& name, const std::string& subnet);
  // Allocates a floating IP on public (or reuses a free one of the project) and associates it.
  Status ensure_floating_ip(const Actor& who, const std::string& server);
  Status share_network(const std::string& name);
  // volume
  Status ensure_volume(const Actor& who, const std::string& name, int size, const std::string& description);
  // Moves volume `name` from `from`'s project to `to`'s by a transfer request and its acceptance.
  Status transfer_volume(const Actor& from, const Actor& to, const std::string& name);
  Status attach_volume(const Actor& who, const std::string& server, const std::string& volume);
  Status detach_volume(const Actor& who, const std::string& server, const std::string& volume);

  // guest (the simulated guests' shells, POST /_stacklab/guest/...)
  // SSH from the lab host to `server`'s floating IP as `user` with `password`, then `commands`; their exit
  // statuses. An error when the connection or login fails.
  Result<std::vector<int>> ssh_session(const Actor& who, const std::string& server, const std::string& user,
                                       const std::string& password, const std::vector<std::string>& commands);
  // The same through the server's VNC console, logging in as `user` / `password`.
  Result<std::vector<int>> console_session(const Actor& who, const std::string& server, const std::string& user,
                                           const std::string& password, const std::vector<std::string>& commands);
  // The server's first fixed IPv4 address.
  Result<std::string> fixed_ip(const Actor& who, const std::string& server);

  std::ostream& log() { return log_; }

 private:
  Result<std::string> server_id(const Actor& who, const std::string& name);
  struct ServerVolume {
    std::string server_id, volume_id, volume_path;
  };
  Result<ServerVolume> server_and_volume(const Actor& who, const std::string& server, const std::string& volume);
  // The ids of what a server create names; NotFound when one does not exist.
  struct LaunchInputs {
    std::string flavor, image, network;
  };
  Result<LaunchInputs> launch_inputs(const Actor& who, const std::string& flavor, const std::string& image,
                                     const std::string& network);
  Result<std::string> volume_path(const Actor& who);
  Result<std::string> floating_ip(const Actor& who, const std::string& server);
  Result<std::vector<int>> run_in_session(const Actor& who, const std::string& session,
                                          const std::vector<std::string>& lines);
  Status wait_server(const Actor& who, const std::string& id, const std::string& status);
  Status wait_volume(const Actor& who, const std::string& id, const std::string& status);
  LabCloud& cloud_;
  std::ostream& log_;
};

}  // namespace stacklab::lab
