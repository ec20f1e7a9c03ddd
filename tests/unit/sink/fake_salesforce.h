// Test doubles for the task's Salesforce side: fake publishers that record every batch, count
// what is in flight and hold batches until the test lets them go, and a harness that runs a
// SinkTask on its own thread against librdkafka's mock cluster.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>

#include "lib/eventually.h"
#include "sink/task.h"

namespace sfpe::sink::fakes {

using namespace std::chrono_literals;

// What every fake publisher shares: the batches seen, how many are in flight, and gates.
struct Salesforce {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<nlohmann::ordered_json>> batches;  // in the order publish() was called
  std::vector<std::pair<int64_t, int64_t>> accepted;  // (partition, offset) in acceptance order
  std::map<int64_t, int> partitions_in_flight;
  int in_flight = 0;
  int most_in_flight = 0;
  int overlaps = 0;           // a partition in two batches at once
  size_t hold_calls = 0;      // publish() calls numbered below this wait for release
  size_t released_calls = 0;  // calls numbered below this may return
  size_t calls = 0;
  // Decides a batch's fate instead of accepting it, when set: called outside the lock with the
  // batch; nullopt lets the batch be accepted as usual.
  std::function<std::optional<Result<std::vector<PublishOutcome>>>(
      const std::vector<nlohmann::ordered_json>&)>
      answer;

  void release_until(size_t call) {
    std::lock_guard<std::mutex> lock(mutex);
    released_calls = call;
    changed.notify_all();
  }
  template <typename Predicate>
  bool await(Predicate done, std::chrono::milliseconds timeout = 30s) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return done(); });
  }
  size_t accepted_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return accepted.size();
  }
};

class FakePublisher : public EventPublisher {
 public:
  explicit FakePublisher(Salesforce& sf) : sf_(sf) {}
  Result<std::vector<PublishOutcome>> publish(
      const std::vector<nlohmann::ordered_json>& events) override {
    std::unique_lock<std::mutex> lock(sf_.mutex);
    size_t call = sf_.calls++;
    sf_.batches.push_back(events);
    std::set<int64_t> partitions;
    for (const auto& e : events) partitions.insert(e["p"].get<int64_t>());
    for (int64_t p : partitions) {
      if (sf_.partitions_in_flight[p]++ > 0) sf_.overlaps++;
    }
    sf_.most_in_flight = std::max(sf_.most_in_flight, ++sf_.in_flight);
    sf_.changed.notify_all();
    if (call < sf_.hold_calls) {
      sf_.changed.wait(lock, [&] { return call < sf_.released_calls; });
    }
    std::optional<Result<std::vector<PublishOutcome>>> answered;
    if (sf_.answer) {
      auto answer = sf_.answer;
      lock.unlock();
      answered = answer(events);  // may block or throw
      lock.lock();
    }
    for (int64_t p : partitions) sf_.partitions_in_flight[p]--;
    sf_.in_flight--;
    if (!answered) {
      for (const auto& e : events) sf_.accepted.emplace_back(e["p"], e["o"]);
    }
    sf_.changed.notify_all();
    if (answered) return std::move(*answered);
    return std::vector<PublishOutcome>(events.size(), PublishOutcome{true, std::nullopt});
  }

 private:
  Salesforce& sf_;
};

// A log that the test can read while the task writes to it.
class CapturedLog : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }
  bool contains(std::string_view part) { return text().find(part) != std::string::npos; }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    text_.append(message.payload.data(), message.payload.size());
    text_ += '\n';
  }
  void flush_() override {}

 private:
  std::string text_;
};

// Maps a record to the event {"p": partition, "o": offset}.
inline Result<Event> partition_and_offset(const kafka::Record& r, Stage*) {
  return Event{{"p", r.partition}, {"o", r.offset}};
}

// Settings for a task of connector "c" (group connect-c) reading topic "t" from `bootstrap`.
inline TaskSettings test_settings(const std::string& bootstrap, size_t batch, bool ordered) {
  TaskSettings s;
  s.connector = "c";
  s.consumer.properties = {{"bootstrap.servers", bootstrap},
                           {"group.id", "connect-c"},
                           {"enable.auto.commit", "false"},
                           {"auto.offset.reset", "earliest"},
                           {"session.timeout.ms", "6000"}};
  s.consumer.topics = {"t"};
  s.max_batch_records = batch;
  s.linger = 5ms;
  s.preserve_partition_order = ordered;
  s.offset_flush_interval = 50ms;
  return s;
}

// One SinkTask on its own thread, with its own stop signal, clock and publishers.
class RunningTask {
 public:
  RunningTask(TaskSettings settings, Salesforce& sf, int in_flight,
              RecordPreparer preparer = partition_and_offset,
              std::shared_ptr<spdlog::logger> log = nullptr) {
    std::vector<std::unique_ptr<EventPublisher>> publishers;
    for (int i = 0; i < in_flight; ++i) publishers.push_back(std::make_unique<FakePublisher>(sf));
    if (!log) {
      log = std::make_shared<spdlog::logger>("task",
                                             std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    task_ = std::make_unique<SinkTask>(std::move(settings), std::move(preparer),
                                       std::move(publishers), log, stop_, clock_, random_,
                                       &publishers_stop_);
    thread_ = std::thread([this] {
      status_ = task_->run();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = true;
      }
      finished_.notify_all();
    });
  }
  ~RunningTask() {
    stop_.request_stop();
    publishers_stop_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

  void request_stop() { stop_.request_stop(); }
  // Waits until run() returned; false after `timeout`.
  bool await_done(std::chrono::milliseconds timeout = 60s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return finished_.wait_for(lock, timeout, [this] { return done_; });
  }
  bool done() {
    std::lock_guard<std::mutex> lock(mutex_);
    return done_;
  }
  // Only once done.
  const Status& status() const { return status_; }
  const TaskCounters& counters() const { return task_->counters(); }
  StopSignal& publishers_stop() { return publishers_stop_; }

 private:
  StopSignal stop_;
  StopSignal publishers_stop_;
  SystemClock clock_{&stop_};
  SystemRandom random_;
  std::unique_ptr<SinkTask> task_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;
  Status status_ = ok_status();
  std::thread thread_;
};

}  // namespace sfpe::sink::fakes
