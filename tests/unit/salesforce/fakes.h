// Test doubles for the Salesforce tests: a clock whose sleeps only move virtual time, a random
// source with scripted answers, and a logger that keeps every line for inspection.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/secret.h"
#include "salesforce/auth.h"

namespace sfpe::salesforce::test {

// Thread-safe: TokenProvider tests call it from several threads.
class FakeClock : public Clock {
 public:
  TimePoint now() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void sleep_for(Duration d) override {
    std::lock_guard<std::mutex> lock(mutex_);
    sleeps_.push_back(d);
    now_ += d;
  }
  // Starts at kWallStart and moves with now().
  static constexpr std::chrono::seconds kWallStart{1700000000};  // 2023-11-14T22:13:20Z
  std::chrono::system_clock::time_point wall_now() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::chrono::system_clock::time_point(kWallStart) + (now_ - TimePoint{});
  }
  std::vector<Duration> sleeps() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sleeps_;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_{};
  std::vector<Duration> sleeps_;
};

// Answers 0 unless told otherwise: retries then happen without any virtual wait, except where a
// floor (rate limit) applies.
class FakeRandom : public Random {
 public:
  uint64_t uniform(uint64_t bound) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (always_ceiling) return bound;
    return 0;
  }
  bool always_ceiling = false;

 private:
  std::mutex mutex_;
};

class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)),
        logger_(std::make_shared<spdlog::logger>("test", sink_)) {
    logger_->set_level(spdlog::level::debug);
    sink_->set_pattern("%l %v");
  }
  std::shared_ptr<spdlog::logger> logger() const { return logger_; }
  std::string text() {
    logger_->flush();
    return stream_.str();
  }
  // Lines containing `needle`, in order.
  std::vector<std::string> lines_with(const std::string& needle) {
    std::vector<std::string> found;
    std::istringstream in(text());
    for (std::string line; std::getline(in, line);) {
      if (line.find(needle) != std::string::npos) found.push_back(line);
    }
    return found;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

// What the Salesforce emulator's default connected app and user accept: a password login at
// `login_url` for `event_name`, with test timeouts.
inline ClientSettings emulator_login_settings(std::string login_url, std::string event_name) {
  ClientSettings s;
  s.login_url = std::move(login_url);
  s.consumer_key = "test-consumer-key";
  s.consumer_secret = Secret("test-consumer-secret");
  s.username = "sink@example.com";
  s.password = Secret("test-password");
  s.password_token = Secret("test-token");
  s.event_name = std::move(event_name);
  s.connect_timeout_ms = 5000;
  s.request_timeout_ms = 10000;
  return s;
}

}  // namespace sfpe::salesforce::test
