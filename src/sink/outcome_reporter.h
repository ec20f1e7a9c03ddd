// Tells the outside world what became of records: the error log (errors.log.enable), the dead
// letter queue (errors.deadletterqueue.*) and the Connect Reporter's result and error topics
// (reporter.*). One per task, on the task's thread. Dead letter writes are acknowledged through
// a callback so that the task commits a dead-lettered record's offset only once its copy is
// durable (kafka-connect.md §2.5); reporter writes are best effort and never hold a commit back.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "common/result.h"
#include "kafka/producer.h"
#include "sink/errant_record.h"
#include "sink/report_records.h"

namespace sfpe::sink {

struct ReportingSettings {
  bool errors_log_enable = false;
  bool errors_log_include_messages = false;
  std::string dlq_topic;  // empty: no dead letter queue
  bool dlq_context_headers = false;
  std::map<std::string, std::string> dlq_producer;  // librdkafka settings, merged
  // reporter.*: an empty topic name turns that report off; no producer settings, no reporter.
  std::string result_topic;
  std::string error_topic;
  ReportFormat result_format;
  ReportFormat error_format;
  std::map<std::string, std::string> reporter_producer;

  bool reporter_enabled() const {
    return !reporter_producer.empty() && (!result_topic.empty() || !error_topic.empty());
  }
};

class OutcomeReporter {
 public:
  // Called with the token given to dead_letter() once the copy is written (no error) or failed.
  using DeadLetterCallback = std::function<void(uint64_t token, const std::optional<Error>& error)>;

  static Result<std::unique_ptr<OutcomeReporter>> create(ReportingSettings settings,
                                                         TaskIdentity task,
                                                         std::shared_ptr<spdlog::logger> log,
                                                         DeadLetterCallback on_dead_letter);

  bool has_dead_letter_queue() const { return dlq_ != nullptr; }
  // Connect gives a sink an ErrantRecordReporter only when a DLQ or the error log is on
  // (kafka-connect.md §2.5).
  bool errant_reporter_available() const {
    return dlq_ != nullptr || settings_.errors_log_enable;
  }

  // The error log line, when errors.log.enable is on.
  void log_error(const kafka::Record& record, const ErrantRecord& errant);
  // Queues the DLQ copy of `record` without waiting; its outcome comes back through the
  // callback. A transient KAFKA_QUEUE_FULL error means it was not queued: try again later.
  Status dead_letter(const kafka::Record& record, const ErrantRecord& errant, uint64_t token);
  void report_success(const kafka::Record& record);
  void report_failure(const kafka::Record& record, const Error& error);

  // Serves delivery callbacks without waiting.
  void poll();
  // Waits up to `timeout` for every dead letter write to be settled; false if some are not.
  bool flush_dead_letters(std::chrono::milliseconds timeout);
  // Waits up to `timeout` for the reports (at shutdown, after the final commit: they never hold
  // one back). What is still unwritten then is counted lost.
  void flush_reports(std::chrono::milliseconds timeout);
  int dead_letters_in_flight() const { return dlq_ ? dlq_->in_flight() : 0; }
  // What the dead letter queue's producer last reported wrong (empty if nothing).
  std::string dead_letter_queue_problem() const { return dlq_ ? dlq_->last_error() : ""; }
  // Reports that could not be written (queue full, cluster unreachable, refused).
  uint64_t reports_lost() const { return report_failures_; }

 private:
  OutcomeReporter(ReportingSettings settings, TaskIdentity task,
                  std::shared_ptr<spdlog::logger> log);
  void report(kafka::OutgoingRecord record);
  void report_lost(const std::string& cause);

  ReportingSettings settings_;
  TaskIdentity task_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<kafka::Producer> dlq_;
  std::unique_ptr<kafka::Producer> reporter_;
  uint64_t report_failures_ = 0;
};

}  // namespace sfpe::sink
