// JsonSchemaConverter end to end through an in-process registry: framing, the Platform Events
// source's JSON Schema form, references, caching, settings and every refusal.
#include "convert/json/json_schema_converter.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <string>
#include <thread>

#include "../convert/fake_registry.h"
#include "convert/converter.h"
#include "convert/error_codes.h"
#include "lib/avro_writer.h"
#include "lib/records.h"

namespace sfpe::convert {
namespace {

using test::FakeRegistry;

// confluent-connector.md §5.3: what the Platform Events source registers.
constexpr const char* kEventSchema = R"({
  "type":"object","title":"io.confluent.salesforce.MyPlatformEvent__e",
  "properties":{
    "ReplayId":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"string"}]},
    "CreatedDate":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer",
      "connect.type":"int64","connect.version":1,"title":"org.apache.kafka.connect.data.Timestamp"}]},
    "CreatedById":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"string"}]},
    "EventUuid":{"connect.index":3,"oneOf":[{"type":"null"},{"type":"string"}]},
    "Message__c":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"string"}]},
    "_ObjectType":{"connect.index":5,"oneOf":[{"type":"null"},{"type":"string"}]},
    "_EventType":{"connect.index":6,"oneOf":[{"type":"null"},{"type":"string"}]}}})";

std::string framed(int32_t id, const std::string& json) {
  return sfpe::testing::confluent_frame(id, json);
}

kafka::Record record_with(std::optional<std::string> value) {
  return sfpe::testing::record_at("events", 1, 42, std::move(value));
}

class JsonSchemaConverterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Converter> make(std::map<std::string, std::string> settings = {}) {
    settings["schema.registry.url"] = registry_.url();
    auto converter = make_value_converter(JsonSchemaConverter::kClassName, settings, nullptr);
    EXPECT_TRUE(converter.ok()) << converter.error().message;
    return converter.ok() ? std::move(converter.value()) : nullptr;
  }

  Error convert_error(Converter& converter, const std::string& value) {
    auto converted = converter.to_connect(record_with(value));
    EXPECT_FALSE(converted.ok());
    return converted.ok() ? Error{} : converted.error();
  }

  FakeRegistry registry_;
};

TEST_F(JsonSchemaConverterTest, DecodesThePlatformEventSourceFormAndCachesTheSchema) {
  registry_.add_schema(7, kEventSchema, "JSON");
  auto converter = make();
  ASSERT_NE(converter, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto converted = converter->to_connect(record_with(framed(7, R"({
      "ReplayId":"2956549","CreatedDate":1596010416799,"CreatedById":"0052X00000AJGNCQA5",
      "EventUuid":"b1c29a9d-0000","Message__c":"test message 1",
      "_ObjectType":"MyPlatformEvent__e","_EventType":"ir4e6bGYBtJYSX5x2vc4DQ"})")));
    ASSERT_TRUE(converted.ok()) << converted.error().message;
    const data::Schema& schema = *converted->schema;
    EXPECT_EQ(schema.type, data::Type::kStruct);
    EXPECT_EQ(schema.name, "io.confluent.salesforce.MyPlatformEvent__e");
    ASSERT_EQ(schema.fields.size(), 7u);
    EXPECT_EQ(schema.fields[1].name, "CreatedDate");
    EXPECT_EQ(schema.fields[1].schema->name, data::kTimestampLogical);
    EXPECT_EQ(schema.fields[1].schema->type, data::Type::kInt64);
    EXPECT_TRUE(schema.fields[1].schema->optional);
    EXPECT_EQ(schema.fields[6].name, "_EventType");
    const auto* event = converted->value.get_if<data::Struct>();
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->schema, converted->schema);
    EXPECT_EQ(*event->values[0].get_if<std::string>(), "2956549");
    EXPECT_EQ(*event->values[1].get_if<int64_t>(), 1596010416799);
    EXPECT_EQ(*event->values[4].get_if<std::string>(), "test message 1");
    EXPECT_EQ(*event->values[5].get_if<std::string>(), "MyPlatformEvent__e");
  }
  auto requests = registry_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/schemas/ids/7");
}

TEST_F(JsonSchemaConverterTest, ExactDecimalFromAJsonNumber) {
  registry_.add_schema(8, R"({"type":"object","properties":{"Amount__c":{"type":"number",
    "connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal",
    "connect.parameters":{"scale":"3"}}}})",
                       "JSON");
  auto converter = make();
  auto converted =
      converter->to_connect(record_with(framed(8, R"({"Amount__c":12345678901234567890.123})")));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  const auto& event = *converted->value.get_if<data::Struct>();
  EXPECT_EQ(*event.values[0].get_if<data::Bytes>(),
            (data::Bytes{0x02, 0x9d, 0x42, 0xb6, 0x4e, 0x76, 0x71, 0x42, 0x44, 0xcb}));
  EXPECT_EQ(converted->schema->fields[0].schema->parameters.at("scale"), "3");
}

TEST_F(JsonSchemaConverterTest, ResolvesRegistryReferencesRecursivelyFetchingEachOnce) {
  registry_.add_subject_version("address-value", 1, R"({"type":"object","title":"Address",
    "properties":{"city":{"type":"string"},"zip":{"$ref":"zip.json"}}})");
  registry_.add_subject_version("zip-value", 2, R"({"type":"string","title":"Zip"})");
  // address.json names zip.json; the root names both.
  registry_.add_schema(
      9, R"({"type":"object","title":"Customer","properties":{
      "home":{"$ref":"address.json","connect.index":0},
      "work":{"$ref":"address.json","connect.index":1},
      "zip":{"$ref":"zip.json","connect.index":2}}})",
      "JSON",
      nlohmann::json::array(
          {{{"name", "address.json"}, {"subject", "address-value"}, {"version", 1}},
           {{"name", "zip.json"}, {"subject", "zip-value"}, {"version", 2}}}));
  // The fake registry has no references on subject versions, so address.json's own reference
  // to zip.json is resolved through the root's list, as Confluent's resolver does.
  auto converter = make();
  auto converted = converter->to_connect(record_with(framed(9, R"({
    "home":{"city":"Oslo","zip":"0150"},"work":{"city":"Bergen","zip":"5003"},"zip":"1"})")));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  const data::Schema& schema = *converted->schema;
  EXPECT_EQ(schema.fields[0].schema->name, "Address");
  EXPECT_EQ(schema.fields[0].schema->fields[1].schema->name, "Zip");
  EXPECT_EQ(schema.fields[2].schema->name, "Zip");
  const auto& customer = *converted->value.get_if<data::Struct>();
  const auto& work = *customer.values[1].get_if<data::Struct>();
  EXPECT_EQ(*work.values[0].get_if<std::string>(), "Bergen");
  EXPECT_EQ(*work.values[1].get_if<std::string>(), "5003");
  int subject_requests = 0;
  for (const auto& request : registry_.requests()) {
    if (request.path.rfind("/subjects/", 0) == 0) ++subject_requests;
  }
  EXPECT_EQ(subject_requests, 2);
  auto again = converter->to_connect(record_with(framed(9, R"({"zip":"2"})")));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(registry_.requests().size(), 3u);
}

TEST_F(JsonSchemaConverterTest, TombstoneIsANullSchemaAndValue) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(std::nullopt));
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->schema, nullptr);
  EXPECT_TRUE(converted->value.is_null());
  EXPECT_TRUE(registry_.requests().empty());
}

TEST_F(JsonSchemaConverterTest, SchemalessJsonIsRefusedAsNotFramed) {
  auto converter = make();
  Error error = convert_error(*converter, R"({"Message__c":"hi"})");
  EXPECT_EQ(error.code, kCodeUnknownMagicByte);
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  EXPECT_EQ(error.message,
            "topic events partition 1 offset 42: the value is not Schema Registry framed (first "
            "byte 0x7b, expected the magic byte 0x00): schemaless JSON is not supported; "
            "io.confluent.connect.json.JsonSchemaConverter needs values written by Confluent's "
            "JSON Schema serializer");
}

TEST_F(JsonSchemaConverterTest, ShortAndEmptyValuesKeepTheFramingErrors) {
  auto converter = make();
  Error short_frame = convert_error(*converter, std::string("\0\0\0", 3));
  EXPECT_EQ(short_frame.code, kCodeFrameTooShort);
  EXPECT_EQ(short_frame.message.rfind("topic events partition 1 offset 42: ", 0), 0u);
  EXPECT_EQ(convert_error(*converter, "").code, kCodeEmptyValue);
}

TEST_F(JsonSchemaConverterTest, NonJsonSchemaTypesAreRefused) {
  registry_.add_schema(10, R"({"type":"string"})");  // no schemaType: Avro
  auto converter = make();
  Error error = convert_error(*converter, framed(10, "\"x\""));
  EXPECT_EQ(error.code, kCodeUnsupportedSchemaType);
  EXPECT_EQ(error.message,
            "topic events partition 1 offset 42: schema id 10 is a AVRO schema; "
            "io.confluent.connect.json.JsonSchemaConverter reads JSON Schema only");
}

TEST_F(JsonSchemaConverterTest, RegistryErrorsPassThrough) {
  auto converter = make();
  Error missing = convert_error(*converter, framed(404, "{}"));
  EXPECT_EQ(missing.code, kCodeSchemaNotFound);
  EXPECT_EQ(missing.message.rfind("topic events partition 1 offset 42: ", 0), 0u);
  registry_.respond_for_id(500, 500, "boom");
  EXPECT_EQ(convert_error(*converter, framed(500, "{}")).code, kCodeRegistryUnavailable);
}

TEST_F(JsonSchemaConverterTest, PayloadErrorsNameRecordSchemaIdAndField) {
  registry_.add_schema(11, R"({"type":"object","properties":{"Address__c":{"type":"object",
    "properties":{"city":{"type":"string"}}}}})",
                       "JSON");
  auto converter = make();
  Error mismatch = convert_error(*converter, framed(11, R"({"Address__c":{"city":12}})"));
  EXPECT_EQ(mismatch.code, kCodeInvalidJsonData);
  EXPECT_EQ(mismatch.kind, ErrorKind::kPermanent);
  EXPECT_EQ(mismatch.message,
            "topic events partition 1 offset 42: schema id 11: field Address__c.city: expected "
            "string, got number 12");
  Error not_json = convert_error(*converter, framed(11, R"({"Address__c":)"));
  EXPECT_EQ(not_json.code, kCodeInvalidJsonData);
  EXPECT_EQ(not_json.message.rfind(
                "topic events partition 1 offset 42: schema id 11: invalid JSON: parse error", 0),
            0u)
      << not_json.message;
}

TEST_F(JsonSchemaConverterTest, InvalidSchemasNameTheirId) {
  registry_.add_schema(12, R"({"type":"object","properties":{"n":{"$ref":"#"}}})", "JSON");
  auto converter = make();
  Error error = convert_error(*converter, framed(12, "{}"));
  EXPECT_EQ(error.code, kCodeInvalidJsonSchema);
  EXPECT_EQ(error.message,
            "topic events partition 1 offset 42: schema id 12: property n: recursive schema: "
            "\"$ref\": \"#\" refers to a schema that contains it; recursive Connect schemas are "
            "not supported");
}

TEST_F(JsonSchemaConverterTest, ASubjectNamedTwiceIsFetchedOnce) {
  registry_.add_subject_version("a-value", 1, R"({"type":"string"})");
  registry_.add_schema(
      13, R"({"$ref":"a.json"})", "JSON",
      nlohmann::json::array({{{"name", "a.json"}, {"subject", "a-value"}, {"version", 1}},
                             {{"name", "b.json"}, {"subject", "a-value"}, {"version", 1}}}));
  auto converter = make();
  auto converted = converter->to_connect(record_with(framed(13, "\"x\"")));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(*converted->value.get_if<std::string>(), "x");
  EXPECT_EQ(registry_.requests().size(), 2u);
}

TEST_F(JsonSchemaConverterTest, MissingReferencedSubjectIsSchemaNotFound) {
  registry_.add_schema(
      14, R"({"$ref":"missing.json"})", "JSON",
      nlohmann::json::array({{{"name", "missing.json"}, {"subject", "nope"}, {"version", 3}}}));
  auto converter = make();
  Error error = convert_error(*converter, framed(14, "1"));
  EXPECT_EQ(error.code, kCodeSchemaNotFound);
}

TEST_F(JsonSchemaConverterTest, UseOptionalForNonRequiredSetting) {
  registry_.add_schema(15, R"({"type":"object","properties":{"a":{"type":"string"}}})", "JSON");
  auto plain = make();
  auto optional = make({{"use.optional.for.nonrequired", "TRUE "}});
  auto plain_value = plain->to_connect(record_with(framed(15, R"({"a":null})")));
  EXPECT_FALSE(plain_value.ok());
  auto optional_value = optional->to_connect(record_with(framed(15, R"({"a":null})")));
  ASSERT_TRUE(optional_value.ok()) << optional_value.error().message;
  EXPECT_TRUE(optional_value->schema->fields[0].schema->optional);
}

TEST_F(JsonSchemaConverterTest, SettingsAreCheckedAndUnsupportedOnesRefused) {
  auto refused = [&](std::map<std::string, std::string> settings) {
    settings["schema.registry.url"] = registry_.url();
    auto converter = JsonSchemaConverter::create(settings, nullptr);
    EXPECT_FALSE(converter.ok());
    if (converter.ok()) return Error{};
    EXPECT_EQ(converter.error().code, kCodeConfigInvalid);
    EXPECT_EQ(converter.error().kind, ErrorKind::kFatal);
    return converter.error();
  };
  EXPECT_EQ(refused({{"use.optional.for.nonrequired", "yes"}}).message,
            "use.optional.for.nonrequired: expected true or false, got \"yes\"");
  EXPECT_EQ(refused({{"decimal.format", "TEXT"}}).message,
            "decimal.format: expected BASE64 or NUMERIC, got \"TEXT\"");
  EXPECT_EQ(refused({{"generalized.sum.type.support", "true"}}).message,
            "generalized.sum.type.support=true is not supported");
  EXPECT_EQ(refused({{"json.fail.invalid.schema", "true"}}).message,
            "json.fail.invalid.schema=true is not supported");
  EXPECT_EQ(refused({{"schemas.cache.size", "many"}}).message,
            "schemas.cache.size: expected an integer, got \"many\"");
  auto accepted = make({{"decimal.format", "numeric"},
                        {"object.additional.properties", "false"},
                        {"ignore.modern.dialects", "true"},
                        {"flatten.singleton.unions", "false"},
                        {"generalized.sum.type.support", "false"},
                        {"some.unknown.key", "x"}});
  EXPECT_NE(accepted, nullptr);
}

TEST_F(JsonSchemaConverterTest, FactoryBuildsIt) {
  auto converter = make_value_converter(JsonSchemaConverter::kClassName,
                                        {{"schema.registry.url", registry_.url()}}, nullptr);
  ASSERT_TRUE(converter.ok()) << converter.error().message;
  EXPECT_NE(dynamic_cast<JsonSchemaConverter*>(converter->get()), nullptr);
}

}  // namespace
}  // namespace sfpe::convert

namespace sfpe::convert {
namespace {

nlohmann::json reference(const std::string& name, const std::string& subject) {
  return nlohmann::json::array({{{"name", name}, {"subject", subject}, {"version", 1}}});
}

Result<data::SchemaAndValue> convert_with(const test::FakeRegistry& registry, int32_t id,
                                          const std::string& payload) {
  auto converter = JsonSchemaConverter::create({{"schema.registry.url", registry.url()}}, nullptr);
  EXPECT_TRUE(converter.ok());
  return (*converter)->to_connect(record_with(framed(id, payload)));
}

TEST(JsonSchemaConverterReferencesTest, NestedReferencesResolveThroughEachSchemasOwnList) {
  test::FakeRegistry registry;
  registry.add_schema(20, R"({"type":"object","properties":{"a":{"$ref":"a.json"}}})", "JSON",
                      reference("a.json", "a"));
  registry.add_subject_version(
      "a", 1, R"({"type":"object","title":"A","properties":{"b":{"$ref":"b.json"}}})", "JSON",
      reference("b.json", "b"));
  registry.add_subject_version("b", 1, R"({"type":"integer","title":"B"})", "JSON");
  auto converted = convert_with(registry, 20, R"({"a":{"b":5}})");
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(converted->schema->fields[0].schema->fields[0].schema->name, "B");
  const auto& outer = *converted->value.get_if<data::Struct>();
  const auto& inner = *outer.values[0].get_if<data::Struct>();
  EXPECT_EQ(*inner.values[0].get_if<int64_t>(), 5);
}

TEST(JsonSchemaConverterReferencesTest, ReferenceCyclesAreRefused) {
  test::FakeRegistry registry;
  registry.add_schema(21, R"({"$ref":"a.json"})", "JSON", reference("a.json", "a"));
  registry.add_subject_version("a", 1, R"({"$ref":"b.json"})", "JSON", reference("b.json", "b"));
  registry.add_subject_version("b", 1, R"({"$ref":"a.json"})", "JSON", reference("a.json", "a"));
  auto converted = convert_with(registry, 21, "1");
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().code, kCodeInvalidJsonSchema);
  EXPECT_EQ(converted.error().message,
            "topic events partition 1 offset 42: schema id 21: schema references form a cycle "
            "through a.json (subject a version 1)");
}

}  // namespace
}  // namespace sfpe::convert
