#include "engine/core/timeutil.h"

#include <cstdio>
#include <ctime>

namespace stacklab {

static std::tm to_tm(TimePoint t, long* micros) {
  auto us = t.time_since_epoch().count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  long frac = static_cast<long>(us % 1000000);
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  *micros = frac;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

std::string format_iso_micro(TimePoint t) {
  long us;
  std::tm tm = to_tm(t, &us);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, us);
  return buf;
}

std::string format_iso_seconds(TimePoint t) {
  long us;
  std::tm tm = to_tm(t, &us);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string format_log_time(TimePoint t) {
  long us;
  std::tm tm = to_tm(t, &us);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03ld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, us / 1000);
  return buf;
}

std::optional<TimePoint> parse_iso(const std::string& s) {
  int y, mo, d, h, mi, sec, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) return std::nullopt;
  long us = 0;
  std::size_t i = static_cast<std::size_t>(n);
  if (i < s.size() && s[i] == '.') {
    ++i;
    long scale = 100000;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) {
      us += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  std::string rest = s.substr(i);
  if (!(rest.empty() || rest == "Z" || rest == "+00:00" || rest == "+0000")) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t secs = timegm(&tm);
  return TimePoint(std::chrono::microseconds(static_cast<long long>(secs) * 1000000 + us));
}

}  // namespace stacklab
