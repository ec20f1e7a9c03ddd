// An in-memory Kafka cluster that speaks the real protocol on localhost: librdkafka 2.0.2's mock
// cluster (rdkafka_mock.h), owned through the rd_kafka_t that hosts it.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "kafka/handles.h"

struct rd_kafka_mock_cluster_s;

namespace sfpe::testing {

class MockKafkaCluster {
 public:
  // Starts `brokers` mock brokers on ephemeral localhost ports.
  static Result<std::unique_ptr<MockKafkaCluster>> create(int brokers);

  // Pre-creates a topic (replication factor 1). Needed because 2.0.2's mock rejects the Admin
  // API's CreateTopics (test-environment.md, Kafka); topics a client auto-creates get the mock's
  // built-in partition count, which the mock API offers no way to change.
  Status create_topic(const std::string& name, int partitions);

  // Delays every broker's responses by `rtt_ms` (0: none): a slow cluster, still reachable, for
  // tests of timeouts such as offset.flush.timeout.ms.
  Status set_rtt(int rtt_ms);

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string bootstrap_servers() const;

 private:
  MockKafkaCluster() = default;
  kafka::KafkaHandle host_;  // destroying it destroys the cluster
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
};

}  // namespace sfpe::testing
