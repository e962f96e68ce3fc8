// Log: one logger per OpenStack service, each writing to its upstream-named
// file under the state directory (keystone.log, nova-api.log, ...) and to
// stderr, in oslo.log's line format with the current request id.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace stacklab {

class Clock;

class Log {
 public:
  enum class Level { kDebug = 0, kInfo, kWarning, kError };

  // Sets where logs go. `dir` empty: stderr only. `clock` stamps the lines.
  static void configure(const std::string& dir, const Clock* clock, Level level, bool to_stderr);
  // The logger of `service` ("keystone", "nova-api", "bus", ...).
  static Log& get(const std::string& service);

  void debug(const std::string& msg) { write(Level::kDebug, msg); }
  void info(const std::string& msg) { write(Level::kInfo, msg); }
  void warning(const std::string& msg) { write(Level::kWarning, msg); }
  void error(const std::string& msg) { write(Level::kError, msg); }
  void write(Level level, const std::string& msg);

  // Marks every line logged by this thread, while alive, with a request id
  // and the caller's user and project ids.
  class RequestScope {
   public:
    RequestScope(const std::string& request_id, const std::string& user_id = "", const std::string& project_id = "");
    ~RequestScope();

   private:
    std::string saved_;
  };

 private:
  explicit Log(std::string service);
  std::string service_;
  std::mutex mu_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  friend struct LogRegistry;
};

}  // namespace stacklab
