// AvroConverter end to end (framing, registry, references, decoding, error context) and the
// value.converter factory.
#include "convert/converter.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/error_codes.h"
#include "fake_registry.h"
#include "lib/avro_writer.h"
#include "lib/records.h"

namespace sfpe::convert {
namespace {

using namespace std::string_literals;
using test::FakeRegistry;

constexpr const char* kEventSchema = R"({
  "type":"record","name":"ConfluentEvent__e","namespace":"io.confluent.salesforce",
  "fields":[
    {"name":"ReplayId","type":["null","string"],"default":null},
    {"name":"CreatedDate","type":["null",{"type":"long","logicalType":"timestamp-millis"}],
     "default":null},
    {"name":"TextField__c","type":["null","string"],"default":null}]})";

kafka::Record record_with(std::optional<std::string> value) {
  return sfpe::testing::record_at("orders", 2, 17, std::move(value));
}

std::string framed_event(int32_t id, const nlohmann::json& datum) {
  auto payload = sfpe::testing::encode_avro_json_datum(kEventSchema, datum);
  EXPECT_TRUE(payload.ok()) << payload.error().message;
  return sfpe::testing::confluent_frame(id, payload.ok() ? *payload : "");
}

class AvroConverterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Converter> make(std::map<std::string, std::string> settings = {}) {
    settings["schema.registry.url"] = registry_.url();
    auto converter = make_value_converter(AvroConverter::kClassName, settings, nullptr);
    EXPECT_TRUE(converter.ok()) << converter.error().message;
    return converter.ok() ? std::move(converter.value()) : nullptr;
  }

  FakeRegistry registry_;
};

TEST_F(AvroConverterTest, DecodesAFramedRecordAndCachesItsSchema) {
  registry_.add_schema(42, kEventSchema);
  auto converter = make();
  for (int i = 0; i < 2; ++i) {
    auto converted = converter->to_connect(record_with(framed_event(
        42, {{"ReplayId", "44479"}, {"CreatedDate", 1553542991336}, {"TextField__c", "hi"}})));
    ASSERT_TRUE(converted.ok()) << converted.error().message;
    ASSERT_NE(converted->schema, nullptr);
    EXPECT_EQ(converted->schema->name, "io.confluent.salesforce.ConfluentEvent__e");
    const auto* record = converted->value.get_if<data::Struct>();
    ASSERT_NE(record, nullptr);
    EXPECT_EQ(record->schema, converted->schema);
    EXPECT_EQ(*record->values[0].get_if<std::string>(), "44479");
    EXPECT_EQ(*record->values[1].get_if<int64_t>(), 1553542991336);
    EXPECT_EQ(*record->values[2].get_if<std::string>(), "hi");
  }
  EXPECT_EQ(registry_.requests().size(), 1u);
}

TEST_F(AvroConverterTest, TombstoneIsANullSchemaAndValue) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(std::nullopt));
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->schema, nullptr);
  EXPECT_TRUE(converted->value.is_null());
  EXPECT_TRUE(registry_.requests().empty());
}

TEST_F(AvroConverterTest, FramingErrorsNameTheRecord) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(R"({"TextField__c":"x"})"));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeUnknownMagicByte);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: unknown magic byte 0x7b: the value is not Schema "
            "Registry framed; schemaless JSON and raw bytes are not supported");

  auto empty = converter->to_connect(record_with(""));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, kCodeEmptyValue);
}

TEST_F(AvroConverterTest, UnknownSchemaIdIsPermanent) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(9, "\x00"s)));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeSchemaNotFound);
  EXPECT_EQ(converted.error().message, "topic orders partition 2 offset 17: Schema Registry " +
                                           registry_.url() +
                                           ": schema id 9 not found: Schema 9 not found");
}

TEST_F(AvroConverterTest, RegistryOutageStaysTransient) {
  registry_.respond_for_id(3, 503, "unavailable");
  auto converter = make();
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(3, "")));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(converted.error().code, kCodeRegistryUnavailable);
}

TEST_F(AvroConverterTest, NonAvroSchemasAreRefused) {
  registry_.add_schema(5, R"({"type":"object"})", "JSON");
  auto converter = make();
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(5, "{}")));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeUnsupportedSchemaType);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: schema id 5 is a JSON schema; "
            "io.confluent.connect.avro.AvroConverter reads Avro only");
}

TEST_F(AvroConverterTest, InvalidRegisteredSchemaIsPermanent) {
  registry_.add_schema(6, R"({"type":"record","name":"R"})");
  auto converter = make();
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(6, "")));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().code, kCodeInvalidAvroSchema);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: schema id 6: invalid Avro schema: record R "
            "without a \"fields\" array");
}

TEST_F(AvroConverterTest, DecodeErrorsNameRecordSchemaAndField) {
  registry_.add_schema(42, kEventSchema);
  auto converter = make();
  // ReplayId: branch 1 (string) of length 10, but only 2 bytes follow.
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(42,
                                                                                    "\x02\x14"
                                                                                    "ab"s)));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeInvalidAvroData);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: schema id 42: invalid Avro data at byte 2 "
            "(field ReplayId): truncated: 10 bytes needed, 2 left");
}

TEST_F(AvroConverterTest, ResolvesSchemaReferences) {
  const std::string address =
      R"({"type":"record","name":"Address","namespace":"com.acme",
          "fields":[{"name":"city","type":"string"}]})";
  const std::string order =
      R"({"type":"record","name":"Order","namespace":"com.acme",
          "fields":[{"name":"ship_to","type":"Address"}]})";
  registry_.add_subject_version("address-value", 1, address);
  registry_.add_schema(
      11, order, "",
      nlohmann::json::array(
          {{{"name", "com.acme.Address"}, {"subject", "address-value"}, {"version", 1}}}));
  // Avro C cannot resolve the reference, so the datum is encoded with a self-contained copy.
  const std::string standalone =
      R"({"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"ship_to",
          "type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}]})";
  auto payload =
      sfpe::testing::encode_avro_json_datum(standalone, {{"ship_to", {{"city", "Oslo"}}}});
  ASSERT_TRUE(payload.ok()) << payload.error().message;
  auto converter = make();
  auto converted = converter->to_connect(record_with(sfpe::testing::confluent_frame(11, *payload)));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  const auto* order_value = converted->value.get_if<data::Struct>();
  ASSERT_NE(order_value, nullptr);
  const auto* ship_to = order_value->values[0].get_if<data::Struct>();
  ASSERT_NE(ship_to, nullptr);
  EXPECT_EQ(ship_to->schema->name, "com.acme.Address");
  EXPECT_EQ(*ship_to->values[0].get_if<std::string>(), "Oslo");
}

TEST(ValueConverterFactoryTest, RefusesWhatItCannotConvert) {
  struct Case {
    std::string class_name;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"org.apache.kafka.connect.storage.StringConverter",
       "value.converter: org.apache.kafka.connect.storage.StringConverter is not supported: "
       "schemaless data is not supported, the sink needs records with a schema (use "
       "io.confluent.connect.avro.AvroConverter, io.confluent.connect.json.JsonSchemaConverter, "
       "io.confluent.connect.protobuf.ProtobufConverter or "
       "org.apache.kafka.connect.json.JsonConverter with schemas.enable=true)"},
      {"org.apache.kafka.connect.converters.ByteArrayConverter",
       "value.converter: org.apache.kafka.connect.converters.ByteArrayConverter is not "
       "supported: schemaless data is not supported, the sink needs records with a schema (use "
       "io.confluent.connect.avro.AvroConverter, io.confluent.connect.json.JsonSchemaConverter, "
       "io.confluent.connect.protobuf.ProtobufConverter or "
       "org.apache.kafka.connect.json.JsonConverter with schemas.enable=true)"},
      {"com.example.MyConverter",
       "value.converter: unknown converter class \"com.example.MyConverter\""},
  };
  for (const auto& c : cases) {
    auto converter = make_value_converter(c.class_name, {}, nullptr);
    ASSERT_FALSE(converter.ok()) << c.class_name;
    EXPECT_EQ(converter.error().kind, ErrorKind::kFatal);
    EXPECT_EQ(converter.error().code, kCodeConfigInvalid);
    EXPECT_EQ(converter.error().message, c.message);
  }
}

TEST(ValueConverterFactoryTest, AvroConverterSettingsAreValidated) {
  auto no_url = make_value_converter(AvroConverter::kClassName, {}, nullptr);
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(no_url.error().message, "schema.registry.url is required");

  auto bad_flag = make_value_converter(
      AvroConverter::kClassName,
      {{"schema.registry.url", "http://sr:8081"}, {"enhanced.avro.schema.support", "yes"}},
      nullptr);
  ASSERT_FALSE(bad_flag.ok());
  EXPECT_EQ(bad_flag.error().code, kCodeConfigInvalid);
  EXPECT_EQ(bad_flag.error().message,
            "enhanced.avro.schema.support: expected true or false, got \"yes\"");

  auto generalized = make_value_converter(
      AvroConverter::kClassName,
      {{"schema.registry.url", "http://sr:8081"}, {"generalized.sum.type.support", "true"}},
      nullptr);
  ASSERT_FALSE(generalized.ok());
  EXPECT_EQ(generalized.error().message, "generalized.sum.type.support=true is not supported");
}

TEST(ValueConverterFactoryTest, UsesTheSharedRegistryClientWhenGiven) {
  FakeRegistry registry;
  registry.add_schema(42, kEventSchema);
  auto shared = SchemaRegistryClient::create({{"schema.registry.url", registry.url()}});
  ASSERT_TRUE(shared.ok());
  // No schema.registry.url in the converter's own settings: the shared client is used.
  auto first = make_value_converter(AvroConverter::kClassName, {}, *shared);
  auto second = make_value_converter(AvroConverter::kClassName, {}, *shared);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(second.ok());
  const std::string value =
      framed_event(42, {{"ReplayId", nullptr}, {"CreatedDate", nullptr}, {"TextField__c", "x"}});
  ASSERT_TRUE((*first)->to_connect(record_with(value)).ok());
  ASSERT_TRUE((*second)->to_connect(record_with(value)).ok());
  EXPECT_EQ(registry.requests().size(), 1u);  // the second converter hit the shared cache
}

}  // namespace
}  // namespace sfpe::convert
