// ProtobufConverter end to end against an in-process registry: framing, schema lookup and
// caching, references, error context, and the value.converter factory.
#include "convert/protobuf/protobuf_converter.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <gtest/gtest.h>

#include <string>

#include "../convert/fake_registry.h"
#include "common/base64.h"
#include "convert/error_codes.h"
#include "proto_test_util.h"
#include "lib/avro_writer.h"
#include "lib/records.h"

namespace sfpe::convert {
namespace {

using namespace std::string_literals;
using protobuf::test::as_int;
using protobuf::test::as_string;
using protobuf::test::field;
using test::FakeRegistry;

constexpr const char* kEventSchema = R"(syntax = "proto3";
package io.confluent.salesforce;
import "google/protobuf/timestamp.proto";
message ConfluentEvent__e {
  string ReplayId = 1;
  google.protobuf.Timestamp CreatedDate = 2;
  string TextField__c = 3;
})";

std::string frame(int32_t id, const std::string& payload) {
  return sfpe::testing::confluent_frame(id, payload);
}

kafka::Record record_with(std::optional<std::string> value) {
  return sfpe::testing::record_at("orders", 2, 17, std::move(value));
}

class ProtobufConverterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Converter> make(std::map<std::string, std::string> settings = {}) {
    settings["schema.registry.url"] = registry_.url();
    auto converter = make_value_converter(ProtobufConverter::kClassName, settings, nullptr);
    EXPECT_TRUE(converter.ok()) << converter.error().message;
    return converter.ok() ? std::move(converter.value()) : nullptr;
  }

  std::string event_payload(const std::string& text) {
    auto schema = protobuf::test::parse_or_fail(kEventSchema);
    return schema == nullptr
               ? ""
               : protobuf::test::encode(*schema, "io.confluent.salesforce.ConfluentEvent__e", text);
  }

  FakeRegistry registry_;
};

TEST_F(ProtobufConverterTest, DecodesAFramedRecordAndCachesItsSchema) {
  registry_.add_schema(42, kEventSchema, "PROTOBUF");
  auto converter = make();
  ASSERT_NE(converter, nullptr);
  const std::string payload = event_payload(
      R"(ReplayId: "44479" CreatedDate { seconds: 1553542991 nanos: 336000000 } TextField__c: "hi")");
  for (const std::string& indexes : {"\x00"s, "\x02\x00"s}) {
    auto converted = converter->to_connect(record_with(frame(42, indexes + payload)));
    ASSERT_TRUE(converted.ok()) << converted.error().message;
    ASSERT_NE(converted->schema, nullptr);
    EXPECT_EQ(converted->schema->name, "ConfluentEvent__e");
    EXPECT_EQ(as_string(field(converted->value, "ReplayId")), "44479");
    EXPECT_EQ(as_int(field(converted->value, "CreatedDate")), 1553542991336);
    EXPECT_EQ(as_string(field(converted->value, "TextField__c")), "hi");
  }
  auto requests = registry_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/schemas/ids/42");
}

TEST_F(ProtobufConverterTest, ReferencesAreFetchedAsImports) {
  registry_.add_subject_version("shared-address", 3, R"(syntax = "proto3";
package shared;
message Address { string city = 1; })");
  registry_.add_schema(
      7, R"(syntax = "proto3";
import "shared/address.proto";
message Customer { string name = 1; shared.Address address = 2; })",
      "PROTOBUF",
      nlohmann::json::array(
          {{{"name", "shared/address.proto"}, {"subject", "shared-address"}, {"version", 3}}}));
  auto converter = make();
  ASSERT_NE(converter, nullptr);
  auto schema = protobuf::ProtobufSchema::parse(
      R"(syntax = "proto3"; package shared; message Address { string city = 1; }
         message Customer { string name = 1; Address address = 2; })");
  ASSERT_TRUE(schema.ok());
  // Same field numbers as the registered Customer, so its bytes read the same.
  const std::string payload = protobuf::test::encode(**schema, "shared.Customer",
                                                     R"(name: "Ada" address { city: "Paris" })");
  for (int i = 0; i < 2; ++i) {
    auto converted = converter->to_connect(record_with(frame(7, "\x00"s + payload)));
    ASSERT_TRUE(converted.ok()) << converted.error().message;
    EXPECT_EQ(as_string(field(converted->value, "name")), "Ada");
    EXPECT_EQ(as_string(field(field(converted->value, "address"), "city")), "Paris");
    EXPECT_EQ(protobuf::test::field_schema(*converted->schema, "address").name, "Address");
  }
  auto requests = registry_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/schemas/ids/7");
  EXPECT_EQ(requests[1].path, "/subjects/shared-address/versions/3");
}

// Confluent's Python ProtobufSerializer registers each file as its serialized descriptor in
// base64, and every import as a reference of its own: here Customer imports shared/address.proto,
// which imports google/protobuf/timestamp.proto, both through the registry.
TEST_F(ProtobufConverterTest, SerializedDescriptorsWithNestedReferences) {
  auto serialized = [](const char* name, const char* text,
                       std::vector<protobuf::ImportedSchema> imports = {}) {
    auto schema = protobuf::ProtobufSchema::parse(text, imports);
    EXPECT_TRUE(schema.ok()) << (schema.ok() ? "" : schema.error().message);
    google::protobuf::FileDescriptorProto proto;
    (*schema)->file()->CopyTo(&proto);
    proto.set_name(name);
    return base64_encode(proto.SerializeAsString());
  };
  const char* kAddress = R"(syntax = "proto3"; package shared;
      import "google/protobuf/timestamp.proto";
      message Address { string city = 1; google.protobuf.Timestamp since = 2; })";
  google::protobuf::FileDescriptorProto timestamp;
  google::protobuf::Timestamp::descriptor()->file()->CopyTo(&timestamp);
  registry_.add_subject_version("google/protobuf/timestamp.proto", 1,
                                base64_encode(timestamp.SerializeAsString()), "PROTOBUF");
  registry_.add_subject_version(
      "shared/address.proto", 1, serialized("shared/address.proto", kAddress), "PROTOBUF",
      nlohmann::json::array({{{"name", "google/protobuf/timestamp.proto"},
                              {"subject", "google/protobuf/timestamp.proto"},
                              {"version", 1}}}));
  registry_.add_schema(
      8,
      serialized("customer.proto", R"(syntax = "proto3"; import "shared/address.proto";
          message Customer { string name = 1; shared.Address address = 2; })",
                 {{"shared/address.proto", kAddress}}),
      "PROTOBUF",
      nlohmann::json::array({{{"name", "shared/address.proto"},
                              {"subject", "shared/address.proto"},
                              {"version", 1}}}));
  auto converter = make();
  ASSERT_NE(converter, nullptr);
  auto writer = protobuf::ProtobufSchema::parse(
      R"(syntax = "proto3"; package shared; import "google/protobuf/timestamp.proto";
         message Address { string city = 1; google.protobuf.Timestamp since = 2; }
         message Customer { string name = 1; Address address = 2; })");
  ASSERT_TRUE(writer.ok());
  const std::string payload = protobuf::test::encode(
      **writer, "shared.Customer",
      R"(name: "Ada" address { city: "Paris" since { seconds: 1553542991 nanos: 336000000 } })");
  auto converted = converter->to_connect(record_with(frame(8, "\x00"s + payload)));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(converted->schema->name, "Customer");
  EXPECT_EQ(as_string(field(converted->value, "name")), "Ada");
  const data::Value& address = field(converted->value, "address");
  EXPECT_EQ(as_string(field(address, "city")), "Paris");
  EXPECT_EQ(*field(address, "since").get_if<int64_t>(), 1553542991336);
  auto requests = registry_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // (the server shows paths percent-decoded: subjects named after files hold '/')
  EXPECT_EQ(requests[1].path, "/subjects/shared/address.proto/versions/1");
  EXPECT_EQ(requests[2].path, "/subjects/google/protobuf/timestamp.proto/versions/1");
}

TEST_F(ProtobufConverterTest, TombstoneIsANullSchemaAndValue) {
  auto converter = make();
  auto converted = converter->to_connect(record_with(std::nullopt));
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->schema, nullptr);
  EXPECT_TRUE(converted->value.is_null());
  EXPECT_TRUE(registry_.requests().empty());
}

TEST_F(ProtobufConverterTest, NonProtobufSchemasAreRefused) {
  registry_.add_schema(5, R"({"type":"string"})");
  auto converter = make();
  auto converted = converter->to_connect(record_with(frame(5, "\x00"s)));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeUnsupportedSchemaType);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: schema id 5 is a AVRO schema; "
            "io.confluent.connect.protobuf.ProtobufConverter reads Protobuf only");
}

TEST_F(ProtobufConverterTest, UnparsableSchemaNamesRecordAndId) {
  registry_.add_schema(6, "syntax = \"proto3\";\nmessage {}", "PROTOBUF");
  auto converter = make();
  auto converted = converter->to_connect(record_with(frame(6, "\x00"s)));
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(converted.error().code, kCodeInvalidProtobufSchema);
  EXPECT_EQ(converted.error().message,
            "topic orders partition 2 offset 17: schema id 6: cannot parse the schema: line 2 "
            "column 9: Expected message name.");
}

TEST_F(ProtobufConverterTest, BadDataNamesRecordAndId) {
  registry_.add_schema(42, kEventSchema, "PROTOBUF");
  auto converter = make();
  auto bad_index = converter->to_connect(record_with(frame(42, "\x02\x02"s)));
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(bad_index.error().message,
            "topic orders partition 2 offset 17: schema id 42: message index 1 out of range: the "
            "schema has 1 top-level message(s)");

  auto bad_bytes = converter->to_connect(record_with(frame(42, "\x00\x0a\x09"s)));
  ASSERT_FALSE(bad_bytes.ok());
  EXPECT_EQ(bad_bytes.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(bad_bytes.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(bad_bytes.error().message,
            "topic orders partition 2 offset 17: schema id 42: cannot parse 2 bytes as message "
            "io.confluent.salesforce.ConfluentEvent__e");

  auto short_frame = converter->to_connect(record_with("\x00\x00"s));
  ASSERT_FALSE(short_frame.ok());
  EXPECT_EQ(short_frame.error().code, kCodeFrameTooShort);
}

TEST_F(ProtobufConverterTest, UnknownSchemaIdAndOutagesPassThrough) {
  registry_.respond_for_id(3, 503, "unavailable");
  auto converter = make();
  auto missing = converter->to_connect(record_with(frame(9, "\x00"s)));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kCodeSchemaNotFound);
  EXPECT_EQ(missing.error().message, "topic orders partition 2 offset 17: Schema Registry " +
                                         registry_.url() +
                                         ": schema id 9 not found: Schema 9 not found");
  auto outage = converter->to_connect(record_with(frame(3, "\x00"s)));
  ASSERT_FALSE(outage.ok());
  EXPECT_EQ(outage.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(outage.error().code, kCodeRegistryUnavailable);
}

TEST_F(ProtobufConverterTest, SettingsReachTheMapping) {
  registry_.add_schema(11, R"(syntax = "proto3";
enum Level { LOW = 0; HIGH = 1; }
message Alert { Level level = 1; oneof target { string user = 2; string team = 3; } })",
                       "PROTOBUF");
  auto converter = make({{"int.for.enums", "true"}, {"generate.index.for.unions", "false"}});
  ASSERT_NE(converter, nullptr);
  auto converted = converter->to_connect(record_with(frame(11, "\x00\x08\x01\x1a\x01\x78"s)));
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  EXPECT_EQ(as_int(field(converted->value, "level")), 1);
  EXPECT_EQ(as_string(field(field(converted->value, "target"), "team")), "x");

  auto refused = ProtobufConverter::create(
      {{"schema.registry.url", registry_.url()}, {"generate.struct.for.nulls", "true"}}, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(refused.error().code, kCodeConfigInvalid);
  EXPECT_EQ(refused.error().message, "generate.struct.for.nulls=true is not supported");
}

}  // namespace
}  // namespace sfpe::convert
