#include "engine/core/log.h"

#include <unistd.h>

#include <map>

#include "engine/core/clock.h"
#include "engine/core/timeutil.h"

namespace stacklab {

struct LogRegistry {
  std::mutex mu;
  std::string dir;
  const Clock* clock = nullptr;
  Log::Level level = Log::Level::kInfo;
  bool to_stderr = true;
  std::map<std::string, std::unique_ptr<Log>> logs;
};

static LogRegistry& registry() {
  static LogRegistry r;
  return r;
}

static thread_local std::string current_context = "-";

void Log::configure(const std::string& dir, const Clock* clock, Level level, bool to_stderr) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  r.dir = dir;
  r.clock = clock;
  r.level = level;
  r.to_stderr = to_stderr;
  r.logs.clear();
}

Log::Log(std::string service) : service_(std::move(service)) {
  auto& r = registry();
  if (!r.dir.empty()) file_.reset(std::fopen((r.dir + "/" + service_ + ".log").c_str(), "a"));
}

Log& Log::get(const std::string& service) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  auto& slot = r.logs[service];
  if (!slot) slot.reset(new Log(service));
  return *slot;
}

void Log::write(Level level, const std::string& msg) {
  auto& r = registry();
  if (level < r.level) return;
  static const char* names[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
  std::string when = r.clock ? format_log_time(r.clock->now()) : "-";
  std::string line = when + " " + std::to_string(::getpid()) + " " + names[static_cast<int>(level)] + " " + service_ +
                     " [" + current_context + "] " + msg + "\n";
  std::lock_guard lock(mu_);
  if (file_) {
    std::fputs(line.c_str(), file_.get());
    std::fflush(file_.get());
  }
  if (r.to_stderr) std::fputs(line.c_str(), stderr);
}

Log::RequestScope::RequestScope(const std::string& request_id, const std::string& user_id,
                                const std::string& project_id)
    : saved_(current_context) {
  current_context =
      request_id + " " + (user_id.empty() ? "-" : user_id) + " " + (project_id.empty() ? "-" : project_id);
}

Log::RequestScope::~RequestScope() { current_context = saved_; }

}  // namespace stacklab
