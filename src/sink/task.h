// One sink task: a thread that polls its share of the topics, decodes and maps each record,
// publishes batches to Salesforce, accounts for every record and commits offsets that only
// cover accounted records. tasks.max of these run in one consumer group.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "common/clock.h"
#include "common/result.h"
#include "common/stop_signal.h"
#include "kafka/consumer.h"
#include "kafka/offset_tracker.h"
#include "sink/errant_record.h"
#include "sink/event_publisher.h"
#include "sink/outcome_reporter.h"

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
  std::chrono::milliseconds offset_flush_timeout{5000};
  ErrorTolerance tolerance = ErrorTolerance::kNone;
  ReportingSettings reporting;        // error log, dead letter queue, reporter topics
  std::string value_converter_class;  // named in VALUE_CONVERTER error reports
  ApiErrorBehavior api_errors = ApiErrorBehavior::kFail;
  bool fail_on_null_values = false;  // behavior.on.null.values=fail; else tombstones are skipped
  // errors.retry.timeout for transient conversion errors (schema registry unreachable):
  // 0 = no retries, -1 = forever.
  int64_t conversion_retry_timeout_ms = 0;
  int64_t conversion_retry_max_delay_ms = 60000;
};

// Counts every consumed record's fate; readable from other threads for progress and summaries.
// Each consumed record ends in exactly one of published, dead_lettered and skipped, or stays
// uncommitted (counted in uncommitted at shutdown; failed counts the records that failed the task).
struct TaskCounters {
  std::atomic<uint64_t> consumed{0};
  std::atomic<uint64_t> published{0};      // accepted by Salesforce
  std::atomic<uint64_t> dead_lettered{0};  // written to the dead letter queue (acknowledged)
  std::atomic<uint64_t> skipped{0};        // by a documented rule (tombstones, tolerated errors)
  std::atomic<uint64_t> failed{0};         // failed the task; never committed
  std::atomic<uint64_t> uncommitted{0};    // open when the task stopped (set at the end)
  std::atomic<uint64_t> committed_batches{0};
};

// Turns one consumed record into the JSON body of one event, or says why it cannot and in which
// stage (VALUE_CONVERTER for decoding, TASK_PUT for mapping onto the event).
using RecordPreparer =
    std::function<Result<nlohmann::json>(const kafka::Record&, Stage* failed_stage)>;

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
  Result<nlohmann::json> prepare_with_retries(const kafka::Record& record, Stage* failed_stage);
  // A record that cannot be published (kafka-connect.md §2.2, §2.5): reported to the error
  // topic, logged, dead-lettered under errors.tolerance=all (or skipped without a DLQ). Under
  // errors.tolerance=none it still goes to the log and the DLQ, and the task fails at it.
  Status handle_errant(const kafka::Record& record, ErrantRecord errant);
  // A record Salesforce refused, per behavior.on.api.errors.
  Status handle_rejection(const kafka::Record& record, const Error& error);
  Status dead_letter(const kafka::Record& record, const ErrantRecord& errant);
  void on_dead_letter_written(uint64_t token, const std::optional<Error>& error);
  void account(const kafka::Record& record);
  // While publish() waits for long: pause fetching, keep serving the group.
  void keep_alive_during_publish();
  Status commit_if_due(bool force);
  TaskIdentity identity() const { return {settings_.connector, settings_.task_id}; }

  TaskSettings settings_;
  RecordPreparer preparer_;
  std::unique_ptr<EventPublisher> publisher_;
  std::shared_ptr<spdlog::logger> log_;
  StopSignal& stop_;
  Clock& clock_;
  Random& random_;

  std::unique_ptr<OutcomeReporter> reporter_;
  struct PendingDeadLetter {
    kafka::TopicPartition partition;
    int64_t offset;
  };
  std::map<uint64_t, PendingDeadLetter> dead_letters_;  // by token, until acknowledged
  uint64_t next_token_ = 1;
  std::optional<Error> dead_letter_failure_;
  std::unique_ptr<kafka::Consumer> consumer_;
  kafka::OffsetTracker tracker_;
  std::vector<kafka::Record> pending_;  // polled, not yet processed
  Clock::TimePoint next_commit_;
  bool paused_ = false;  // fetching paused by keep_alive_during_publish()
  TaskCounters counters_;
};

}  // namespace sfpe::sink
