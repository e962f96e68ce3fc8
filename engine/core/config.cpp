#include "engine/core/config.h"

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>

namespace stacklab {

Result<Config> Config::load(const std::string& path) {
  boost::property_tree::ptree tree;
  try {
    boost::property_tree::ini_parser::read_ini(path, tree);
  } catch (const boost::property_tree::ini_parser_error& e) {
    return BadRequest("cannot read config " + path + ": " + e.message() + " (line " + std::to_string(e.line()) + ")");
  }
  Config c;
  for (const auto& [section, keys] : tree) {
    if (keys.empty()) {  // key outside any section: oslo.config calls that [DEFAULT]
      c.set("DEFAULT", section, keys.data());
      continue;
    }
    for (const auto& [key, value] : keys) c.set(section, key, value.data());
  }
  return c;
}

void Config::set(const std::string& section, const std::string& key, const std::string& value) {
  values_[section][key] = value;
}

bool Config::has(const std::string& section, const std::string& key) const {
  auto s = values_.find(section);
  return s != values_.end() && s->second.count(key);
}

std::string Config::get(const std::string& section, const std::string& key, const std::string& fallback) const {
  auto s = values_.find(section);
  if (s == values_.end()) return fallback;
  auto k = s->second.find(key);
  return k == s->second.end() ? fallback : k->second;
}

long long Config::get_int(const std::string& section, const std::string& key, long long fallback) const {
  if (!has(section, key)) return fallback;
  try {
    return std::stoll(get(section, key));
  } catch (...) {
    return fallback;
  }
}

double Config::get_double(const std::string& section, const std::string& key, double fallback) const {
  if (!has(section, key)) return fallback;
  try {
    return std::stod(get(section, key));
  } catch (...) {
    return fallback;
  }
}

bool Config::get_bool(const std::string& section, const std::string& key, bool fallback) const {
  if (!has(section, key)) return fallback;
  std::string v = get(section, key);
  for (auto& ch : v) ch = static_cast<char>(tolower(ch));
  if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
  if (v == "false" || v == "no" || v == "0" || v == "off") return false;
  return fallback;
}

}  // namespace stacklab
