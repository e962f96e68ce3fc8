#include "scenarios/lab/rc_files.h"

#include <fstream>

namespace stacklab::scenarios {

static Status write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return Status(Code::kInternal, "cannot write " + path);
  return {};
}

Status write_rc_files(const std::string& dir, const std::string& host_url, const std::string& password,
                      const std::string& region) {
  std::string auth_url = host_url + "/identity";
  // Line 6 is "export OS_USERNAME=admin", as the book's grep shows.
  std::string early =
      "# Use this for debugging issues before files in accrc are created\n"
      "\n"
      "# Set up password auth credentials now that Keystone is bootstrapped\n"
      "export OS_IDENTITY_API_VERSION=3\n"
      "export OS_AUTH_URL=" +
      auth_url +
      "\n"
      "export OS_USERNAME=admin\n"
      "export OS_USER_DOMAIN_ID=default\n"
      "export OS_PASSWORD=" +
      password +
      "\n"
      "export OS_PROJECT_NAME=admin\n"
      "export OS_PROJECT_DOMAIN_ID=default\n"
      "export OS_REGION_NAME=" +
      region + "\n";
  std::string openrc =
      "#!/usr/bin/env bash\n"
      "#\n"
      "# source openrc [username] [projectname]\n"
      "#\n"
      "# Configure a set of credentials for $PROJECT/$USERNAME:\n"
      "#   Set OS_PROJECT_NAME to override the default project 'demo'\n"
      "#   Set OS_USERNAME to override the default user name 'demo'\n"
      "#   Set ADMIN_PASSWORD to set the password for 'admin' and 'demo'\n"
      "\n"
      "if [[ -n \"$1\" ]]; then\n"
      "    OS_USERNAME=$1\n"
      "fi\n"
      "if [[ -n \"$2\" ]]; then\n"
      "    OS_PROJECT_NAME=$2\n"
      "fi\n"
      "\n"
      "export OS_PROJECT_NAME=${OS_PROJECT_NAME:-demo}\n"
      "# Legacy name of the project, for older clients\n"
      "echo \"WARNING: setting legacy OS_TENANT_NAME to support cli tools.\"\n"
      "export OS_TENANT_NAME=$OS_PROJECT_NAME\n"
      "export OS_USERNAME=${OS_USERNAME:-demo}\n"
      "export OS_PASSWORD=${ADMIN_PASSWORD:-" +
      password +
      "}\n"
      "export OS_REGION_NAME=" +
      region +
      "\n"
      "export OS_IDENTITY_API_VERSION=3\n"
      "export OS_AUTH_TYPE=password\n"
      "export OS_AUTH_URL=" +
      auth_url +
      "\n"
      "export OS_USER_DOMAIN_ID=${OS_USER_DOMAIN_ID:-\"default\"}\n"
      "export OS_PROJECT_DOMAIN_ID=${OS_PROJECT_DOMAIN_ID:-\"default\"}\n"
      "export OS_VOLUME_API_VERSION=3\n"
      "export OS_CACERT=\n";
  Status st = write_file(dir + "/userrc_early", early);
  if (st.ok()) st = write_file(dir + "/openrc", openrc);
  return st;
}

}  // namespace stacklab::scenarios
