// Time and randomness are injected into everything that waits or jitters, so tests drive them
// deterministically and never sleep.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace sfpe {

class Clock {
 public:
  using Duration = std::chrono::milliseconds;
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  // Calendar time, for timestamps other systems read (a JWT's exp). The system clock unless a
  // fake overrides it to stay deterministic.
  virtual std::chrono::system_clock::time_point wall_now() {
    return std::chrono::system_clock::now();
  }
  // Waits for `d`, or less if the implementation is woken (see SystemClock::wake).
  virtual void sleep_for(Duration d) = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, bound]; bound >= 0.
  virtual uint64_t uniform(uint64_t bound) = 0;
};

class SystemRandom : public Random {
 public:
  SystemRandom() : engine_(std::random_device{}()) {}
  uint64_t uniform(uint64_t bound) override {
    return std::uniform_int_distribution<uint64_t>(0, bound)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace sfpe

#include "common/stop_signal.h"

namespace sfpe {

class SystemClock : public Clock {
 public:
  explicit SystemClock(StopSignal* stop = nullptr) : stop_(stop) {}
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(Duration d) override {
    if (stop_ != nullptr) {
      stop_->wait_for(d);
    } else {
      StopSignal never;
      never.wait_for(d);
    }
  }

 private:
  StopSignal* stop_;
};

}  // namespace sfpe
