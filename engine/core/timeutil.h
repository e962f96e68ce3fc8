// Time formats the OpenStack APIs use.
#pragma once

#include <optional>
#include <string>

#include "engine/core/clock.h"

namespace stacklab {

// 2026-11-25T14:10:49.123456Z (Keystone token expires_at / issued_at).
std::string format_iso_micro(TimePoint t);
// 2026-11-25T14:10:49Z (Nova/Neutron created_at style without fraction is "%Y-%m-%dT%H:%M:%SZ").
std::string format_iso_seconds(TimePoint t);
// 2026-11-25 14:10:49.123 (oslo.log).
std::string format_log_time(TimePoint t);
// Parses ISO 8601 with optional fraction and optional Z / +00:00; nullopt if malformed.
std::optional<TimePoint> parse_iso(const std::string& s);

}  // namespace stacklab
