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

struct Record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // -1 when the record has none
  std::optional<std::string> key;    // raw bytes; nullopt = null key
  std::optional<std::string> value;  // raw bytes; nullopt = tombstone
  std::vector<Header> headers;
};

}  // namespace sfpe::kafka
