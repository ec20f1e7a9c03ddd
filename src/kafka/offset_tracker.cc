#include "kafka/offset_tracker.h"

#include <fmt/format.h>

namespace sfpe::kafka {

std::string to_string(const TopicPartition& tp) {
  return fmt::format("{}-{}", tp.topic, tp.partition);
}

void OffsetTracker::track(const TopicPartition& tp, int64_t offset) {
  auto& state = partitions_[tp];
  if (offset < state.next_after_highest) {
    // The consumer's position moved back (an OFFSET_OUT_OF_RANGE reset to the earliest offset,
    // after the log was truncated or recreated): the partition starts anew from here. Its
    // commit position follows it back, and its read position (where a resume seeks) is after
    // this record, never the old, higher one, which would skip every record in between.
    state = PartitionState{};
  }
  state.open.insert(offset);
  state.next_after_highest = offset + 1;
}

void OffsetTracker::ack(const TopicPartition& tp, int64_t offset) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return;
  it->second.open.erase(offset);
}

std::map<TopicPartition, int64_t> OffsetTracker::committable() const {
  std::map<TopicPartition, int64_t> result;
  for (const auto& [tp, state] : partitions_) {
    if (state.next_after_highest < 0) continue;
    int64_t position = state.open.empty() ? state.next_after_highest : *state.open.begin();
    if (position > state.committed) result.emplace(tp, position);
  }
  return result;
}

void OffsetTracker::mark_committed(const std::map<TopicPartition, int64_t>& offsets) {
  for (const auto& [tp, offset] : offsets) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end() && offset > it->second.committed) it->second.committed = offset;
  }
}

void OffsetTracker::forget(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) partitions_.erase(tp);
}

size_t OffsetTracker::open_count() const {
  size_t count = 0;
  for (const auto& [tp, state] : partitions_) count += state.open.size();
  return count;
}

std::map<TopicPartition, int64_t> OffsetTracker::read_positions() const {
  std::map<TopicPartition, int64_t> positions;
  for (const auto& [tp, state] : partitions_) {
    if (state.next_after_highest >= 0) positions.emplace(tp, state.next_after_highest);
  }
  return positions;
}

}  // namespace sfpe::kafka
