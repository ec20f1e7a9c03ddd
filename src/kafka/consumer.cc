#include "kafka/consumer.h"

#include <fmt/format.h>

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

}  // namespace

Result<std::unique_ptr<Consumer>> Consumer::create(const ConsumerSettings& settings,
                                                   RebalanceListener* listener) {
  auto conf = make_conf(settings.properties);
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

Consumer::~Consumer() { close(); }

void Consumer::rebalance_callback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, partitions);
    if (self->listener_ != nullptr) self->listener_->on_assigned(to_vector(partitions));
  } else {
    // Revoked (or lost): let the task commit what it accounted for, then give them up.
    if (self->listener_ != nullptr) self->listener_->on_revoked(to_vector(partitions));
    rd_kafka_assign(rk, nullptr);
  }
}

Consumer::PollResult Consumer::poll(std::chrono::milliseconds timeout) {
  PollResult result;
  KafkaMessage message(rd_kafka_consumer_poll(handle_.get(), static_cast<int>(timeout.count())));
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

Status Consumer::pause_assigned() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(handle_.get(), &raw);
  PartitionList assigned(raw);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && assigned && assigned->cnt > 0) {
    err = rd_kafka_pause_partitions(handle_.get(), assigned.get());
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_PAUSE", fmt::format("pausing the assigned partitions failed: {}",
                                                       rd_kafka_err2str(err)));
  }
  return ok_status();
}

Status Consumer::resume_assigned(const std::map<TopicPartition, int64_t>& read_positions) {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(handle_.get(), &raw);
  PartitionList assigned(raw);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && assigned && assigned->cnt > 0) {
    err = rd_kafka_resume_partitions(handle_.get(), assigned.get());
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("KAFKA_RESUME",
                            fmt::format("resuming the assigned partitions failed: {}",
                                        rd_kafka_err2str(err)));
  }
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

void Consumer::close() {
  if (closed_ || !handle_) return;
  closed_ = true;
  rd_kafka_consumer_close(handle_.get());
}

}  // namespace sfpe::kafka
