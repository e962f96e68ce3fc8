// Clock: the only source of "now" and of timers for engine code.
//
// Engine code never reads std::chrono::system_clock itself. `stacklab up` runs
// on RealClock; tests and `stacklab sim` run on ManualClock, which moves only
// when told to, so the same code is repeatable in virtual time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace boost::asio {
class io_context;
}

namespace stacklab {

// Wall-clock instants (UTC), microsecond precision: what the APIs print.
using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;
using Duration = std::chrono::microseconds;
using TimerId = std::uint64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current instant.
  virtual TimePoint now() const = 0;
  // Runs `fn` once, `after` from now, on the engine loop. Returns an id for cancel().
  virtual TimerId schedule(Duration after, std::function<void()> fn) = 0;
  // Cancels a timer that has not fired yet; a no-op otherwise.
  virtual void cancel(TimerId id) = 0;
  // Cancels every timer not fired yet: work in flight is dropped when a
  // snapshot replaces the whole state (engine/core/state_snapshots.h).
  virtual void cancel_all() = 0;
};

// Real time: system_clock for now(), Asio steady timers on the given loop.
class RealClock final : public Clock {
 public:
  explicit RealClock(boost::asio::io_context& loop);
  ~RealClock() override;
  TimePoint now() const override;
  TimerId schedule(Duration after, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void cancel_all() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Virtual time: starts at a given instant and moves only through advance().
// Timers fire inside advance(), in time order (ties in scheduling order).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint(std::chrono::seconds(1767225600)));  // 2026-01-01
  TimePoint now() const override;
  TimerId schedule(Duration after, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void cancel_all() override;

  // Moves time forward by `by`, firing every timer due on the way.
  void advance(Duration by);
  // Number of timers not yet fired.
  std::size_t pending() const;

 private:
  mutable std::mutex mu_;
  TimePoint now_;
  TimerId next_id_ = 1;
  // (due, id) -> callback; id breaks ties in scheduling order.
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
};

}  // namespace stacklab
