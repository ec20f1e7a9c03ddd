// libFuzzer target: whole JsonConverter values (schemas.enable=true) through
// convert/json/json_converter.h's envelope_to_connect: the envelope check, the Connect schema in
// JSON form, and the payload. Every second input also runs with replace.null.with.default=false.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "convert/json/json_converter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sfpe::convert::json::JsonConverterOptions options;
  options.replace_null_with_default = size % 2 == 0;
  auto converted = sfpe::convert::json::envelope_to_connect(text, options);
  (void)converted;
  return 0;
}
