#include "kafka_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <thread>
#include <tuple>

#include "kafka/consumer.h"

namespace sfpe::testing {

using kafka::KafkaHandle;
using kafka::PartitionList;

Result<std::unique_ptr<TestProducer>> TestProducer::create(
    const std::string& bootstrap_servers, const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> properties = {{"bootstrap.servers", bootstrap_servers},
                                                   {"acks", "all"},
                                                   {"linger.ms", "5"},
                                                   {"enable.idempotence", "true"}};
  for (const auto& [name, value] : overrides) properties[name] = value;
  auto conf = kafka::make_conf(properties);
  if (!conf.ok()) return conf.error();
  std::unique_ptr<TestProducer> producer(new TestProducer());
  rd_kafka_conf_set_opaque(conf->get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &TestProducer::delivery_callback);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Error::fatal("PRODUCER", errstr);
  conf->release();
  producer->handle_.reset(rk);
  return producer;
}

TestProducer::~TestProducer() {
  if (handle_) rd_kafka_flush(handle_.get(), 10000);
}

void TestProducer::delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message,
                                     void* opaque) {
  auto* self = static_cast<TestProducer*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (self->failures_++ == 0) self->first_failure_ = rd_kafka_err2str(message->err);
  }
}

Status TestProducer::produce(const std::string& topic, int32_t partition,
                             const std::optional<std::string>& key,
                             const std::optional<std::string>& value,
                             const std::vector<kafka::Header>& headers) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& h : headers) {
    rd_kafka_header_add(hdrs, h.name.c_str(), -1, h.value ? h.value->data() : nullptr,
                        h.value ? static_cast<ssize_t>(h.value->size()) : 0);
  }
  // librdkafka's V_ macros cast their arguments without parentheses: pass plain variables.
  void* key_data = key ? const_cast<char*>(key->data()) : nullptr;
  size_t key_size = key ? key->size() : 0;
  void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
  size_t value_size = value ? value->size() : 0;
  int32_t target = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_PARTITION(target), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok_status();  // headers now owned by librdkafka
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(handle_.get(), 100);
      continue;
    }
    rd_kafka_headers_destroy(hdrs);
    return Error::permanent("PRODUCE", rd_kafka_err2str(err));
  }
}

Status TestProducer::flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("PRODUCE", rd_kafka_err2str(err));
  if (failures_ > 0) {
    return Error::permanent("PRODUCE", fmt::format("{} records failed: {}", failures_, first_failure_));
  }
  return ok_status();
}

namespace {

// A consumer that looks but leaves no trace: it never commits or stores offsets, and asks that
// its metadata requests create no topic (brokers honour that from Metadata v4). librdkafka wants
// a group.id even for rd_kafka_assign and rd_kafka_consumer_poll; assign never joins the group.
// Fetches wait at most 50 ms for data, so a partition assigned while a fetch is waiting on the
// others is read soon.
Result<KafkaHandle> make_plain_consumer(const std::string& bootstrap_servers,
                                        const std::string& group) {
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap_servers},
                                {"group.id", group},
                                {"enable.auto.commit", "false"},
                                {"enable.auto.offset.store", "false"},
                                {"allow.auto.create.topics", "false"},
                                // The mock cluster's brokers cannot honour the line above and
                                // librdkafka warns so on every connection: errors only.
                                {"log_level", "3"},
                                {"fetch.wait.max.ms", "50"},
                                {"enable.partition.eof", "true"},
                                {"auto.offset.reset", "earliest"}});
  if (!conf.ok()) return conf.error();
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Error::fatal("CONSUMER", errstr);
  conf->release();
  return KafkaHandle(rk);
}

}  // namespace

Result<std::vector<int64_t>> committed_offsets(const std::string& bootstrap_servers,
                                               const std::string& group, const std::string& topic,
                                               int partitions) {
  auto rk = make_plain_consumer(bootstrap_servers, group);
  if (!rk.ok()) return rk.error();
  PartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(rk->get(), list.get(), 10000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("COMMITTED", rd_kafka_err2str(err));
  std::vector<int64_t> result(partitions, -1);
  for (int i = 0; i < list->cnt; ++i) {
    result[list->elems[i].partition] = list->elems[i].offset < 0 ? -1 : list->elems[i].offset;
  }
  rd_kafka_consumer_close(rk->get());
  return result;
}

namespace {

// The high (or low) watermark of each partition 0..partitions-1 of `topic`.
Result<std::vector<int64_t>> watermarks(const std::string& bootstrap_servers,
                                        const std::string& topic, int partitions, bool high_marks) {
  auto rk = make_plain_consumer(bootstrap_servers, "sfpe-test-watermarks");
  if (!rk.ok()) return rk.error();
  std::vector<int64_t> result;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &low, &high, 10000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Error::transient("WATERMARKS", rd_kafka_err2str(err));
    result.push_back(high_marks ? high : low);
  }
  rd_kafka_consumer_close(rk->get());
  return result;
}

}  // namespace

Result<std::vector<int64_t>> end_offsets(const std::string& bootstrap_servers,
                                         const std::string& topic, int partitions) {
  return watermarks(bootstrap_servers, topic, partitions, true);
}

Result<std::vector<int64_t>> start_offsets(const std::string& bootstrap_servers,
                                           const std::string& topic, int partitions) {
  return watermarks(bootstrap_servers, topic, partitions, false);
}

namespace {

using Clock = std::chrono::steady_clock;

// Between two looks at a topic's high watermarks while waiting for records.
constexpr std::chrono::milliseconds kWatermarkPollInterval{20};

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};

// Milliseconds left until `deadline` as librdkafka's int timeouts take them; 0 once it passed.
int remaining_ms(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
}

struct Watermarks {
  int64_t low = 0;   // the first offset still held
  int64_t high = 0;  // the offset the next record will get
};

// The watermarks of each partition of `topic`, by partition; nullopt when the cluster's
// metadata does not list the topic. Asks for all topics' metadata: a Metadata request naming the
// topic would create it in librdkafka 2.0.2's mock cluster, whose Metadata stops at v2 while
// the AllowAutoTopicCreation flag (allow.auto.create.topics) needs v4. Only an existing topic is
// named (by the watermark queries).
Result<std::optional<std::map<int32_t, Watermarks>>> watermarks(rd_kafka_t* rk,
                                                                const std::string& topic,
                                                                Clock::time_point deadline) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &raw, remaining_ms(deadline));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("METADATA",
                            fmt::format("topic '{}': {}", topic, rd_kafka_err2str(err)));
  }
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  const rd_kafka_metadata_topic_t* found = nullptr;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (topic == metadata->topics[i].topic) found = &metadata->topics[i];
  }
  if (found == nullptr || found->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return std::optional<std::map<int32_t, Watermarks>>();
  }
  if (found->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("METADATA",
                            fmt::format("topic '{}': {}", topic, rd_kafka_err2str(found->err)));
  }
  std::map<int32_t, Watermarks> result;
  for (int i = 0; i < found->partition_cnt; ++i) {
    const int32_t partition = found->partitions[i].id;
    int64_t low = 0, high = 0;
    err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high,
                                           remaining_ms(deadline));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error::transient("WATERMARKS",
                              fmt::format("{}-{}: {}", topic, partition, rd_kafka_err2str(err)));
    }
    result[partition] = {low, high};
  }
  return std::optional(std::move(result));
}

// A fetched message as a kafka::Record, as kafka::Consumer::poll makes one.
kafka::Record to_record(const rd_kafka_message_t& message) {
  kafka::Record record;
  record.topic = rd_kafka_topic_name(message.rkt);
  record.partition = message.partition;
  record.offset = message.offset;
  rd_kafka_timestamp_type_t type;
  const int64_t timestamp = rd_kafka_message_timestamp(&message, &type);
  record.timestamp_ms = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : timestamp;
  record.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? kafka::TimestampType::kCreateTime
                          : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                              ? kafka::TimestampType::kLogAppendTime
                              : kafka::TimestampType::kNone;
  if (message.key != nullptr) {
    record.key.emplace(static_cast<const char*>(message.key), message.key_len);
  }
  if (message.payload != nullptr) {
    record.value.emplace(static_cast<const char*>(message.payload), message.len);
  }
  rd_kafka_headers_t* headers = nullptr;  // owned by the message
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;  // NULL for a null header value
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      kafka::Header header{name, std::nullopt};
      if (value != nullptr) header.value.emplace(static_cast<const char*>(value), size);
      record.headers.push_back(std::move(header));
    }
  }
  return record;
}

// read_topic() on a consumer made by make_plain_consumer.
Result<std::vector<kafka::Record>> read_to_high_watermarks(rd_kafka_t* rk, const std::string& topic,
                                                           std::chrono::milliseconds timeout,
                                                           Clock::time_point deadline) {
  auto marks = watermarks(rk, topic, deadline);
  if (!marks.ok()) return marks.error();
  if (!*marks) {
    return Error::permanent("UNKNOWN_TOPIC", fmt::format("topic '{}' does not exist", topic));
  }

  // Each partition that holds records, assigned from its low watermark: the beginning, as an
  // offset librdkafka need not look up (a logical BEGINNING asked before the partition's leader
  // is known waits for a 500 ms retry timer).
  std::map<int32_t, int64_t> unread;  // partition -> its high watermark, until read up to it
  PartitionList assignment(rd_kafka_topic_partition_list_new(static_cast<int>((*marks)->size())));
  for (const auto& [partition, marks_of_partition] : **marks) {
    if (marks_of_partition.high <= marks_of_partition.low) continue;  // nothing to fetch
    unread[partition] = marks_of_partition.high;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset =
        marks_of_partition.low;
  }
  std::vector<kafka::Record> records;
  if (unread.empty()) return records;
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::transient("READ_TOPIC", rd_kafka_err2str(err));
  }

  std::string client_error;  // the last error not tied to a partition (e.g. a lost connection)
  while (!unread.empty()) {
    const int wait = remaining_ms(deadline);
    if (wait == 0) {
      std::vector<int32_t> partitions;
      for (const auto& entry : unread) partitions.push_back(entry.first);
      return Error::transient(
          "READ_TOPIC",
          fmt::format("timed out after {}ms reading topic '{}': {} records read, partitions [{}] "
                      "not read up to their high watermarks{}",
                      timeout.count(), topic, records.size(), fmt::join(partitions, ", "),
                      client_error.empty() ? "" : "; last error: " + client_error));
    }
    kafka::KafkaMessage message(rd_kafka_consumer_poll(rk, wait));
    if (!message) continue;
    auto end = unread.find(message->partition);
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // The end of what the partition holds now: nothing more is coming up to the watermark
      // (covers offsets that hold no record, such as transaction markers).
      if (end != unread.end() && message->offset >= end->second) unread.erase(end);
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->rkt == nullptr) {  // a client-wide error librdkafka may recover from
        client_error = rd_kafka_message_errstr(message.get());
        continue;
      }
      return Error::transient("READ_TOPIC", fmt::format("{}-{}: {}", topic, message->partition,
                                                        rd_kafka_message_errstr(message.get())));
    }
    if (end == unread.end() || message->offset >= end->second) continue;  // produced after the call
    records.push_back(to_record(*message));
    if (message->offset + 1 >= end->second) unread.erase(end);
  }
  std::sort(records.begin(), records.end(), [](const kafka::Record& a, const kafka::Record& b) {
    return std::tie(a.partition, a.offset) < std::tie(b.partition, b.offset);
  });
  return records;
}

}  // namespace

Result<std::vector<kafka::Record>> read_topic(const std::string& bootstrap_servers,
                                              const std::string& topic,
                                              std::chrono::milliseconds timeout) {
  auto rk = make_plain_consumer(bootstrap_servers, "sfpe-test-topic-reader");
  if (!rk.ok()) return rk.error();
  return read_to_high_watermarks(rk->get(), topic, timeout, Clock::now() + timeout);
}

Result<std::vector<kafka::Record>> wait_for_topic_records(const std::string& bootstrap_servers,
                                                          const std::string& topic, size_t count,
                                                          std::chrono::milliseconds timeout) {
  auto rk = make_plain_consumer(bootstrap_servers, "sfpe-test-topic-reader");
  if (!rk.ok()) return rk.error();
  const auto deadline = Clock::now() + timeout;
  // As of the last look that succeeded (a look cut short by the deadline tells nothing):
  bool answered = false;
  bool missing = false;
  size_t there = 0;
  std::string last_error;  // of the last look that failed
  for (;;) {
    auto marks = watermarks(rk->get(), topic, deadline);
    if (marks.ok()) {
      answered = true;
      missing = !*marks;
      there = 0;
      if (*marks) {
        for (const auto& entry : **marks) there += static_cast<size_t>(entry.second.high);
      }
    } else {
      // Not there yet, maybe: a real cluster's new topic may lack a leader for a moment.
      last_error = marks.error().message;
    }
    if (there >= count) return read_to_high_watermarks(rk->get(), topic, timeout, deadline);
    if (Clock::now() >= deadline) {
      std::string found = !answered ? "no answer from the cluster (" + last_error + ")"
                          : missing ? "0 there (the topic does not exist)"
                                    : fmt::format("{} there", there);
      return Error::transient("READ_TOPIC",
                              fmt::format("timed out after {}ms waiting for {} records in topic "
                                          "'{}': {}",
                                          timeout.count(), count, topic, found));
    }
    std::this_thread::sleep_for(
        std::min<Clock::duration>(kWatermarkPollInterval, deadline - Clock::now()));
  }
}

}  // namespace sfpe::testing

namespace sfpe::testing {

Status create_topic(const std::string& bootstrap_servers, const std::string& topic,
                    int partitions, int replication_factor) {
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap_servers}});
  if (!conf.ok()) return conf.error();
  char errstr[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (raw == nullptr) return Error::fatal("ADMIN", errstr);
  conf->release();
  kafka::KafkaHandle rk(raw);
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, errstr, sizeof(errstr));
  if (new_topic == nullptr) return Error::fatal("ADMIN", errstr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  Status status = ok_status();
  if (event == nullptr) {
    status = Error::transient("ADMIN", "CreateTopics timed out");
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topics =
        result ? rd_kafka_CreateTopics_result_topics(result, &count) : nullptr;
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = Error::transient("ADMIN", rd_kafka_event_error_string(event));
    } else if (count == 1 && rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
               rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status = Error::transient("ADMIN", rd_kafka_topic_result_error_string(topics[0]));
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
  return status;
}

}  // namespace sfpe::testing
