#include "engine/core/runtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <utility>

namespace stacklab {

struct Runtime::WorkGuard {
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard;
};

Runtime::Runtime(Mode mode, unsigned workers, std::uint64_t seed)
    : loop_(std::make_unique<boost::asio::io_context>(1)),
      workers_(std::make_unique<boost::asio::thread_pool>(workers)) {
  if (mode == Mode::kRealTime) {
    clock_ = std::make_unique<RealClock>(*loop_);
    random_ = std::make_unique<SecureRandom>();
  } else {
    clock_ = std::make_unique<ManualClock>();
    random_ = std::make_unique<SeededRandom>(seed);
  }
}

Runtime::~Runtime() { stop(); }

ManualClock& Runtime::manual_clock() { return dynamic_cast<ManualClock&>(*clock_); }

void Runtime::start() {
  if (started_) return;
  guard_ = std::make_unique<WorkGuard>(WorkGuard{boost::asio::make_work_guard(*loop_)});
  std::promise<std::thread::id> id;
  auto fut = id.get_future();
  thread_ = std::thread([this, &id] {
    id.set_value(std::this_thread::get_id());
    loop_->run();
  });
  loop_thread_id_ = fut.get();
  started_ = true;
}

void Runtime::stop() {
  if (workers_) workers_->join();
  if (!started_) return;
  guard_.reset();
  if (thread_.joinable()) thread_.join();
  started_ = false;
}

bool Runtime::on_loop() const { return started_ && std::this_thread::get_id() == loop_thread_id_; }

void Runtime::post(std::function<void()> fn) { boost::asio::post(*loop_, std::move(fn)); }

void Runtime::offload(std::function<void()> work, std::function<void()> then) {
  boost::asio::post(*workers_, [this, work = std::move(work), then = std::move(then)]() mutable {
    work();
    post(std::move(then));
  });
}

}  // namespace stacklab
