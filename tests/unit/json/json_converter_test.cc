// Kafka's JsonConverter with schemas.enable=true: envelope, Connect schema JSON, payload rules,
// settings, and the schemaless refusals.
#include "convert/json/json_converter.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/converter.h"
#include "convert/error_codes.h"
#include "lib/records.h"

namespace sfpe::convert {
namespace {

kafka::Record record_with(std::optional<std::string> value) {
  return sfpe::testing::record_at("orders", 3, 99, std::move(value));
}

std::unique_ptr<Converter> make(std::map<std::string, std::string> settings = {}) {
  auto converter = make_value_converter(JsonConverter::kClassName, settings, nullptr);
  EXPECT_TRUE(converter.ok()) << converter.error().message;
  return converter.ok() ? std::move(converter.value()) : nullptr;
}

data::SchemaAndValue convert(const std::string& text, json::JsonConverterOptions options = {}) {
  auto converted = json::envelope_to_connect(text, options);
  EXPECT_TRUE(converted.ok()) << converted.error().message;
  return converted.ok() ? std::move(converted.value()) : data::SchemaAndValue{};
}

Error convert_error(const std::string& text, json::JsonConverterOptions options = {}) {
  auto converted = json::envelope_to_connect(text, options);
  EXPECT_FALSE(converted.ok());
  return converted.ok() ? Error{} : converted.error();
}

const data::Struct& as_struct(const data::Value& value) {
  static const data::Struct kEmpty;
  const auto* s = value.get_if<data::Struct>();
  EXPECT_NE(s, nullptr);
  return s != nullptr ? *s : kEmpty;
}

TEST(JsonConverterTest, ConvertsEveryTypeOfTheEnvelopeSchema) {
  auto converted = convert(R"({"schema":{"type":"struct","name":"io.confluent.salesforce.E__e",
    "version":2,"optional":false,"fields":[
      {"field":"b","type":"boolean"},{"field":"i8","type":"int8"},{"field":"i16","type":"int16"},
      {"field":"i32","type":"int32"},{"field":"i64","type":"int64"},{"field":"f","type":"float"},
      {"field":"d","type":"double"},{"field":"s","type":"string","optional":true},
      {"field":"raw","type":"bytes"},
      {"field":"list","type":"array","items":{"type":"string"}},
      {"field":"m","type":"map","keys":{"type":"string"},"values":{"type":"int32"}},
      {"field":"im","type":"map","keys":{"type":"int32"},"values":{"type":"string"}},
      {"field":"nested","type":"struct","fields":[{"field":"x","type":"int32"}]}]},
    "payload":{"b":true,"i8":-5,"i16":1000,"i32":70000,"i64":1596010416799,"f":0.1,"d":0.1,
      "s":null,"raw":"aGk=","list":["a","b"],"m":{"k":1},"im":[[1,"one"],[2,"two"]],
      "nested":{"x":3}}})");
  ASSERT_NE(converted.schema, nullptr);
  const data::Schema& schema = *converted.schema;
  EXPECT_EQ(schema.name, "io.confluent.salesforce.E__e");
  EXPECT_EQ(schema.version, 2);
  EXPECT_FALSE(schema.optional);
  ASSERT_EQ(schema.fields.size(), 13u);
  EXPECT_EQ(schema.fields[5].schema->type, data::Type::kFloat32);
  EXPECT_EQ(schema.fields[6].schema->type, data::Type::kFloat64);
  EXPECT_TRUE(schema.fields[7].schema->optional);
  EXPECT_FALSE(schema.fields[0].schema->optional);
  EXPECT_EQ(schema.fields[11].schema->key_schema->type, data::Type::kInt32);
  const auto& s = as_struct(converted.value);
  EXPECT_EQ(*s.values[0].get_if<bool>(), true);
  EXPECT_EQ(*s.values[1].get_if<int64_t>(), -5);
  EXPECT_EQ(*s.values[2].get_if<int64_t>(), 1000);
  EXPECT_EQ(*s.values[3].get_if<int64_t>(), 70000);
  EXPECT_EQ(*s.values[4].get_if<int64_t>(), 1596010416799);
  EXPECT_EQ(*s.values[5].get_if<double>(), static_cast<double>(0.1f));
  EXPECT_EQ(*s.values[6].get_if<double>(), 0.1);
  EXPECT_TRUE(s.values[7].is_null());
  EXPECT_EQ(*s.values[8].get_if<data::Bytes>(), (data::Bytes{'h', 'i'}));
  EXPECT_EQ(*(*s.values[9].get_if<data::Array>())[1].get_if<std::string>(), "b");
  const auto& m = *s.values[10].get_if<data::MapEntries>();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(*m[0].first.get_if<std::string>(), "k");
  EXPECT_EQ(*m[0].second.get_if<int64_t>(), 1);
  const auto& im = *s.values[11].get_if<data::MapEntries>();
  ASSERT_EQ(im.size(), 2u);
  EXPECT_EQ(*im[1].first.get_if<int64_t>(), 2);
  EXPECT_EQ(*im[1].second.get_if<std::string>(), "two");
  EXPECT_EQ(*as_struct(s.values[12]).values[0].get_if<int64_t>(), 3);
}

TEST(JsonConverterTest, LogicalTypesByName) {
  auto converted = convert(R"({"schema":{"type":"struct","fields":[
      {"field":"ts","type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},
      {"field":"d","type":"int32","name":"org.apache.kafka.connect.data.Date"},
      {"field":"t","type":"int32","name":"org.apache.kafka.connect.data.Time"},
      {"field":"dec","type":"bytes","name":"org.apache.kafka.connect.data.Decimal",
       "parameters":{"scale":"3"}},
      {"field":"dec64","type":"bytes","name":"org.apache.kafka.connect.data.Decimal",
       "parameters":{"scale":"2"}}]},
    "payload":{"ts":1596010416799,"d":19000,"t":3600000,"dec":12345678901234567890.123,
      "dec64":"+x4="}})");
  const auto& s = as_struct(converted.value);
  EXPECT_EQ(converted.schema->fields[0].schema->name, data::kTimestampLogical);
  EXPECT_EQ(converted.schema->fields[0].schema->version, 1);
  EXPECT_EQ(converted.schema->fields[3].schema->parameters.at("scale"), "3");
  EXPECT_EQ(*s.values[0].get_if<int64_t>(), 1596010416799);
  EXPECT_EQ(*s.values[1].get_if<int64_t>(), 19000);
  EXPECT_EQ(*s.values[2].get_if<int64_t>(), 3600000);
  EXPECT_EQ(*s.values[3].get_if<data::Bytes>(),
            (data::Bytes{0x02, 0x9d, 0x42, 0xb6, 0x4e, 0x76, 0x71, 0x42, 0x44, 0xcb}));
  EXPECT_EQ(*s.values[4].get_if<data::Bytes>(), (data::Bytes{0xfb, 0x1e}));  // -12.50
}

TEST(JsonConverterTest, DefaultsReplaceNullsUnlessDisabled) {
  const std::string text = R"({"schema":{"type":"struct","fields":[
      {"field":"n","type":"int32","optional":true,"default":7},
      {"field":"s","type":"string","default":"dflt"}]},
    "payload":{"n":null}})";
  auto replaced = convert(text);
  const auto& s = as_struct(replaced.value);
  EXPECT_EQ(*s.values[0].get_if<int64_t>(), 7);
  EXPECT_EQ(*s.values[1].get_if<std::string>(), "dflt");

  json::JsonConverterOptions options;
  options.replace_null_with_default = false;
  Error kept = convert_error(text, options);
  EXPECT_EQ(kept.code, kCodeInvalidJsonData);
  EXPECT_EQ(kept.message, "field s: null value for required STRING field");
  auto optional_only = convert(R"({"schema":{"type":"struct","fields":[
      {"field":"n","type":"int32","optional":true,"default":7}]},"payload":{"n":null}})",
                               options);
  EXPECT_TRUE(as_struct(optional_only.value).values[0].is_null());
}

TEST(JsonConverterTest, NullPayloadOfAnOptionalSchemaIsANullValue) {
  auto converted = convert(R"({"schema":{"type":"string","optional":true},"payload":null})");
  ASSERT_NE(converted.schema, nullptr);
  EXPECT_TRUE(converted.value.is_null());
}

TEST(JsonConverterTest, PayloadErrorsNameTheField) {
  const std::string schema = R"({"type":"struct","fields":[{"field":"a","type":"struct","fields":[
      {"field":"n","type":"int16"}]},{"field":"m","type":"map","keys":{"type":"int8"},
      "values":{"type":"string"}}]})";
  EXPECT_EQ(convert_error(R"({"schema":)" + schema + R"(,"payload":{"a":{"n":"x"}}})").message,
            "field a.n: expected integer, got string");
  EXPECT_EQ(convert_error(R"({"schema":)" + schema + R"(,"payload":{"a":{"n":70000}}})").message,
            "field a.n: 70000 is out of range for INT16");
  EXPECT_EQ(convert_error(R"({"schema":)" + schema + R"(,"payload":{"a":{"n":1},"m":{"1":"x"}}})")
                .message,
            "field m: expected array of [key, value] pairs (a map with non-string keys), got "
            "object");
  EXPECT_EQ(
      convert_error(R"({"schema":)" + schema + R"(,"payload":{"a":{"n":1},"m":[[1]]}})").message,
      "field m[0]: map entry has 1 elements, expected 2");
  // JsonConverter refuses a missing required field (JsonSchemaData would give null).
  EXPECT_EQ(convert_error(R"({"schema":)" + schema + R"(,"payload":{"m":[]}})").message,
            "field a: null value for required STRUCT field");
}

TEST(JsonConverterTest, SchemaErrors) {
  auto schema_error = [](const std::string& schema) {
    Error error = convert_error(R"({"schema":)" + schema + R"(,"payload":1})");
    EXPECT_EQ(error.code, kCodeInvalidJsonSchema);
    return error.message;
  };
  EXPECT_EQ(schema_error(R"({"name":"x"})"), "schema must contain a \"type\" field");
  EXPECT_EQ(schema_error(R"({"type":"decimal"})"), "unknown schema type: decimal");
  EXPECT_EQ(schema_error(R"({"type":"array"})"), "array schema did not specify the element type");
  EXPECT_EQ(schema_error(R"({"type":"map","keys":{"type":"string"}})"),
            "map schema did not specify the value type");
  EXPECT_EQ(schema_error(R"({"type":"struct"})"),
            "struct schema's \"fields\" argument is not an array");
  EXPECT_EQ(schema_error(R"({"type":"struct","fields":[{"type":"int8"}]})"),
            "struct schema's field name not specified properly");
  EXPECT_EQ(schema_error(R"({"type":"string","parameters":{"a":1}})"),
            "schema parameters must have string values");
  EXPECT_EQ(schema_error(R"({"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"})"),
            "org.apache.kafka.connect.data.Decimal needs an integer \"scale\" parameter");
  EXPECT_EQ(schema_error(R"({"type":"int32","default":null})"),
            "default: null value for required INT32 field");
}

TEST(JsonConverterTest, TombstoneIsANullSchemaAndValue) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(std::nullopt));
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->schema, nullptr);
  EXPECT_TRUE(converted->value.is_null());
}

TEST(JsonConverterTest, ConvertsARecordThroughTheFactory) {
  auto converter = make();
  auto converted = converter->to_connect(
      record_with(R"({"schema":{"type":"struct","fields":[{"field":"Message__c","type":"string"}]},
                     "payload":{"Message__c":"hello"}})"));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(*as_struct(converted->value).values[0].get_if<std::string>(), "hello");
}

TEST(JsonConverterTest, SchemalessJsonIsRefusedNamingTheRecord) {
  auto converter = make();
  auto not_envelope = converter->to_connect(record_with(R"({"Message__c":"hello"})"));
  ASSERT_FALSE(not_envelope.ok());
  EXPECT_EQ(not_envelope.error().code, kCodeSchemalessJson);
  EXPECT_EQ(not_envelope.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(not_envelope.error().message,
            "topic orders partition 3 offset 99: schemaless JSON is not supported: JsonConverter "
            "with schemas.enable=true needs an object with exactly the fields \"schema\" and "
            "\"payload\", got an object with other fields");

  auto extra_field =
      converter->to_connect(record_with(R"({"schema":{"type":"string"},"payload":"x","x":1})"));
  ASSERT_FALSE(extra_field.ok());
  EXPECT_EQ(extra_field.error().code, kCodeSchemalessJson);

  auto array = converter->to_connect(record_with("[1,2]"));
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().message,
            "topic orders partition 3 offset 99: schemaless JSON is not supported: JsonConverter "
            "with schemas.enable=true needs an object with exactly the fields \"schema\" and "
            "\"payload\", got array");

  auto null_schema = converter->to_connect(record_with(R"({"schema":null,"payload":{"a":1}})"));
  ASSERT_FALSE(null_schema.ok());
  EXPECT_EQ(null_schema.error().code, kCodeSchemalessJson);
  EXPECT_EQ(null_schema.error().message,
            "topic orders partition 3 offset 99: schemaless JSON is not supported: the "
            "envelope's \"schema\" is null");
}

TEST(JsonConverterTest, SchemasDisabledRefusesEveryNonNullRecord) {
  auto converter = make({{"schemas.enable", "false"}});
  ASSERT_NE(converter, nullptr);
  auto refused =
      converter->to_connect(record_with(R"({"schema":{"type":"string"},"payload":"x"})"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kCodeSchemalessJson);
  EXPECT_EQ(refused.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(refused.error().message,
            "topic orders partition 3 offset 99: schemaless JSON is not supported: JsonConverter "
            "has schemas.enable=false; the sink needs values with a schema, {\"schema\": ..., "
            "\"payload\": ...} envelopes (schemas.enable=true) or a Schema Registry format");
  auto tombstone = converter->to_connect(record_with(std::nullopt));
  EXPECT_TRUE(tombstone.ok());
}

TEST(JsonConverterTest, InvalidJsonTextIsInvalidJsonData) {
  auto converter = make();
  auto refused = converter->to_connect(record_with(R"({"schema":)"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kCodeInvalidJsonData);
  EXPECT_EQ(refused.error().message.rfind(
                "topic orders partition 3 offset 99: invalid JSON: parse error", 0),
            0u)
      << refused.error().message;
  auto empty = converter->to_connect(record_with(""));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "topic orders partition 3 offset 99: invalid JSON: the value is empty");
}

TEST(JsonConverterTest, Settings) {
  auto refused = [](std::map<std::string, std::string> settings) {
    auto converter = JsonConverter::create(settings, nullptr);
    EXPECT_FALSE(converter.ok());
    if (converter.ok()) return std::string();
    EXPECT_EQ(converter.error().code, kCodeConfigInvalid);
    EXPECT_EQ(converter.error().kind, ErrorKind::kFatal);
    return converter.error().message;
  };
  EXPECT_EQ(refused({{"schemas.enable", "maybe"}}),
            "schemas.enable: expected true or false, got \"maybe\"");
  EXPECT_EQ(refused({{"replace.null.with.default", "1"}}),
            "replace.null.with.default: expected true or false, got \"1\"");
  EXPECT_EQ(refused({{"decimal.format", "HEX"}}),
            "decimal.format: expected BASE64 or NUMERIC, got \"HEX\"");
  EXPECT_EQ(refused({{"schemas.cache.size", "x"}}),
            "schemas.cache.size: expected an integer, got \"x\"");
  EXPECT_NE(make({{"schemas.enable", " TRUE"},
                  {"decimal.format", "numeric"},
                  {"schemas.cache.size", "50"},
                  {"replace.null.with.default", "false"},
                  {"converter.type", "value"}}),
            nullptr);
}

}  // namespace
}  // namespace sfpe::convert
