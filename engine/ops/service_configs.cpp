#include "engine/ops/service_configs.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace stacklab {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// "[name]" -> name; "" for any other line.
std::string section_of(const std::string& line) {
  std::string t = trim(line);
  return t.size() > 2 && t.front() == '[' && t.back() == ']' ? trim(t.substr(1, t.size() - 2)) : "";
}

// The key of a "key = value" line ("" for comments and others), and its value.
std::pair<std::string, std::string> entry_of(const std::string& line) {
  std::string t = trim(line);
  if (t.empty() || t[0] == '#' || t[0] == ';') return {};
  auto eq = t.find('=');
  if (eq == std::string::npos) return {};
  return {trim(t.substr(0, eq)), trim(t.substr(eq + 1))};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(Code::kInternal, "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status write_text(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  return out ? Status() : Status(Code::kInternal, "cannot write " + path);
}

}  // namespace

ServiceConfigs::ServiceConfigs(std::string dir, ServiceConfigValues values)
    : dir_(std::move(dir)), values_(std::move(values)) {}

const std::vector<std::string>& ServiceConfigs::services() {
  static const std::vector<std::string> all = {"nova", "glance", "neutron", "cinder"};
  return all;
}

std::string ServiceConfigs::api_daemon(const std::string& service) {
  return service == "neutron" ? "neutron-server" : service + "-api";
}

std::string ServiceConfigs::path_of(const std::string& service) const {
  return dir_ + "/" + service + "/" + service + ".conf";
}

// The book's Ch8 settings of each service (architecture.md §0.4, §1.1).
std::string ServiceConfigs::initial_text(const std::string& service) const {
  const ServiceConfigValues& v = values_;
  std::ostringstream o;
  o << "# " << service << ".conf of the lab's controller (the settings the book's chapter 8 writes).\n"
    << "# The " << api_daemon(service) << " daemon reads [keystone_authtoken] when it starts:\n"
    << "# after an edit, `stacklab service restart " << api_daemon(service) << "`.\n\n"
    << "[DEFAULT]\n";
  if (service != "glance") o << "transport_url = rabbit://openstack:" << v.db_password << "@" << v.controller << "\n";
  if (service == "neutron") o << "core_plugin = ml2\nservice_plugins = router\nallow_overlapping_ips = true\n";
  if (service != "glance") o << "auth_strategy = keystone\n";
  if (service == "nova") o << "use_neutron = True\nfirewall_driver = nova.virt.firewall.NoopFirewallDriver\n";
  if (service == "nova")
    o << "\n[api_database]\nconnection = mysql+pymysql://nova:" << v.db_password << "@" << v.controller
      << "/nova_api\n";
  o << "\n[database]\nconnection = mysql+pymysql://" << service << ":" << v.db_password << "@" << v.controller << "/"
    << service << "\n";
  o << "\n[keystone_authtoken]\n"
    << "auth_uri = " << v.identity_url << "\n"
    << "auth_url = " << v.identity_url << "\n"
    << "memcached_servers = " << v.controller << ":11211\n"
    << "auth_type = password\n"
    << "project_domain_name = default\n"
    << "user_domain_name = default\n"
    << "project_name = service\n"
    << "username = " << service << "\n"
    << "password = " << v.service_password << "\n";
  if (service == "glance")
    o << "\n[paste_deploy]\nflavor = keystone\n\n[glance_store]\nstores = file,http\ndefault_store = file\n";
  if (service == "cinder") o << "\n[oslo_concurrency]\nlock_path = /var/lib/cinder/tmp\n";
  return o.str();
}

Result<std::string> ServiceConfigs::ensure(const std::string& service) {
  bool known = false;
  for (const auto& s : services()) known = known || s == service;
  if (!known) {
    std::string names;
    for (const auto& s : services()) names += (names.empty() ? "" : ", ") + s;
    return NotFound("No config file for " + service + "; the lab models those of " + names + ".");
  }
  const std::string path = path_of(service);
  if (!std::filesystem::exists(path))
    if (Status st = write_text(path, initial_text(service)); !st.ok()) return st;
  return path;
}

bool ServiceConfigs::written(const std::string& service) const { return std::filesystem::exists(path_of(service)); }

Result<std::string> ServiceConfigs::read(const std::string& service) {
  auto path = ensure(service);
  if (!path.ok()) return path.status();
  return read_text(*path);
}

// Read line by line rather than through Config (boost's INI reader): a file
// a student edited may repeat a section or a key, which oslo.config accepts,
// the last value of a key winning.
Result<std::map<std::string, std::string>> ServiceConfigs::section(const std::string& service,
                                                                   const std::string& name) {
  auto text = read(service);
  if (!text.ok()) return text.status();
  std::map<std::string, std::string> keys;
  std::string current;
  for (const std::string& line : lines_of(*text)) {
    if (std::string s = section_of(line); !s.empty()) {
      current = s;
      continue;
    }
    if (current != name) continue;
    if (auto [k, v] = entry_of(line); !k.empty()) keys[k] = v;
  }
  return keys;
}

Result<std::string> ServiceConfigs::get(const std::string& service, const std::string& section_name,
                                        const std::string& key) {
  auto keys = section(service, section_name);
  if (!keys.ok()) return keys.status();
  auto it = keys->find(key);
  return it == keys->end() ? std::string() : it->second;
}

Status ServiceConfigs::set(const std::string& service, const std::string& section, const std::string& key,
                           const std::string& value) {
  auto text = read(service);
  if (!text.ok()) return text.status();
  std::vector<std::string> lines = lines_of(*text);
  std::string current;
  int section_end = -1;  // where to add the key when the section lacks it
  bool replaced = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::string s = section_of(lines[i]); !s.empty()) {
      current = s;
      if (s == section) section_end = static_cast<int>(i) + 1;
      continue;
    }
    if (current != section) continue;
    if (entry_of(lines[i]).first == key) {
      lines[i] = key + " = " + value;  // every occurrence: the last one is the one read
      replaced = true;
      continue;
    }
    if (!trim(lines[i]).empty()) section_end = static_cast<int>(i) + 1;
  }
  if (!replaced && section_end == -1) {
    lines.push_back("");
    lines.push_back("[" + section + "]");
    lines.push_back(key + " = " + value);
  } else if (!replaced) {
    lines.insert(lines.begin() + section_end, key + " = " + value);
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return write_text(path_of(service), out);
}

}  // namespace stacklab
