// Kafka helpers for tests and the demo: a synchronous producer, readers for a group's committed
// offsets, a topic's end offsets and a topic's records, on librdkafka like the product.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/handles.h"
#include "kafka/record.h"

namespace sfpe::testing {

class TestProducer {
 public:
  // acks=all, idempotent, linger.ms=5; `overrides` replace or add librdkafka properties.
  static Result<std::unique_ptr<TestProducer>> create(
      const std::string& bootstrap_servers,
      const std::map<std::string, std::string>& overrides = {});
  ~TestProducer();

  // Queues one record; partition -1 lets the partitioner choose.
  Status produce(const std::string& topic, int32_t partition, const std::optional<std::string>& key,
                 const std::optional<std::string>& value,
                 const std::vector<kafka::Header>& headers = {});
  // Waits until every queued record is acknowledged (acks=all); an Error if any failed.
  Status flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  TestProducer() = default;
  static void delivery_callback(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);
  kafka::KafkaHandle handle_;
  int failures_ = 0;
  std::string first_failure_;
};

// Committed offsets of `group` for partitions 0..partitions-1 of `topic` (-1 = none committed).
Result<std::vector<int64_t>> committed_offsets(const std::string& bootstrap_servers,
                                               const std::string& group, const std::string& topic,
                                               int partitions);

// High watermark of each partition 0..partitions-1 of `topic`.
Result<std::vector<int64_t>> end_offsets(const std::string& bootstrap_servers,
                                         const std::string& topic, int partitions);
// Low watermark (log start offset) of each partition 0..partitions-1 of `topic`: above 0 once
// the oldest records were deleted (librdkafka's mock cluster keeps 5 MB a partition).
Result<std::vector<int64_t>> start_offsets(const std::string& bootstrap_servers,
                                           const std::string& topic, int partitions);

// Every record of `topic`, all its partitions (found from the cluster's metadata), from the
// beginning up to each partition's high watermark as it is when called: key, value (nullopt for
// null), headers in order (null header values kept as nullopt), timestamp and offset, sorted by
// partition then offset. An Error if the topic does not exist or the read times out.
Result<std::vector<kafka::Record>> read_topic(
    const std::string& bootstrap_servers, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Awaits at least `count` records in `topic` (summed over its partitions, by high watermarks;
// a missing topic counts as empty while waiting) and then returns read_topic(). An Error on
// timeout says how many records were there.
Result<std::vector<kafka::Record>> wait_for_topic_records(const std::string& bootstrap_servers,
                                                          const std::string& topic, size_t count,
                                                          std::chrono::milliseconds timeout);

}  // namespace sfpe::testing

namespace sfpe::testing {

// Creates `topic` through the Admin API (for a real cluster; librdkafka's mock cluster rejects
// CreateTopics, so fixtures pre-create topics there). An existing topic is not an error.
Status create_topic(const std::string& bootstrap_servers, const std::string& topic, int partitions,
                    int replication_factor = 1);

}  // namespace sfpe::testing
