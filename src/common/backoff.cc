// Full-jitter exponential backoff bounded by a deadline (see backoff.h).
#include "common/backoff.h"

#include <algorithm>
#include <cstdint>

namespace sfpe {

Backoff::Backoff(const BackoffPolicy& policy, Clock& clock, Random& random, StopSignal* stop)
    : policy_(policy), clock_(clock), random_(random), stop_(stop), start_(clock.now()) {}

Clock::Duration Backoff::ceiling() const {
  const int64_t base = std::max<int64_t>(policy_.base.count(), 0);
  const int64_t cap = std::max<int64_t>(policy_.cap.count(), 0);
  // base * 2^retries, saturating at cap without overflowing.
  if (retries_ >= 62 || base > (cap >> retries_)) return Clock::Duration(cap);
  return Clock::Duration(base << retries_);
}

Clock::Duration Backoff::elapsed() const {
  return std::chrono::duration_cast<Clock::Duration>(clock_.now() - start_);
}

bool Backoff::expired() const { return elapsed() >= policy_.budget; }

bool Backoff::wait(Clock::Duration floor) {
  if (stop_requested()) return false;
  const Clock::Duration remaining = policy_.budget - elapsed();
  if (remaining <= Clock::Duration::zero()) return false;

  Clock::Duration delay(
      static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(ceiling().count()))));
  delay = std::min(std::max(delay, floor), remaining);
  ++retries_;
  if (delay > Clock::Duration::zero()) clock_.sleep_for(delay);
  return !stop_requested();
}

void Backoff::restart() {
  start_ = clock_.now();
  retries_ = 0;
}

}  // namespace sfpe
