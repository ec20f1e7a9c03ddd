// The task's publishing pipeline against a real consumer group on librdkafka's mock cluster, with
// fake publishers that hold batches until the test lets them go: several batches in flight,
// never two of one partition unless allowed, commits only up to a contiguous prefix, and a
// buffer bound that pauses consumption.
#include "sink/task.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "fake_salesforce.h"
#include "kafka_cluster/mock_cluster.h"
#include "lib/eventually.h"
#include "lib/kafka_client.h"

namespace sfpe::sink {
namespace {

using namespace std::chrono_literals;

using fakes::FakePublisher;
using fakes::Salesforce;

class TaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = testing::MockKafkaCluster::create(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error().message;
    cluster_ = std::move(cluster.value());
  }

  void produce(int partitions, int per_partition) {
    ASSERT_TRUE(cluster_->create_topic("t", partitions).ok());
    auto producer = testing::TestProducer::create(cluster_->bootstrap_servers());
    ASSERT_TRUE(producer.ok());
    for (int i = 0; i < per_partition; ++i) {
      for (int p = 0; p < partitions; ++p) {
        ASSERT_TRUE((*producer)->produce("t", p, std::nullopt, fmt::format("r{}", i)).ok());
      }
    }
    ASSERT_TRUE((*producer)->flush().ok());
  }

  TaskSettings settings(size_t batch, bool ordered) {
    TaskSettings s;
    s.connector = "c";
    s.consumer.properties = {{"bootstrap.servers", cluster_->bootstrap_servers()},
                             {"group.id", "connect-c"},
                             {"enable.auto.commit", "false"},
                             {"auto.offset.reset", "earliest"},
                             {"session.timeout.ms", "6000"}};
    s.consumer.topics = {"t"};
    s.max_batch_records = batch;
    s.linger = 5ms;
    s.preserve_partition_order = ordered;
    s.offset_flush_interval = 50ms;
    return s;
  }

  // Starts a task with `in_flight` fake publishers on its own thread.
  void start(TaskSettings s, int in_flight) {
    std::vector<std::unique_ptr<EventPublisher>> publishers;
    for (int i = 0; i < in_flight; ++i) publishers.push_back(std::make_unique<FakePublisher>(sf_));
    RecordPreparer preparer = [](const kafka::Record& r, Stage*) -> Result<Event> {
      return Event{{"p", r.partition}, {"o", r.offset}};
    };
    auto log = std::make_shared<spdlog::logger>("task", std::make_shared<spdlog::sinks::null_sink_mt>());
    task_ = std::make_unique<SinkTask>(std::move(s), preparer, std::move(publishers), log, stop_,
                                       clock_, random_);
    thread_ = std::thread([this] { status_ = task_->run(); });
  }

  void stop() {
    stop_.request_stop();
    sf_.release_until(SIZE_MAX);
    if (thread_.joinable()) thread_.join();
    ASSERT_TRUE(status_.ok()) << status_.error().message;
  }

  // The group's committed offsets (-1 where none), or the error that kept the test from reading
  // them: callers assert on it, so a failed read fails the test instead of comparing as "none".
  Result<std::vector<int64_t>> committed(int partitions) {
    return testing::committed_offsets(cluster_->bootstrap_servers(), "connect-c", "t", partitions);
  }

  // Awaits committed offsets equal to `expected`; a failed read of them is a test failure.
  bool await_commits(const std::vector<int64_t>& expected,
                     std::chrono::milliseconds timeout = 30s) {
    return testing::eventually(
        [&] {
          auto offsets = committed(static_cast<int>(expected.size()));
          if (!offsets.ok()) {
            ADD_FAILURE() << "committed offsets: " << offsets.error().message;
            return true;  // stop waiting: the test has already failed
          }
          return *offsets == expected;
        },
        timeout, 20ms);
  }

  void TearDown() override {
    if (thread_.joinable()) stop();
  }

  std::unique_ptr<testing::MockKafkaCluster> cluster_;
  Salesforce sf_;
  StopSignal stop_;
  SystemClock clock_{&stop_};
  SystemRandom random_;
  std::unique_ptr<SinkTask> task_;
  std::thread thread_;
  Status status_ = ok_status();
};

TEST_F(TaskTest, SeveralBatchesInFlightButNeverTwoOfOnePartition) {
  produce(3, 400);
  sf_.hold_calls = 3;  // the first three batches wait until all three are in flight
  start(settings(100, /*ordered=*/true), 3);
  ASSERT_TRUE(sf_.await([&] { return sf_.in_flight == 3; })) << "no three batches in flight";
  sf_.release_until(SIZE_MAX);
  ASSERT_TRUE(sf_.await([&] { return sf_.accepted.size() == 1200; }));
  ASSERT_TRUE(await_commits({400, 400, 400}));
  stop();

  std::lock_guard<std::mutex> lock(sf_.mutex);
  EXPECT_EQ(sf_.most_in_flight, 3);
  EXPECT_EQ(sf_.overlaps, 0);
  ASSERT_GE(sf_.batches.size(), 12u);  // 1200 records, at most 100 a batch
  for (const auto& batch : sf_.batches) EXPECT_LE(batch.size(), 100u);
  // Each partition's records reach Salesforce in offset order, each once.
  std::map<int64_t, int64_t> next;
  for (const auto& [p, o] : sf_.accepted) {
    EXPECT_EQ(o, next[p]) << "partition " << p;
    next[p] = o + 1;
  }
  EXPECT_EQ(task_->counters().published.load(), 1200u);
}

TEST_F(TaskTest, WithoutPartitionOrderOnePartitionHasSeveralBatchesInFlight) {
  produce(1, 300);
  sf_.hold_calls = 3;
  start(settings(100, /*ordered=*/false), 3);
  ASSERT_TRUE(sf_.await([&] { return sf_.in_flight == 3; })) << "no overlap happened";
  sf_.release_until(SIZE_MAX);
  ASSERT_TRUE(await_commits({300}));
  stop();
  std::lock_guard<std::mutex> lock(sf_.mutex);
  EXPECT_GT(sf_.overlaps, 0);
}

TEST_F(TaskTest, CommitsStopAtTheFirstBatchStillInFlight) {
  produce(1, 300);
  sf_.hold_calls = 1;  // the first batch (offsets 0-99) is held; the next ones go through
  start(settings(100, /*ordered=*/false), 3);
  ASSERT_TRUE(sf_.await([&] { return sf_.accepted.size() == 200; }));
  // Offsets 100-299 are accepted, but 0-99 are not: nothing may be committed past 0, however
  // many flush intervals pass.
  std::vector<int64_t> seen;
  EXPECT_FALSE(testing::eventually(
      [&] {
        auto c = committed(1);
        if (!c.ok()) {
          ADD_FAILURE() << "committed offsets: " << c.error().message;
          return true;
        }
        seen = *c;
        return seen.size() != 1 || seen[0] > 0;
      },
      10 * 50ms))
      << "committed " << (seen.empty() ? -1 : seen[0]);
  sf_.release_until(1);
  ASSERT_TRUE(await_commits({300}));
  stop();
}

TEST_F(TaskTest, BufferBoundPausesConsumptionUntilBatchesSettle) {
  produce(1, 2000);
  sf_.hold_calls = 1;
  TaskSettings s = settings(50, /*ordered=*/true);
  s.buffer_max_records = 150;
  start(std::move(s), 1);
  ASSERT_TRUE(sf_.await([&] { return sf_.in_flight == 1; }));
  // With the one batch held, the task reads up to its bound (plus at most one poll's worth:
  // two batches per publishing thread) and then stops reading.
  EXPECT_TRUE(sfpe::testing::eventually(
      [&] { return task_->counters().consumed.load() >= 150; }, 30s))
      << "consumed " << task_->counters().consumed.load();
  EXPECT_FALSE(sf_.await([&] { return task_->counters().consumed.load() > 250; }, 1s))
      << "consumed " << task_->counters().consumed.load();
  sf_.release_until(SIZE_MAX);
  ASSERT_TRUE(await_commits({2000}));
  stop();
  EXPECT_EQ(task_->counters().published.load(), 2000u);
}

TEST_F(TaskTest, PausedAndResumedManyTimesEveryRecordIsPublishedOnceInOrder) {
  // A small buffer makes the task pause and resume its partitions dozens of times; each resume
  // seeks the fetcher to the offset after the last record read (consumer.cc), which must skip
  // and repeat nothing.
  const int partitions = 3;
  const int per_partition = 1000;
  produce(partitions, per_partition);
  TaskSettings s = settings(50, /*ordered=*/true);
  s.buffer_max_records = 200;
  start(std::move(s), 2);
  EXPECT_TRUE(await_commits(std::vector<int64_t>(partitions, per_partition), 120s));
  stop();
  auto committed_at_stop = committed(partitions);
  ASSERT_TRUE(committed_at_stop.ok()) << committed_at_stop.error().message;
  EXPECT_EQ(*committed_at_stop, std::vector<int64_t>(partitions, per_partition));
  std::map<int64_t, std::vector<int64_t>> offsets;
  for (const auto& [p, o] : sf_.accepted) offsets[p].push_back(o);
  ASSERT_EQ(offsets.size(), static_cast<size_t>(partitions));
  std::vector<int64_t> expected(per_partition);
  for (int i = 0; i < per_partition; ++i) expected[i] = i;
  for (const auto& [p, list] : offsets) EXPECT_EQ(list, expected) << "partition " << p;
  EXPECT_EQ(task_->counters().consumed.load(), static_cast<uint64_t>(partitions * per_partition));
}

}  // namespace
}  // namespace sfpe::sink
