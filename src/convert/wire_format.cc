// Parsing of the Confluent wire framing (kafka-connect.md §5.1).
#include "convert/wire_format.h"

#include <fmt/format.h>

#include "convert/error_codes.h"

namespace sfpe::convert {

Result<Frame> parse_frame(std::string_view value) {
  if (value.empty()) {
    return Error::permanent(kCodeEmptyValue,
                            "empty value: expected a Schema Registry framed record (magic byte "
                            "0x00, 4-byte schema id, payload)");
  }
  auto magic = static_cast<uint8_t>(value[0]);
  if (magic != kMagicByte) {
    // 0x01 is the newer GUID framing (kafka-connect.md §5.1), written only when a producer is
    // configured for it; '{' or '[' usually means schemaless JSON.
    std::string hint = magic == 0x01
                           ? "schema GUID framing (magic byte 0x01) is not supported"
                           : "the value is not Schema Registry framed; schemaless JSON and raw "
                             "bytes are not supported";
    return Error::permanent(kCodeUnknownMagicByte,
                            fmt::format("unknown magic byte 0x{:02x}: {}", magic, hint));
  }
  if (value.size() < kFrameHeaderSize) {
    return Error::permanent(
        kCodeFrameTooShort,
        fmt::format("value too short for Schema Registry framing: {} bytes, need at least {}",
                    value.size(), kFrameHeaderSize));
  }
  uint32_t id = 0;
  for (size_t i = 1; i < kFrameHeaderSize; ++i) id = (id << 8) | static_cast<uint8_t>(value[i]);
  return Frame{static_cast<int32_t>(id), value.substr(kFrameHeaderSize)};
}

}  // namespace sfpe::convert
