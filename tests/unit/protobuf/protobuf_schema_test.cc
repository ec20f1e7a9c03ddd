// Message indexes (kafka-connect.md §5.1) and run-time schema parsing: imports, well-known and
// embedded files, parser and linker errors.
#include "convert/protobuf/protobuf_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/error_codes.h"
#include "proto_test_util.h"

namespace sfpe::convert::protobuf {
namespace {

using namespace std::string_literals;

constexpr const char* kNestedSchema = R"(syntax = "proto3";
package acme;
message A { int32 x = 1; }
enum Color { RED = 0; }
message B {
  enum Kind { K = 0; }
  message C { int32 y = 1; }
  message D { string z = 1; }
}
)";

TEST(MessageIndexesTest, SingleZeroByteMeansFirstMessage) {
  const std::string payload = "\x00\x08\x01"s;
  auto indexes = read_message_indexes(payload);
  ASSERT_TRUE(indexes.ok()) << indexes.error().message;
  EXPECT_EQ(indexes->path, (std::vector<int32_t>{0}));
  EXPECT_EQ(indexes->message, "\x08\x01"s);
}

TEST(MessageIndexesTest, LongFormOfFirstMessage) {
  const std::string payload = "\x02\x00\x08\x01"s;
  auto indexes = read_message_indexes(payload);
  ASSERT_TRUE(indexes.ok()) << indexes.error().message;
  EXPECT_EQ(indexes->path, (std::vector<int32_t>{0}));
  EXPECT_EQ(indexes->message, "\x08\x01"s);
}

TEST(MessageIndexesTest, ZigZagPathAndEmptyMessage) {
  // count 2 (zig-zag 4), indexes 1 (2) and 70 (140 = 0x8c 0x01).
  auto indexes = read_message_indexes("\x04\x02\x8c\x01"s);
  ASSERT_TRUE(indexes.ok()) << indexes.error().message;
  EXPECT_EQ(indexes->path, (std::vector<int32_t>{1, 70}));
  EXPECT_TRUE(indexes->message.empty());
}

TEST(MessageIndexesTest, MalformedPrefixesAreNamed) {
  struct Case {
    std::string bytes;
    std::string message;
  };
  const Case cases[] = {
      {"", "message indexes: count truncated at byte 0"},
      {"\x80"s, "message indexes: count truncated at byte 0"},
      {"\x01"s, "message indexes: negative count -1"},
      {"\x06\x00"s, "message indexes: count 3 but only 1 byte(s) follow"},
      {"\x02\x03"s, "message indexes: negative index -2 at position 0"},
      {"\x02\x82"s, "message indexes: index truncated at byte 1"},
      {"\xff\xff\xff\xff\xff\x01"s, "message indexes: count at byte 0 is longer than 5 bytes"},
  };
  for (const auto& c : cases) {
    auto indexes = read_message_indexes(c.bytes);
    ASSERT_FALSE(indexes.ok()) << c.message;
    EXPECT_EQ(indexes.error().kind, ErrorKind::kPermanent);
    EXPECT_EQ(indexes.error().code, kCodeInvalidProtobufData);
    EXPECT_EQ(indexes.error().message, c.message);
  }
}

TEST(ProtobufSchemaTest, IndexPathSkipsEnumsAndFollowsNestedMessages) {
  auto schema = test::parse_or_fail(kNestedSchema);
  ASSERT_NE(schema, nullptr);
  auto first = schema->message_at({0});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->full_name(), "acme.A");
  auto second = schema->message_at({1});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->full_name(), "acme.B");
  auto nested = schema->message_at({1, 1});
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ((*nested)->full_name(), "acme.B.D");

  auto top = schema->message_at({2});
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(top.error().message,
            "message index 2 out of range: the schema has 2 top-level message(s)");
  auto inner = schema->message_at({1, 2});
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().message,
            "message index 2 at position 1 out of range: acme.B has 2 nested message(s)");
  auto leaf = schema->message_at({0, 0});
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.error().message,
            "message index 0 at position 1 out of range: acme.A has 0 nested message(s)");
}

TEST(ProtobufSchemaTest, WellKnownAndEmbeddedImportsNeedNoReferences) {
  auto schema = test::parse_or_fail(R"(syntax = "proto3";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message Event {
  google.protobuf.Timestamp at = 1;
  google.protobuf.StringValue note = 2;
  google.type.Date day = 3;
  google.type.TimeOfDay time = 4;
  confluent.type.Decimal amount = 5 [(confluent.field_meta) = { params: [{key: "scale", value: "2"}] }];
})");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->file()->dependency_count(), 6);
  EXPECT_EQ(schema->file()->message_type(0)->field(4)->message_type()->full_name(),
            "confluent.type.Decimal");
}

TEST(ProtobufSchemaTest, ImportsResolveThroughReferencesRecursively) {
  auto schema = ProtobufSchema::parse(
      R"(syntax = "proto3";
import "shared/customer.proto";
message Order { shared.Customer customer = 1; })",
      {{"shared/address.proto",
        R"(syntax = "proto3"; package shared; message Address { string city = 1; })"},
       {"shared/customer.proto", R"(syntax = "proto3"; package shared;
import "shared/address.proto";
message Customer { string name = 1; Address address = 2; })"}});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  const auto* customer = (*schema)->file()->message_type(0)->field(0)->message_type();
  EXPECT_EQ(customer->full_name(), "shared.Customer");
  EXPECT_EQ(customer->field(1)->message_type()->full_name(), "shared.Address");
}

TEST(ProtobufSchemaTest, ParseErrorsGiveLineAndColumn) {
  auto schema = ProtobufSchema::parse("syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(schema.error().code, kCodeInvalidProtobufSchema);
  EXPECT_EQ(schema.error().message,
            "cannot parse the schema: line 3 column 13: Expected field number.");
}

TEST(ProtobufSchemaTest, ImportErrorsNameTheImport) {
  auto missing = ProtobufSchema::parse(R"(syntax = "proto3"; import "missing.proto";)");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kCodeInvalidProtobufSchema);
  EXPECT_EQ(missing.error().message,
            "the schema imports \"missing.proto\", which is neither a schema reference nor a "
            "well-known file");

  auto broken =
      ProtobufSchema::parse(R"(syntax = "proto3"; import "a.proto";)", {{"a.proto", "message {"}});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message,
            "cannot parse import \"a.proto\": line 1 column 9: Expected message name.");

  auto cycle = ProtobufSchema::parse(R"(syntax = "proto3"; import "a.proto";)",
                                     {{"a.proto", R"(syntax = "proto3"; import "b.proto";)"},
                                      {"b.proto", R"(syntax = "proto3"; import "a.proto";)"}});
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().message, "import cycle through \"a.proto\"");
}

TEST(ProtobufSchemaTest, ParsingPrintsNothing) {
  ::testing::internal::CaptureStderr();
  auto schema = ProtobufSchema::parse("message NoSyntaxLine { optional int32 x = 1; }");
  auto broken = ProtobufSchema::parse("message {");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ((*schema)->file()->syntax(), google::protobuf::FileDescriptor::SYNTAX_PROTO2);
  EXPECT_FALSE(broken.ok());
}

TEST(ProtobufSchemaTest, LinkErrorsNameTheElement) {
  auto schema = ProtobufSchema::parse(R"(syntax = "proto3"; message A { Missing m = 1; })");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code, kCodeInvalidProtobufSchema);
  EXPECT_EQ(schema.error().message, "cannot build the schema: A.m: \"Missing\" is not defined.");
}

}  // namespace
}  // namespace sfpe::convert::protobuf
