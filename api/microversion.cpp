#include "api/microversion.h"

#include <cctype>
#include <sstream>

namespace stacklab::api {

bool Microversion::parse(const std::string& s, Microversion* out) {
  auto dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= s.size() || s.size() > 12) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  out->major = std::stoi(s.substr(0, dot));
  out->minor = std::stoi(s.substr(dot + 1));
  return true;
}

Result<Microversion> negotiate(const Request& req, const MicroversionRange& range) {
  std::string asked;
  // "OpenStack-API-Version: compute 2.60" (possibly several services, comma-separated)
  std::string hdr = req.header("OpenStack-API-Version");
  std::stringstream parts(hdr);
  std::string part;
  while (std::getline(parts, part, ',')) {
    std::stringstream words(part);
    std::string service, version;
    words >> service >> version;
    for (auto& c : service) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (service == range.service) asked = version;
  }
  if (asked.empty() && !range.legacy_header.empty()) asked = req.header(range.legacy_header);
  while (!asked.empty() && std::isspace(static_cast<unsigned char>(asked.back()))) asked.pop_back();
  if (asked.empty()) return range.min;
  if (asked == "latest") return range.max;
  Microversion v;
  if (!Microversion::parse(asked, &v))
    return BadRequest("API Version String " + asked + " is of invalid format. Must be of format MajorNum.MinorNum.");
  if (v < range.min || range.max < v)
    return Status(Code::kNotAcceptable, "Version " + asked + " is not supported by the API. Minimum is " +
                                            range.min.str() + " and maximum is " + range.max.str() + ".");
  return v;
}

void annotate(Response& resp, const MicroversionRange& range, const Microversion& v) {
  resp.header("OpenStack-API-Version", range.service + " " + v.str());
  std::string vary = "OpenStack-API-Version";
  if (!range.legacy_header.empty()) {
    resp.header(range.legacy_header, v.str());
    vary += ", " + range.legacy_header;
  }
  resp.header("Vary", vary);
}

}  // namespace stacklab::api
