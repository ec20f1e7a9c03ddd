#include "kafka/offset_tracker.h"

#include <gtest/gtest.h>

namespace sfpe::kafka {
namespace {

const TopicPartition kP0{"events", 0};
const TopicPartition kP1{"events", 1};

TEST(OffsetTrackerTest, NothingTrackedNothingCommittable) {
  OffsetTracker tracker;
  EXPECT_TRUE(tracker.committable().empty());
}

TEST(OffsetTrackerTest, OpenRecordHoldsBackTheCommit) {
  OffsetTracker tracker;
  tracker.track(kP0, 10);
  tracker.track(kP0, 11);
  tracker.track(kP0, 12);
  // Nothing accounted yet: the commit position is the first open offset, which the group may
  // already have committed; it is still reported until mark_committed().
  EXPECT_EQ(tracker.committable(), (std::map<TopicPartition, int64_t>{{kP0, 10}}));
  tracker.ack(kP0, 11);
  EXPECT_EQ(tracker.committable().at(kP0), 10);
  tracker.ack(kP0, 10);
  EXPECT_EQ(tracker.committable().at(kP0), 12);
  tracker.ack(kP0, 12);
  EXPECT_EQ(tracker.committable().at(kP0), 13);
  EXPECT_EQ(tracker.open_count(), 0u);
}

TEST(OffsetTrackerTest, PartitionsAreIndependent) {
  OffsetTracker tracker;
  tracker.track(kP0, 0);
  tracker.track(kP1, 5);
  tracker.ack(kP1, 5);
  auto offsets = tracker.committable();
  EXPECT_EQ(offsets.at(kP0), 0);
  EXPECT_EQ(offsets.at(kP1), 6);
}

TEST(OffsetTrackerTest, MarkCommittedHidesUnchangedPartitions) {
  OffsetTracker tracker;
  tracker.track(kP0, 0);
  tracker.ack(kP0, 0);
  tracker.mark_committed(tracker.committable());
  EXPECT_TRUE(tracker.committable().empty());
  tracker.track(kP0, 1);
  EXPECT_TRUE(tracker.committable().empty()) << "position 1 was already committed";
  tracker.ack(kP0, 1);
  EXPECT_EQ(tracker.committable().at(kP0), 2);
}

TEST(OffsetTrackerTest, GapsInOffsetsAreFine) {
  // Compacted topics and transaction markers leave gaps; the position follows tracked offsets.
  OffsetTracker tracker;
  tracker.track(kP0, 3);
  tracker.track(kP0, 7);
  tracker.ack(kP0, 3);
  EXPECT_EQ(tracker.committable().at(kP0), 7);
  tracker.ack(kP0, 7);
  EXPECT_EQ(tracker.committable().at(kP0), 8);
}

TEST(OffsetTrackerTest, ForgetDropsRevokedPartitions) {
  OffsetTracker tracker;
  tracker.track(kP0, 0);
  tracker.track(kP1, 0);
  tracker.forget({kP0});
  auto offsets = tracker.committable();
  EXPECT_EQ(offsets.count(kP0), 0u);
  EXPECT_EQ(offsets.count(kP1), 1u);
  tracker.ack(kP0, 0);  // a late ack of a forgotten partition is ignored
  EXPECT_EQ(tracker.committable().count(kP0), 0u);
}

TEST(OffsetTrackerTest, ReadPositionsAreOnePastTheHighestTrackedUntilForgotten) {
  OffsetTracker tracker;
  EXPECT_TRUE(tracker.read_positions().empty());
  tracker.track(kP0, 4);
  tracker.track(kP0, 5);
  tracker.track(kP1, 9);
  tracker.ack(kP0, 4);
  tracker.ack(kP0, 5);
  EXPECT_EQ(tracker.read_positions(), (std::map<TopicPartition, int64_t>{{kP0, 6}, {kP1, 10}}));
  tracker.forget({kP1});
  EXPECT_EQ(tracker.read_positions(), (std::map<TopicPartition, int64_t>{{kP0, 6}}));
}

TEST(OffsetTrackerTest, PositionThatMovesBackStartsThePartitionAnew) {
  // The consumer read 100..102 and committed 103; the log was then truncated and an
  // OFFSET_OUT_OF_RANGE reset to the earliest offset, 0, brings records 0, 1, ... again.
  OffsetTracker tracker;
  for (int64_t o = 100; o <= 102; ++o) tracker.track(kP0, o);
  for (int64_t o = 100; o <= 102; ++o) tracker.ack(kP0, o);
  tracker.mark_committed(tracker.committable());
  EXPECT_EQ(tracker.read_positions(), (std::map<TopicPartition, int64_t>{{kP0, 103}}));

  tracker.track(kP0, 0);
  tracker.track(kP0, 1);
  // A resume seeks to the read position: after the last record read, not back up at 103.
  EXPECT_EQ(tracker.read_positions(), (std::map<TopicPartition, int64_t>{{kP0, 2}}));
  EXPECT_EQ(tracker.open_count(), 2u);
  // Nothing is committable past the open record 0, and the commit may go back to it.
  EXPECT_EQ(tracker.committable(), (std::map<TopicPartition, int64_t>{{kP0, 0}}));
  tracker.ack(kP0, 0);
  tracker.ack(kP0, 1);
  EXPECT_EQ(tracker.committable(), (std::map<TopicPartition, int64_t>{{kP0, 2}}));
}

TEST(OffsetTrackerTest, ReadPositionFollowsTheLastRecordRead) {
  OffsetTracker tracker;
  tracker.track(kP0, 7);
  tracker.track(kP1, 3);
  tracker.track(kP0, 8);
  EXPECT_EQ(tracker.read_positions(),
            (std::map<TopicPartition, int64_t>{{kP0, 9}, {kP1, 4}}));
  tracker.track(kP0, 5);  // moved back
  EXPECT_EQ(tracker.read_positions().at(kP0), 6);
}

}  // namespace
}  // namespace sfpe::kafka
