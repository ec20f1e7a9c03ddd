// Exponential backoff with full jitter inside a total time budget, for every retry loop that
// talks to a remote service. Clock and Random are injected so tests drive it without sleeping.
#pragma once

#include "common/clock.h"
#include "common/stop_signal.h"

namespace sfpe {

struct BackoffPolicy {
  Clock::Duration base{250};       // ceiling of the first delay
  Clock::Duration cap{30000};      // no ceiling grows beyond this
  Clock::Duration budget{900000};  // total time from construction after which no retry starts
};

// One retry sequence: construct it when the first attempt starts, call wait() after each failed
// attempt, and stop retrying when wait() returns false.
//
// The n-th wait (n = 0, 1, ...) sleeps random(0, min(cap, base * 2^n)): "full jitter", which
// spreads the retries of many tasks hitting the same outage instead of synchronising them.
class Backoff {
 public:
  // `clock`, `random` and `stop` must outlive the Backoff; `stop` may be null. The sleep goes
  // through clock.sleep_for, which a SystemClock built on the same StopSignal ends early.
  Backoff(const BackoffPolicy& policy, Clock& clock, Random& random, StopSignal* stop = nullptr);

  // Waits before the next retry: the jittered delay, raised to `floor` (e.g. a rate limit's
  // minimum pause), shortened so it never passes the deadline. Returns false without waiting when
  // the budget is spent or a stop was requested, and false after waiting if a stop arrived.
  bool wait(Clock::Duration floor = Clock::Duration::zero());

  // The ceiling of the jitter for the next wait: min(cap, base * 2^retries()).
  Clock::Duration ceiling() const;
  // Retries waited for so far.
  int retries() const { return retries_; }
  Clock::Duration elapsed() const;
  bool expired() const;
  bool stop_requested() const { return stop_ != nullptr && stop_->stop_requested(); }
  // Starts a fresh budget from now, as a new Backoff would.
  void restart();

 private:
  BackoffPolicy policy_;
  Clock& clock_;
  Random& random_;
  StopSignal* stop_;
  Clock::TimePoint start_;
  int retries_ = 0;
};

}  // namespace sfpe
