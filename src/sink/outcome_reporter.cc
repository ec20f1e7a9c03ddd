#include "sink/outcome_reporter.h"

#include <fmt/format.h>

#include <algorithm>

namespace sfpe::sink {

OutcomeReporter::OutcomeReporter(ReportingSettings settings, TaskIdentity task,
                                 std::shared_ptr<spdlog::logger> log)
    : settings_(std::move(settings)), task_(std::move(task)), log_(std::move(log)) {}

Result<std::unique_ptr<OutcomeReporter>> OutcomeReporter::create(
    ReportingSettings settings, TaskIdentity task, std::shared_ptr<spdlog::logger> log,
    DeadLetterCallback on_dead_letter) {
  std::unique_ptr<OutcomeReporter> reporter(
      new OutcomeReporter(std::move(settings), std::move(task), std::move(log)));
  OutcomeReporter* self = reporter.get();
  if (!self->settings_.dlq_topic.empty()) {
    auto dlq = kafka::Producer::create(
        self->settings_.dlq_producer, [on_dead_letter](const kafka::Delivery& delivery) {
          on_dead_letter(delivery.token, delivery.error);
        });
    if (!dlq.ok()) {
      return Error{dlq.error().kind, dlq.error().code,
                   "dead letter queue producer: " + dlq.error().message};
    }
    self->dlq_ = std::move(dlq.value());
  }
  if (self->settings_.reporter_enabled()) {
    auto producer = kafka::Producer::create(
        self->settings_.reporter_producer, [self](const kafka::Delivery& delivery) {
          if (delivery.error) self->report_lost(delivery.error->message);
        });
    if (!producer.ok()) {
      return Error{producer.error().kind, producer.error().code,
                   "reporter producer: " + producer.error().message};
    }
    self->reporter_ = std::move(producer.value());
  }
  return reporter;
}

void OutcomeReporter::log_error(const kafka::Record& record, const ErrantRecord& errant) {
  if (!settings_.errors_log_enable) return;
  log_->error("{}", error_log_line(task_, record, errant, settings_.errors_log_include_messages));
}

Status OutcomeReporter::dead_letter(const kafka::Record& record, const ErrantRecord& errant,
                                    uint64_t token) {
  if (!dlq_) return Error::fatal("NO_DLQ", "no dead letter queue is configured");
  return dlq_->produce(dead_letter_record(settings_.dlq_topic, task_, record, errant,
                                          settings_.dlq_context_headers),
                       token);
}

void OutcomeReporter::report(kafka::OutgoingRecord record) {
  Status queued = reporter_->produce(record, 0);
  if (!queued.ok()) report_lost(queued.error().message);
}

void OutcomeReporter::report_lost(const std::string& cause) {
  // Reports are an audit trail, not the data: a lost one (the producer's queue full, its cluster
  // slow or gone, a write refused) is counted and logged once in a thousand, never waited for,
  // never retried past the producer's own retries, and holds nothing back.
  if (report_failures_++ % 1000 == 0) {
    log_->warn("reporter: {} ({} report(s) lost so far)", cause, report_failures_);
  }
}

void OutcomeReporter::report_success(const kafka::Record& record) {
  if (!reporter_ || settings_.result_topic.empty()) return;
  report(success_report(settings_.result_topic, record, settings_.result_format));
}

void OutcomeReporter::report_failure(const kafka::Record& record, const Error& error) {
  if (!reporter_ || settings_.error_topic.empty()) return;
  report(error_report(settings_.error_topic, record, error.code, error.message,
                      settings_.error_format));
}

void OutcomeReporter::poll() {
  if (dlq_) dlq_->poll(std::chrono::milliseconds(0));
  if (reporter_) reporter_->poll(std::chrono::milliseconds(0));
}

bool OutcomeReporter::flush_dead_letters(std::chrono::milliseconds timeout) {
  if (!dlq_) return true;
  return dlq_->flush(timeout);
}

void OutcomeReporter::flush_reports(std::chrono::milliseconds timeout) {
  if (!reporter_) return;
  if (!reporter_->flush(timeout)) {
    int unwritten = reporter_->in_flight();
    report_failures_ += static_cast<uint64_t>(unwritten);
    log_->warn("reporter: {} report(s) still unwritten at shutdown ({} lost in all){}{}",
               unwritten, report_failures_, reporter_->last_error().empty() ? "" : "; last error: ",
               reporter_->last_error());
  }
}

}  // namespace sfpe::sink
