// Microversions: the "OpenStack-API-Version: <service> X.Y" header (and the
// legacy per-service one), negotiated against a service's supported range.
#pragma once

#include <string>

#include "api/http_types.h"

namespace stacklab::api {

struct Microversion {
  int major = 1, minor = 0;
  bool operator<(const Microversion& o) const { return major != o.major ? major < o.major : minor < o.minor; }
  bool operator<=(const Microversion& o) const { return !(o < *this); }
  bool operator>=(const Microversion& o) const { return !(*this < o); }
  bool operator==(const Microversion& o) const = default;
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
  static bool parse(const std::string& s, Microversion* out);
};

struct MicroversionRange {
  std::string service;        // "compute", "volume", "placement", "image"...
  std::string legacy_header;  // "X-OpenStack-Nova-API-Version", or ""
  Microversion min, max;
};

// The version asked for (min when none; max for "latest"), or 400 for a
// malformed value and 406 for one outside the range, with upstream's message.
Result<Microversion> negotiate(const Request& req, const MicroversionRange& range);
// Adds the response headers naming the version used.
void annotate(Response& resp, const MicroversionRange& range, const Microversion& v);

}  // namespace stacklab::api
