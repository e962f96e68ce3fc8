// `stacklab ssh [-i KEY] [-p PASSWORD] USER@IP [COMMAND...]` and
// `stacklab console SERVER`: read lines, send them to the guest session,
// print what the guest prints. On a terminal it reads like ssh and the
// noVNC console; with piped input the typed lines are echoed after the
// prompt so that a transcript reads the same.
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cmd/stacklab/guest_commands.h"
#include "cmd/stacklab/ops_client.h"

namespace stacklab::cmd {

namespace {

constexpr int kSshFailed = 255;

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// The key ssh would offer: the -i file, else the first default identity. Its .pub beside it names the same
// key and is readable even when the private key is encrypted.
std::string offered_key(const std::string& identity_file) {
  std::vector<std::string> candidates;
  if (!identity_file.empty()) {
    candidates.push_back(identity_file);
  } else if (const char* home = std::getenv("HOME")) {
    for (const char* name : {"id_rsa", "id_ed25519", "id_ecdsa"})
      candidates.push_back(std::string(home) + "/.ssh/" + name);
  }
  for (const std::string& path : candidates) {
    std::string key;
    if (read_file(path + ".pub", &key) || read_file(path, &key)) return key;
  }
  if (!identity_file.empty())
    std::cerr << "Warning: Identity file " << identity_file << " not accessible: No such file or directory.\n";
  return "";
}

bool interactive() { return ::isatty(STDIN_FILENO) != 0; }

// A line read without echo (a password), like ssh's prompt.
bool read_secret(std::string* line) {
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cout << "\n";
  }
  return ok;
}

// One signed-in client for the whole session: one token, many lines.
class GuestClient {
 public:
  explicit GuestClient(const OpsTarget& t) : client_(t.url), who_(credentials_of(t)) {}

  Result<HttpReply> post(const std::string& path, const nlohmann::json& body) {
    if (token_.empty()) {
      auto tok = client_.token(who_);
      if (!tok.ok()) return fail(tok.status().message());
      token_ = *tok;
    }
    auto reply = client_.request("POST", path, body, token_);
    if (!reply.ok()) return fail(reply.status().message());
    if (reply->status < 200 || reply->status > 299) return fail(error_message(*reply));
    return reply;
  }
  void close(const std::string& session) {
    if (!session.empty() && !token_.empty())
      (void)client_.request("DELETE", "/_stacklab/guest/sessions/" + session, nullptr, token_);
  }

 private:
  static Status fail(const std::string& message) {
    std::cerr << "stacklab: " << message << "\n";
    return Status(Code::kInternal, message);
  }
  OpsClient client_;
  AdminCredentials who_;
  std::string token_;
};

// Reads lines and sends them until the session closes or input ends; the last exit status.
int shell_loop(GuestClient& client, nlohmann::json session) {
  const bool tty = interactive();
  int status = 0;
  for (;;) {
    const std::string stage = session.value("stage", "shell");
    std::cout << session.value("prompt", "$ ") << std::flush;
    std::string line;
    const bool got = stage == "password" ? read_secret(&line) : static_cast<bool>(std::getline(std::cin, line));
    if (!got) {
      std::cout << "\n";
      client.close(session.value("id", ""));
      return status;
    }
    if (!tty) std::cout << (stage == "password" ? "" : line) << "\n";
    auto reply = client.post("/_stacklab/guest/exec", {{"session", session["id"]}, {"command", line}});
    if (!reply.ok()) return kSshFailed;
    const nlohmann::json& e = reply->body["exec"];
    std::cout << e.value("output", "") << std::flush;
    status = e.value("exit_status", 0);
    if (e.value("closed", false)) return status;
    session = e["session"];
  }
}

std::pair<std::string, std::string> split_destination(const std::string& destination) {
  auto at = destination.rfind('@');
  if (at == std::string::npos) {
    const char* user = std::getenv("USER");
    return {user ? user : "root", destination};
  }
  return {destination.substr(0, at), destination.substr(at + 1)};
}

}  // namespace

int run_ssh(const OpsTarget& t, const SshOptions& o, const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: stacklab ssh [-i KEY] [-p PASSWORD] USER@IP [COMMAND...]\n";
    return 2;
  }
  auto [user, host] = split_destination(args.front());
  const std::vector<std::string> command(args.begin() + 1, args.end());
  GuestClient client(t);
  nlohmann::json body = {{"user", user}, {"host", host}, {"key", offered_key(o.identity_file)}};
  if (!o.password.empty()) body["password"] = o.password;
  nlohmann::json ssh;
  for (int attempt = 0;; ++attempt) {
    auto reply = client.post("/_stacklab/guest/ssh", body);
    if (!reply.ok()) return kSshFailed;
    ssh = reply->body["ssh"];
    if (ssh.value("connected", false)) break;
    // As ssh does: when keys fail and the guest takes passwords, ask for one (three tries) on a terminal.
    const bool ask = ssh.value("password_allowed", false) && o.password.empty() && interactive() && attempt < 3;
    if (!ask) {
      std::cerr << ssh.value("error", "ssh: connection failed") << "\n";
      return kSshFailed;
    }
    if (attempt > 0) std::cerr << "Permission denied, please try again.\n";
    std::cerr << user << "@" << host << "'s password: " << std::flush;
    std::string password;
    if (!read_secret(&password)) return kSshFailed;
    body["password"] = password;
  }
  std::cout << ssh.value("banner", "") << std::flush;
  const nlohmann::json& session = ssh["session"];
  if (command.empty()) return shell_loop(client, session);
  std::string line;
  for (const auto& word : command) line += (line.empty() ? "" : " ") + word;
  auto reply = client.post("/_stacklab/guest/exec", {{"session", session["id"]}, {"command", line}});
  client.close(session.value("id", ""));
  if (!reply.ok()) return kSshFailed;
  std::cout << reply->body["exec"].value("output", "") << std::flush;
  return reply->body["exec"].value("exit_status", 0);
}

int run_console(const OpsTarget& t, const std::string& server) {
  GuestClient client(t);
  auto reply = client.post("/_stacklab/guest/console", {{"server", server}});
  if (!reply.ok()) return 1;
  const nlohmann::json& console = reply->body["console"];
  std::cout << console.value("banner", "") << std::flush;
  shell_loop(client, console["session"]);
  return 0;
}

}  // namespace stacklab::cmd
