// The Connect mapping of Protobuf messages, rule by rule as ProtobufData applies it: schemas
// (names, optionality, parameters), values of every type, presence, and the settings.
#include "convert/protobuf/protobuf_data.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "convert/error_codes.h"
#include "proto_test_util.h"

namespace sfpe::convert::protobuf {
namespace {

using namespace std::string_literals;
using data::Type;
using test::as_bytes;
using test::as_int;
using test::as_string;
using test::field;
using test::field_schema;

constexpr const char* kSchema = R"(syntax = "proto3";
package acme.orders;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";

enum Status {
  STATUS_UNKNOWN = 0;
  OPEN = 1;
  CLOSED = 2;
}

message Scalars {
  int32 i32 = 1;
  sint32 s32 = 2;
  sfixed32 sf32 = 3;
  int64 i64 = 4;
  sint64 s64 = 5;
  sfixed64 sf64 = 6;
  uint32 u32 = 7;
  fixed32 f32 = 8;
  uint64 u64 = 9;
  fixed64 f64 = 10;
  float fl = 11;
  double db = 12;
  bool flag = 13;
  string text = 14;
  bytes raw = 15;
  Status status = 16;
  int32 tiny = 17 [(confluent.field_meta) = { params: [{ key: "connect.type", value: "int8" }] }];
  int32 small = 18 [(confluent.field_meta) = { params: [{ key: "connect.type", value: "int16" }] }];
}

message Order {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  string id = 1;
  Line first = 2;
  repeated Line lines = 3;
  repeated string tags = 4;
  map<string, int64> counts = 5;
  oneof payment {
    string card = 6;
    int64 voucher = 7;
    Line swap = 16;
  }
  google.protobuf.Timestamp created = 8;
  google.type.Date due = 9;
  google.type.TimeOfDay at = 10;
  confluent.type.Decimal amount = 11 [(confluent.field_meta) = {
    params: [{ key: "precision", value: "10" }, { key: "scale", value: "2" }]
  }];
  google.protobuf.StringValue note = 12;
  google.protobuf.UInt32Value count = 13;
  optional string maybe = 14;
  int32 plain = 15;
  repeated Status history = 17;
  map<int32, Line> by_number = 18;
  confluent.type.Decimal bare = 19;
}
)";

class ProtobufDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = test::parse_or_fail(kSchema);
    ASSERT_NE(schema_, nullptr);
  }

  // Decodes `text` as `type` (message indexes for it prepended) with `options`.
  Result<data::SchemaAndValue> decode(const std::string& type, const std::string& text,
                                      ProtobufDataOptions options = {}) {
    ProtobufDecoder decoder(schema_, options);
    std::string indexes = type == "acme.orders.Scalars" ? "\x00"s : "\x02\x02"s;
    return decoder.decode(indexes + test::encode(*schema_, type, text));
  }

  data::SchemaAndValue decode_ok(const std::string& type, const std::string& text,
                                 ProtobufDataOptions options = {}) {
    auto decoded = decode(type, text, options);
    EXPECT_TRUE(decoded.ok()) << decoded.error().message;
    return decoded.ok() ? decoded.value() : data::SchemaAndValue{};
  }

  std::shared_ptr<const ProtobufSchema> schema_;
};

TEST_F(ProtobufDataTest, ScalarSchemasFollowProtobufData) {
  auto decoded = decode_ok("acme.orders.Scalars", "");
  ASSERT_NE(decoded.schema, nullptr);
  const data::Schema& schema = *decoded.schema;
  EXPECT_EQ(schema.type, Type::kStruct);
  EXPECT_EQ(schema.name, "Scalars");
  EXPECT_FALSE(schema.optional);
  struct Expected {
    const char* name;
    Type type;
    const char* protobuf_type;  // the io.confluent.connect.protobuf.Type parameter, or null
  };
  const Expected expected[] = {
      {"i32", Type::kInt32, nullptr},     {"s32", Type::kInt32, "sint32"},
      {"sf32", Type::kInt32, "sfixed32"}, {"i64", Type::kInt64, nullptr},
      {"s64", Type::kInt64, "sint64"},    {"sf64", Type::kInt64, "sfixed64"},
      {"u32", Type::kInt64, "uint32"},    {"f32", Type::kInt64, "fixed32"},
      {"u64", Type::kInt64, "uint64"},    {"f64", Type::kInt64, "fixed64"},
      {"fl", Type::kFloat32, nullptr},    {"db", Type::kFloat64, nullptr},
      {"flag", Type::kBoolean, nullptr},  {"text", Type::kString, nullptr},
      {"raw", Type::kBytes, nullptr},     {"status", Type::kString, nullptr},
      {"tiny", Type::kInt8, nullptr},     {"small", Type::kInt16, nullptr},
  };
  ASSERT_EQ(schema.fields.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const data::Field& f = schema.fields[i];
    SCOPED_TRACE(f.name);
    EXPECT_EQ(f.name, expected[i].name);
    EXPECT_EQ(f.index, static_cast<int>(i));
    EXPECT_EQ(f.schema->type, expected[i].type);
    EXPECT_TRUE(f.schema->optional);
    EXPECT_EQ(f.schema->parameters.at(std::string(kTagParameter)), std::to_string(i + 1));
    auto type = f.schema->parameters.find(std::string(kTypeParameter));
    if (expected[i].protobuf_type == nullptr) {
      EXPECT_EQ(type, f.schema->parameters.end());
    } else {
      ASSERT_NE(type, f.schema->parameters.end());
      EXPECT_EQ(type->second, expected[i].protobuf_type);
    }
  }
  const data::Schema& status = field_schema(schema, "status");
  EXPECT_EQ(status.name, "Status");
  EXPECT_EQ(status.parameters, (std::map<std::string, std::string>{
                                   {"io.confluent.connect.protobuf.Enum", "Status"},
                                   {"io.confluent.connect.protobuf.Enum.STATUS_UNKNOWN", "0"},
                                   {"io.confluent.connect.protobuf.Enum.OPEN", "1"},
                                   {"io.confluent.connect.protobuf.Enum.CLOSED", "2"},
                                   {"io.confluent.connect.protobuf.Tag", "16"}}));
}

TEST_F(ProtobufDataTest, ScalarValues) {
  auto decoded = decode_ok("acme.orders.Scalars", R"(
    i32: -2147483648 s32: -5 sf32: -7
    i64: -9223372036854775808 s64: 9223372036854775807 sf64: -9
    u32: 4294967295 f32: 4000000000 u64: 18446744073709551615 f64: 18446744073709551614
    fl: 1.5 db: -0.125 flag: true text: "h\303\251llo" raw: "\000\377"
    status: CLOSED tiny: 300 small: 70000)");
  const auto& v = decoded.value;
  EXPECT_EQ(as_int(field(v, "i32")), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(as_int(field(v, "s32")), -5);
  EXPECT_EQ(as_int(field(v, "sf32")), -7);
  EXPECT_EQ(as_int(field(v, "i64")), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(as_int(field(v, "s64")), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(as_int(field(v, "sf64")), -9);
  EXPECT_EQ(as_int(field(v, "u32")), 4294967295);  // Integer.toUnsignedLong
  EXPECT_EQ(as_int(field(v, "f32")), 4000000000);
  EXPECT_EQ(as_int(field(v, "u64")), -1);  // Java's long keeps the 64 bits
  EXPECT_EQ(as_int(field(v, "f64")), -2);
  EXPECT_EQ(*field(v, "fl").get_if<double>(), 1.5);
  EXPECT_EQ(*field(v, "db").get_if<double>(), -0.125);
  EXPECT_EQ(*field(v, "flag").get_if<bool>(), true);
  EXPECT_EQ(as_string(field(v, "text")), "h\xc3\xa9llo");
  EXPECT_EQ(as_bytes(field(v, "raw")), (data::Bytes{0x00, 0xff}));
  EXPECT_EQ(as_string(field(v, "status")), "CLOSED");
  EXPECT_EQ(as_int(field(v, "tiny")), 44);     // Number.byteValue of 300
  EXPECT_EQ(as_int(field(v, "small")), 4464);  // Number.shortValue of 70000
}

TEST_F(ProtobufDataTest, Proto3FieldsWithoutPresenceGiveDefaults) {
  auto decoded = decode_ok("acme.orders.Scalars", "");
  const auto& v = decoded.value;
  EXPECT_EQ(as_int(field(v, "i32")), 0);
  EXPECT_EQ(as_int(field(v, "u64")), 0);
  EXPECT_EQ(*field(v, "fl").get_if<double>(), 0.0);
  EXPECT_EQ(*field(v, "flag").get_if<bool>(), false);
  EXPECT_EQ(as_string(field(v, "text")), "");
  EXPECT_EQ(as_bytes(field(v, "raw")), data::Bytes{});
  EXPECT_EQ(as_string(field(v, "status")), "STATUS_UNKNOWN");
}

TEST_F(ProtobufDataTest, UnknownEnumNumberAndIntForEnums) {
  ProtobufDecoder decoder(schema_, {});
  auto decoded = decoder.decode("\x00\x80\x01\x07"s);  // field 16 (status), varint 7
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(as_string(field(decoded->value, "status")), "UNKNOWN_ENUM_VALUE_Status_7");

  ProtobufDataOptions options;
  options.int_for_enums = true;
  auto numbers = decode_ok("acme.orders.Scalars", "status: CLOSED", options);
  EXPECT_EQ(field_schema(*numbers.schema, "status").type, Type::kInt32);
  EXPECT_EQ(field_schema(*numbers.schema, "status").name, "Status");
  EXPECT_EQ(as_int(field(numbers.value, "status")), 2);
}

TEST_F(ProtobufDataTest, OrderSchemaPutsOneofsFirst) {
  auto decoded = decode_ok("acme.orders.Order", "");
  const data::Schema& schema = *decoded.schema;
  EXPECT_EQ(schema.name, "Order");
  std::vector<std::string> names;
  for (const auto& f : schema.fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"payment_0", "id", "first", "lines", "tags", "counts",
                                             "created", "due", "at", "amount", "note", "count",
                                             "maybe", "plain", "history", "by_number", "bare"}));

  const data::Schema& payment = field_schema(schema, "payment_0");
  EXPECT_EQ(payment.type, Type::kStruct);
  EXPECT_EQ(payment.name, "io.confluent.connect.protobuf.Union.payment");
  EXPECT_TRUE(payment.optional);
  EXPECT_TRUE(payment.parameters.empty());
  ASSERT_EQ(payment.fields.size(), 3u);
  EXPECT_EQ(payment.fields[0].name, "card");
  EXPECT_EQ(payment.fields[0].schema->parameters.at("io.confluent.connect.protobuf.Tag"), "6");
  EXPECT_EQ(payment.fields[2].schema->name, "Line");

  const data::Schema& first = field_schema(schema, "first");
  EXPECT_EQ(first.type, Type::kStruct);
  EXPECT_EQ(first.name, "Line");
  EXPECT_TRUE(first.optional);
  EXPECT_EQ(first.parameters.at("io.confluent.connect.protobuf.Tag"), "2");

  const data::Schema& lines = field_schema(schema, "lines");
  EXPECT_EQ(lines.type, Type::kArray);
  EXPECT_TRUE(lines.optional);
  EXPECT_EQ(lines.parameters.at("io.confluent.connect.protobuf.Tag"), "3");
  EXPECT_EQ(lines.value_schema->name, "Line");
  EXPECT_TRUE(lines.value_schema->optional);
  EXPECT_EQ(lines.value_schema->parameters.count("io.confluent.connect.protobuf.Tag"), 0u);

  const data::Schema& counts = field_schema(schema, "counts");
  EXPECT_EQ(counts.type, Type::kMap);
  EXPECT_EQ(counts.name, "counts");  // CountsEntry, as ProtobufSchema.toMapField names it
  EXPECT_TRUE(counts.optional);
  EXPECT_EQ(counts.key_schema->type, Type::kString);
  EXPECT_EQ(counts.key_schema->parameters.at("io.confluent.connect.protobuf.Tag"), "1");
  EXPECT_EQ(counts.value_schema->type, Type::kInt64);
  EXPECT_EQ(counts.value_schema->parameters.at("io.confluent.connect.protobuf.Tag"), "2");
  EXPECT_EQ(field_schema(schema, "by_number").name, "by_number");

  const data::Schema& created = field_schema(schema, "created");
  EXPECT_EQ(created.type, Type::kInt64);
  EXPECT_EQ(created.name, data::kTimestampLogical);
  EXPECT_EQ(created.version, 1);
  EXPECT_TRUE(created.optional);
  EXPECT_EQ(field_schema(schema, "due").type, Type::kInt32);
  EXPECT_EQ(field_schema(schema, "due").name, data::kDateLogical);
  EXPECT_EQ(field_schema(schema, "at").type, Type::kInt32);
  EXPECT_EQ(field_schema(schema, "at").name, data::kTimeLogical);

  const data::Schema& amount = field_schema(schema, "amount");
  EXPECT_EQ(amount.type, Type::kBytes);
  EXPECT_EQ(amount.name, data::kDecimalLogical);
  EXPECT_EQ(amount.parameters,
            (std::map<std::string, std::string>{{"scale", "2"},
                                                {"connect.decimal.precision", "10"},
                                                {"io.confluent.connect.protobuf.Tag", "11"}}));
  EXPECT_EQ(field_schema(schema, "bare").parameters.at("scale"), "0");

  // Without wrapper.for.nullables a wrapper is an ordinary message.
  const data::Schema& note = field_schema(schema, "note");
  EXPECT_EQ(note.type, Type::kStruct);
  EXPECT_EQ(note.name, "StringValue");
  EXPECT_EQ(note.fields.at(0).name, "value");
  EXPECT_EQ(note.fields.at(0).schema->type, Type::kString);
}

TEST_F(ProtobufDataTest, OrderValues) {
  auto decoded = decode_ok("acme.orders.Order", R"(
    id: "o-1"
    first { sku: "a" qty: 2 }
    lines { sku: "b" qty: 3 } lines { } lines { sku: "c" }
    tags: "x" tags: "y"
    counts { key: "zeta" value: 1 } counts { key: "alpha" value: -2 }
    voucher: 99
    created { seconds: 1553542991 nanos: 336999999 }
    due { year: 2024 month: 2 day: 29 }
    at { hours: 13 minutes: 45 seconds: 30 nanos: 123456789 }
    amount { value: "\x30\x39" scale: 2 precision: 5 }
    note { value: "hi" }
    count { value: 4294967295 }
    maybe: ""
    plain: 7
    history: OPEN history: CLOSED
    by_number { key: 5 value { sku: "m" } } by_number { key: -1 }
  )");
  const auto& v = decoded.value;
  ASSERT_NE(decoded.schema, nullptr);
  EXPECT_EQ(test::as_struct(v).schema, decoded.schema);
  EXPECT_EQ(as_string(field(v, "id")), "o-1");
  EXPECT_EQ(as_string(field(field(v, "first"), "sku")), "a");
  EXPECT_EQ(as_int(field(field(v, "first"), "qty")), 2);
  EXPECT_EQ(test::as_struct(field(v, "first")).schema->name, "Line");

  const auto* lines = field(v, "lines").get_if<data::Array>();
  ASSERT_NE(lines, nullptr);
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ(as_string(field((*lines)[0], "sku")), "b");
  EXPECT_EQ(as_string(field((*lines)[1], "sku")), "");  // an empty element is a struct of defaults
  EXPECT_EQ(as_int(field((*lines)[2], "qty")), 0);

  const auto* tags = field(v, "tags").get_if<data::Array>();
  ASSERT_NE(tags, nullptr);
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ(as_string((*tags)[1]), "y");

  const auto* counts = field(v, "counts").get_if<data::MapEntries>();
  ASSERT_NE(counts, nullptr);
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ(as_string((*counts)[0].first), "alpha");  // sorted by key
  EXPECT_EQ(as_int((*counts)[0].second), -2);
  EXPECT_EQ(as_string((*counts)[1].first), "zeta");
  EXPECT_EQ(as_int((*counts)[1].second), 1);

  const data::Value& payment = field(v, "payment_0");
  EXPECT_EQ(test::as_struct(payment).schema->name, "io.confluent.connect.protobuf.Union.payment");
  EXPECT_TRUE(field(payment, "card").is_null());
  EXPECT_EQ(as_int(field(payment, "voucher")), 99);
  EXPECT_TRUE(field(payment, "swap").is_null());

  EXPECT_EQ(as_int(field(v, "created")), 1553542991336);  // nanos truncated to millis
  EXPECT_EQ(as_int(field(v, "due")), 19782);
  EXPECT_EQ(as_int(field(v, "at")), 49530123);
  EXPECT_EQ(as_bytes(field(v, "amount")), (data::Bytes{0x30, 0x39}));  // 123.45
  EXPECT_EQ(as_string(field(field(v, "note"), "value")), "hi");
  EXPECT_EQ(as_int(field(field(v, "count"), "value")), 4294967295);
  EXPECT_EQ(as_string(field(v, "maybe")), "");  // explicitly set: not null
  EXPECT_EQ(as_int(field(v, "plain")), 7);

  const auto* history = field(v, "history").get_if<data::Array>();
  ASSERT_NE(history, nullptr);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(as_string((*history)[0]), "OPEN");

  const auto* by_number = field(v, "by_number").get_if<data::MapEntries>();
  ASSERT_NE(by_number, nullptr);
  ASSERT_EQ(by_number->size(), 2u);
  EXPECT_EQ(as_int((*by_number)[0].first), -1);
  // A map value message that was not written is a struct of defaults, not null.
  EXPECT_EQ(as_string(field((*by_number)[0].second, "sku")), "");
  EXPECT_EQ(as_string(field((*by_number)[1].second, "sku")), "m");
}

TEST_F(ProtobufDataTest, AbsentFieldsWithPresenceAreNull) {
  auto decoded = decode_ok("acme.orders.Order", "");
  const auto& v = decoded.value;
  EXPECT_EQ(as_string(field(v, "id")), "");
  EXPECT_EQ(as_int(field(v, "plain")), 0);
  for (const char* name :
       {"payment_0", "first", "created", "due", "at", "amount", "note", "count", "maybe", "bare"}) {
    EXPECT_TRUE(field(v, name).is_null()) << name;
  }
  const auto* lines = field(v, "lines").get_if<data::Array>();
  ASSERT_NE(lines, nullptr);
  EXPECT_TRUE(lines->empty());
  const auto* counts = field(v, "counts").get_if<data::MapEntries>();
  ASSERT_NE(counts, nullptr);
  EXPECT_TRUE(counts->empty());
}

TEST_F(ProtobufDataTest, OneofMessageMember) {
  auto decoded = decode_ok("acme.orders.Order", R"(swap { sku: "s" })");
  const data::Value& payment = field(decoded.value, "payment_0");
  EXPECT_TRUE(field(payment, "voucher").is_null());
  EXPECT_EQ(as_string(field(field(payment, "swap"), "sku")), "s");
}

TEST_F(ProtobufDataTest, WrapperForNullablesUnwrapsAndMakesPrimitivesRequired) {
  ProtobufDataOptions options;
  options.wrapper_for_nullables = true;
  auto decoded = decode_ok("acme.orders.Order", R"(note { value: "hi" } plain: 3)", options);
  const data::Schema& schema = *decoded.schema;
  EXPECT_EQ(field_schema(schema, "note").type, Type::kString);
  EXPECT_TRUE(field_schema(schema, "note").optional);
  EXPECT_EQ(field_schema(schema, "count").type, Type::kInt64);  // UInt32Value widens
  EXPECT_FALSE(field_schema(schema, "plain").optional);
  EXPECT_FALSE(field_schema(schema, "id").optional);
  EXPECT_TRUE(field_schema(schema, "first").optional);
  EXPECT_EQ(as_string(field(decoded.value, "note")), "hi");
  EXPECT_TRUE(field(decoded.value, "count").is_null());
  EXPECT_EQ(as_int(field(decoded.value, "plain")), 3);

  auto empty_wrapper = decode_ok("acme.orders.Order", R"(count { })", options);
  EXPECT_EQ(as_int(field(empty_wrapper.value, "count")), 0);  // present, holding the default
}

TEST_F(ProtobufDataTest, OptionalForNullablesFollowsTheOptionalKeyword) {
  ProtobufDataOptions options;
  options.optional_for_nullables = true;
  auto decoded = decode_ok("acme.orders.Order", "", options);
  const data::Schema& schema = *decoded.schema;
  EXPECT_FALSE(field_schema(schema, "plain").optional);
  EXPECT_TRUE(field_schema(schema, "maybe").optional);
  EXPECT_TRUE(field_schema(schema, "first").optional);  // messages stay optional
  EXPECT_TRUE(field_schema(schema, "lines").optional);  // and so do arrays
}

TEST_F(ProtobufDataTest, UnionNamingSettings) {
  ProtobufDataOptions no_index;
  no_index.generate_index_for_unions = false;
  auto plain = decode_ok("acme.orders.Order", "card: \"4111\"", no_index);
  EXPECT_EQ(plain.schema->fields[0].name, "payment");
  EXPECT_EQ(as_string(field(field(plain.value, "payment"), "card")), "4111");

  ProtobufDataOptions flatten;
  flatten.flatten_unions = true;
  auto flat = decode_ok("acme.orders.Order", "card: \"4111\"", flatten);
  ASSERT_GE(flat.schema->fields.size(), 4u);
  EXPECT_EQ(flat.schema->fields[0].name, "card");
  EXPECT_EQ(flat.schema->fields[1].name, "voucher");
  EXPECT_EQ(flat.schema->fields[2].name, "swap");
  EXPECT_EQ(flat.schema->fields[3].name, "id");
  EXPECT_EQ(as_string(field(flat.value, "card")), "4111");
  EXPECT_TRUE(field(flat.value, "voucher").is_null());
  EXPECT_TRUE(field(flat.value, "swap").is_null());
}

TEST_F(ProtobufDataTest, EnhancedSchemaSupportUsesFullNames) {
  ProtobufDataOptions options;
  options.enhanced_schema_support = true;
  auto decoded = decode_ok("acme.orders.Order", "", options);
  EXPECT_EQ(decoded.schema->name, "acme.orders.Order");
  EXPECT_EQ(field_schema(*decoded.schema, "payment_0").name,
            "io.confluent.connect.protobuf.Union.acme.orders.Order.payment");
  EXPECT_EQ(field_schema(*decoded.schema, "first").name, "acme.orders.Order.Line");
  EXPECT_EQ(field_schema(*decoded.schema, "counts").name, "acme.orders.Order.counts");
  EXPECT_EQ(field_schema(*decoded.schema, "history").value_schema->name, "acme.orders.Status");
  EXPECT_EQ(field_schema(*decoded.schema, "history")
                .value_schema->parameters.at("io.confluent.connect.protobuf.Enum"),
            "Status");
}

TEST_F(ProtobufDataTest, DecimalsAreRescaledToTheSchemaScale) {
  struct Case {
    std::string text;
    data::Bytes expected;
  };
  const Case cases[] = {
      {R"(amount { value: "\x30\x39" scale: 2 })", {0x30, 0x39}},      // 123.45
      {R"(amount { value: "\x04\xd2" scale: 1 })", {0x30, 0x34}},      // 123.4 -> 12340
      {R"(amount { value: "\x30\x34" scale: 3 })", {0x04, 0xd2}},      // 12.340 -> 1234
      {R"(amount { value: "\xff" scale: 2 })", {0xff}},                // -0.01
      {R"(amount { value: "\x80" scale: 2 })", {0x80}},                // -1.28
      {R"(amount { value: "\x00\x00\x80" scale: 2 })", {0x00, 0x80}},  // minimal form
      {R"(amount { value: "\x00" scale: 7 })", {0x00}},                // zero at any scale
      // precision 4 rounds 1234.56 HALF_UP to 1235, then rescaled: 123500.
      {R"(amount { value: "\x01\xe2\x40" scale: 2 precision: 4 })", {0x01, 0xe2, 0x6c}},
      // precision 2 rounds -995 (-9.95) to -10 (scale 0): -1000 at scale 2.
      {R"(amount { value: "\xfc\x1d" scale: 2 precision: 2 })", {0xfc, 0x18}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto decoded = decode_ok("acme.orders.Order", c.text);
    EXPECT_EQ(as_bytes(field(decoded.value, "amount")), c.expected);
  }
  auto bare = decode_ok("acme.orders.Order", R"(bare { value: "\x01\xf4" scale: 1 })");  // 50.0
  EXPECT_EQ(as_bytes(field(bare.value, "bare")), (data::Bytes{0x32}));
}

TEST_F(ProtobufDataTest, DecimalsThatCannotBeRepresentedAreRefused) {
  auto lossy = decode("acme.orders.Order", R"(amount { value: "\x30\x39" scale: 3 })");
  ASSERT_FALSE(lossy.ok());
  EXPECT_EQ(lossy.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(lossy.error().message,
            "confluent.type.Decimal 12345E-3 has more decimals than the schema scale 2");
  auto empty = decode("acme.orders.Order", R"(amount { scale: 2 })");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "confluent.type.Decimal has no value bytes");
}

TEST_F(ProtobufDataTest, DateAndTimeRules) {
  // GregorianCalendar: Julian before 1582-10-15.
  EXPECT_EQ(
      as_int(field(decode_ok("acme.orders.Order", "due { year: 1582 month: 10 day: 15 }").value,
                   "due")),
      -141427);
  EXPECT_EQ(
      as_int(field(decode_ok("acme.orders.Order", "due { year: 1582 month: 10 day: 4 }").value,
                   "due")),
      -141428);
  EXPECT_EQ(
      as_int(field(decode_ok("acme.orders.Order", "due { year: 1 month: 1 day: 1 }").value, "due")),
      -719164);
  EXPECT_EQ(
      as_int(field(decode_ok("acme.orders.Order", "due { year: 1500 month: 2 day: 29 }").value,
                   "due")),
      -171596);  // Julian 1500-02-29, a leap day there

  struct Case {
    std::string text;
    std::string message;
  };
  const Case invalid[] = {
      {"due { year: 2023 month: 2 day: 29 }",
       "google.type.Date year 2023 month 2 day 29 is not a valid date"},
      {"due { year: 1582 month: 10 day: 10 }",
       "google.type.Date year 1582 month 10 day 10 is not a valid date"},
      {"due { }", "google.type.Date year 0 month 0 day 0 is not a valid date"},
      {"at { hours: 24 }", "google.type.TimeOfDay 24:0:0 nanos 0 is not a valid time of day"},
      {"created { nanos: -1 }",
       "google.protobuf.Timestamp seconds 0 nanos -1 is not a valid timestamp"},
      {"created { seconds: 253402300800 }",
       "google.protobuf.Timestamp seconds 253402300800 nanos 0 is not a valid timestamp"},
  };
  for (const auto& c : invalid) {
    auto decoded = decode("acme.orders.Order", c.text);
    ASSERT_FALSE(decoded.ok()) << c.text;
    EXPECT_EQ(decoded.error().code, kCodeInvalidProtobufData);
    EXPECT_EQ(decoded.error().message, c.message);
  }
  EXPECT_EQ(
      as_int(field(decode_ok("acme.orders.Order", "created { seconds: -1 nanos: 999000000 }").value,
                   "created")),
      -1);
}

TEST_F(ProtobufDataTest, BadBytesAndIndexesAreDataErrors) {
  ProtobufDecoder decoder(schema_, {});
  auto truncated = decoder.decode("\x02\x02\x0a\x05\x61"s);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(truncated.error().message, "cannot parse 3 bytes as message acme.orders.Order");

  auto out_of_range = decoder.decode("\x02\x06"s);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.error().message,
            "message index 3 out of range: the schema has 2 top-level message(s)");

  ::testing::internal::CaptureStderr();
  auto bad_utf8 = decoder.decode("\x02\x02\x0a\x01\xff"s);  // proto3 string id = "\xff"
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().message, "cannot parse 3 bytes as message acme.orders.Order");

  // Unknown fields are skipped.
  auto unknown = decoder.decode("\x02\x02\xf8\x06\x01\x0a\x01\x61"s);  // field 111 varint, id "a"
  ASSERT_TRUE(unknown.ok()) << unknown.error().message;
  EXPECT_EQ(as_string(field(unknown->value, "id")), "a");
}

TEST(ProtobufDataSchemaTest, RootWrapperIsARawPrimitive) {
  auto schema = test::parse_or_fail(R"(syntax = "proto3";
import "google/protobuf/wrappers.proto";
message Holder { google.protobuf.UInt32Value v = 1; })");
  ASSERT_NE(schema, nullptr);
  // The payload's message is the wrapper itself: google.protobuf.UInt32Value is not in the
  // schema's own file, so decode it through its descriptor.
  const auto* wrapper =
      schema->file()->pool()->FindMessageTypeByName("google.protobuf.UInt32Value");
  ASSERT_NE(wrapper, nullptr);
  ProtobufDecoder decoder(schema, {});
  auto connect = decoder.connect_schema(wrapper);
  ASSERT_TRUE(connect.ok());
  EXPECT_EQ((*connect)->type, Type::kInt64);
  EXPECT_FALSE((*connect)->optional);

  ProtobufDataOptions keep;
  keep.wrapper_for_raw_primitives = false;
  ProtobufDecoder struct_decoder(schema, keep);
  auto as_struct = struct_decoder.connect_schema(wrapper);
  ASSERT_TRUE(as_struct.ok());
  EXPECT_EQ((*as_struct)->type, Type::kStruct);
  EXPECT_EQ((*as_struct)->name, "UInt32Value");
}

TEST(ProtobufDataSchemaTest, Proto2OptionalsAreNullWhenUnset) {
  auto schema = test::parse_or_fail(R"(syntax = "proto2";
message Legacy {
  optional int32 count = 1 [default = 5];
  required string id = 2;
  repeated int32 values = 3;
})");
  ASSERT_NE(schema, nullptr);
  ProtobufDecoder decoder(schema, {});
  auto decoded = decoder.decode("\x00"s + test::encode(*schema, "Legacy", R"(id: "x")"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(field(decoded->value, "count").is_null());
  EXPECT_EQ(as_string(field(decoded->value, "id")), "x");

  ProtobufDataOptions options;
  options.optional_for_proto2 = false;
  ProtobufDecoder defaults(schema, options);
  auto with_default = defaults.decode("\x00"s + test::encode(*schema, "Legacy", R"(id: "x")"));
  ASSERT_TRUE(with_default.ok());
  EXPECT_EQ(as_int(field(with_default->value, "count")), 5);

  auto missing = decoder.decode("\x00\x08\x01"s);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, kCodeInvalidProtobufData);
  EXPECT_EQ(missing.error().message, "message Legacy is missing required fields: id");
}

TEST(ProtobufDataSchemaTest, RecursiveMessagesAreRefused) {
  auto schema = test::parse_or_fail(R"(syntax = "proto3";
message Node { string name = 1; Node next = 2; })");
  ASSERT_NE(schema, nullptr);
  ProtobufDecoder decoder(schema, {});
  auto decoded = decoder.decode("\x00"s);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, kCodeInvalidProtobufSchema);
  EXPECT_EQ(decoded.error().message,
            "message Node is recursive, which the Connect schema model cannot hold");
}

TEST(ProtobufDataOptionsTest, SettingsAreReadAndUnsupportedOnesRefused) {
  auto defaults = ProtobufDataOptions::from_settings({{"schema.registry.url", "http://x"}});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->int_for_enums);
  EXPECT_TRUE(defaults->generate_index_for_unions);
  EXPECT_TRUE(defaults->wrapper_for_raw_primitives);
  EXPECT_TRUE(defaults->optional_for_proto2);

  auto set = ProtobufDataOptions::from_settings({{"int.for.enums", " TRUE "},
                                                 {"flatten.unions", "true"},
                                                 {"generate.index.for.unions", "false"},
                                                 {"generate.struct.for.nulls", "false"},
                                                 {"scrub.invalid.names", "true"}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->int_for_enums);
  EXPECT_TRUE(set->flatten_unions);
  EXPECT_FALSE(set->generate_index_for_unions);

  auto bad = ProtobufDataOptions::from_settings({{"wrapper.for.nullables", "yes"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(bad.error().code, kCodeConfigInvalid);
  EXPECT_EQ(bad.error().message, "wrapper.for.nullables: expected true or false, got \"yes\"");

  auto refused = ProtobufDataOptions::from_settings({{"generate.struct.for.nulls", "true"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "generate.struct.for.nulls=true is not supported");
  auto generalized = ProtobufDataOptions::from_settings({{"generalized.sum.type.support", "true"}});
  ASSERT_FALSE(generalized.ok());
  EXPECT_EQ(generalized.error().message, "generalized.sum.type.support=true is not supported");
}

}  // namespace
}  // namespace sfpe::convert::protobuf
