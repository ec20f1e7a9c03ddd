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
size_t event_size_if_large(const Event& event) {
  size_t estimate = 2;
  for (const auto& [name, value] : event.items()) {
    estimate +=
        name.size() + 4 + (value.is_string() ? value.get_ref<const std::string&>().size() : 40);
  }
  if (estimate * 6 <= kMaxEventBytes) return 0;
  return event.dump(-1, ' ', false, Event::error_handler_t::replace).size();
}

constexpr int64_t kLongAgoMs = -1000000000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t record_bytes(const kafka::Record& record) {
  return (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
}

}  // namespace

SinkTask::SinkTask(TaskSettings settings, RecordPreparer preparer,
                   std::vector<std::unique_ptr<EventPublisher>> publishers,
                   std::shared_ptr<spdlog::logger> logger, StopSignal& stop, Clock& clock,
                   Random& random, StopSignal* publishers_stop)
    : settings_(std::move(settings)),
      preparer_(std::move(preparer)),
      publishers_(std::move(publishers)),
      log_(std::move(logger)),
      stop_(stop),
      clock_(clock),
      random_(random),
      publishers_stop_(publishers_stop != nullptr ? publishers_stop : &own_publishers_stop_) {}

SinkTask::~SinkTask() = default;

void SinkTask::on_assigned(const std::vector<kafka::TopicPartition>& partitions) {
  std::string names;
  for (const auto& tp : partitions) names += (names.empty() ? "" : ", ") + kafka::to_string(tp);
  // The consumer applies the pause state to these partitions itself (consumer.h).
  log_->info("partitions assigned: [{}]", names);
}

void SinkTask::drop_waiting(const std::vector<kafka::TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    auto it = waiting_.find(tp);
    if (it == waiting_.end()) continue;
    for (const auto& w : it->second) {
      buffered_records_--;
      buffered_bytes_ -= record_bytes(w.record);
    }
    waiting_count_ -= it->second.size();
    waiting_.erase(it);
  }
}

void SinkTask::on_lost(const std::vector<kafka::TopicPartition>& partitions) {
  // Another member may own these already: committing for them could move its offsets back, so
  // their records are dropped and forgotten unaccounted (the owner publishes them; at least
  // once).
  drop_waiting(partitions);
  tracker_.forget(partitions);
  std::string names;
  for (const auto& tp : partitions) names += (names.empty() ? "" : ", ") + kafka::to_string(tp);
  log_->warn("partitions lost: [{}]; their open records will be read again by their owner", names);
}

void SinkTask::on_revoked(const std::vector<kafka::TopicPartition>& partitions) {
  // Runs inside poll(). Records polled but not batched are dropped (the next owner reads them
  // again); what was accounted is committed, dead letters written first (Connect awaits its
  // reporters before the commit on revocation). Records of these partitions in a batch still in
  // flight stay uncommitted and are forgotten: their outcome no longer moves an offset, and the
  // next owner publishes them again (at least once). Under COOPERATIVE rebalancing, only the
  // partitions named go; the others keep their state.
  drop_waiting(partitions);
  if (reporter_ && reporter_->dead_letters_in_flight() > 0) {
    reporter_->flush_dead_letters(settings_.offset_flush_timeout);
  }
  std::set<kafka::TopicPartition> revoked(partitions.begin(), partitions.end());
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
  // A task that cannot start never joins the group: its siblings need not wait for it.
  auto gone = [this] {
    if (settings_.group_leave) settings_.group_leave->task_gone();
  };
  if (!reporter.ok()) {
    gone();
    return reporter.error();
  }
  reporter_ = std::move(reporter.value());
  auto consumer = kafka::Consumer::create(settings_.consumer, this);
  if (!consumer.ok()) {
    gone();
    return consumer.error();
  }
  consumer_ = std::move(consumer.value());
  for (auto& publisher : publishers_) {
    // Called from a publishing thread while it waits for the publishing allocation.
    publisher->set_keep_alive([this] { publisher_waited_at_ms_ = steady_ms(); });
  }
  kafka::Consumer* wake = consumer_.get();
  pipeline_ = std::make_unique<PublishPipeline>(std::move(publishers_), [wake] { wake->wake(); });
  next_commit_ = clock_.now() + settings_.offset_flush_interval;
  log_->info("task started, group {}, {} batch(es) in flight at most",
             settings_.consumer.properties.at("group.id"), pipeline_->capacity());

  while (!stopping()) {
    for (auto& completion : pipeline_->take_completed(std::chrono::milliseconds(0))) {
      settle(std::move(completion));
    }
    if (stopping()) break;
    poll_records();
    retry_held_dead_letters();
    dispatch_batches();
    reporter_->poll();
    update_pause();
    report_dead_letter_wait();
    Status committed = commit_if_due();
    if (!committed.ok()) log_->warn("{}", committed.error().message);
  }
  shut_down();
  log_->info(
      "task stopped: consumed {}, published {}, dead-lettered {}, skipped {}, failed {}, "
      "uncommitted {}",
      counters_.consumed.load(), counters_.published.load(), counters_.dead_lettered.load(),
      counters_.skipped.load(), counters_.failed.load(), counters_.uncommitted.load());
  if (failure_) return *failure_;
  return ok_status();
}

void SinkTask::shut_down() {
  // Phases, all within task.shutdown.graceful.timeout.ms of the stop, after which the worker
  // gives up on the task (docs/architecture.md, "Stopping"):
  const auto started = std::chrono::steady_clock::now();
  const auto grace = settings_.shutdown_grace;
  // what is kept of the grace period for the final commit and leaving the group
  const auto reserve = std::min<std::chrono::milliseconds>(grace / 2, std::chrono::seconds(2));
  const auto settle_by = started + grace - reserve;
  const std::chrono::milliseconds last_step = std::min<std::chrono::milliseconds>(
      grace / 10, std::chrono::milliseconds(250));  // closing the consumer
  const auto leave_by = started + grace - last_step;
  auto left = [](std::chrono::steady_clock::time_point until) {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        until - std::chrono::steady_clock::now()));
  };
  // 1. Publishers give up their retries and waits at once; no new record is fetched; what is
  //    settled now is committed before anything can take long.
  publishers_stop_->request_stop();
  if (Status paused = consumer_->pause(); !paused.ok()) log_->warn("{}", paused.error().message);
  for (auto& completion : pipeline_->take_completed(std::chrono::milliseconds(0))) {
    settle(std::move(completion));
  }
  reporter_->poll();
  if (Status c = commit_settled(); !c.ok()) log_->warn("commit at stop: {}", c.error().message);

  // 2. The batches in flight finish (what Salesforce accepted is then committed) and the dead
  //    letters are acknowledged, within the grace period; then commit again.
  while (pipeline_->in_flight() > 0 && left(settle_by).count() > 0) {
    for (auto& completion : pipeline_->take_completed(
             std::min(left(settle_by), std::chrono::milliseconds(100)))) {
      settle(std::move(completion));
    }
    reporter_->poll();
    (void)consumer_->poll(std::chrono::milliseconds(0));  // serve the group meanwhile
  }
  retry_held_dead_letters();
  if (reporter_->dead_letters_in_flight() > 0) reporter_->flush_dead_letters(left(settle_by));
  if (Status c = commit_settled(); !c.ok()) log_->warn("final commit: {}", c.error().message);
  if (pipeline_->in_flight() > 0 || !dead_letters_.empty()) {
    log_->warn("{} batch(es) in flight and {} dead letter(s) unacknowledged after the grace "
               "period; their records stay uncommitted and are read again next time",
               pipeline_->in_flight(), dead_letters_.size());
  }
  // Reports are best effort and come after the commit, so they never hold it back.
  reporter_->flush_reports(left(settle_by));

  // 3. Leave the group only when the connector's other tasks made their final commits too: the
  //    first member to leave starts a rebalance that would fail theirs.
  if (settings_.group_leave &&
      !settings_.group_leave->arrive_and_wait(
          leave_by, [this] { (void)consumer_->poll(std::chrono::milliseconds(0)); })) {
    log_->warn("leaving the group before the connector's other tasks were done (grace period "
               "over)");
  }
  counters_.uncommitted = tracker_.open_count();
  if (Status closed = consumer_->close(); !closed.ok()) {
    log_->warn("{}", closed.error().message);
  }
  // Joins the publishing threads (no wake() after this). A request still hanging keeps the
  // thread here; the worker gives up on it at the end of the grace period.
  pipeline_.reset();
}

void SinkTask::fail(Error error) {
  if (failure_) return;
  failure_ = std::move(error);
  if (settings_.on_failure) settings_.on_failure(*failure_);
  // The other batches in flight stop retrying at once: their records stay uncommitted anyway.
  publishers_stop_->request_stop();
}

bool SinkTask::batch_ready(Clock::TimePoint now) const {
  // A batch goes when it can be full, or when a record has waited `linger`.
  size_t available = 0;
  for (const auto& [tp, queue] : waiting_) {
    if (queue.empty()) continue;
    if (settings_.preserve_partition_order && busy_.count(tp)) continue;
    if (now - queue.front().arrived >= settings_.linger) return true;
    available += queue.size();
    if (available >= settings_.max_batch_records) return true;
  }
  return false;
}

void SinkTask::poll_records() {
  const auto now = clock_.now();
  // How long the poll may wait: not at all when a batch can go; until the oldest waiting record's
  // linger ends; otherwise until the next commit is due (completions and records wake it).
  std::chrono::milliseconds wait(200);
  if (pipeline_->has_room() && batch_ready(now)) {
    wait = std::chrono::milliseconds(0);
  } else if (waiting_count_ > 0 && pipeline_->has_room()) {
    wait = std::chrono::milliseconds(1);
    for (const auto& [tp, queue] : waiting_) {
      if (queue.empty() || (settings_.preserve_partition_order && busy_.count(tp))) continue;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          queue.front().arrived + settings_.linger - now);
      wait = std::max(wait, std::min(left, std::chrono::milliseconds(200)));
    }
  }
  auto until_commit =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_commit_ - now);
  wait = std::max(std::chrono::milliseconds(0), std::min(wait, until_commit));

  // Take what librdkafka has ready, up to two batches per publishing thread.
  const size_t most = settings_.max_batch_records * pipeline_->capacity() * 2;
  for (size_t taken = 0; taken < most; ++taken) {
    auto polled = consumer_->poll(taken == 0 ? wait : std::chrono::milliseconds(0));
    if (polled.error) {
      if (polled.error->kind == ErrorKind::kFatal) {
        fail(Error{ErrorKind::kFatal, polled.error->code,
                   "Kafka consumer failed: " + polled.error->message});
        return;
      }
      log_->warn("Kafka consumer: {}", polled.error->message);
      return;
    }
    if (!polled.record) return;
    add_waiting(std::move(*polled.record));
  }
}

void SinkTask::add_waiting(kafka::Record record) {
  tracker_.track(partition_of(record), record.offset);
  counters_.consumed++;
  buffered_records_++;
  buffered_bytes_ += record_bytes(record);
  waiting_count_++;
  auto tp = partition_of(record);
  waiting_[tp].push_back({std::move(record), clock_.now()});
}

void SinkTask::update_pause() {
  // Dead letters not yet acknowledged count as buffered: with the DLQ's cluster slow or gone,
  // the task stops reading once they fill the buffer, and goes on polling (it stays in the
  // group) until they are written.
  size_t held = buffered_records_ + dead_letters_.size();
  bool over = held >= settings_.buffer_max_records || buffered_bytes_ >= settings_.buffer_max_bytes;
  bool under = held <= settings_.buffer_max_records / 2 &&
               buffered_bytes_ <= settings_.buffer_max_bytes / 2;
  bool waiting_for_allocation = steady_ms() - publisher_waited_at_ms_.load() < 2000;
  const bool paused = consumer_->paused();
  bool want_paused = paused ? (!under || waiting_for_allocation) : (over || waiting_for_allocation);
  if (want_paused == paused) return;
  // The consumer owns the pause state and applies it to every later assignment too.
  Status changed = want_paused ? consumer_->pause() : consumer_->resume(tracker_.read_positions());
  if (!changed.ok()) {
    log_->warn("{}", changed.error().message);
    return;
  }
  if (want_paused && waiting_for_allocation) {
    paused_for_allocation_ = true;
    log_->info("consumption paused while publishing waits");
  } else if (want_paused) {
    log_->debug("consumption paused: {} records / {} bytes buffered, {} dead letter(s) waiting",
                buffered_records_, buffered_bytes_, dead_letters_.size());
  } else {
    if (paused_for_allocation_) log_->info("consumption resumed");
    paused_for_allocation_ = false;
  }
}

void SinkTask::dispatch_batches() {
  while (pipeline_->has_room() && !failure_ && !stop_.stop_requested() &&
         batch_ready(clock_.now())) {
    // Fill one batch from the partitions without a batch in flight, round robin, each
    // partition's records in order.
    std::vector<kafka::Record> chosen;
    std::vector<kafka::TopicPartition> order;
    order.reserve(waiting_.size());
    for (const auto& [tp, queue] : waiting_) order.push_back(tp);
    for (size_t k = 0; k < order.size() && chosen.size() < settings_.max_batch_records; ++k) {
      const auto& tp = order[(next_partition_ + k) % order.size()];
      if (settings_.preserve_partition_order && busy_.count(tp)) continue;
      auto& queue = waiting_[tp];
      while (!queue.empty() && chosen.size() < settings_.max_batch_records) {
        chosen.push_back(std::move(queue.front().record));
        queue.pop_front();
        waiting_count_--;
      }
    }
    next_partition_++;
    std::erase_if(waiting_, [](const auto& entry) { return entry.second.empty(); });
    if (chosen.empty()) return;

    InFlight batch;
    std::vector<Event> events;
    events.reserve(chosen.size());
    for (auto& record : chosen) {
      if (failure_) {
        // The task stops at the record that failed it; the ones after it stay uncommitted.
        buffered_records_--;
        buffered_bytes_ -= record_bytes(record);
        continue;
      }
      std::optional<Event> event = prepare(record);
      if (!event) {
        buffered_records_--;
        buffered_bytes_ -= record_bytes(record);
        continue;
      }
      events.push_back(std::move(*event));
      batch.bytes += record_bytes(record);
      batch.records.push_back(std::move(record));
    }
    if (events.empty()) continue;
    for (const auto& record : batch.records) {
      auto tp = partition_of(record);
      if (std::find(batch.partitions.begin(), batch.partitions.end(), tp) ==
          batch.partitions.end()) {
        batch.partitions.push_back(tp);
      }
    }
    for (const auto& tp : batch.partitions) busy_[tp]++;
    uint64_t id = next_batch_id_++;
    in_flight_.emplace(id, std::move(batch));
    pipeline_->submit(id, std::move(events));
  }
}

void SinkTask::settle(PublishPipeline::Completion completion) {
  auto node = in_flight_.extract(completion.batch_id);
  if (node.empty()) return;
  InFlight& batch = node.mapped();
  for (const auto& tp : batch.partitions) {
    if (--busy_[tp] <= 0) busy_.erase(tp);
  }
  buffered_records_ -= batch.records.size();
  buffered_bytes_ -= batch.bytes;
  // A publish that returned no longer waits; one still waiting says so again within a second.
  publisher_waited_at_ms_ = kLongAgoMs;
  if (!completion.outcomes.ok()) {
    if (stopping()) {
      // Given up because the task stops (or another batch failed it): not this batch's fault.
      log_->info("publish interrupted by the stop; {} records stay uncommitted",
                 batch.records.size());
      return;
    }
    counters_.failed += batch.records.size();
    fail(completion.outcomes.error());
    return;
  }
  if (completion.outcomes->size() != batch.records.size()) {
    counters_.failed += batch.records.size();
    fail(Error::fatal("PUBLISH_RESULTS", fmt::format("{} results for {} events",
                                                     completion.outcomes->size(),
                                                     batch.records.size())));
    return;
  }
  settle_outcomes(batch, *completion.outcomes);
}

void SinkTask::settle_outcomes(const InFlight& batch, std::vector<PublishOutcome>& outcomes) {
  // Account for every outcome first (accepted records of other partitions can then be
  // committed), and fail afterwards if a rejection demands it: the rejected offset stays open,
  // so no commit ever passes it.
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const kafka::Record& record = batch.records[i];
    PublishOutcome& outcome = outcomes[i];
    if (outcome.accepted) {
      counters_.published++;
      account(record);
      reporter_->report_success(record);
      continue;
    }
    Status handled = handle_rejection(
        record, outcome.error.value_or(Error::permanent("UNKNOWN", "rejected without a reason")));
    if (!handled.ok()) fail(handled.error());
  }
}

std::optional<Event> SinkTask::prepare(const kafka::Record& record) {
  if (!record.value) {
    if (settings_.fail_on_null_values) {
      Status handled = handle_errant(
          record, {Stage::kTaskPut, kSinkTaskClass, kDataException,
                   Error::permanent("TOMBSTONE",
                                    fmt::format("{}: the value is null (a tombstone) and "
                                                "behavior.on.null.values=fail",
                                                where(record)))});
      if (!handled.ok()) fail(handled.error());
      return std::nullopt;
    }
    // A tombstone carries no event (the original connector has nothing to publish either).
    log_->debug("{}: null value (tombstone) skipped", where(record));
    counters_.skipped++;
    account(record);
    return std::nullopt;
  }
  Stage stage = Stage::kValueConverter;
  auto event = prepare_with_retries(record, &stage);
  std::optional<ErrantRecord> errant;
  if (!event.ok()) {
    if (event.error().kind == ErrorKind::kTransient) {
      if (stop_.stop_requested()) return std::nullopt;  // uncommitted; read again next time
      counters_.failed++;
      fail(Error::transient(event.error().code,
                            fmt::format("{}; gave up after errors.retry.timeout={} ms",
                                        event.error().message,
                                        settings_.conversion_retry_timeout_ms)));
      return std::nullopt;
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
    if (!handled.ok()) fail(handled.error());
    return std::nullopt;
  }
  return std::move(event.value());
}

Result<Event> SinkTask::prepare_once(const kafka::Record& record, Stage* failed_stage) {
  // A converter or mapper that throws fails this record in its stage, as Connect counts an
  // exception in a converter or a task's put (kafka-connect.md §2.2), instead of ending the
  // process through std::terminate.
  try {
    return preparer_(record, failed_stage);
  } catch (const std::exception& e) {
    return Error::permanent("UNEXPECTED_EXCEPTION",
                            fmt::format("{}: {}", where(record), e.what()));
  } catch (...) {
    return Error::permanent("UNEXPECTED_EXCEPTION",
                            fmt::format("{}: unknown exception", where(record)));
  }
}

Result<Event> SinkTask::prepare_with_retries(const kafka::Record& record, Stage* failed_stage) {
  // Transient conversion failures (the schema registry unreachable) are not the record's fault:
  // retry them per errors.retry.timeout with Connect's backoff (kafka-connect.md §2.2: 300 ms
  // doubling, capped by errors.retry.delay.max.ms). Unlike Connect, a record is never skipped or
  // dead-lettered because of one: when the retries run out the task fails, uncommitted.
  auto start = clock_.now();
  int64_t delay_ms = 300;
  for (;;) {
    auto prepared = prepare_once(record, failed_stage);
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
  Status queued = held_dead_letters_.empty() ? reporter_->dead_letter(record, errant, token)
                                             : Error::transient("KAFKA_QUEUE_FULL", "held");
  if (!queued.ok() && queued.error().kind == ErrorKind::kTransient) {
    // The producer's queue is full (the DLQ's cluster is slow or gone): the record is held,
    // in order behind any held before it, and queued again from the task loop. Its offset stays
    // open meanwhile.
    held_dead_letters_.push_back({record, errant, token});
    dead_letters_.emplace(token,
                          PendingDeadLetter{partition_of(record), record.offset, clock_.now()});
    return ok_status();
  }
  if (!queued.ok()) {
    counters_.failed++;
    return Error::fatal(queued.error().code,
                        fmt::format("{}: could not write the record to the dead letter queue "
                                    "{}: {}",
                                    where(record), settings_.reporting.dlq_topic,
                                    queued.error().message));
  }
  dead_letters_.emplace(token,
                        PendingDeadLetter{partition_of(record), record.offset, clock_.now()});
  return ok_status();
}

void SinkTask::retry_held_dead_letters() {
  while (!held_dead_letters_.empty()) {
    HeldDeadLetter& held = held_dead_letters_.front();
    Status queued = reporter_->dead_letter(held.record, held.errant, held.token);
    if (!queued.ok() && queued.error().kind == ErrorKind::kTransient) return;  // still full
    if (!queued.ok()) {
      dead_letters_.erase(held.token);
      counters_.failed++;
      fail(Error::fatal(queued.error().code,
                        fmt::format("{}: could not write the record to the dead letter queue "
                                    "{}: {}",
                                    where(held.record), settings_.reporting.dlq_topic,
                                    queued.error().message)));
    }
    held_dead_letters_.pop_front();
  }
}

void SinkTask::report_dead_letter_wait() {
  if (dead_letters_.empty()) return;
  const auto now = clock_.now();
  const auto& oldest = dead_letters_.begin()->second;
  constexpr auto kEvery = std::chrono::seconds(30);
  if (now - oldest.queued_at < kEvery || now - last_dead_letter_warning_ < kEvery) return;
  last_dead_letter_warning_ = now;
  std::string problem = reporter_->dead_letter_queue_problem();
  log_->warn("dead letter queue {}: {} record(s) not acknowledged, the oldest ({}) for {} s{}{}; "
             "their offsets are not committed and reading stops when they fill the buffer",
             settings_.reporting.dlq_topic, dead_letters_.size(),
             fmt::format("topic {} partition {} offset {}", oldest.partition.topic,
                         oldest.partition.partition, oldest.offset),
             std::chrono::duration_cast<std::chrono::seconds>(now - oldest.queued_at).count(),
             problem.empty() ? "" : "; the cluster says: ", problem);
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
    fail(Error::fatal("DLQ_WRITE",
                      fmt::format("topic {} partition {} offset {}: {}; the record stays "
                                  "uncommitted",
                                  pending.partition.topic, pending.partition.partition,
                                  pending.offset, error->message)));
    return;
  }
  counters_.dead_lettered++;
  tracker_.ack(pending.partition, pending.offset);
}

void SinkTask::account(const kafka::Record& record) {
  tracker_.ack(partition_of(record), record.offset);
}

Status SinkTask::commit_settled() {
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

Status SinkTask::commit_if_due() {
  if (clock_.now() < next_commit_) return ok_status();
  next_commit_ = clock_.now() + settings_.offset_flush_interval;
  // Dead letters settle first, so that the commit covers them (Connect's awaitFutures).
  if (reporter_->dead_letters_in_flight() > 0 &&
      !reporter_->flush_dead_letters(settings_.offset_flush_timeout)) {
    log_->warn("{} dead letter queue write(s) not acknowledged within offset.flush.timeout.ms={}; "
               "their offsets wait for the next commit",
               reporter_->dead_letters_in_flight(), settings_.offset_flush_timeout.count());
  }
  return commit_settled();
}

}  // namespace sfpe::sink
