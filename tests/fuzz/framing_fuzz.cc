// libFuzzer target of the Schema Registry framing (kafka-connect.md §5.1): any byte string is
// split or refused, never read past its end.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convert/wire_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  auto frame = sfpe::convert::parse_frame(value);
  if (frame.ok()) {
    // The payload must be the tail of the input, after the 5-byte header.
    if (size < sfpe::convert::kFrameHeaderSize ||
        frame->payload.data() != value.data() + sfpe::convert::kFrameHeaderSize ||
        frame->payload.size() != size - sfpe::convert::kFrameHeaderSize) {
      std::abort();
    }
  }
  return 0;
}
