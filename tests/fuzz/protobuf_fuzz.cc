// libFuzzer target of the Protobuf decoder: the bytes after the 5-byte frame (message indexes,
// then the message) decoded against a fixed schema with nested, repeated, map, oneof and
// well-known-type fields, once with the default settings and once with the others switched.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "convert/protobuf/protobuf_data.h"
#include "convert/protobuf/protobuf_schema.h"

namespace {

using sfpe::convert::protobuf::ProtobufDataOptions;
using sfpe::convert::protobuf::ProtobufDecoder;
using sfpe::convert::protobuf::ProtobufSchema;

constexpr const char* kSchema = R"(syntax = "proto3";
package fuzz;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";

enum Kind { KIND_UNSET = 0; SMALL = 1; LARGE = 2; }

message Event {
  message Item {
    string sku = 1;
    sint64 qty = 2;
    repeated fixed32 codes = 3;
    message Detail { bytes blob = 1; Kind kind = 2; }
    Detail detail = 4;
  }
  string id = 1;
  int32 i32 = 2;
  uint64 u64 = 3;
  double ratio = 4;
  float score = 5;
  bool flag = 6;
  Kind kind = 7;
  Item item = 8;
  repeated Item items = 9;
  map<string, Item> by_sku = 10;
  map<int64, string> names = 11;
  oneof choice {
    string text = 12;
    Item picked = 13;
    sfixed32 number = 14;
  }
  google.protobuf.Timestamp at = 15;
  google.type.Date day = 16;
  google.type.TimeOfDay time = 17;
  confluent.type.Decimal amount = 18 [(confluent.field_meta) = {
    params: [{ key: "precision", value: "12" }, { key: "scale", value: "3" }]
  }];
  google.protobuf.StringValue note = 19;
  google.protobuf.UInt32Value count = 20;
  optional string maybe = 21;
  repeated Kind kinds = 22;
  int32 tiny = 23 [(confluent.field_meta) = { params: [{ key: "connect.type", value: "int8" }] }];
}

message Other {
  message Nested { repeated google.protobuf.Timestamp times = 1; }
  Nested nested = 1;
}
)";

struct Decoders {
  std::unique_ptr<ProtobufDecoder> defaults;
  std::unique_ptr<ProtobufDecoder> switched;
};

Decoders make_decoders() {
  auto schema = ProtobufSchema::parse(kSchema);
  if (!schema.ok()) std::abort();  // the fixed schema must parse
  ProtobufDataOptions switched;
  switched.int_for_enums = true;
  switched.wrapper_for_nullables = true;
  switched.flatten_unions = true;
  switched.optional_for_nullables = true;
  switched.enhanced_schema_support = true;
  return {std::make_unique<ProtobufDecoder>(schema.value(), ProtobufDataOptions{}),
          std::make_unique<ProtobufDecoder>(schema.value(), switched)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Decoders decoders = make_decoders();
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto first = decoders.defaults->decode(payload);
  auto second = decoders.switched->decode(payload);
  // Both settings read the same bytes: they must agree on whether the bytes are valid.
  if (first.ok() != second.ok()) std::abort();
  return 0;
}
