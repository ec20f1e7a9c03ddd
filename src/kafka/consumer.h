// One task's Kafka consumer: a member of the connector's group `connect-<name>` that never
// commits on its own. Rebalance events are passed to a listener on the polling thread, so the
// task can commit what it has accounted for before partitions go (kafka-connect.md §1.2).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/handles.h"
#include "kafka/offset_tracker.h"
#include "kafka/record.h"

namespace sfpe::kafka {

// Called on the polling thread, from inside Consumer::poll() or close(). Under the COOPERATIVE
// protocol the lists hold only the partitions added or taken away; under EAGER, every partition.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_assigned(const std::vector<TopicPartition>& partitions) = 0;
  // Called before the partitions are taken away: the last chance to commit their offsets.
  virtual void on_revoked(const std::vector<TopicPartition>& partitions) = 0;
  // The partitions were lost (the group went on without this member, e.g. after a session
  // timeout): another member may already own them, so nothing may be committed for them.
  virtual void on_lost(const std::vector<TopicPartition>& partitions) = 0;
};

// partition.assignment.strategy as librdkafka names it: Java's assignor class names
// (org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor)
// become range, roundrobin and cooperative-sticky; librdkafka's own names pass through. Java's
// eager StickyAssignor has no librdkafka counterpart and is an Error naming it.
Result<std::string> librdkafka_assignment_strategy(const std::string& value);

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

  // Whether fetching is paused. The consumer owns this state: it applies it to every partition
  // assigned now and to every partition a later rebalance assigns (librdkafka keeps a
  // partition's pause across unassign and assign, so an assignment must say it either way).
  // poll() keeps serving the group while paused (kafka-connect.md §1.3: a paused task still
  // polls, so it is not evicted).
  Status pause();
  // `read_positions`: for each partition read since it was assigned, the offset after the last
  // record read; the fetcher is woken there at once (see consumer.cc).
  Status resume(const std::map<TopicPartition, int64_t>& read_positions);
  bool paused() const { return paused_; }

  // EAGER or COOPERATIVE, as librdkafka chose from partition.assignment.strategy ("NONE" until
  // the first rebalance).
  std::string rebalance_protocol() const;

  // Makes a poll() that is waiting, or the next one, return at once (from any thread).
  void wake();

  // Leaves the group cleanly (revocation callbacks run first).
  Status close();

 private:
  Consumer() = default;
  static void rebalance_callback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque);

  void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                    rd_kafka_topic_partition_list_t* partitions);
  Status apply_pause(const rd_kafka_topic_partition_list_t* partitions);

  KafkaHandle handle_;
  RebalanceListener* listener_ = nullptr;
  bool closed_ = false;
  bool paused_ = false;
  // A rebalance that could not be applied, or a listener that threw: returned by the next
  // poll() as a fatal error (a C callback must not let an exception through).
  std::optional<Error> rebalance_failure_;
};

}  // namespace sfpe::kafka
