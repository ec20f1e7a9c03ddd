// libFuzzer target: JSON Schema payloads through JsonSchemaData's value conversion
// (convert/json/json_schema_data.h) against one fixed schema that has every kind of field: the
// Platform Events source's nullable fields, a union, a map, an array, a nested struct, a
// decimal and the logical times. The input is the JSON text after the Schema Registry frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convert/json/json_schema_data.h"

namespace {

constexpr const char* kSchema = R"({
  "type":"object","title":"io.confluent.salesforce.Fuzz__e",
  "properties":{
    "ReplayId":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]},
    "CreatedDate":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer",
      "connect.type":"int64","title":"org.apache.kafka.connect.data.Timestamp"}]},
    "Day__c":{"connect.index":2,"type":"integer","connect.type":"int32",
      "title":"org.apache.kafka.connect.data.Date"},
    "Amount__c":{"connect.index":3,"oneOf":[{"type":"null"},{"type":"number",
      "connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal",
      "connect.parameters":{"scale":"2"}}]},
    "Small__c":{"connect.index":4,"type":"integer","connect.type":"int8","default":3},
    "Ratio__c":{"connect.index":5,"type":"number","connect.type":"float32"},
    "Flag__c":{"connect.index":6,"type":"boolean"},
    "Raw__c":{"connect.index":7,"type":"string","connect.type":"bytes"},
    "Kind__c":{"connect.index":8,"type":"string","enum":["A","B"]},
    "Tags__c":{"connect.index":9,"type":"array","items":{"type":"string"}},
    "Attrs__c":{"connect.index":10,"type":"object","connect.type":"map",
      "additionalProperties":{"type":"integer"}},
    "Pairs__c":{"connect.index":11,"type":"array","connect.type":"map","items":{"type":"object",
      "properties":{"key":{"type":"integer"},"value":{"type":"string"}}}},
    "Choice__c":{"connect.index":12,"oneOf":[{"type":"null"},{"type":"integer"},{"type":"string"},
      {"$ref":"#/definitions/Address"}]},
    "Address__c":{"connect.index":13,"$ref":"#/definitions/Address"}},
  "definitions":{"Address":{"type":"object","title":"Address",
    "properties":{"city":{"type":"string"},"zip":{"type":["null","string"]}}}}})";

const sfpe::convert::json::ConnectNode& root() {
  static const sfpe::convert::json::ConnectNodePtr node = [] {
    auto compiled = sfpe::convert::json::to_connect_schema(kSchema, {}, {});
    if (!compiled.ok()) std::abort();  // the fixed schema must compile
    return compiled.value();
  }();
  return *node;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto value = sfpe::convert::json::to_connect_data(root(), payload);
  (void)value;
  return 0;
}
