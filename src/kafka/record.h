// One consumed Kafka record as the pipeline sees it: raw bytes plus where it came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfpe::kafka {

struct Header {
  std::string name;
  std::optional<std::string> value;  // a header value may be null
};

// Kafka's timestamp types, named as Java's TimestampType prints them.
enum class TimestampType { kNone, kCreateTime, kLogAppendTime };
inline const char* to_string(TimestampType type) {
  switch (type) {
    case TimestampType::kCreateTime: return "CreateTime";
    case TimestampType::kLogAppendTime: return "LogAppendTime";
    case TimestampType::kNone: break;
  }
  return "NoTimestampType";
}

struct Record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // -1 when the record has none
  TimestampType timestamp_type = TimestampType::kNone;
  std::optional<std::string> key;    // raw bytes; nullopt = null key
  std::optional<std::string> value;  // raw bytes; nullopt = tombstone
  std::vector<Header> headers;
};

}  // namespace sfpe::kafka
