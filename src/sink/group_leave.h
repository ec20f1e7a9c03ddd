// The moment a connector's tasks leave their consumer group. They share one group
// (`connect-<name>`), and the first member to leave starts a rebalance during which the others'
// commits fail with REBALANCE_IN_PROGRESS: a clean stop would then lose up to an
// offset.flush.interval.ms of commits and republish those records on restart. So each task
// commits everything it settled first, then waits here until every task of the connector has
// (or the grace period is over), and only then do they leave, together.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace sfpe::sink {

class GroupLeave {
 public:
  // `tasks`: how many tasks will arrive (or be counted gone).
  explicit GroupLeave(int tasks) : expected_(tasks) {}

  // How many tasks arrived (or were counted gone) so far.
  int arrived() {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrived_;
  }

  // A task that will never arrive (it could not start).
  void task_gone() { arrive(); }

  // Counts this task in, then waits until every task has arrived or `deadline` passed; calls
  // `serve` about every 100 ms while waiting (the task serves its consumer group meanwhile).
  // True when every task arrived.
  bool arrive_and_wait(std::chrono::steady_clock::time_point deadline,
                       const std::function<void()>& serve) {
    arrive();
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (arrived_ >= expected_) return true;
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      auto step = std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(100),
                                                                deadline - now);
      if (all_arrived_.wait_for(lock, step, [this] { return arrived_ >= expected_; })) {
        return true;
      }
      lock.unlock();
      if (serve) serve();
      lock.lock();
    }
  }

 private:
  void arrive() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++arrived_;
    }
    all_arrived_.notify_all();
  }

  const int expected_;
  int arrived_ = 0;
  std::mutex mutex_;
  std::condition_variable all_arrived_;
};

}  // namespace sfpe::sink
