// One sink task: a thread that polls its share of the topics, decodes and maps each record,
// publishes batches to Salesforce, accounts for every record and commits offsets that only
// cover accounted records. tasks.max of these run in one consumer group.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "common/clock.h"
#include "common/result.h"
#include "common/stop_signal.h"
#include "kafka/consumer.h"
#include "kafka/offset_tracker.h"
#include "sink/event_publisher.h"

namespace sfpe::sink {

enum class ErrorTolerance { kNone, kAll };           // errors.tolerance
enum class ApiErrorBehavior { kFail, kLog, kIgnore };  // behavior.on.api.errors

struct TaskSettings {
  std::string connector;
  int task_id = 0;
  kafka::ConsumerSettings consumer;
  size_t max_batch_records = 200;  // sObject Collections allows 200 records a request
  std::chrono::milliseconds linger{20};
  std::chrono::milliseconds offset_flush_interval{60000};
  ErrorTolerance tolerance = ErrorTolerance::kNone;
  bool errors_log_enable = false;
  bool errors_log_include_messages = false;
  ApiErrorBehavior api_errors = ApiErrorBehavior::kFail;
  bool fail_on_null_values = false;  // behavior.on.null.values=fail; else tombstones are skipped
  // errors.retry.timeout for transient conversion errors (schema registry unreachable):
  // 0 = no retries, -1 = forever.
  int64_t conversion_retry_timeout_ms = 0;
  int64_t conversion_retry_max_delay_ms = 60000;
};

// Counts every consumed record's fate; readable from other threads for progress and summaries.
struct TaskCounters {
  std::atomic<uint64_t> consumed{0};
  std::atomic<uint64_t> published{0};
  std::atomic<uint64_t> failed{0};   // rejected or undecodable, and not skipped
  std::atomic<uint64_t> skipped{0};  // by a documented rule (tombstones, tolerated errors)
  std::atomic<uint64_t> committed_batches{0};
};

// Turns one consumed record into the JSON body of one event, or says why it cannot.
using RecordPreparer = std::function<Result<nlohmann::json>(const kafka::Record&)>;

class SinkTask : public kafka::RebalanceListener {
 public:
  SinkTask(TaskSettings settings, RecordPreparer preparer,
           std::unique_ptr<EventPublisher> publisher, std::shared_ptr<spdlog::logger> logger,
           StopSignal& stop, Clock& clock, Random& random);

  // Runs until a stop is requested (returns ok) or the task fails (returns the cause). Either
  // way, it has committed every accounted offset it could before returning.
  Status run();

  const TaskCounters& counters() const { return counters_; }

  void on_assigned(const std::vector<kafka::TopicPartition>& partitions) override;
  void on_revoked(const std::vector<kafka::TopicPartition>& partitions) override;

 private:
  struct Prepared {
    const kafka::Record* record;
    nlohmann::json event;
  };

  std::vector<kafka::Record> collect_batch();
  Status process_batch(const std::vector<kafka::Record>& batch);
  Status publish_prepared(std::vector<Prepared>& prepared);
  Result<nlohmann::json> prepare_with_retries(const kafka::Record& record);
  Status handle_record_error(const kafka::Record& record, const Error& error, const char* stage);
  void account(const kafka::Record& record);
  // While publish() waits for long: pause fetching, keep serving the group.
  void keep_alive_during_publish();
  Status commit_if_due(bool force);

  TaskSettings settings_;
  RecordPreparer preparer_;
  std::unique_ptr<EventPublisher> publisher_;
  std::shared_ptr<spdlog::logger> log_;
  StopSignal& stop_;
  Clock& clock_;
  Random& random_;

  std::unique_ptr<kafka::Consumer> consumer_;
  kafka::OffsetTracker tracker_;
  std::vector<kafka::Record> pending_;  // polled, not yet processed
  Clock::TimePoint next_commit_;
  bool paused_ = false;  // fetching paused by keep_alive_during_publish()
  TaskCounters counters_;
};

}  // namespace sfpe::sink
