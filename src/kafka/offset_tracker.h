// Decides which offsets may be committed: a partition's offset moves only past a contiguous
// prefix of accounted records (accepted by Salesforce, dead-lettered, or skipped by a documented
// rule), so a commit never passes a record whose fate is still open. One owner for that rule.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sfpe::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

std::string to_string(const TopicPartition& tp);

class OffsetTracker {
 public:
  // A record was handed to the pipeline; its fate is open until ack(). Records of a partition
  // come in offset order; one below the last tracked means the position moved back, and the
  // partition starts anew at it (see offset_tracker.cc).
  void track(const TopicPartition& tp, int64_t offset);
  // The record at `offset` is accounted for. Acking an untracked offset is ignored.
  void ack(const TopicPartition& tp, int64_t offset);

  // For each partition whose commit position moved since the last mark_committed(): the offset
  // to commit (Kafka convention: the next offset to read), i.e. the lowest open offset, or one
  // past the highest tracked offset when none is open.
  std::map<TopicPartition, int64_t> committable() const;
  void mark_committed(const std::map<TopicPartition, int64_t>& offsets);

  // Forgets partitions (revoked or lost); their open records will be re-read by the next owner.
  void forget(const std::vector<TopicPartition>& partitions);

  size_t open_count() const;

  // For each partition tracked since it was assigned: one past the last offset tracked.
  std::map<TopicPartition, int64_t> read_positions() const;

 private:
  struct PartitionState {
    std::set<int64_t> open;
    int64_t next_after_highest = -1;  // after the last tracked; -1: nothing tracked yet
    int64_t committed = -1;
  };
  std::map<TopicPartition, PartitionState> partitions_;
};

}  // namespace sfpe::kafka
