// Confluent Schema Registry framing of a Kafka record value: magic byte 0x00, a 4-byte big-endian
// schema id, then the serialized payload (kafka-connect.md §5.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace sfpe::convert {

inline constexpr uint8_t kMagicByte = 0x00;
inline constexpr size_t kFrameHeaderSize = 5;  // magic byte + schema id

struct Frame {
  int32_t schema_id = 0;
  std::string_view payload;  // points into the parsed value; valid while it lives
};

// Splits a framed value. Permanent errors (codes in error_codes.h): EMPTY_VALUE,
// UNKNOWN_MAGIC_BYTE (schemaless JSON or raw bytes), FRAME_TOO_SHORT.
Result<Frame> parse_frame(std::string_view value);

}  // namespace sfpe::convert
