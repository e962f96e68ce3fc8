// `stacklab ssh` and `stacklab console`: a simulated guest's shell, as a
// student reaches it from the lab host (api/guest_routes.h).
#pragma once

#include <string>
#include <vector>

#include "cmd/stacklab/commands.h"

namespace stacklab::cmd {

struct SshOptions {
  std::string identity_file;  // -i; "" = ~/.ssh/id_rsa (or id_ed25519, id_ecdsa) when there is one
  std::string password;       // -p; "" = ask when the guest takes passwords and stdin is a terminal
};

// `args`: USER@IP, then the command to run once (exiting with its status); no command = an interactive shell.
// Exit status: the remote command's (or the last one's after `exit`); 255 when the connection or login
// failed, like ssh; 2 without a destination.
int run_ssh(const OpsTarget& target, const SshOptions& options, const std::vector<std::string>& args);

// `stacklab console SERVER`: the VNC console's login prompt, then the same shell. Exit 0 at end of input,
// 1 when the console cannot be opened.
int run_console(const OpsTarget& target, const std::string& server);

}  // namespace stacklab::cmd
