// libFuzzer target of the Avro decoder: the bytes after the 5-byte frame decoded against a fixed
// writer schema with every type the decoder handles (unions in both orders, a general union,
// enum, fixed, decimal, logical types, arrays, maps, a nested record), once with AvroData's
// default options and once with the others.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "convert/avro/decoder.h"

namespace {

namespace avro = sfpe::convert::avro;

constexpr const char* kSchema = R"({
  "type":"record","name":"Event","namespace":"fuzz","fields":[
    {"name":"text","type":["null","string"]},
    {"name":"flag","type":["boolean","null"]},
    {"name":"count","type":"int"},
    {"name":"total","type":"long"},
    {"name":"ratio","type":"float"},
    {"name":"amount","type":"double"},
    {"name":"blob","type":"bytes"},
    {"name":"choice","type":["null","string","long",
      {"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}]},
    {"name":"tier","type":{"type":"enum","name":"Tier","symbols":["A","B","C"]}},
    {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"cost","type":{"type":"fixed","name":"Cost","size":8,"logicalType":"decimal",
                           "precision":18,"scale":4}},
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"clock","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"clock_us","type":{"type":"long","logicalType":"time-micros"}},
    {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"at_us","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"list","type":{"type":"array","items":["null","Inner"]}},
    {"name":"labels","type":{"type":"map","values":"string"}},
    {"name":"single","type":["string"]}]})";

struct Fixture {
  avro::AvroSchema schema;
  sfpe::data::SchemaPtr defaults;
  sfpe::data::SchemaPtr others;
  avro::AvroDataOptions default_options;
  avro::AvroDataOptions other_options;
};

const Fixture& fixture() {
  static const Fixture* built = [] {
    auto schema = avro::AvroSchema::parse_text(kSchema, {});
    if (!schema.ok()) std::abort();
    avro::AvroDataOptions defaults;
    avro::AvroDataOptions others;
    others.enhanced_schema_support = !defaults.enhanced_schema_support;
    others.flatten_singleton_unions = !defaults.flatten_singleton_unions;
    auto default_connect = avro::to_connect_schema(schema->root(), defaults);
    auto other_connect = avro::to_connect_schema(schema->root(), others);
    if (!default_connect.ok() || !other_connect.ok()) std::abort();
    return new Fixture{std::move(schema.value()), std::move(default_connect.value()),
                       std::move(other_connect.value()), defaults, others};
  }();
  return *built;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  std::string_view datum(reinterpret_cast<const char*>(data), size);
  (void)avro::decode_datum(f.schema.root(), f.defaults, f.default_options, datum);
  (void)avro::decode_datum(f.schema.root(), f.others, f.other_options, datum);
  return 0;
}
