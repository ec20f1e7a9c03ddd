// One task's Kafka consumer: a member of the connector's group `connect-<name>` that never
// commits on its own. Rebalance events are passed to a listener on the polling thread, so the
// task can commit what it has accounted for before partitions go (kafka-connect.md §1.2).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/handles.h"
#include "kafka/offset_tracker.h"
#include "kafka/record.h"

namespace sfpe::kafka {

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_assigned(const std::vector<TopicPartition>& partitions) = 0;
  // Called before the partitions are taken away: the last chance to commit their offsets.
  virtual void on_revoked(const std::vector<TopicPartition>& partitions) = 0;
};

struct ConsumerSettings {
  // Everything handed to librdkafka, already merged in Connect's order: framework defaults,
  // worker consumer.*, security pass-through, connector consumer.override.*.
  std::map<std::string, std::string> properties;
  std::vector<std::string> topics;  // or:
  std::string topics_regex;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(const ConsumerSettings& settings,
                                                  RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Polls one record. nullopt on timeout. A consumer-level error that is not fatal is logged by
  // the caller through `error` and polling goes on; a fatal one ends the task.
  struct PollResult {
    std::optional<Record> record;
    std::optional<Error> error;
  };
  PollResult poll(std::chrono::milliseconds timeout);

  // Synchronous commit of the given positions (next offset to read).
  Status commit(const std::map<TopicPartition, int64_t>& offsets);

  // Stops (resumes) fetching for every partition currently assigned; poll() keeps serving the
  // group meanwhile (kafka-connect.md §1.3: a paused task still polls, so it is not evicted).
  Status pause_assigned();
  // `read_positions`: for each partition read since it was assigned, the offset after the last
  // record read; the fetcher is woken there at once (see consumer.cc).
  Status resume_assigned(const std::map<TopicPartition, int64_t>& read_positions);

  // Makes a poll() that is waiting, or the next one, return at once (from any thread).
  void wake();

  // Leaves the group cleanly (revocation callbacks run first).
  void close();

 private:
  Consumer() = default;
  static void rebalance_callback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque);

  KafkaHandle handle_;
  RebalanceListener* listener_ = nullptr;
  bool closed_ = false;
};

}  // namespace sfpe::kafka
