// Nova's os-simple-tenant-usage: per project, the hours its servers ran in
// a period (the overlap of [launched_at, terminated_at or now] with
// [start, stop]) times their vCPUs, RAM and local disk. Deleted servers
// count for the hours they ran. "now" is the injected Clock's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.h"
#include "engine/core/policy.h"
#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::compute {

struct UsageQuery {
  TimePoint start, stop;
  bool detailed = false;             // server_usages in each tenant's summary
  std::string project_id;            // "" = every project (admins)
  std::optional<std::size_t> limit;  // 2.40 paging over servers
  std::string marker;                // a server uuid; 400 if unknown
};

struct UsageReport {
  std::vector<Json> tenant_usages;  // Nova's summaries, one per project with usage
  std::vector<Json> server_usages;  // every server of the page (for the next link)
  bool more = false;                // the page was full
};

// Hours of [launched, terminated or none] inside [start, stop]; 0 without launch.
double usage_hours(std::optional<TimePoint> launched, std::optional<TimePoint> terminated, TimePoint start,
                   TimePoint stop);
// Python's datetime.isoformat() of a naive UTC time ("...T12:00:00" or "...T12:00:00.123456").
std::string python_isoformat(TimePoint t);

class UsageService {
 public:
  UsageService(Store& store, Clock& clock, const Policy& policy);

  // 400 "Invalid start time. The start time cannot occur after the end time."
  // when start >= stop; 403 by policy (list: admins; show: the project or admins).
  Result<UsageReport> report(const Credentials& caller, const UsageQuery& query) const;

 private:
  Store& store_;
  Clock& clock_;
  const Policy& policy_;
};

}  // namespace stacklab::compute
