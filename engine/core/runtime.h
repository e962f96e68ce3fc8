// Runtime: the engine's event loop, its clock, its random source and its worker pool.
//
// All engine state is owned by one loop thread; nothing else touches it. Code
// outside the engine (HTTP sessions, the CLI) hands work to the loop with
// post() or run(). Blocking work (password hashing, disk copies, libvirt)
// goes to the worker pool through offload(), whose continuation runs back on
// the loop.
#pragma once

#include <future>
#include <memory>
#include <thread>

#include "engine/core/clock.h"
#include "engine/core/random.h"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace stacklab {

class Runtime {
 public:
  enum class Mode { kRealTime, kVirtualTime };
  // Real time: a RealClock on the loop and a SecureRandom.
  // Virtual time: a ManualClock and a SeededRandom(seed), for tests and simulation.
  explicit Runtime(Mode mode = Mode::kRealTime, unsigned workers = 2, std::uint64_t seed = 42);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  Clock& clock() { return *clock_; }
  Random& random() { return *random_; }
  // Only valid in virtual-time mode.
  ManualClock& manual_clock();

  // Starts the loop thread. Until then, post()ed work queues up.
  void start();
  // Finishes queued work and joins the loop and worker threads.
  void stop();
  // True when called from the loop thread.
  bool on_loop() const;

  // Runs `fn` on the loop, later.
  void post(std::function<void()> fn);
  // Runs `work` on a worker thread, then `then` on the loop.
  void offload(std::function<void()> work, std::function<void()> then);

  // Runs `fn` on the loop and waits for its result (runs inline if already on the loop).
  template <typename F>
  auto run(F&& fn) -> decltype(fn()) {
    if (on_loop() || !started_) return fn();
    std::packaged_task<decltype(fn())()> task(std::forward<F>(fn));
    auto fut = task.get_future();
    post([&task] { task(); });
    return fut.get();
  }

  boost::asio::io_context& loop() { return *loop_; }

 private:
  std::unique_ptr<boost::asio::io_context> loop_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Random> random_;
  std::thread thread_;
  std::thread::id loop_thread_id_;
  bool started_ = false;
  struct WorkGuard;
  std::unique_ptr<WorkGuard> guard_;
};

}  // namespace stacklab
