// Kafka records as the converters and the mapper receive them, for tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "kafka/record.h"

namespace sfpe::testing {

inline kafka::Record record_at(std::string topic, int32_t partition, int64_t offset,
                               std::optional<std::string> value) {
  kafka::Record record;
  record.topic = std::move(topic);
  record.partition = partition;
  record.offset = offset;
  record.value = std::move(value);
  return record;
}

}  // namespace sfpe::testing
