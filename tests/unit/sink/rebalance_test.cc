// A second member joins a connector's group while the first has paused its partitions (its
// buffer full behind a batch in flight), then leaves again: under each assignment strategy,
// eager and cooperative, every record must still reach Salesforce and be committed.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "fake_salesforce.h"
#include "kafka_cluster/mock_cluster.h"
#include "lib/kafka_client.h"

namespace sfpe::sink {
namespace {

using namespace std::chrono_literals;
using fakes::RunningTask;
using fakes::Salesforce;

constexpr int kPartitions = 4;
constexpr int kPerPartition = 1500;

class RebalanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto cluster = sfpe::testing::MockKafkaCluster::create(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error().message;
    cluster_ = std::move(cluster.value());
    ASSERT_TRUE(cluster_->create_topic("t", kPartitions).ok());
    auto producer = sfpe::testing::TestProducer::create(cluster_->bootstrap_servers());
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    for (int i = 0; i < kPerPartition; ++i) {
      for (int p = 0; p < kPartitions; ++p) {
        ASSERT_TRUE((*producer)->produce("t", p, std::nullopt, fmt::format("r{}", i)).ok());
      }
    }
    ASSERT_TRUE((*producer)->flush().ok());
  }

  TaskSettings settings() {
    TaskSettings s = fakes::test_settings(cluster_->bootstrap_servers(), 50, /*ordered=*/true);
    s.consumer.properties["partition.assignment.strategy"] = GetParam();
    s.buffer_max_records = 100;  // pauses after about two batches
    s.shutdown_grace = 5s;
    return s;
  }

  bool all_committed() {
    auto offsets = sfpe::testing::committed_offsets(cluster_->bootstrap_servers(), "connect-c",
                                                    "t", kPartitions);
    return offsets.ok() && *offsets == std::vector<int64_t>(kPartitions, kPerPartition);
  }

  std::unique_ptr<sfpe::testing::MockKafkaCluster> cluster_;
  Salesforce sf_;
};

TEST_P(RebalanceTest, MemberJoiningAndLeavingWhileTheFirstIsPausedLosesNothing) {
  sf_.hold_calls = 1;  // the first batch waits: the first member's buffer fills and it pauses
  auto first = std::make_unique<RunningTask>(settings(), sf_, 1);
  ASSERT_TRUE(sf_.await([&] { return sf_.in_flight == 1; })) << "the first member read nothing";
  ASSERT_TRUE(sf_.await([&] { return first->counters().consumed.load() >= 100; }));

  // A second member joins: the group rebalances while the first is paused.
  auto second = std::make_unique<RunningTask>(settings(), sf_, 1);
  ASSERT_TRUE(sf_.await([&] { return second->counters().published.load() > 0; }, 60s))
      << "the second member published nothing";
  sf_.release_until(SIZE_MAX);
  // Both read on: the first member's partitions must not stay paused across the rebalance.
  ASSERT_TRUE(sf_.await([&] { return first->counters().published.load() > 200; }, 60s))
      << "the first member stopped at " << first->counters().published.load();

  // The second leaves mid-backlog; the first takes every partition back and finishes.
  second->request_stop();
  ASSERT_TRUE(second->await_done());
  ASSERT_TRUE(second->status().ok()) << second->status().error().message;
  EXPECT_TRUE(sfpe::testing::eventually([&] { return all_committed(); }, 120s));
  first->request_stop();
  ASSERT_TRUE(first->await_done());
  ASSERT_TRUE(first->status().ok()) << first->status().error().message;

  // Every record reached Salesforce at least once; within one member's run, in order.
  std::lock_guard<std::mutex> lock(sf_.mutex);
  std::map<int64_t, std::set<int64_t>> seen;
  for (const auto& [p, o] : sf_.accepted) seen[p].insert(o);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kPartitions));
  for (const auto& [p, offsets] : seen) {
    EXPECT_EQ(offsets.size(), static_cast<size_t>(kPerPartition)) << "partition " << p;
    EXPECT_EQ(*offsets.begin(), 0) << "partition " << p;
    EXPECT_EQ(*offsets.rbegin(), kPerPartition - 1) << "partition " << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, RebalanceTest,
                         ::testing::Values("range", "roundrobin", "cooperative-sticky"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace sfpe::sink
