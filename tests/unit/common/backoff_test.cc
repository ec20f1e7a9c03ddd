// Backoff: full-jitter ceilings, floors, the total budget and stop requests, driven by a fake
// clock and a fake random source, so nothing sleeps.
#include "common/backoff.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <thread>
#include <vector>

namespace sfpe {
namespace {

using std::chrono::milliseconds;

class FakeClock : public Clock {
 public:
  TimePoint now() override { return now_; }
  void sleep_for(Duration d) override {
    sleeps.push_back(d);
    now_ += d;
    if (on_sleep) on_sleep();
  }
  void advance(Duration d) { now_ += d; }

  std::vector<Duration> sleeps;
  std::function<void()> on_sleep;

 private:
  TimePoint now_{};
};

// Returns queued answers (clamped to the bound), then the bound itself; records every bound.
class FakeRandom : public Random {
 public:
  uint64_t uniform(uint64_t bound) override {
    bounds.push_back(bound);
    if (answers.empty()) return bound;
    uint64_t answer = std::min(answers.front(), bound);
    answers.pop_front();
    return answer;
  }
  std::deque<uint64_t> answers;
  std::vector<uint64_t> bounds;
};

BackoffPolicy policy(int64_t base, int64_t cap, int64_t budget) {
  return BackoffPolicy{milliseconds(base), milliseconds(cap), milliseconds(budget)};
}

TEST(BackoffTest, CeilingDoublesUntilTheCap) {
  FakeClock clock;
  FakeRandom random;
  Backoff backoff(policy(100, 1000, 1000000), clock, random);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(backoff.wait());
  EXPECT_EQ(random.bounds, (std::vector<uint64_t>{100, 200, 400, 800, 1000, 1000, 1000}));
  EXPECT_EQ(backoff.retries(), 7);
}

TEST(BackoffTest, SleepsTheJitteredValueDrawnFromRandom) {
  FakeClock clock;
  FakeRandom random;
  random.answers = {0, 150, 37};
  Backoff backoff(policy(100, 1000, 1000000), clock, random);
  ASSERT_TRUE(backoff.wait());
  ASSERT_TRUE(backoff.wait());
  ASSERT_TRUE(backoff.wait());
  // A zero delay does not call sleep_for at all.
  EXPECT_EQ(clock.sleeps, (std::vector<Clock::Duration>{milliseconds(150), milliseconds(37)}));
  EXPECT_EQ(backoff.elapsed(), milliseconds(187));
}

TEST(BackoffTest, FloorRaisesAShortDelay) {
  FakeClock clock;
  FakeRandom random;
  random.answers = {10, 900};
  Backoff backoff(policy(1000, 1000, 1000000), clock, random);
  ASSERT_TRUE(backoff.wait(milliseconds(500)));
  ASSERT_TRUE(backoff.wait(milliseconds(500)));
  EXPECT_EQ(clock.sleeps, (std::vector<Clock::Duration>{milliseconds(500), milliseconds(900)}));
}

TEST(BackoffTest, LastDelayIsCutAtTheDeadlineAndThenRetriesStop) {
  FakeClock clock;
  FakeRandom random;  // always the ceiling: 100, 200, 400, ...
  Backoff backoff(policy(100, 10000, 1000), clock, random);
  ASSERT_TRUE(backoff.wait());  // 100
  ASSERT_TRUE(backoff.wait());  // 200 -> 300
  ASSERT_TRUE(backoff.wait());  // 400 -> 700
  ASSERT_TRUE(backoff.wait());  // 800 cut to 300 -> 1000
  EXPECT_TRUE(backoff.expired());
  EXPECT_FALSE(backoff.wait());  // budget spent: no sleep
  EXPECT_EQ(clock.sleeps, (std::vector<Clock::Duration>{milliseconds(100), milliseconds(200),
                                                        milliseconds(400), milliseconds(300)}));
  EXPECT_EQ(backoff.retries(), 4);
}

TEST(BackoffTest, TimeSpentOutsideWaitCountsAgainstTheBudget) {
  FakeClock clock;
  FakeRandom random;
  Backoff backoff(policy(100, 100, 1000), clock, random);
  clock.advance(milliseconds(999));  // a slow first attempt
  ASSERT_TRUE(backoff.wait());
  EXPECT_EQ(clock.sleeps, (std::vector<Clock::Duration>{milliseconds(1)}));
  EXPECT_FALSE(backoff.wait());
}

TEST(BackoffTest, ZeroBudgetNeverRetries) {
  FakeClock clock;
  FakeRandom random;
  Backoff backoff(policy(100, 100, 0), clock, random);
  EXPECT_FALSE(backoff.wait());
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_TRUE(random.bounds.empty());
}

TEST(BackoffTest, StopRequestedBeforeWaitDoesNotSleep) {
  FakeClock clock;
  FakeRandom random;
  StopSignal stop;
  stop.request_stop();
  Backoff backoff(policy(100, 100, 1000), clock, random, &stop);
  EXPECT_FALSE(backoff.wait());
  EXPECT_TRUE(backoff.stop_requested());
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(BackoffTest, StopArrivingDuringTheSleepEndsTheRetries) {
  FakeClock clock;
  FakeRandom random;
  StopSignal stop;
  clock.on_sleep = [&stop] { stop.request_stop(); };
  Backoff backoff(policy(100, 100, 1000), clock, random, &stop);
  EXPECT_FALSE(backoff.wait());
  EXPECT_EQ(clock.sleeps.size(), 1u);
}

TEST(BackoffTest, HugeRetryCountsSaturateAtTheCap) {
  FakeClock clock;
  FakeRandom random;
  random.answers.assign(100, 0);
  Backoff backoff(policy(1, 5000, 1000000), clock, random);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(backoff.wait());
  EXPECT_EQ(random.bounds.back(), 5000u);
  EXPECT_EQ(backoff.ceiling(), milliseconds(5000));
}

TEST(BackoffTest, SystemClockSleepEndsWhenAnotherThreadStops) {
  // The production wiring: a SystemClock built on the StopSignal wakes a one-hour sleep when
  // another thread stops; whether the stop lands before or during the sleep, wait() says false.
  StopSignal stop;
  SystemClock clock(&stop);
  FakeRandom random;  // always the ceiling: one hour
  Backoff backoff(policy(3600000, 3600000, 7200000), clock, random, &stop);
  std::thread stopper([&stop] { stop.request_stop(); });
  EXPECT_FALSE(backoff.wait());
  stopper.join();
  EXPECT_LT(backoff.elapsed(), std::chrono::minutes(59));
}

}  // namespace
}  // namespace sfpe
