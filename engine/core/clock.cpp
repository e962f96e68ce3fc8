#include "engine/core/clock.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unordered_map>
#include <utility>

namespace stacklab {

struct RealClock::Impl {
  boost::asio::io_context& loop;
  std::mutex mu;
  TimerId next_id = 1;
  std::unordered_map<TimerId, std::shared_ptr<boost::asio::steady_timer>> timers;
  explicit Impl(boost::asio::io_context& l) : loop(l) {}
};

RealClock::RealClock(boost::asio::io_context& loop) : impl_(std::make_unique<Impl>(loop)) {}
RealClock::~RealClock() = default;

TimePoint RealClock::now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

TimerId RealClock::schedule(Duration after, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(impl_->loop, after);
  TimerId id;
  {
    std::lock_guard lock(impl_->mu);
    id = impl_->next_id++;
    impl_->timers[id] = timer;
  }
  Impl* impl = impl_.get();
  timer->async_wait([impl, id, timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    bool live;
    {
      std::lock_guard lock(impl->mu);
      live = impl->timers.erase(id) > 0;  // not when cancel_all() came after it expired
    }
    if (!ec && live) fn();
  });
  return id;
}

void RealClock::cancel(TimerId id) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->timers.find(id);
  if (it != impl_->timers.end()) it->second->cancel();
}

void RealClock::cancel_all() {
  std::lock_guard lock(impl_->mu);
  for (auto& [id, timer] : impl_->timers) timer->cancel();
  impl_->timers.clear();
}

ManualClock::ManualClock(TimePoint start) : now_(start) {}

TimePoint ManualClock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

TimerId ManualClock::schedule(Duration after, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(now_ + after, id), std::move(fn));
  return id;
}

void ManualClock::cancel(TimerId id) {
  std::lock_guard lock(mu_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return;
    }
  }
}

void ManualClock::cancel_all() {
  std::lock_guard lock(mu_);
  timers_.clear();
}

void ManualClock::advance(Duration by) {
  TimePoint target;
  {
    std::lock_guard lock(mu_);
    target = now_ + by;
  }
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      auto it = timers_.begin();
      if (it == timers_.end() || it->first.first > target) break;
      now_ = it->first.first;
      fn = std::move(it->second);
      timers_.erase(it);
    }
    fn();  // outside the lock: a timer may schedule another
  }
  std::lock_guard lock(mu_);
  now_ = target;
}

std::size_t ManualClock::pending() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

}  // namespace stacklab
