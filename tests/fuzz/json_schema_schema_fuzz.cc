// libFuzzer target of the JSON Schema compiler (convert/json/json_schema_data.h's
// to_connect_schema), the text a Schema Registry answers with: each input is a schema text,
// then optionally a NUL byte and a payload. A schema that compiles (with JsonSchemaData's
// default settings and with the others) then converts the payload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "convert/json/json_schema_data.h"

namespace json = sfpe::convert::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string_view text = input.substr(0, split);
  std::string_view payload = split == std::string_view::npos ? "" : input.substr(split + 1);

  json::JsonSchemaDataOptions defaults;
  json::JsonSchemaDataOptions others;
  others.use_optional_for_nonrequired = !defaults.use_optional_for_nonrequired;
  others.flatten_singleton_unions = !defaults.flatten_singleton_unions;
  for (const json::JsonSchemaDataOptions& options : {defaults, others}) {
    auto root = json::to_connect_schema(text, {}, options);
    if (root.ok()) (void)json::to_connect_data(*root.value(), payload);
  }
  return 0;
}
