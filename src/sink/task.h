// One sink task: a thread that polls its share of the topics, decodes and maps each record,
// publishes batches to Salesforce, accounts for every record and commits offsets that only
// cover accounted records. tasks.max of these run in one consumer group.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
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
#include "sink/group_leave.h"
#include "sink/outcome_reporter.h"
#include "sink/publish_pipeline.h"

namespace sfpe::sink {

enum class ErrorTolerance { kNone, kAll };           // errors.tolerance
enum class ApiErrorBehavior { kFail, kLog, kIgnore };  // behavior.on.api.errors

struct TaskSettings {
  std::string connector;
  int task_id = 0;
  kafka::ConsumerSettings consumer;
  size_t max_batch_records = 200;  // salesforce.publish.batch.size (sObject Collections: 200)
  std::chrono::milliseconds linger{20};  // salesforce.publish.linger.ms
  // salesforce.publish.preserve.partition.order: never two batches of one partition in flight.
  bool preserve_partition_order = true;
  // salesforce.publish.buffer.max.records / .bytes: records polled and not yet settled, past
  // which the task pauses its partitions (and resumes below half).
  size_t buffer_max_records = 20000;
  size_t buffer_max_bytes = 32 * 1024 * 1024;
  std::chrono::milliseconds offset_flush_interval{60000};
  std::chrono::milliseconds offset_flush_timeout{5000};
  // task.shutdown.graceful.timeout.ms: from a stop (or failure) to leaving the group. The worker
  // gives up on a task after this long, so the task commits what is settled first, then waits
  // for its batches in flight within it (see run()).
  std::chrono::milliseconds shutdown_grace{5000};
  // Shared by the tasks of one connector (one consumer group): they leave it together, after
  // each has made its final commit. Null: leave at once.
  std::shared_ptr<GroupLeave> group_leave;
  // Called once, on the task thread, as soon as the task fails (before it stops): the worker
  // stops the connector's other tasks then, so that they reach the group leave together.
  std::function<void(const Error&)> on_failure;
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
// uncommitted (counted in uncommitted at shutdown: read, and neither accepted, dead-lettered nor
// skipped when the task left its group). failed counts the records that failed the task, a
// failed batch's records included; they are uncommitted too.
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
    std::function<Result<Event>(const kafka::Record&, Stage* failed_stage)>;

class SinkTask : public kafka::RebalanceListener {
 public:
  // One publisher per batch in flight (salesforce.publish.max.in.flight), each used by one
  // publishing thread only.
  // `stop` asks the task to stop. `publishers_stop`, when given, is the signal the publishers'
  // retries and waits watch: the task raises it as soon as it stops or fails, so a failing task
  // does not let its other batches retry for up to request.max.retries.time.ms.
  SinkTask(TaskSettings settings, RecordPreparer preparer,
           std::vector<std::unique_ptr<EventPublisher>> publishers,
           std::shared_ptr<spdlog::logger> logger, StopSignal& stop, Clock& clock, Random& random,
           StopSignal* publishers_stop = nullptr);
  ~SinkTask() override;

  // Runs until a stop is requested (returns ok) or the task fails (returns the cause). Either
  // way it stops in phases (docs/architecture.md, "Stopping"): stop fetching and commit what is
  // settled; wait for the batches in flight and the dead letters within the grace period and
  // commit again; wait for the connector's other tasks; leave the group.
  Status run();

  const TaskCounters& counters() const { return counters_; }

  void on_assigned(const std::vector<kafka::TopicPartition>& partitions) override;
  void on_revoked(const std::vector<kafka::TopicPartition>& partitions) override;
  void on_lost(const std::vector<kafka::TopicPartition>& partitions) override;

 private:
  struct Waiting {
    kafka::Record record;
    Clock::TimePoint arrived;
  };
  struct InFlight {
    std::vector<kafka::Record> records;  // one per event, in the batch's order
    std::vector<kafka::TopicPartition> partitions;
    size_t bytes = 0;
  };

  // Polls what the buffer bound allows, waiting at most until there is something to do.
  void poll_records();
  void add_waiting(kafka::Record record);
  // Forms batches from the partitions that have none in flight and hands them to the pipeline
  // while it has room.
  void dispatch_batches();
  bool batch_ready(Clock::TimePoint now) const;
  void settle(PublishPipeline::Completion completion);
  void settle_outcomes(const InFlight& batch, std::vector<PublishOutcome>& outcomes);
  void fail(Error error);
  bool stopping() const { return stop_.stop_requested() || failure_.has_value(); }
  // The phases of a stop, after the main loop ends (see run()).
  void shut_down();
  // Drops the records of `partitions` that wait to be batched (their next owner reads them).
  void drop_waiting(const std::vector<kafka::TopicPartition>& partitions);
  // Pauses fetching while the buffer is over its bound or a publisher waits for the publishing
  // allocation; resumes when neither holds.
  void update_pause();

  Result<Event> prepare_once(const kafka::Record& record, Stage* failed_stage);
  Result<Event> prepare_with_retries(const kafka::Record& record, Stage* failed_stage);
  // Decodes and maps `record`; nullopt when it was settled otherwise (skipped, dead-lettered)
  // or failed the task.
  std::optional<Event> prepare(const kafka::Record& record);
  // A record that cannot be published (kafka-connect.md §2.2, §2.5): reported to the error
  // topic, logged, dead-lettered under errors.tolerance=all (or skipped without a DLQ). Under
  // errors.tolerance=none it still goes to the log and the DLQ, and the task fails at it.
  Status handle_errant(const kafka::Record& record, ErrantRecord errant);
  // A record Salesforce refused, per behavior.on.api.errors.
  Status handle_rejection(const kafka::Record& record, const Error& error);
  Status dead_letter(const kafka::Record& record, const ErrantRecord& errant);
  void on_dead_letter_written(uint64_t token, const std::optional<Error>& error);
  void account(const kafka::Record& record);
  Status commit_if_due();
  // Commits what is accounted for now, without waiting for dead letters.
  Status commit_settled();
  // Dead letters the producer could not queue yet (its queue full: the DLQ cluster slow or
  // gone) are queued again here, oldest first.
  void retry_held_dead_letters();
  // Says, every 30 s, that dead letters wait for their cluster and hold their offsets back.
  void report_dead_letter_wait();
  TaskIdentity identity() const { return {settings_.connector, settings_.task_id}; }

  TaskSettings settings_;
  RecordPreparer preparer_;
  std::vector<std::unique_ptr<EventPublisher>> publishers_;  // handed to pipeline_ by run()
  std::shared_ptr<spdlog::logger> log_;
  StopSignal& stop_;
  Clock& clock_;
  Random& random_;

  std::unique_ptr<OutcomeReporter> reporter_;
  struct PendingDeadLetter {
    kafka::TopicPartition partition;
    int64_t offset;
    Clock::TimePoint queued_at;
  };
  // By token (oldest first), until acknowledged: queued in the producer, or held below.
  std::map<uint64_t, PendingDeadLetter> dead_letters_;
  struct HeldDeadLetter {
    kafka::Record record;
    ErrantRecord errant;
    uint64_t token;
  };
  std::deque<HeldDeadLetter> held_dead_letters_;
  Clock::TimePoint last_dead_letter_warning_{};
  uint64_t next_token_ = 1;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<PublishPipeline> pipeline_;
  kafka::OffsetTracker tracker_;

  std::map<kafka::TopicPartition, std::deque<Waiting>> waiting_;  // polled, not yet batched
  size_t waiting_count_ = 0;
  std::map<uint64_t, InFlight> in_flight_;
  std::map<kafka::TopicPartition, int> busy_;  // batches in flight per partition
  uint64_t next_batch_id_ = 1;
  size_t next_partition_ = 0;  // round-robin start for batch filling
  size_t buffered_records_ = 0;  // waiting or in flight
  size_t buffered_bytes_ = 0;

  // When a publishing thread last said it waits for the publishing allocation (steady clock,
  // milliseconds); it says so at least once a second while it waits.
  std::atomic<int64_t> publisher_waited_at_ms_{-1000000000};  // long ago
  bool paused_for_allocation_ = false;
  std::optional<Error> failure_;
  Clock::TimePoint next_commit_;
  TaskCounters counters_;
  StopSignal own_publishers_stop_;
  StopSignal* publishers_stop_;
};

}  // namespace sfpe::sink
