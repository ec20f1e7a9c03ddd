// How record-path errors name their record: "topic orders partition 2 offset 17: ...", so that a
// log line or DLQ header points at the exact Kafka record.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>

#include "common/result.h"
#include "kafka/record.h"

namespace sfpe::convert {

inline std::string describe_record(const kafka::Record& record) {
  return fmt::format("topic {} partition {} offset {}", record.topic, record.partition,
                     record.offset);
}

// The same error (kind and code kept), its message prefixed with the record's location.
inline Error at_record(const kafka::Record& record, const Error& error) {
  return Error{error.kind, error.code, describe_record(record) + ": " + error.message};
}

}  // namespace sfpe::convert
