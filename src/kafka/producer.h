// A Kafka producer for what the sink writes besides Salesforce: dead letter queue records and
// reporter results. Every delivery is reported back through a callback, with the token given at
// produce(), on the thread that calls poll() or flush(), so the task can settle the source record
// only once its copy is durable (kafka-connect.md §2.5: reports finish before offsets commit).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/handles.h"
#include "kafka/record.h"

namespace sfpe::kafka {

struct OutgoingRecord {
  std::string topic;
  std::optional<std::string> key;    // nullopt: null key
  std::optional<std::string> value;  // nullopt: null value
  std::vector<Header> headers;
  int64_t timestamp_ms = -1;  // -1: the producer's clock stamps it
};

struct Delivery {
  uint64_t token = 0;
  std::optional<Error> error;  // set when the record could not be written
  int32_t partition = -1;      // where it was written
  int64_t offset = -1;
};

class Producer {
 public:
  using DeliveryCallback = std::function<void(const Delivery&)>;

  // `properties` go to librdkafka as they are (already merged and filtered).
  static Result<std::unique_ptr<Producer>> create(const std::map<std::string, std::string>& properties,
                                                  DeliveryCallback on_delivery);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `record` for the partitioner without waiting. An Error means it was not queued and no
  // delivery will be reported: transient KAFKA_QUEUE_FULL when the local queue is full (the
  // cluster is slow or unreachable; try again later), permanent when librdkafka refused it.
  Status produce(const OutgoingRecord& record, uint64_t token);
  // Serves delivery callbacks for up to `timeout`.
  void poll(std::chrono::milliseconds timeout);
  // Waits up to `timeout` until every queued record is delivered or failed; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  // Records queued or in flight, not yet reported.
  int in_flight() const;
  // The last client-level error librdkafka reported (e.g. every broker unreachable); empty if
  // none yet. Read on the thread that polls.
  const std::string& last_error() const { return last_error_; }

 private:
  Producer() = default;
  static void delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
  static void error_callback(rd_kafka_t*, int err, const char* reason, void* opaque);

  KafkaHandle handle_;
  DeliveryCallback on_delivery_;
  std::string last_error_;
};

struct TopicSpec {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = 1;
};

// Creates `topic` through the Admin API with the clients settings `properties` unless it exists
// (kafka-connect.md §2.4: a missing DLQ topic is created; an existing one is used as it is).
// Ok when the topic exists afterwards; an Error says why not (some clusters, such as librdkafka's
// mock, refuse CreateTopics and auto-create topics on first write instead).
Status create_topic_if_missing(const std::map<std::string, std::string>& properties,
                               const TopicSpec& topic, std::chrono::milliseconds timeout);

}  // namespace sfpe::kafka
