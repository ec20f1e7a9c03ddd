// The consumer against librdkafka's mock cluster: a rebalance listener that throws becomes a
// fatal error of the next poll, never an exception through librdkafka's C callback; Java
// assignor class names are understood.
#include "kafka/consumer.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "kafka_cluster/mock_cluster.h"

namespace sfpe::kafka {
namespace {

using namespace std::chrono_literals;

class ThrowingListener : public RebalanceListener {
 public:
  void on_assigned(const std::vector<TopicPartition>&) override {
    throw std::runtime_error("listener broke");
  }
  void on_revoked(const std::vector<TopicPartition>&) override {}
  void on_lost(const std::vector<TopicPartition>&) override {}
};

TEST(ConsumerTest, ListenerThatThrowsBecomesAFatalRebalanceError) {
  auto cluster = testing::MockKafkaCluster::create(1);
  ASSERT_TRUE(cluster.ok()) << cluster.error().message;
  ASSERT_TRUE((*cluster)->create_topic("t", 2).ok());
  ConsumerSettings settings;
  settings.properties = {{"bootstrap.servers", (*cluster)->bootstrap_servers()},
                         {"group.id", "connect-c"},
                         {"session.timeout.ms", "6000"}};
  settings.topics = {"t"};
  ThrowingListener listener;
  auto consumer = Consumer::create(settings, &listener);
  ASSERT_TRUE(consumer.ok()) << consumer.error().message;
  std::optional<Error> error;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!error && std::chrono::steady_clock::now() < deadline) {
    error = (*consumer)->poll(100ms).error;
  }
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kFatal);
  EXPECT_EQ(error->code, "KAFKA_REBALANCE");
  EXPECT_EQ(error->message, "handling a rebalance failed: listener broke");
  EXPECT_TRUE((*consumer)->close().ok());
}

TEST(ConsumerTest, JavaAssignorNamesBecomeLibrdkafkaNames) {
  EXPECT_EQ(librdkafka_assignment_strategy(
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
                .value(),
            "cooperative-sticky");
  EXPECT_EQ(librdkafka_assignment_strategy("org.apache.kafka.clients.consumer.RangeAssignor, "
                                           "org.apache.kafka.clients.consumer.RoundRobinAssignor")
                .value(),
            "range,roundrobin");
  EXPECT_EQ(librdkafka_assignment_strategy("range").value(), "range");
  auto sticky = librdkafka_assignment_strategy("org.apache.kafka.clients.consumer.StickyAssignor");
  ASSERT_FALSE(sticky.ok());
  EXPECT_EQ(sticky.error().code, "KAFKA_CONFIG");
  EXPECT_EQ(sticky.error().message.rfind("partition.assignment.strategy: ", 0), 0u);
}

}  // namespace
}  // namespace sfpe::kafka
