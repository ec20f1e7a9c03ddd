// How a task stops and fails: several tasks of one connector stopping together, a stop while a
// batch is in flight, a failure while other batches retry, publishers and mappers that throw,
// the counters after a failure, and dead letter and reporter clusters that cannot be reached.
#include <gtest/gtest.h>

#include <stdexcept>

#include <fmt/format.h>

#include "fake_salesforce.h"
#include "kafka_cluster/mock_cluster.h"
#include "lib/kafka_client.h"

namespace sfpe::sink {
namespace {

using namespace std::chrono_literals;
using fakes::RunningTask;
using fakes::Salesforce;

// Where nothing listens: connecting is refused at once.
constexpr const char* kNowhere = "127.0.0.1:1";

class TaskLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = sfpe::testing::MockKafkaCluster::create(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error().message;
    cluster_ = std::move(cluster.value());
  }

  void produce(int partitions, int per_partition) {
    partitions_ = partitions;
    ASSERT_TRUE(cluster_->create_topic("t", partitions).ok());
    for (int p = 0; p < partitions; ++p) produce_to(p, per_partition);
  }

  void produce_to(int partition, int records) {
    auto producer = sfpe::testing::TestProducer::create(cluster_->bootstrap_servers());
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    for (int i = 0; i < records; ++i) {
      ASSERT_TRUE((*producer)->produce("t", partition, std::nullopt, fmt::format("r{}", i)).ok());
    }
    ASSERT_TRUE((*producer)->flush().ok());
  }

  TaskSettings settings(size_t batch = 50) {
    TaskSettings s = fakes::test_settings(cluster_->bootstrap_servers(), batch, true);
    s.shutdown_grace = 5s;
    return s;
  }

  // The group's committed offsets; an assertion fails when they cannot be read.
  std::vector<int64_t> committed() {
    auto offsets = sfpe::testing::committed_offsets(cluster_->bootstrap_servers(), "connect-c",
                                                    "t", partitions_);
    EXPECT_TRUE(offsets.ok()) << offsets.error().message;
    return offsets.ok() ? *offsets : std::vector<int64_t>{};
  }

  std::unique_ptr<sfpe::testing::MockKafkaCluster> cluster_;
  int partitions_ = 0;
  Salesforce sf_;
};

// Holds the batch holding (partition, offset) until `release` is raised, then accepts it;
// `held` is its size once it is held.
auto hold_batch_with(Salesforce& sf, int64_t partition, int64_t offset, StopSignal& release,
                     std::atomic<size_t>& held) {
  return [&sf, partition, offset, &release, &held](const std::vector<Event>& events)
             -> std::optional<Result<std::vector<PublishOutcome>>> {
    for (const auto& e : events) {
      if (e["p"] == partition && e["o"] == offset) {
        {
          std::lock_guard<std::mutex> lock(sf.mutex);
          held = events.size();
        }
        sf.changed.notify_all();
        release.wait_for(10min);
        return std::nullopt;
      }
    }
    return std::nullopt;
  };
}

TEST_F(TaskLifecycleTest, TasksOfOneConnectorCommitEverythingOnStopBeforeLeavingTheGroup) {
  // tasks.max=3, six partitions, commits only at the stop (offset.flush.interval.ms=600000).
  // One task has a batch in flight when the stop comes; its answer arrives only once the other
  // tasks are done with theirs. Every record must be committed, by all three.
  partitions_ = 6;
  ASSERT_TRUE(cluster_->create_topic("t", 6).ok());
  StopSignal release;
  std::atomic<size_t> held{0};
  sf_.answer = hold_batch_with(sf_, 5, 199, release, held);
  auto leave = std::make_shared<GroupLeave>(3);
  std::vector<std::unique_ptr<RunningTask>> tasks;
  std::vector<std::shared_ptr<fakes::CapturedLog>> logs;
  for (int id = 0; id < 3; ++id) {
    TaskSettings s = settings();
    s.task_id = id;
    s.offset_flush_interval = 600000ms;
    s.group_leave = leave;
    logs.push_back(std::make_shared<fakes::CapturedLog>());
    tasks.push_back(std::make_unique<RunningTask>(
        std::move(s), sf_, 2, fakes::partition_and_offset,
        std::make_shared<spdlog::logger>(fmt::format("task-{}", id), logs.back())));
  }
  // The records come once the group has settled with all three: a rebalance while records are
  // in flight may publish some twice (at least once), and this test counts exactly once.
  for (auto& log : logs) {
    ASSERT_TRUE(
        sfpe::testing::eventually([&] { return log->contains("partitions assigned: [t-"); }, 60s));
  }
  for (int p = 0; p < 6; ++p) produce_to(p, 200);
  ASSERT_TRUE(sf_.await([&] { return held > 0 && sf_.accepted.size() + held == 1200; }, 60s))
      << "accepted " << sf_.accepted_count() << ", held " << held;
  for (auto& task : tasks) task->request_stop();
  // The held batch is answered once the two other tasks made their final commits.
  ASSERT_TRUE(sfpe::testing::eventually([&] { return leave->arrived() >= 2; }, 30s));
  release.request_stop();
  for (auto& task : tasks) {
    ASSERT_TRUE(task->await_done());
    EXPECT_TRUE(task->status().ok()) << task->status().error().message;
    EXPECT_EQ(task->counters().uncommitted.load(), 0u);
  }
  EXPECT_EQ(sf_.accepted_count(), 1200u);
  EXPECT_EQ(committed(), std::vector<int64_t>(6, 200));
}

TEST_F(TaskLifecycleTest, StopCommitsWhatIsSettledWithoutWaitingForTheBatchInFlight) {
  // Partition 1's batch hangs in Salesforce; partition 0 was published. The stop commits
  // partition 0 at once, not only after the batch in flight was given up.
  partitions_ = 2;
  ASSERT_TRUE(cluster_->create_topic("t", 2).ok());
  produce_to(0, 100);
  StopSignal release;
  std::atomic<size_t> held{0};
  sf_.answer = hold_batch_with(sf_, 1, 0, release, held);
  TaskSettings s = settings(100);
  s.offset_flush_interval = 600000ms;
  s.shutdown_grace = 60s;  // the batch in flight may take this long
  RunningTask task(std::move(s), sf_, 2);
  ASSERT_TRUE(sf_.await([&] { return sf_.accepted.size() == 100; }));
  produce_to(1, 100);  // after partition 0's records, so that no batch holds both
  ASSERT_TRUE(sf_.await([&] { return held > 0; }));
  task.request_stop();
  EXPECT_TRUE(sfpe::testing::eventually(
      [&] { return committed() == std::vector<int64_t>{100, 0}; }, 30s))
      << "committed " << committed()[0] << ", " << committed()[1];
  EXPECT_FALSE(task.done());  // still waiting for the batch in flight, within the grace period
  release.request_stop();
  ASSERT_TRUE(task.await_done());
  EXPECT_TRUE(task.status().ok()) << task.status().error().message;
  EXPECT_EQ(committed(), (std::vector<int64_t>{100, 100}));
}

TEST_F(TaskLifecycleTest, FailedTaskStopsItsOtherPublishersAtOnce) {
  // The second batch fails the task while the first is retrying in another publisher, which
  // waits for its stop signal as the real retry backoff does. The task must end without
  // waiting out the retries (request.max.retries.time.ms), and count truthfully.
  produce(2, 100);
  StopSignal never;
  std::atomic<StopSignal*> publishers_stop{&never};  // the task's, once it exists
  std::atomic<bool> retrying{false};
  std::atomic<int> calls{0};
  sf_.answer = [&](const std::vector<Event>&)
      -> std::optional<Result<std::vector<PublishOutcome>>> {
    if (calls++ == 0) {
      retrying = true;
      sf_.changed.notify_all();
      publishers_stop.load()->wait_for(10min);  // the retry backoff, ended by the stop
      return Result<std::vector<PublishOutcome>>(
          Error::transient("UNAVAILABLE", "retries given up: the task stops"));
    }
    EXPECT_TRUE(sf_.await([&] { return retrying.load(); }));
    return Result<std::vector<PublishOutcome>>(
        Error::fatal("INVALID_SESSION_ID", "Session expired or invalid"));
  };
  TaskSettings s = settings(100);
  s.linger = 10min;                   // two full batches of 100
  s.preserve_partition_order = false;  // the second may hold a partition of the first
  s.shutdown_grace = 10min;           // only the stop signal may end the retrying batch
  RunningTask task(std::move(s), sf_, 2);
  publishers_stop = &task.publishers_stop();
  ASSERT_TRUE(task.await_done(60s)) << "the retrying batch held the failed task";
  ASSERT_FALSE(task.status().ok());
  EXPECT_EQ(task.status().error().code, "INVALID_SESSION_ID");
  // The summary: both batches read, none published; the failed batch's records counted failed,
  // and all of them uncommitted.
  EXPECT_EQ(task.counters().consumed.load(), 200u);
  EXPECT_EQ(task.counters().published.load(), 0u);
  EXPECT_EQ(task.counters().failed.load(), 100u);
  EXPECT_EQ(task.counters().uncommitted.load(), 200u);
  EXPECT_EQ(committed(), (std::vector<int64_t>{0, 0}));  // nothing past the first record
}

TEST_F(TaskLifecycleTest, PublisherThatThrowsFailsTheTaskInsteadOfTheProcess) {
  produce(1, 10);
  sf_.answer = [](const std::vector<Event>&) -> std::optional<Result<std::vector<PublishOutcome>>> {
    throw std::runtime_error("bad response");
  };
  TaskSettings s = settings(10);
  s.linger = 10min;  // one batch of all 10
  RunningTask task(std::move(s), sf_, 1);
  ASSERT_TRUE(task.await_done());
  ASSERT_FALSE(task.status().ok());
  EXPECT_EQ(task.status().error().code, "PUBLISH_EXCEPTION");
  EXPECT_EQ(task.status().error().message,
            "publishing a batch of 10 event(s) failed: bad response");
  EXPECT_EQ(task.counters().failed.load(), 10u);
  EXPECT_EQ(task.counters().uncommitted.load(), 10u);
  EXPECT_EQ(committed(), std::vector<int64_t>{0});
}

Result<Event> throws_at_offset_3(const kafka::Record& r, Stage* stage) {
  *stage = Stage::kTaskPut;
  if (r.offset == 3) throw std::out_of_range("map::at");
  return fakes::partition_and_offset(r, stage);
}

TEST_F(TaskLifecycleTest, MapperThatThrowsFailsTheTaskAtItsRecord) {
  produce(1, 10);
  RunningTask task(settings(), sf_, 1, throws_at_offset_3);
  ASSERT_TRUE(task.await_done());
  ASSERT_FALSE(task.status().ok());
  EXPECT_EQ(task.status().error().code, "UNEXPECTED_EXCEPTION");
  EXPECT_EQ(task.status().error().message,
            "topic t partition 0 offset 3: map::at (stage TASK_PUT; errors.tolerance=none)");
  EXPECT_EQ(committed(), std::vector<int64_t>{3});
}

TEST_F(TaskLifecycleTest, MapperThatThrowsIsToleratedUnderErrorsToleranceAll) {
  produce(1, 10);
  TaskSettings s = settings();
  s.tolerance = ErrorTolerance::kAll;
  RunningTask task(std::move(s), sf_, 1, throws_at_offset_3);
  ASSERT_TRUE(
      sfpe::testing::eventually([&] { return committed() == std::vector<int64_t>{10}; }, 60s));
  task.request_stop();
  ASSERT_TRUE(task.await_done());
  EXPECT_TRUE(task.status().ok()) << task.status().error().message;
  EXPECT_EQ(task.counters().published.load(), 9u);
  EXPECT_EQ(task.counters().skipped.load(), 1u);
}

Result<Event> always_bad(const kafka::Record& r, Stage* stage) {
  *stage = Stage::kValueConverter;
  return Error::permanent("BAD", fmt::format("offset {} is bad", r.offset));
}

TEST_F(TaskLifecycleTest, UnreachableDeadLetterQueueHoldsOffsetsAndStopsReadingButNotTheTask) {
  // Every record is errant and goes to a DLQ whose cluster cannot be reached: the writes are
  // never acknowledged (Connect's unbounded delivery timeout), the producer's small queue fills.
  produce(1, 2000);
  auto logged = std::make_shared<fakes::CapturedLog>();
  auto log = std::make_shared<spdlog::logger>("task", logged);
  TaskSettings s = settings();
  s.tolerance = ErrorTolerance::kAll;
  s.buffer_max_records = 100;
  s.shutdown_grace = 2s;
  s.reporting.dlq_topic = "dlq";
  s.reporting.dlq_producer = {{"bootstrap.servers", kNowhere},
                              {"delivery.timeout.ms", "2147483647"},
                              {"queue.buffering.max.messages", "20"}};
  RunningTask task(std::move(s), sf_, 1, always_bad, log);
  ASSERT_TRUE(
      sfpe::testing::eventually([&] { return task.counters().consumed.load() >= 100; }, 60s));
  // Reading stops at the buffer bound (give or take one poll's worth: two batches).
  EXPECT_FALSE(sfpe::testing::eventually([&] { return task.counters().consumed.load() > 200; }, 2s))
      << "consumed " << task.counters().consumed.load();
  EXPECT_FALSE(task.done());  // the task goes on, polling its group
  // Nothing past the first record (none yet, or 0: a commit waits offset.flush.timeout.ms for
  // the dead letters first).
  EXPECT_LE(committed().at(0), 0);
  task.request_stop();
  ASSERT_TRUE(task.await_done(30s)) << "the stop did not end within the grace period";
  EXPECT_TRUE(task.status().ok()) << task.status().error().message;
  EXPECT_EQ(task.counters().dead_lettered.load(), 0u);
  EXPECT_EQ(task.counters().uncommitted.load(), task.counters().consumed.load());
  EXPECT_EQ(committed(), std::vector<int64_t>{0});  // the stop commits up to the first record
  EXPECT_TRUE(logged->contains("dead letter(s) unacknowledged after the grace period"))
      << logged->text();
}

TEST_F(TaskLifecycleTest, UnreachableReporterClusterLosesReportsButNothingElse) {
  produce(1, 500);
  TaskSettings s = settings();
  s.reporting.result_topic = "results";
  s.reporting.reporter_producer = {{"bootstrap.servers", kNowhere},
                                   {"queue.buffering.max.messages", "10"}};
  RunningTask task(std::move(s), sf_, 1);
  ASSERT_TRUE(
      sfpe::testing::eventually([&] { return committed() == std::vector<int64_t>{500}; }, 60s));
  task.request_stop();
  ASSERT_TRUE(task.await_done(30s));
  EXPECT_TRUE(task.status().ok()) << task.status().error().message;
  EXPECT_EQ(task.counters().published.load(), 500u);
  EXPECT_EQ(sf_.accepted_count(), 500u);
}

}  // namespace
}  // namespace sfpe::sink
