#include "sink/task.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sfpe::sink {
namespace {

kafka::TopicPartition partition_of(const kafka::Record& record) {
  return {record.topic, record.partition};
}

std::string where(const kafka::Record& record) {
  return fmt::format("topic {} partition {} offset {}", record.topic, record.partition,
                     record.offset);
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
  // reads them again); what was accounted is committed. Records of these partitions still in a
  // publish stay uncommitted here and are forgotten: their outcome no longer moves an offset, and
  // the next owner publishes them again (at least once).
  std::set<kafka::TopicPartition> revoked(partitions.begin(), partitions.end());
  std::erase_if(pending_, [&](const kafka::Record& r) { return revoked.count(partition_of(r)); });
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
    Status committed = commit_if_due(false);
    if (!committed.ok()) log_->warn("{}", committed.error().message);
  }

  // Whether stopping or failing: commit everything accounted for, then leave the group.
  Status final_commit = commit_if_due(true);
  if (!final_commit.ok()) log_->warn("final {}", final_commit.error().message);
  consumer_->close();
  log_->info("task stopped: consumed {}, published {}, failed {}, skipped {}, open {}",
             counters_.consumed.load(), counters_.published.load(), counters_.failed.load(),
             counters_.skipped.load(), tracker_.open_count());
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
      continue;
    }
    pending_.push_back(std::move(*polled.record));
    if (!deadline) deadline = clock_.now() + settings_.linger;
  }
  std::vector<kafka::Record> batch;
  batch.swap(pending_);
  return batch;
}

Result<nlohmann::json> SinkTask::prepare_with_retries(const kafka::Record& record) {
  // Transient conversion failures (the schema registry unreachable) are not the record's fault:
  // retry them per errors.retry.timeout with Connect's backoff (kafka-connect.md §2.2: 300 ms
  // doubling, capped by errors.retry.delay.max.ms), and never skip a record because of one.
  auto start = clock_.now();
  int64_t delay_ms = 300;
  for (;;) {
    auto prepared = preparer_(record);
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
        stop_error = Error::permanent(
            "TOMBSTONE", fmt::format("{}: the value is null (a tombstone) and "
                                     "behavior.on.null.values=fail",
                                     where(record)));
        break;
      }
      // A tombstone carries no event (the original connector has nothing to publish either).
      log_->debug("{}: null value (tombstone) skipped", where(record));
      counters_.skipped++;
      account(record);
      continue;
    }
    auto event = prepare_with_retries(record);
    if (!event.ok()) {
      if (event.error().kind == ErrorKind::kTransient) {
        stop_error = Error::transient(event.error().code,
                                      fmt::format("{}; gave up after errors.retry.timeout={} ms",
                                                  event.error().message,
                                                  settings_.conversion_retry_timeout_ms));
        break;
      }
      Status handled = handle_record_error(record, event.error(), "VALUE_CONVERTER");
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
      continue;
    }
    Error error = outcome.error.value_or(Error::permanent("UNKNOWN", "rejected without a reason"));
    std::string message = fmt::format("{}: Salesforce rejected the event: {} {}", where(record),
                                      error.code, error.message);
    switch (settings_.api_errors) {
      case ApiErrorBehavior::kFail:
        counters_.failed++;
        if (!failure) {
          failure = Error{ErrorKind::kPermanent, error.code,
                          message + " (behavior.on.api.errors=fail)"};
        }
        break;
      case ApiErrorBehavior::kLog:
        log_->warn("{}; skipped (behavior.on.api.errors=log)", message);
        [[fallthrough]];
      case ApiErrorBehavior::kIgnore:
        counters_.skipped++;
        account(record);
        break;
    }
  }
  if (failure) return *failure;
  return ok_status();
}

Status SinkTask::handle_record_error(const kafka::Record& record, const Error& error,
                                     const char* stage) {
  if (settings_.tolerance == ErrorTolerance::kNone) {
    counters_.failed++;
    return Error{error.kind, error.code,
                 fmt::format("{} (stage {}; errors.tolerance=none)", error.message, stage)};
  }
  if (settings_.errors_log_enable) {
    // Kafka Connect's LogReporter line (kafka-connect.md §2.2).
    std::string context;
    if (settings_.errors_log_include_messages) {
      context = fmt::format(", where consumed record is {{topic='{}', partition={}, offset={}, "
                            "timestamp={}, timestampType=CreateTime}}",
                            record.topic, record.partition, record.offset, record.timestamp_ms);
    }
    log_->error("Error encountered in task {}-{}. Executing stage '{}'{}: {}",
                settings_.connector, settings_.task_id, stage, context, error.message);
  }
  counters_.skipped++;
  account(record);
  return ok_status();
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
}

void SinkTask::account(const kafka::Record& record) {
  tracker_.ack(partition_of(record), record.offset);
}

Status SinkTask::commit_if_due(bool force) {
  if (!force && clock_.now() < next_commit_) return ok_status();
  next_commit_ = clock_.now() + settings_.offset_flush_interval;
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
