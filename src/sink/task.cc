#include "sink/task.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sfpe::sink {
namespace {

// Salesforce's maximum event message size (salesforce-api.md §7: 1 MB in every edition), taken
// as the size of the event's JSON body.
constexpr size_t kMaxEventBytes = 1024 * 1024;

kafka::TopicPartition partition_of(const kafka::Record& record) {
  return {record.topic, record.partition};
}

std::string where(const kafka::Record& record) {
  return fmt::format("topic {} partition {} offset {}", record.topic, record.partition,
                     record.offset);
}

// The size of `event`'s JSON body when it may be over kMaxEventBytes; 0 when it surely is not.
// Escaping can at most grow a string six times, so most events are cleared without serializing.
size_t event_size_if_large(const nlohmann::json& event) {
  size_t estimate = 2;
  for (const auto& [name, value] : event.items()) {
    estimate += name.size() + 4 + (value.is_string() ? value.get_ref<const std::string&>().size() : 40);
  }
  if (estimate * 6 <= kMaxEventBytes) return 0;
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

}  // namespace

SinkTask::SinkTask(TaskSettings settings, RecordPreparer preparer,
                   std::unique_ptr<EventPublisher> publisher,
                   std::shared_ptr<spdlog::logger> logger, StopSignal& stop, Clock& clock,
                   Random& random)
    : settings_(std::move(settings)),
      preparer_(std::move(preparer)),
      publisher_(std::move(publisher)),
      log_(std::move(logger)),
      stop_(stop),
      clock_(clock),
      random_(random) {}

void SinkTask::on_assigned(const std::vector<kafka::TopicPartition>& partitions) {
  std::string names;
  for (const auto& tp : partitions) names += (names.empty() ? "" : ", ") + kafka::to_string(tp);
  log_->info("partitions assigned: [{}]", names);
}

void SinkTask::on_revoked(const std::vector<kafka::TopicPartition>& partitions) {
  // Runs inside poll(): between batches, or while a publish waits for the publishing allocation
  // (keep_alive_during_publish). Records polled but not processed are dropped (the next owner
  // reads them again); what was accounted is committed, dead letters written first (Connect
  // awaits its reporters before the commit on revocation). Records of these partitions still in
  // a publish stay uncommitted here and are forgotten: their outcome no longer moves an offset,
  // and the next owner publishes them again (at least once).
  std::set<kafka::TopicPartition> revoked(partitions.begin(), partitions.end());
  std::erase_if(pending_, [&](const kafka::Record& r) { return revoked.count(partition_of(r)); });
  if (reporter_ && reporter_->dead_letters_in_flight() > 0) {
    reporter_->flush_dead_letters(settings_.offset_flush_timeout);
  }
  std::map<kafka::TopicPartition, int64_t> offsets;
  for (const auto& [tp, offset] : tracker_.committable()) {
    if (revoked.count(tp)) offsets.emplace(tp, offset);
  }
  if (!offsets.empty() && consumer_) {
    Status status = consumer_->commit(offsets);
    if (status.ok()) {
      tracker_.mark_committed(offsets);
    } else {
      log_->warn("commit on revocation failed ({}); those records will be read again",
                 status.error().message);
    }
  }
  tracker_.forget(partitions);
  std::string names;
  for (const auto& tp : partitions) names += (names.empty() ? "" : ", ") + kafka::to_string(tp);
  log_->info("partitions revoked: [{}]", names);
}

Status SinkTask::run() {
  auto reporter = OutcomeReporter::create(
      settings_.reporting, identity(), log_,
      [this](uint64_t token, const std::optional<Error>& error) {
        on_dead_letter_written(token, error);
      });
  if (!reporter.ok()) return reporter.error();
  reporter_ = std::move(reporter.value());
  auto consumer = kafka::Consumer::create(settings_.consumer, this);
  if (!consumer.ok()) return consumer.error();
  consumer_ = std::move(consumer.value());
  publisher_->set_keep_alive([this] { keep_alive_during_publish(); });
  next_commit_ = clock_.now() + settings_.offset_flush_interval;
  log_->info("task started, group {}", settings_.consumer.properties.at("group.id"));

  Status outcome = ok_status();
  while (!stop_.stop_requested()) {
    std::vector<kafka::Record> batch = collect_batch();
    if (!batch.empty()) {
      outcome = process_batch(batch);
      if (!outcome.ok()) break;
    }
    reporter_->poll();
    if (dead_letter_failure_) break;
    Status committed = commit_if_due(false);
    if (!committed.ok()) log_->warn("{}", committed.error().message);
  }

  // Whether stopping or failing: let queued dead letters and reports settle, commit everything
  // accounted for, then leave the group.
  reporter_->flush_all(settings_.offset_flush_timeout);
  if (dead_letter_failure_ && outcome.ok()) outcome = *dead_letter_failure_;
  Status final_commit = commit_if_due(true);
  if (!final_commit.ok()) log_->warn("final {}", final_commit.error().message);
  consumer_->close();
  counters_.uncommitted = tracker_.open_count();
  log_->info(
      "task stopped: consumed {}, published {}, dead-lettered {}, skipped {}, failed {}, "
      "uncommitted {}",
      counters_.consumed.load(), counters_.published.load(), counters_.dead_lettered.load(),
      counters_.skipped.load(), counters_.failed.load(), counters_.uncommitted.load());
  return outcome;
}

std::vector<kafka::Record> SinkTask::collect_batch() {
  // Fill up to max_batch_records; once the first record is in, wait at most `linger` for more.
  std::optional<Clock::TimePoint> deadline;
  const auto idle_poll = std::chrono::milliseconds(200);
  while (pending_.size() < settings_.max_batch_records && !stop_.stop_requested()) {
    auto timeout = idle_poll;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock_.now());
      if (left.count() <= 0) break;
      timeout = std::min(timeout, left);
    }
    auto polled = consumer_->poll(timeout);
    if (polled.error) {
      if (polled.error->kind == ErrorKind::kFatal) {
        log_->error("Kafka consumer failed: {}", polled.error->message);
        stop_.request_stop();
        break;
      }
      log_->warn("Kafka consumer: {}", polled.error->message);
      continue;
    }
    if (!polled.record) {
      if (!pending_.empty()) break;  // quiet topic: send what we have
      if (clock_.now() >= next_commit_) break;
      reporter_->poll();
      if (dead_letter_failure_) break;
      continue;
    }
    pending_.push_back(std::move(*polled.record));
    if (!deadline) deadline = clock_.now() + settings_.linger;
  }
  std::vector<kafka::Record> batch;
  batch.swap(pending_);
  return batch;
}

Result<nlohmann::json> SinkTask::prepare_with_retries(const kafka::Record& record,
                                                      Stage* failed_stage) {
  // Transient conversion failures (the schema registry unreachable) are not the record's fault:
  // retry them per errors.retry.timeout with Connect's backoff (kafka-connect.md §2.2: 300 ms
  // doubling, capped by errors.retry.delay.max.ms). Unlike Connect, a record is never skipped or
  // dead-lettered because of one: when the retries run out the task fails, uncommitted.
  auto start = clock_.now();
  int64_t delay_ms = 300;
  for (;;) {
    auto prepared = preparer_(record, failed_stage);
    if (prepared.ok() || prepared.error().kind != ErrorKind::kTransient) return prepared;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start);
    bool forever = settings_.conversion_retry_timeout_ms < 0;
    if ((!forever && elapsed.count() >= settings_.conversion_retry_timeout_ms) ||
        stop_.stop_requested()) {
      return prepared;
    }
    int64_t wait = delay_ms;
    if (wait > settings_.conversion_retry_max_delay_ms) {
      wait = static_cast<int64_t>(
          random_.uniform(static_cast<uint64_t>(settings_.conversion_retry_max_delay_ms)));
    }
    if (!forever) wait = std::min(wait, settings_.conversion_retry_timeout_ms - elapsed.count());
    log_->warn("{} (retrying in {} ms)", prepared.error().message, wait);
    clock_.sleep_for(std::chrono::milliseconds(wait));
    delay_ms = std::min<int64_t>(delay_ms * 2, 1LL << 40);
  }
}

Status SinkTask::process_batch(const std::vector<kafka::Record>& batch) {
  std::vector<Prepared> prepared;
  prepared.reserve(batch.size());
  // A record that fails the task stops preparation there; the records before it are still
  // published and committed, so the task stops exactly at the record that caused it.
  std::optional<Error> stop_error;
  for (const auto& record : batch) {
    tracker_.track(partition_of(record), record.offset);
    counters_.consumed++;
    if (!record.value) {
      if (settings_.fail_on_null_values) {
        Status handled = handle_errant(
            record, {Stage::kTaskPut, kSinkTaskClass, kDataException,
                     Error::permanent("TOMBSTONE",
                                      fmt::format("{}: the value is null (a tombstone) and "
                                                  "behavior.on.null.values=fail",
                                                  where(record)))});
        if (!handled.ok()) {
          stop_error = handled.error();
          break;
        }
        continue;
      }
      // A tombstone carries no event (the original connector has nothing to publish either).
      log_->debug("{}: null value (tombstone) skipped", where(record));
      counters_.skipped++;
      account(record);
      continue;
    }
    Stage stage = Stage::kValueConverter;
    auto event = prepare_with_retries(record, &stage);
    std::optional<ErrantRecord> errant;
    if (!event.ok()) {
      if (event.error().kind == ErrorKind::kTransient) {
        counters_.failed++;
        stop_error = Error::transient(event.error().code,
                                      fmt::format("{}; gave up after errors.retry.timeout={} ms",
                                                  event.error().message,
                                                  settings_.conversion_retry_timeout_ms));
        break;
      }
      bool converter = stage == Stage::kValueConverter;
      errant = ErrantRecord{stage, converter ? settings_.value_converter_class : kSinkTaskClass,
                            kDataException, event.error()};
    } else if (size_t size = event_size_if_large(*event); size > kMaxEventBytes) {
      errant = ErrantRecord{
          Stage::kTaskPut, kSinkTaskClass, kDataException,
          Error::permanent("EVENT_TOO_LARGE",
                           fmt::format("{}: the event is {} bytes, over Salesforce's maximum "
                                       "event size of {} bytes",
                                       where(record), size, kMaxEventBytes))};
    }
    if (errant) {
      Status handled = handle_errant(record, std::move(*errant));
      if (!handled.ok()) {
        stop_error = handled.error();
        break;
      }
      continue;
    }
    prepared.push_back({&record, std::move(event.value())});
  }
  Status published = publish_prepared(prepared);
  if (stop_error) return *stop_error;
  return published;
}

Status SinkTask::publish_prepared(std::vector<Prepared>& prepared) {
  if (prepared.empty()) return ok_status();

  std::vector<nlohmann::json> events;
  events.reserve(prepared.size());
  for (auto& p : prepared) events.push_back(std::move(p.event));
  auto outcomes = publisher_->publish(events);
  if (paused_) {
    Status resumed = consumer_->resume_assigned();
    if (resumed.ok()) {
      paused_ = false;
      log_->info("consumption resumed");
    } else {
      log_->warn("{}", resumed.error().message);
    }
  }
  if (!outcomes.ok()) {
    if (stop_.stop_requested()) {
      log_->info("publish interrupted by shutdown; {} records stay uncommitted", prepared.size());
      return ok_status();
    }
    return outcomes.error();
  }
  if (outcomes->size() != prepared.size()) {
    return Error::fatal("PUBLISH_RESULTS", fmt::format("{} results for {} events",
                                                       outcomes->size(), prepared.size()));
  }
  // Account for every outcome first (accepted records of other partitions can then be
  // committed), and fail afterwards if a rejection demands it: the rejected offset stays open,
  // so no commit ever passes it.
  std::optional<Error> failure;
  for (size_t i = 0; i < prepared.size(); ++i) {
    const kafka::Record& record = *prepared[i].record;
    const PublishOutcome& outcome = (*outcomes)[i];
    if (outcome.accepted) {
      counters_.published++;
      account(record);
      reporter_->report_success(record);
      continue;
    }
    Status handled = handle_rejection(
        record, outcome.error.value_or(Error::permanent("UNKNOWN", "rejected without a reason")));
    if (!handled.ok() && !failure) failure = handled.error();
  }
  if (failure) return *failure;
  return ok_status();
}

Status SinkTask::handle_rejection(const kafka::Record& record, const Error& error) {
  ErrantRecord errant{Stage::kTaskPut, kSinkTaskClass, kConnectException,
                      Error{ErrorKind::kPermanent, error.code,
                            fmt::format("{}: Salesforce rejected the event: {} {}", where(record),
                                        error.code, error.message)}};
  switch (settings_.api_errors) {
    case ApiErrorBehavior::kFail:
      // The original reports the record through Connect's ErrantRecordReporter when there is
      // one, so errors.tolerance decides; without one the task fails (kafka-connect.md §2.5).
      if (reporter_->errant_reporter_available()) return handle_errant(record, std::move(errant));
      reporter_->report_failure(record, errant.error);
      counters_.failed++;
      return Error{ErrorKind::kPermanent, error.code,
                   errant.error.message + " (behavior.on.api.errors=fail)"};
    case ApiErrorBehavior::kLog:
      log_->warn("{}; skipped (behavior.on.api.errors=log)", errant.error.message);
      [[fallthrough]];
    case ApiErrorBehavior::kIgnore:
      // Skipped, unless a dead letter queue under errors.tolerance=all can keep it.
      if (settings_.tolerance == ErrorTolerance::kAll && reporter_->has_dead_letter_queue()) {
        return handle_errant(record, std::move(errant));
      }
      reporter_->report_failure(record, errant.error);
      counters_.skipped++;
      account(record);
      return ok_status();
  }
  return ok_status();
}

Status SinkTask::handle_errant(const kafka::Record& record, ErrantRecord errant) {
  reporter_->report_failure(record, errant.error);
  reporter_->log_error(record, errant);
  if (settings_.tolerance == ErrorTolerance::kNone) {
    // Connect reports the failing record to the log and the DLQ before the task dies
    // (kafka-connect.md §2.2); its offset is never committed, so a restart reads it again.
    if (reporter_->has_dead_letter_queue()) {
      Status queued = reporter_->dead_letter(record, errant, 0);  // token 0: never accounted
      if (!queued.ok()) log_->error("{}: {}", where(record), queued.error().message);
    }
    counters_.failed++;
    return Error{errant.error.kind == ErrorKind::kFatal ? ErrorKind::kFatal : ErrorKind::kPermanent,
                 errant.error.code,
                 fmt::format("{} (stage {}; errors.tolerance=none)", errant.error.message,
                             stage_name(errant.stage))};
  }
  if (reporter_->has_dead_letter_queue()) return dead_letter(record, errant);
  if (!settings_.reporting.errors_log_enable) {
    log_->warn("{} (stage {}); skipped (errors.tolerance=all)", errant.error.message,
               stage_name(errant.stage));
  }
  counters_.skipped++;
  account(record);
  return ok_status();
}

Status SinkTask::dead_letter(const kafka::Record& record, const ErrantRecord& errant) {
  uint64_t token = next_token_++;
  Status queued = reporter_->dead_letter(record, errant, token);
  if (!queued.ok()) {
    counters_.failed++;
    return Error::fatal(queued.error().code,
                        fmt::format("{}: could not write the record to the dead letter queue "
                                    "{}: {}",
                                    where(record), settings_.reporting.dlq_topic,
                                    queued.error().message));
  }
  dead_letters_.emplace(token, PendingDeadLetter{partition_of(record), record.offset});
  return ok_status();
}

void SinkTask::on_dead_letter_written(uint64_t token, const std::optional<Error>& error) {
  auto it = dead_letters_.find(token);
  if (it == dead_letters_.end()) {
    if (error) log_->error("dead letter queue: {}", error->message);
    return;
  }
  PendingDeadLetter pending = it->second;
  dead_letters_.erase(it);
  if (error) {
    // Connect only logs a failed DLQ write and goes on; here the record stays uncommitted and
    // the task stops, so nothing is lost.
    counters_.failed++;
    if (!dead_letter_failure_) {
      dead_letter_failure_ = Error::fatal(
          "DLQ_WRITE", fmt::format("topic {} partition {} offset {}: {}; the record stays "
                                   "uncommitted",
                                   pending.partition.topic, pending.partition.partition,
                                   pending.offset, error->message));
    }
    return;
  }
  counters_.dead_lettered++;
  tracker_.ack(pending.partition, pending.offset);
}

void SinkTask::keep_alive_during_publish() {
  if (!paused_) {
    Status paused = consumer_->pause_assigned();
    if (!paused.ok()) {
      log_->warn("{}", paused.error().message);
    } else {
      paused_ = true;
      log_->info("consumption paused while publishing waits");
    }
  }
  // Serves heartbeats and rebalances (kafka-connect.md §1.3). Paused partitions give no records;
  // one fetched before the pause, or from a partition assigned since, waits in pending_ (empty
  // while a batch is being published) for the next batch.
  auto polled = consumer_->poll(std::chrono::milliseconds(0));
  if (polled.record) pending_.push_back(std::move(*polled.record));
  reporter_->poll();
}

void SinkTask::account(const kafka::Record& record) {
  tracker_.ack(partition_of(record), record.offset);
}

Status SinkTask::commit_if_due(bool force) {
  if (!force && clock_.now() < next_commit_) return ok_status();
  next_commit_ = clock_.now() + settings_.offset_flush_interval;
  // Dead letters settle first, so that the commit covers them (Connect's awaitFutures).
  if (reporter_->dead_letters_in_flight() > 0 &&
      !reporter_->flush_dead_letters(settings_.offset_flush_timeout)) {
    log_->warn("{} dead letter queue write(s) not acknowledged within offset.flush.timeout.ms={}; "
               "their offsets wait for the next commit",
               reporter_->dead_letters_in_flight(), settings_.offset_flush_timeout.count());
  }
  auto offsets = tracker_.committable();
  if (offsets.empty()) return ok_status();
  Status status = consumer_->commit(offsets);
  if (!status.ok()) return status;
  tracker_.mark_committed(offsets);
  counters_.committed_batches++;
  if (log_->should_log(spdlog::level::debug)) {
    for (const auto& [tp, offset] : offsets) {
      log_->debug("committed {} at offset {}", kafka::to_string(tp), offset);
    }
  }
  return ok_status();
}

}  // namespace sfpe::sink
