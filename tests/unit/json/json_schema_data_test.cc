// JSON Schema -> Connect schema and payload -> Connect value, without a registry
// (JsonSchemaData's rules, json_schema_data.h).
#include "convert/json/json_schema_data.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/error_codes.h"

namespace sfpe::convert::json {
namespace {

ConnectNodePtr compile(const std::string& schema, JsonSchemaDataOptions options = {},
                       const std::vector<ReferencedSchema>& references = {}) {
  auto node = to_connect_schema(schema, references, options);
  EXPECT_TRUE(node.ok()) << node.error().message;
  return node.ok() ? node.value() : nullptr;
}

std::string compile_error(const std::string& schema, JsonSchemaDataOptions options = {}) {
  auto node = to_connect_schema(schema, {}, options);
  EXPECT_FALSE(node.ok());
  if (node.ok()) return "";
  EXPECT_EQ(node.error().code, kCodeInvalidJsonSchema);
  return node.error().message;
}

data::Value convert(const ConnectNode& node, const std::string& payload) {
  auto value = to_connect_data(node, payload);
  EXPECT_TRUE(value.ok()) << value.error().message;
  return value.ok() ? std::move(value.value()) : data::Value();
}

std::string convert_error(const ConnectNode& node, const std::string& payload) {
  auto value = to_connect_data(node, payload);
  EXPECT_FALSE(value.ok());
  if (value.ok()) return "";
  EXPECT_EQ(value.error().code, kCodeInvalidJsonData);
  return value.error().message;
}

const data::Struct& as_struct(const data::Value& value) {
  static const data::Struct kEmpty;
  const auto* s = value.get_if<data::Struct>();
  EXPECT_NE(s, nullptr);
  return s != nullptr ? *s : kEmpty;
}

TEST(JsonSchemaDataTest, PrimitivesAndConnectTypes) {
  auto node = compile(R"({"type":"object","title":"T","properties":{
    "i":{"type":"integer"}, "i8":{"type":"integer","connect.type":"int8"},
    "i16":{"type":"integer","connect.type":"int16"}, "i32":{"type":"integer","connect.type":"int32"},
    "n":{"type":"number"}, "f":{"type":"number","connect.type":"float32"},
    "b":{"type":"boolean"}, "s":{"type":"string"}, "raw":{"type":"string","connect.type":"bytes"}},
    "required":["i"]})");
  ASSERT_NE(node, nullptr);
  const data::Schema& schema = *node->schema;
  EXPECT_EQ(schema.type, data::Type::kStruct);
  EXPECT_EQ(schema.name, "T");
  EXPECT_FALSE(schema.optional);
  ASSERT_EQ(schema.fields.size(), 9u);
  const data::Type expected[] = {data::Type::kInt64,   data::Type::kInt8,    data::Type::kInt16,
                                 data::Type::kInt32,   data::Type::kFloat64, data::Type::kFloat32,
                                 data::Type::kBoolean, data::Type::kString,  data::Type::kBytes};
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    EXPECT_EQ(schema.fields[i].schema->type, expected[i]) << schema.fields[i].name;
    EXPECT_EQ(schema.fields[i].index, static_cast<int>(i));
    // Not "required" does not make a field optional unless use.optional.for.nonrequired is set.
    EXPECT_FALSE(schema.fields[i].schema->optional) << schema.fields[i].name;
  }
  auto value = convert(*node, R"({"i":9007199254740993,"i8":-128,"i16":300,"i32":2147483647,
    "n":0.1,"f":0.1,"b":true,"s":"x","raw":"aGk="})");
  const auto& s = as_struct(value);
  ASSERT_EQ(s.values.size(), 9u);
  EXPECT_EQ(*s.values[0].get_if<int64_t>(), 9007199254740993);
  EXPECT_EQ(*s.values[1].get_if<int64_t>(), -128);
  EXPECT_EQ(*s.values[2].get_if<int64_t>(), 300);
  EXPECT_EQ(*s.values[3].get_if<int64_t>(), 2147483647);
  EXPECT_EQ(*s.values[4].get_if<double>(), 0.1);
  EXPECT_EQ(*s.values[5].get_if<double>(), static_cast<double>(0.1f));
  EXPECT_EQ(*s.values[6].get_if<bool>(), true);
  EXPECT_EQ(*s.values[7].get_if<std::string>(), "x");
  EXPECT_EQ(*s.values[8].get_if<data::Bytes>(), (data::Bytes{'h', 'i'}));
  EXPECT_EQ(s.schema, node->schema);
}

TEST(JsonSchemaDataTest, IntegersOutOfRangeAndFractionsAreRefused) {
  auto node = compile(R"({"type":"object","properties":{
    "i8":{"type":"integer","connect.type":"int8"}, "i":{"type":"integer"}}})");
  EXPECT_EQ(convert_error(*node, R"({"i8":128,"i":1})"), "field i8: 128 is out of range for INT8");
  EXPECT_EQ(convert_error(*node, R"({"i8":1,"i":1.5})"),
            "field i: expected integer, got number 1.5");
  EXPECT_EQ(convert_error(*node, R"({"i8":1,"i":9223372036854775808})"),
            "field i: 9223372036854775808 is out of range for INT64");
  // 2.0 denotes an integer.
  auto value = convert(*node, R"({"i8":1,"i":2.0})");
  EXPECT_EQ(*as_struct(value).values[1].get_if<int64_t>(), 2);
}

TEST(JsonSchemaDataTest, TypeMismatchNamesTheFieldPath) {
  auto node = compile(R"({"type":"object","properties":{"Address__c":{"type":"object",
    "properties":{"city":{"type":"string"}}}, "tags":{"type":"array","items":{"type":"boolean"}}}})");
  EXPECT_EQ(convert_error(*node, R"({"Address__c":{"city":5}})"),
            "field Address__c.city: expected string, got number 5");
  EXPECT_EQ(convert_error(*node, R"({"tags":[true,"no"]})"),
            "field tags[1]: expected boolean, got string");
  EXPECT_EQ(convert_error(*node, R"([1])"), "expected object, got array");
}

TEST(JsonSchemaDataTest, PlatformEventFormWithNullableOneOfsInConnectIndexOrder) {
  // confluent-connector.md §5.3, properties deliberately out of order.
  auto node = compile(R"({"type":"object","title":"io.confluent.salesforce.MyPlatformEvent__e",
    "properties":{
      "Message__c":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"string"}]},
      "ReplayId":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]},
      "CreatedDate":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer",
        "connect.type":"int64","connect.version":1,"title":"org.apache.kafka.connect.data.Timestamp"}]},
      "CreatedById":{"connect.index":2,"oneOf":[{"type":"string"},{"type":"null"}]},
      "EventUuid":{"connect.index":3,"anyOf":[{"type":"null"},{"type":"string"}]}}})");
  ASSERT_NE(node, nullptr);
  const auto& fields = node->schema->fields;
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].name, "ReplayId");
  EXPECT_EQ(fields[1].name, "CreatedDate");
  EXPECT_EQ(fields[2].name, "CreatedById");
  EXPECT_EQ(fields[3].name, "EventUuid");
  EXPECT_EQ(fields[4].name, "Message__c");
  for (const auto& field : fields) EXPECT_TRUE(field.schema->optional) << field.name;
  EXPECT_EQ(fields[1].schema->type, data::Type::kInt64);
  EXPECT_EQ(fields[1].schema->name, data::kTimestampLogical);
  EXPECT_EQ(fields[1].schema->version, 1);
  auto value = convert(*node, R"({"ReplayId":"2956549","CreatedDate":1596010416799,
    "CreatedById":null,"Message__c":"hi"})");
  const auto& s = as_struct(value);
  EXPECT_EQ(*s.values[0].get_if<std::string>(), "2956549");
  EXPECT_EQ(*s.values[1].get_if<int64_t>(), 1596010416799);
  EXPECT_TRUE(s.values[2].is_null());
  EXPECT_TRUE(s.values[3].is_null());
  EXPECT_EQ(*s.values[4].get_if<std::string>(), "hi");
}

TEST(JsonSchemaDataTest, ConnectIndexClashesReplaceLikeJsonSchemaDatasTreeMap) {
  // "b" has no connect.index and takes index 0 (no property placed yet); "a" with
  // connect.index 0 replaces it; "c" takes index 1.
  auto node = compile(R"({"type":"object","properties":{
    "b":{"type":"string"},"a":{"type":"string","connect.index":0},"c":{"type":"string"}}})");
  ASSERT_EQ(node->schema->fields.size(), 2u);
  EXPECT_EQ(node->schema->fields[0].name, "a");
  EXPECT_EQ(node->schema->fields[1].name, "c");
}

TEST(JsonSchemaDataTest, OptionalityOfRequiredAndMissingFields) {
  const std::string schema = R"({"type":"object","properties":{
    "req":{"type":"string"},"opt":{"type":"string"}},"required":["req"]})";
  auto plain = compile(schema);
  EXPECT_FALSE(plain->schema->fields[1].schema->optional);
  // A missing field is null even when required (JsonSchemaData returns null for an absent node).
  auto missing = convert(*plain, R"({"req":"r"})");
  EXPECT_TRUE(as_struct(missing).values[1].is_null());
  // An explicit null for a required field is refused.
  EXPECT_EQ(convert_error(*plain, R"({"req":"r","opt":null})"),
            "field opt: null value for required STRING field");

  JsonSchemaDataOptions options;
  options.use_optional_for_nonrequired = true;
  auto optional = compile(schema, options);
  EXPECT_FALSE(optional->schema->fields[0].schema->optional);
  EXPECT_TRUE(optional->schema->fields[1].schema->optional);
  auto value = convert(*optional, R"({"req":"r","opt":null})");
  EXPECT_TRUE(as_struct(value).values[1].is_null());
}

TEST(JsonSchemaDataTest, TypeArrayWithNullIsOptional) {
  auto node = compile(R"({"type":"object","properties":{"s":{"type":["string","null"]}}})");
  EXPECT_EQ(node->schema->fields[0].schema->type, data::Type::kString);
  EXPECT_TRUE(node->schema->fields[0].schema->optional);
}

TEST(JsonSchemaDataTest, GeneralOneOfIsTheOneOfUnionStruct) {
  auto node = compile(R"({"type":"object","properties":{"u":{"oneOf":[
    {"type":"null"},{"type":"integer"},{"type":"string"},
    {"type":"object","title":"P","properties":{"x":{"type":"integer"},"y":{"type":"integer"}}}]}}})");
  const data::Schema& u = *node->schema->fields[0].schema;
  EXPECT_EQ(u.type, data::Type::kStruct);
  EXPECT_EQ(u.name, "io.confluent.connect.json.OneOf");
  EXPECT_TRUE(u.optional);
  ASSERT_EQ(u.fields.size(), 3u);
  EXPECT_EQ(u.fields[0].name, "io.confluent.connect.json.OneOf.field.0");
  EXPECT_EQ(u.fields[1].name, "io.confluent.connect.json.OneOf.field.1");
  EXPECT_EQ(u.fields[2].name, "io.confluent.connect.json.OneOf.field.2");
  EXPECT_EQ(u.fields[0].schema->type, data::Type::kInt64);
  EXPECT_TRUE(u.fields[0].schema->optional);
  EXPECT_EQ(u.fields[2].schema->name, "P");

  auto text = convert(*node, R"({"u":"abc"})");
  const auto& text_union = as_struct(as_struct(text).values[0]);
  EXPECT_TRUE(text_union.values[0].is_null());
  EXPECT_EQ(*text_union.values[1].get_if<std::string>(), "abc");
  EXPECT_TRUE(text_union.values[2].is_null());

  auto object = convert(*node, R"({"u":{"x":1}})");
  const auto& object_union = as_struct(as_struct(object).values[0]);
  EXPECT_EQ(*as_struct(object_union.values[2]).values[0].get_if<int64_t>(), 1);

  EXPECT_TRUE(as_struct(convert(*node, R"({"u":null})")).values[0].is_null());
  EXPECT_EQ(convert_error(*node, R"({"u":true})"),
            "field u: no branch of the union matches boolean");
}

TEST(JsonSchemaDataTest, SingletonUnionsFlattenUnlessDisabled) {
  const std::string schema =
      R"({"type":"object","properties":{"s":{"oneOf":[{"type":"string"}]}}})";
  EXPECT_EQ(compile(schema)->schema->fields[0].schema->type, data::Type::kString);
  JsonSchemaDataOptions options;
  options.flatten_singleton_unions = false;
  auto unflattened = compile(schema, options);
  const data::Schema& s = *unflattened->schema->fields[0].schema;
  EXPECT_EQ(s.name, "io.confluent.connect.json.OneOf");
  ASSERT_EQ(s.fields.size(), 1u);
}

TEST(JsonSchemaDataTest, StringEnumsCarryTheirSymbols) {
  auto node = compile(R"({"type":"object","properties":{"e":{"type":"string","enum":["A","B"]},
    "n":{"enum":["X",null]}}})");
  const data::Schema& e = *node->schema->fields[0].schema;
  EXPECT_EQ(e.type, data::Type::kString);
  EXPECT_EQ(e.parameters,
            (std::map<std::string, std::string>{{"io.confluent.connect.json.Enum", ""},
                                                {"io.confluent.connect.json.Enum.A", "A"},
                                                {"io.confluent.connect.json.Enum.B", "B"}}));
  EXPECT_EQ(node->schema->fields[1].schema->parameters.at("io.confluent.connect.json.Enum.<NULL>"),
            "<NULL>");
  EXPECT_EQ(*as_struct(convert(*node, R"({"e":"B","n":"X"})")).values[0].get_if<std::string>(),
            "B");
}

TEST(JsonSchemaDataTest, ArraysAndMaps) {
  auto node = compile(R"({"type":"object","properties":{
    "list":{"type":"array","items":{"type":"integer"}},
    "m":{"type":"object","connect.type":"map","additionalProperties":{"type":"number"}},
    "km":{"type":"array","connect.type":"map","items":{"type":"object","properties":{
      "key":{"type":"integer","connect.index":0},"value":{"type":"string","connect.index":1}}}}}})");
  const auto& fields = node->schema->fields;
  EXPECT_EQ(fields[0].schema->type, data::Type::kArray);
  EXPECT_EQ(fields[0].schema->value_schema->type, data::Type::kInt64);
  EXPECT_EQ(fields[1].schema->type, data::Type::kMap);
  EXPECT_EQ(fields[1].schema->key_schema->type, data::Type::kString);
  EXPECT_EQ(fields[1].schema->value_schema->type, data::Type::kFloat64);
  EXPECT_EQ(fields[2].schema->type, data::Type::kMap);
  EXPECT_EQ(fields[2].schema->key_schema->type, data::Type::kInt64);
  EXPECT_EQ(fields[2].schema->value_schema->type, data::Type::kString);

  auto value = convert(*node, R"({"list":[1,2],"m":{"b":1.5,"a":2},
    "km":[{"key":7,"value":"seven"},{"value":"eight","key":8}]})");
  const auto& s = as_struct(value);
  const auto& list = *s.values[0].get_if<data::Array>();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(*list[1].get_if<int64_t>(), 2);
  const auto& m = *s.values[1].get_if<data::MapEntries>();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(*m[0].first.get_if<std::string>(), "b");
  EXPECT_EQ(*m[0].second.get_if<double>(), 1.5);
  EXPECT_EQ(*m[1].first.get_if<std::string>(), "a");
  const auto& km = *s.values[2].get_if<data::MapEntries>();
  ASSERT_EQ(km.size(), 2u);
  EXPECT_EQ(*km[1].first.get_if<int64_t>(), 8);
  EXPECT_EQ(*km[1].second.get_if<std::string>(), "eight");
  EXPECT_EQ(convert_error(*node, R"({"km":[{"key":1}]})"),
            "field km[0]: map entry has 1 members, expected 2");
  EXPECT_EQ(convert_error(*node, R"({"m":[]})"),
            "field m: expected object (a map with string keys), got array");
}

TEST(JsonSchemaDataTest, PlainObjectWithAdditionalPropertiesIsAStructNotAMap) {
  auto node = compile(R"({"type":"object","additionalProperties":{"type":"string"}})");
  EXPECT_EQ(node->schema->type, data::Type::kStruct);
  EXPECT_TRUE(node->schema->fields.empty());
}

TEST(JsonSchemaDataTest, LogicalTypesByTitle) {
  auto node = compile(R"({"type":"object","properties":{
    "ts":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1},
    "d":{"type":"integer","connect.type":"int32","title":"org.apache.kafka.connect.data.Date"},
    "t":{"type":"integer","connect.type":"int32","title":"org.apache.kafka.connect.data.Time"},
    "dec":{"type":"number","connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal",
           "connect.parameters":{"scale":"3"}},
    "dec64":{"type":"string","connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal",
           "connect.parameters":{"scale":"2"}}}})");
  const auto& fields = node->schema->fields;
  EXPECT_EQ(fields[0].schema->name, data::kTimestampLogical);
  EXPECT_EQ(fields[1].schema->type, data::Type::kInt32);
  EXPECT_EQ(fields[1].schema->name, data::kDateLogical);
  EXPECT_EQ(fields[2].schema->name, data::kTimeLogical);
  EXPECT_EQ(fields[3].schema->type, data::Type::kBytes);
  EXPECT_EQ(fields[3].schema->name, data::kDecimalLogical);
  EXPECT_EQ(fields[3].schema->parameters.at("scale"), "3");

  auto value = convert(*node, R"({"ts":1596010416799,"d":19000,"t":3600000,
    "dec":12345678901234567890.123,"dec64":"MDk="})");
  const auto& s = as_struct(value);
  EXPECT_EQ(*s.values[0].get_if<int64_t>(), 1596010416799);
  EXPECT_EQ(*s.values[1].get_if<int64_t>(), 19000);
  EXPECT_EQ(*s.values[2].get_if<int64_t>(), 3600000);
  EXPECT_EQ(*s.values[3].get_if<data::Bytes>(),
            (data::Bytes{0x02, 0x9d, 0x42, 0xb6, 0x4e, 0x76, 0x71, 0x42, 0x44, 0xcb}));
  EXPECT_EQ(*s.values[4].get_if<data::Bytes>(), (data::Bytes{0x30, 0x39}));  // 123.45

  EXPECT_EQ(convert_error(*node, R"({"d":2147483648})"),
            "field d: expected an int32 integer for org.apache.kafka.connect.data.Date, got "
            "number 2147483648");
  EXPECT_EQ(convert_error(*node, R"({"ts":1.5})"),
            "field ts: expected an integer for org.apache.kafka.connect.data.Timestamp, got "
            "number 1.5");
  EXPECT_EQ(convert_error(*node, R"({"dec":1.2345})"),
            "field dec: decimal 1.2345: more fractional digits than the schema's scale 3");
  EXPECT_EQ(convert_error(*node, R"({"dec64":"%%"})"),
            "field dec64: invalid bytes for Decimal: not base64 text");
  EXPECT_EQ(convert_error(*node, R"({"dec":true})"),
            "field dec: expected a number or base64 string for Decimal, got boolean");
}

TEST(JsonSchemaDataTest, DateFormatsStayStringsWithTheirFormatParameter) {
  auto node = compile(R"({"type":"object","properties":{
    "d":{"type":"string","format":"date"},"dt":{"type":"string","format":"date-time"},
    "e":{"type":"string","format":"email"}}})");
  const auto& fields = node->schema->fields;
  EXPECT_EQ(fields[0].schema->type, data::Type::kString);
  EXPECT_EQ(fields[0].schema->parameters.at("format"), "date");
  EXPECT_EQ(fields[1].schema->parameters.at("format"), "date-time");
  EXPECT_TRUE(fields[2].schema->parameters.empty());
}

TEST(JsonSchemaDataTest, DefaultsFillNullAndMissingValues) {
  auto node = compile(R"({"type":"object","properties":{
    "n":{"type":"integer","default":5},"s":{"oneOf":[{"type":"null"},{"type":"string","default":"d"}]}}})");
  ASSERT_TRUE(node->children[0]->default_value.has_value());
  auto value = convert(*node, R"({"s":null})");
  const auto& s = as_struct(value);
  EXPECT_EQ(*s.values[0].get_if<int64_t>(), 5);
  EXPECT_EQ(*s.values[1].get_if<std::string>(), "d");
}

TEST(JsonSchemaDataTest, InternalRefsToDefinitionsAndDefs) {
  auto node = compile(R"({"type":"object","properties":{
      "home":{"$ref":"#/definitions/Address","connect.index":1},
      "work":{"$ref":"#/$defs/Work","connect.index":0}},
    "definitions":{"Address":{"type":"object","title":"Address","properties":{"city":{"type":"string"}}}},
    "$defs":{"Work":{"oneOf":[{"type":"null"},{"$ref":"#/definitions/Address"}]}}})");
  const auto& fields = node->schema->fields;
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "work");
  EXPECT_TRUE(fields[0].schema->optional);
  EXPECT_EQ(fields[0].schema->name, "Address");
  EXPECT_EQ(fields[1].name, "home");
  EXPECT_FALSE(fields[1].schema->optional);
  auto value = convert(*node, R"({"home":{"city":"Oslo"}})");
  EXPECT_EQ(*as_struct(as_struct(value).values[1]).values[0].get_if<std::string>(), "Oslo");
}

TEST(JsonSchemaDataTest, JsonPointerEscapes) {
  auto node = compile(
      R"({"$ref":"#/definitions/a~1b~0c%20d","definitions":{"a/b~c d":{"type":"boolean"}}})");
  EXPECT_EQ(node->schema->type, data::Type::kBoolean);
}

TEST(JsonSchemaDataTest, ReferencedDocumentsByNameIdAndFragment) {
  std::vector<ReferencedSchema> references = {
      {"address.json",
       R"({"type":"object","title":"Address","properties":{"city":{"type":"string"}},
        "definitions":{"Zip":{"type":"string","title":"Zip"}}})"},
      {"https://example.com/phone.schema.json", R"({"type":"string","title":"Phone"})"}};
  auto node = compile(R"({"$id":"https://example.com/customer.schema.json","type":"object",
    "properties":{"a":{"$ref":"address.json"},"z":{"$ref":"address.json#/definitions/Zip"},
    "p":{"$ref":"phone.schema.json"}}})",
                      {}, references);
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->schema->fields[0].schema->name, "Address");
  EXPECT_EQ(node->schema->fields[1].schema->name, "Zip");
  EXPECT_EQ(node->schema->fields[2].schema->name, "Phone");
}

TEST(JsonSchemaDataTest, AllOfMergesObjectProperties) {
  auto node = compile(R"({"allOf":[{"$ref":"#/definitions/Base"},
    {"type":"object","properties":{"extra":{"type":"boolean"}}}],
    "definitions":{"Base":{"type":"object","properties":{"id":{"type":"string"}}}}})");
  ASSERT_EQ(node->schema->fields.size(), 2u);
  EXPECT_EQ(node->schema->fields[0].name, "id");
  EXPECT_EQ(node->schema->fields[1].name, "extra");
  EXPECT_EQ(node->schema->name, "");
}

TEST(JsonSchemaDataTest, RefusedSchemas) {
  EXPECT_EQ(compile_error(R"({"type":"object","properties":{"next":{"$ref":"#"}}})"),
            "property next: recursive schema: \"$ref\": \"#\" refers to a schema that contains it; "
            "recursive Connect schemas are not supported");
  EXPECT_EQ(
      compile_error(R"({"$ref":"#/definitions/A","definitions":{"A":{"$ref":"#/definitions/A"}}})"),
      "recursive schema: \"$ref\": \"#/definitions/A\" refers to a schema that contains it; "
      "recursive Connect schemas are not supported");
  EXPECT_EQ(compile_error(R"({"$ref":"other.json"})"),
            "unresolved \"$ref\": \"other.json\": no schema reference named \"other.json\"");
  EXPECT_EQ(compile_error(R"({"$ref":"#/definitions/Missing"})"),
            "\"$ref\": \"#/definitions/Missing\" points at nothing");
  EXPECT_EQ(compile_error(R"({"type":"integer","connect.type":"int128"})"),
            "unsupported connect.type \"int128\" on a number");
  EXPECT_EQ(compile_error(R"({"type":"array"})"), "array schema did not specify the items type");
  EXPECT_EQ(compile_error(R"({})"), "unsupported schema: a schema without a type");
  EXPECT_EQ(compile_error(R"({"type":"null"})"), "unsupported schema: a lone {\"type\": \"null\"}");
  EXPECT_EQ(compile_error(R"({"type":"bytes"})"), "unknown type \"bytes\"");
  EXPECT_EQ(compile_error(R"({"type":"number","title":"org.apache.kafka.connect.data.Decimal"})"),
            "org.apache.kafka.connect.data.Decimal needs an integer connect.parameters.scale");
  EXPECT_EQ(compile_error(R"({"type":"string","default":null})"),
            "default: null value for required STRING field");
  EXPECT_EQ(compile_error(R"({"type":"object",)").rfind("invalid JSON: parse error at line 1", 0),
            0u);
}

TEST(JsonSchemaDataTest, InvalidPayloadJsonIsInvalidJsonData) {
  auto node = compile(R"({"type":"string"})");
  auto value = to_connect_data(*node, "\"abc");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, kCodeInvalidJsonData);
  EXPECT_EQ(value.error().message.rfind("invalid JSON: parse error", 0), 0u);
  EXPECT_EQ(*convert(*node, "\"abc\"").get_if<std::string>(), "abc");
}

}  // namespace
}  // namespace sfpe::convert::json
