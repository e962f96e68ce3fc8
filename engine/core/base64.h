// Standard base64 (RFC 4648, with padding), as Python's base64.b64encode
// writes it: the opaque records clients carry between clouds (Cinder's
// backup_url) use it.
#pragma once

#include <optional>
#include <string>

namespace stacklab {

std::string base64_encode(const std::string& bytes);
// The bytes, or nullopt when `text` is not base64 (whitespace is not allowed).
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace stacklab
