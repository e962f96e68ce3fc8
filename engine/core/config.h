// Config: nova.conf-style INI ([DEFAULT], [identity], [token], ...) plus
// command-line overrides. Unknown keys are kept, so later services can read
// their own sections without this file changing.
#pragma once

#include <map>
#include <string>

#include "engine/core/status.h"

namespace stacklab {

class Config {
 public:
  // Reads an INI file; a missing file is an error, a missing key is not.
  static Result<Config> load(const std::string& path);

  // Sets a value (command-line flags use this after load()).
  void set(const std::string& section, const std::string& key, const std::string& value);

  std::string get(const std::string& section, const std::string& key, const std::string& fallback = "") const;
  long long get_int(const std::string& section, const std::string& key, long long fallback) const;
  double get_double(const std::string& section, const std::string& key, double fallback) const;
  bool get_bool(const std::string& section, const std::string& key, bool fallback) const;
  bool has(const std::string& section, const std::string& key) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> values_;
};

}  // namespace stacklab
