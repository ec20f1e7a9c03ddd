// libFuzzer target of the Avro schema parser (convert/avro/avro_schema.h), the text a Schema
// Registry answers with: each input is a schema text, then optionally a NUL byte and a datum.
// A schema that parses is turned into its Connect form with both AvroData settings, and the
// datum decoded against it, so the decoder also walks schemas no fixed target has.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "convert/avro/decoder.h"

namespace avro = sfpe::convert::avro;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string text(input.substr(0, split));
  std::string_view datum = split == std::string_view::npos ? "" : input.substr(split + 1);

  auto schema = avro::AvroSchema::parse_text(text, {});
  if (!schema.ok()) return 0;
  avro::AvroDataOptions defaults;
  avro::AvroDataOptions others;
  others.enhanced_schema_support = !defaults.enhanced_schema_support;
  others.flatten_singleton_unions = !defaults.flatten_singleton_unions;
  for (const avro::AvroDataOptions& options : {defaults, others}) {
    auto connect = avro::to_connect_schema(schema->root(), options);
    if (connect.ok()) (void)avro::decode_datum(schema->root(), connect.value(), options, datum);
  }
  return 0;
}
