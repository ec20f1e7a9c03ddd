#include "kafka/consumer.h"

#include <fmt/format.h>

#include <exception>
#include <string_view>

namespace sfpe::kafka {
namespace {

std::vector<TopicPartition> to_vector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> result;
  for (int i = 0; i < list->cnt; ++i) {
    result.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  return result;
}

// Connect's topics.regex is a Java regex matched against the whole name; librdkafka treats a
// subscription starting with '^' as a regex (POSIX extended), matched anywhere, so anchor both
// ends. Java-only constructs are not translated (the config layer checks the regex compiles).
std::string to_librdkafka_pattern(const std::string& regex) {
  std::string pattern = regex;
  if (pattern.empty() || pattern.front() != '^') pattern.insert(pattern.begin(), '^');
  if (pattern.back() != '$') pattern.push_back('$');
  return pattern;
}

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(start, end - start + 1));
}

}  // namespace

Result<std::string> librdkafka_assignment_strategy(const std::string& value) {
  // kafka-connect.md §1.4: Connect users write the Java consumer's class names.
  static const std::map<std::string, std::string> kJavaNames = {
      {"org.apache.kafka.clients.consumer.RangeAssignor", "range"},
      {"org.apache.kafka.clients.consumer.RoundRobinAssignor", "roundrobin"},
      {"org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "cooperative-sticky"},
  };
  std::string result;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string name = trim(std::string_view(value).substr(start, end - start));
    start = end + 1;
    if (name.empty()) continue;
    if (auto it = kJavaNames.find(name); it != kJavaNames.end()) name = it->second;
    if (name == "org.apache.kafka.clients.consumer.StickyAssignor") {
      return Error::fatal(
          "KAFKA_CONFIG",
          "partition.assignment.strategy: org.apache.kafka.clients.consumer.StickyAssignor "
          "(eager sticky) has no librdkafka counterpart; use "
          "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, RangeAssignor or "
          "RoundRobinAssignor");
    }
    result += (result.empty() ? "" : ",") + name;
  }
  return result;
}

Result<std::unique_ptr<Consumer>> Consumer::create(const ConsumerSettings& settings,
                                                   RebalanceListener* listener) {
  std::map<std::string, std::string> properties = settings.properties;
  if (auto it = properties.find("partition.assignment.strategy"); it != properties.end()) {
    auto strategy = librdkafka_assignment_strategy(it->second);
    if (!strategy.ok()) return strategy.error();
    it->second = *strategy;
  }
  auto conf = make_conf(properties);
  if (!conf.ok()) return conf.error();
  std::unique_ptr<Consumer> consumer(new Consumer());
  consumer->listener_ = listener;
  rd_kafka_conf_set_opaque(conf->get(), consumer.get());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &Consumer::rebalance_callback);

  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return Error::fatal("KAFKA_CONSUMER", fmt::format("could not create consumer: {}", errstr));
  }
  conf->release();  // rd_kafka_new took ownership
  consumer->handle_.reset(rk);
  rd_kafka_poll_set_consumer(rk);

  PartitionList subscription(rd_kafka_topic_partition_list_new(1));
  if (!settings.topics_regex.empty()) {
    rd_kafka_topic_partition_list_add(subscription.get(),
                                      to_librdkafka_pattern(settings.topics_regex).c_str(),
                                      RD_KAFKA_PARTITION_UA);
  } else {
    for (const auto& topic : settings.topics) {
      rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subscription.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::fatal("KAFKA_SUBSCRIBE",
                        fmt::format("could not subscribe: {}", rd_kafka_err2str(err)));
  }
  return consumer;
}

Consumer::~Consumer() { (void)close(); }  // a caller that cares closed already

void Consumer::rebalance_callback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // Nothing may leave a C callback by exception: whatever goes wrong becomes a fatal error that
  // the next poll() returns.
  try {
    self->on_rebalance(rk, err, partitions);
  } catch (const std::exception& e) {
    self->rebalance_failure_ = Error::fatal(
        "KAFKA_REBALANCE", fmt::format("handling a rebalance failed: {}", e.what()));
  } catch (...) {
    self->rebalance_failure_ =
        Error::fatal("KAFKA_REBALANCE", "handling a rebalance failed: unknown exception");
  }
}

void Consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* partitions) {
  // librdkafka's rebalance_cb contract (rdkafka.h): under COOPERATIVE the lists are increments,
  // applied with incremental_assign/unassign; under EAGER the whole assignment is replaced with
  // assign(). Calling the wrong one fails, and a failure leaves the member owning partitions it
  // never reads, so every failure is fatal.
  bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  auto failed = [this](const char* what, std::string cause) {
    if (!rebalance_failure_) {
      rebalance_failure_ =
          Error::fatal("KAFKA_REBALANCE", fmt::format("{} failed: {}", what, cause));
    }
  };
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative) {
      if (rd_kafka_error_t* error = rd_kafka_incremental_assign(rk, partitions)) {
        failed("incremental assign", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return;
      }
    } else if (rd_kafka_resp_err_t e = rd_kafka_assign(rk, partitions); e != 0) {
      failed("assign", rd_kafka_err2str(e));
      return;
    }
    // Every assignment says whether its partitions fetch: a partition paused in an earlier
    // assignment stays paused in librdkafka otherwise, and would never be read again.
    Status applied = apply_pause(partitions);
    if (!applied.ok()) failed("applying the pause state", applied.error().message);
    if (listener_ != nullptr) listener_->on_assigned(to_vector(partitions));
    return;
  }
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    failed("rebalance", rd_kafka_err2str(err));
    // Still give up the assignment, as librdkafka asks, so the member can rejoin.
  }
  bool lost = rd_kafka_assignment_lost(rk) == 1;
  if (listener_ != nullptr) {
    // Revoked: the last chance to commit what was accounted for. Lost: nothing may be.
    if (lost) {
      listener_->on_lost(to_vector(partitions));
    } else {
      listener_->on_revoked(to_vector(partitions));
    }
  }
  if (cooperative) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, partitions)) {
      failed("incremental unassign", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
  } else if (rd_kafka_resp_err_t e = rd_kafka_assign(rk, nullptr); e != 0) {
    failed("unassign", rd_kafka_err2str(e));
  }
}

Status Consumer::apply_pause(const rd_kafka_topic_partition_list_t* partitions) {
  if (partitions == nullptr || partitions->cnt == 0) return ok_status();
  // The functions take a non-const list (they write each partition's error into it).
  PartitionList copy(rd_kafka_topic_partition_list_copy(partitions));
  rd_kafka_resp_err_t err = paused_ ? rd_kafka_pause_partitions(handle_.get(), copy.get())
                                    : rd_kafka_resume_partitions(handle_.get(), copy.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < copy->cnt; ++i) {
      if (copy->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = copy->elems[i].err;
        break;
      }
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_PAUSE",
                            fmt::format("{} partitions failed: {}",
                                        paused_ ? "pausing" : "resuming", rd_kafka_err2str(err)));
  }
  return ok_status();
}

std::string Consumer::rebalance_protocol() const {
  return rd_kafka_rebalance_protocol(handle_.get());
}

Consumer::PollResult Consumer::poll(std::chrono::milliseconds timeout) {
  PollResult result;
  KafkaMessage message(rd_kafka_consumer_poll(handle_.get(), static_cast<int>(timeout.count())));
  if (rebalance_failure_) {
    // Reported once, before anything else: the task ends at it.
    result.error = std::move(rebalance_failure_);
    rebalance_failure_.reset();
    return result;
  }
  if (!message) return result;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return result;
    std::string text = rd_kafka_message_errstr(message.get());
    bool fatal = message->err == RD_KAFKA_RESP_ERR__FATAL ||
                 message->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                 message->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED;
    result.error = fatal ? Error::fatal("KAFKA_CONSUME", text)
                         : Error::transient("KAFKA_CONSUME", text);
    return result;
  }
  Record record;
  record.topic = rd_kafka_topic_name(message->rkt);
  record.partition = message->partition;
  record.offset = message->offset;
  rd_kafka_timestamp_type_t ts_type;
  record.timestamp_ms = rd_kafka_message_timestamp(message.get(), &ts_type);
  record.timestamp_type = ts_type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? TimestampType::kCreateTime
                          : ts_type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                              ? TimestampType::kLogAppendTime
                              : TimestampType::kNone;
  if (message->key != nullptr) {
    record.key.emplace(static_cast<const char*>(message->key), message->key_len);
  }
  if (message->payload != nullptr) {
    record.value.emplace(static_cast<const char*>(message->payload), message->len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                       RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      Header header{name, std::nullopt};
      if (value != nullptr) header.value.emplace(static_cast<const char*>(value), size);
      record.headers.push_back(std::move(header));
    }
  }
  result.record = std::move(record);
  return result;
}

Status Consumer::commit(const std::map<TopicPartition, int64_t>& offsets) {
  if (offsets.empty()) return ok_status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(handle_.get(), list.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_COMMIT",
                            fmt::format("offset commit failed: {}", rd_kafka_err2str(err)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error::transient(
          "KAFKA_COMMIT", fmt::format("offset commit failed for {}-{}: {}", list->elems[i].topic,
                                      list->elems[i].partition, rd_kafka_err2str(list->elems[i].err)));
    }
  }
  return ok_status();
}

Status Consumer::pause() {
  paused_ = true;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(handle_.get(), &raw);
  PartitionList assigned(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_PAUSE", fmt::format("reading the assignment failed: {}",
                                                       rd_kafka_err2str(err)));
  }
  return apply_pause(assigned.get());
}

Status Consumer::resume(const std::map<TopicPartition, int64_t>& read_positions) {
  paused_ = false;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(handle_.get(), &raw);
  PartitionList assigned(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_RESUME", fmt::format("reading the assignment failed: {}",
                                                        rd_kafka_err2str(err)));
  }
  if (Status resumed = apply_pause(assigned.get()); !resumed.ok()) return resumed;
  // librdkafka (2.0) handles a resume on its main thread without waking the broker thread that
  // fetches, which sleeps up to a second when every partition was paused: measured in the
  // benchmark's fetch debug log as 0.8 s idle after each resume (bench/findings.md). A seek to
  // the offset the fetcher resumes from anyway wakes it (librdkafka's "fetch start" wake-up).
  // Only partitions this owner has read in its current assignment are sought, to the offset
  // after the last record it read: exactly where a resume continues (pausing dropped the
  // prefetched messages), so the seek skips and repeats nothing.
  if (!read_positions.empty()) {
    PartitionList positioned(
        rd_kafka_topic_partition_list_new(static_cast<int>(read_positions.size())));
    for (const auto& [tp, offset] : read_positions) {
      if (offset < 0) continue;
      rd_kafka_topic_partition_list_add(positioned.get(), tp.topic.c_str(), tp.partition)->offset =
          offset;
    }
    // Asynchronous (timeout 0): nothing is reported back, and nothing needs to be.
    if (positioned->cnt > 0) {
      // A partition revoked meanwhile is simply not sought; the wake-up is an optimisation.
      if (rd_kafka_error_t* error = rd_kafka_seek_partitions(handle_.get(), positioned.get(), 0)) {
        rd_kafka_error_destroy(error);
      }
    }
  }
  return ok_status();
}

void Consumer::wake() {
  // Callers stop calling this before close() (the task joins its publishing threads first).
  if (!handle_) return;
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(handle_.get());
  if (queue == nullptr) return;
  rd_kafka_queue_yield(queue);
  rd_kafka_queue_destroy(queue);
}

Status Consumer::close() {
  if (closed_ || !handle_) return ok_status();
  closed_ = true;
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(handle_.get());
  if (rebalance_failure_) {
    Error failure = std::move(*rebalance_failure_);
    rebalance_failure_.reset();
    return failure;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_CLOSE", fmt::format("leaving the consumer group failed: {}",
                                                       rd_kafka_err2str(err)));
  }
  return ok_status();
}

}  // namespace sfpe::kafka
