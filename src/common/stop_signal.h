// A process- or task-wide "please stop" flag that also wakes anyone waiting on it, so backoff
// sleeps end at once on SIGTERM.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sfpe {

class StopSignal {
 public:
  void request_stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_.store(true);
    }
    cv_.notify_all();
  }
  bool stop_requested() const { return stopped_.load(); }

  // Waits up to `d`; returns true when a stop was requested.
  template <typename Rep, typename Period>
  bool wait_for(std::chrono::duration<Rep, Period> d) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, d, [this] { return stopped_.load(); });
  }

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};


}  // namespace sfpe
