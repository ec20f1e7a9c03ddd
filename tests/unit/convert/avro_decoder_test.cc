// The Avro binary decoder, checked against Apache Avro C (testing/lib/avro_writer.h) for every
// type and logical type, and against hand-built bytes for blocks and malformed input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "convert/avro/decoder.h"
#include "convert/error_codes.h"
#include "lib/avro_writer.h"

namespace sfpe::convert::avro {
namespace {

using namespace std::string_literals;

// A parsed schema with its Connect schema, ready to decode.
struct Reader {
  AvroSchema avro;
  data::SchemaPtr connect;
  AvroDataOptions options;

  Result<data::Value> decode(std::string_view datum) const {
    return decode_datum(avro.root(), connect, options, datum);
  }
};

Reader reader_for(const std::string& schema_text, AvroDataOptions options = {}) {
  auto avro = AvroSchema::parse_text(schema_text);
  EXPECT_TRUE(avro.ok()) << avro.error().message;
  if (!avro.ok()) return {};
  auto connect = to_connect_schema(avro->root(), options);
  EXPECT_TRUE(connect.ok()) << connect.error().message;
  if (!connect.ok()) return {};
  return Reader{std::move(avro.value()), connect.value(), options};
}

std::string encode(const std::string& schema, const nlohmann::json& datum) {
  auto bytes = sfpe::testing::encode_avro_json_datum(schema, datum);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  return bytes.ok() ? bytes.value() : std::string();
}

// Encodes `datum` with Avro C and decodes it with ours.
data::Value round_trip(const std::string& schema, const nlohmann::json& datum,
                       AvroDataOptions options = {}) {
  Reader reader = reader_for(schema, options);
  auto value = reader.decode(encode(schema, datum));
  EXPECT_TRUE(value.ok()) << value.error().message;
  return value.ok() ? value.value() : data::Value();
}

Error decode_error(const std::string& schema, const std::string& bytes) {
  Reader reader = reader_for(schema);
  auto value = reader.decode(bytes);
  EXPECT_FALSE(value.ok()) << schema;
  if (value.ok()) return {};
  EXPECT_EQ(value.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(value.error().code, kCodeInvalidAvroData);
  return value.error();
}

const data::Struct& as_struct(const data::Value& value) {
  static const data::Struct kEmpty;
  const data::Struct* record = value.get_if<data::Struct>();
  EXPECT_NE(record, nullptr);
  return record != nullptr ? *record : kEmpty;
}

template <typename T>
T get(const data::Value& value) {
  const T* held = value.get_if<T>();
  EXPECT_NE(held, nullptr);
  return held != nullptr ? *held : T{};
}

constexpr const char* kPlatformEventSchema = R"({
  "type":"record","name":"ConfluentEvent__e","namespace":"io.confluent.salesforce",
  "fields":[
    {"name":"ReplayId","type":["null","string"],"default":null},
    {"name":"CreatedDate","type":["null",{"type":"long","connect.version":1,
       "connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],
     "default":null},
    {"name":"CreatedById","type":["null","string"],"default":null},
    {"name":"TextField__c","type":["null","string"],"default":null},
    {"name":"NumberField__c","type":["null","double"],"default":null},
    {"name":"BooleanField__c","type":["null","boolean"],"default":null},
    {"name":"_ObjectType","type":["null","string"],"default":null},
    {"name":"_EventType","type":["null","string"],"default":null}]})";

TEST(AvroDecoderTest, DecodesAPlatformEventRecord) {
  data::Value value =
      round_trip(kPlatformEventSchema, {{"ReplayId", "44479"},
                                        {"CreatedDate", 1553542991336},
                                        {"CreatedById", "0051h000003rFGkAAM"},
                                        {"TextField__c", {{"string", "This is a Text field"}}},
                                        {"NumberField__c", 33.0},
                                        {"BooleanField__c", true},
                                        {"_ObjectType", "ConfluentEvent__e"},
                                        {"_EventType", nullptr}});
  const data::Struct& record = as_struct(value);
  ASSERT_EQ(record.values.size(), 8u);
  EXPECT_EQ(record.schema->name, "io.confluent.salesforce.ConfluentEvent__e");
  EXPECT_EQ(get<std::string>(record.values[0]), "44479");
  EXPECT_EQ(get<int64_t>(record.values[1]), 1553542991336);
  EXPECT_EQ(get<std::string>(record.values[2]), "0051h000003rFGkAAM");
  EXPECT_EQ(get<std::string>(record.values[3]), "This is a Text field");
  EXPECT_EQ(get<double>(record.values[4]), 33.0);
  EXPECT_EQ(get<bool>(record.values[5]), true);
  EXPECT_EQ(get<std::string>(record.values[6]), "ConfluentEvent__e");
  EXPECT_TRUE(record.values[7].is_null());
}

TEST(AvroDecoderTest, DecodesTheSpecificationsUnionExample) {
  // kafka-connect.md §5.1: for ["null","string"], null is 00 and "a" is 02 02 61.
  Reader reader = reader_for(R"(["null","string"])");
  auto null_value = reader.decode("\x00"s);
  ASSERT_TRUE(null_value.ok());
  EXPECT_TRUE(null_value->is_null());
  auto text = reader.decode("\x02\x02\x61"s);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(get<std::string>(*text), "a");
  EXPECT_EQ(encode(R"(["null","string"])", "a"), "\x02\x02\x61"s);
}

TEST(AvroDecoderTest, DecodesPrimitivesAtTheirLimits) {
  EXPECT_EQ(get<bool>(round_trip(R"("boolean")", false)), false);
  EXPECT_EQ(get<int64_t>(round_trip(R"("int")", 0)), 0);
  EXPECT_EQ(get<int64_t>(round_trip(R"("int")", -1)), -1);
  EXPECT_EQ(get<int64_t>(round_trip(R"("int")", std::numeric_limits<int32_t>::max())),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(get<int64_t>(round_trip(R"("int")", std::numeric_limits<int32_t>::min())),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(get<int64_t>(round_trip(R"("long")", std::numeric_limits<int64_t>::max())),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(get<int64_t>(round_trip(R"("long")", std::numeric_limits<int64_t>::min())),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(get<double>(round_trip(R"("float")", 1.5)), 1.5);
  EXPECT_EQ(get<double>(round_trip(R"("float")", 0.1)), static_cast<double>(0.1f));
  EXPECT_EQ(get<double>(round_trip(R"("double")", -2.25e-300)), -2.25e-300);
  EXPECT_TRUE(std::isnan(get<double>(round_trip(R"("double")", "NaN"))));
  EXPECT_EQ(get<double>(round_trip(R"("float")", "-Infinity")),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(get<std::string>(round_trip(R"("string")", "")), "");
  EXPECT_EQ(get<std::string>(round_trip(R"("string")", "h\xc3\xa9llo \xe2\x82\xac")),
            "h\xc3\xa9llo \xe2\x82\xac");
  EXPECT_EQ(get<data::Bytes>(round_trip(R"("bytes")", nlohmann::json::array({0, 255, 7}))),
            (data::Bytes{0, 255, 7}));
  EXPECT_EQ(get<data::Bytes>(round_trip(R"({"type":"fixed","name":"F","size":3})",
                                        nlohmann::json::array({1, 2, 3}))),
            (data::Bytes{1, 2, 3}));
  EXPECT_EQ(get<std::string>(round_trip(
                R"({"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","CLUBS"]})", "CLUBS")),
            "CLUBS");
}

TEST(AvroDecoderTest, DecodesArraysMapsAndNestedRecords) {
  const std::string schema = R"({"type":"record","name":"Outer","fields":[
    {"name":"numbers","type":{"type":"array","items":"long"}},
    {"name":"empty","type":{"type":"array","items":"long"}},
    {"name":"labels","type":{"type":"map","values":"string"}},
    {"name":"inner","type":{"type":"record","name":"Inner","fields":[
        {"name":"flag","type":"boolean"},{"name":"maybe","type":["null","int"]}]}}]})";
  data::Value value = round_trip(schema, {{"numbers", {1, -2, 300000000000}},
                                          {"empty", nlohmann::json::array()},
                                          {"labels", {{"k", "v"}}},
                                          {"inner", {{"flag", true}, {"maybe", 5}}}});
  const data::Struct& outer = as_struct(value);
  const auto& numbers = get<data::Array>(outer.values[0]);
  ASSERT_EQ(numbers.size(), 3u);
  EXPECT_EQ(get<int64_t>(numbers[0]), 1);
  EXPECT_EQ(get<int64_t>(numbers[1]), -2);
  EXPECT_EQ(get<int64_t>(numbers[2]), 300000000000);
  EXPECT_TRUE(get<data::Array>(outer.values[1]).empty());
  const auto& labels = get<data::MapEntries>(outer.values[2]);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(get<std::string>(labels[0].first), "k");
  EXPECT_EQ(get<std::string>(labels[0].second), "v");
  const data::Struct& inner = as_struct(outer.values[3]);
  EXPECT_EQ(inner.schema->name, "Inner");
  EXPECT_EQ(get<bool>(inner.values[0]), true);
  EXPECT_EQ(get<int64_t>(inner.values[1]), 5);
}

TEST(AvroDecoderTest, DecodesLogicalTypesAsConnectValues) {
  const std::string schema = R"({"type":"record","name":"L","fields":[
    {"name":"d","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
    {"name":"sm","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"su","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"db","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"df","type":{"type":"fixed","name":"F","size":4,"logicalType":"decimal",
                         "precision":9,"scale":3}}]})";
  data::Value value = round_trip(schema, {{"d", -1},
                                          {"tm", 86399999},
                                          {"tu", 86399999999},
                                          {"sm", -1},
                                          {"su", 1553542991336123},
                                          {"db", nlohmann::json::array({0xcf, 0xc7})},
                                          {"df", nlohmann::json::array({0, 0, 0x30, 0x39})}});
  const data::Struct& record = as_struct(value);
  EXPECT_EQ(get<int64_t>(record.values[0]), -1);
  EXPECT_EQ(get<int64_t>(record.values[1]), 86399999);
  EXPECT_EQ(get<int64_t>(record.values[2]), 86399999999);
  EXPECT_EQ(get<int64_t>(record.values[3]), -1);
  EXPECT_EQ(get<int64_t>(record.values[4]), 1553542991336123);
  EXPECT_EQ(get<data::Bytes>(record.values[5]), (data::Bytes{0xcf, 0xc7}));  // -12345, scale 2
  EXPECT_EQ(get<data::Bytes>(record.values[6]), (data::Bytes{0, 0, 0x30, 0x39}));
  EXPECT_EQ(record.schema->fields[5].schema->name, data::kDecimalLogical);
}

TEST(AvroDecoderTest, DecodesMultiBranchUnionsIntoTheUnionStruct) {
  const std::string schema = R"(["null","int","string",
      {"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}])";
  Reader reader = reader_for(schema);
  auto text = reader.decode(encode(schema, {{"string", "hi"}}));
  ASSERT_TRUE(text.ok()) << text.error().message;
  const data::Struct& holder = as_struct(*text);
  EXPECT_EQ(holder.schema->name, kUnionSchemaName);
  ASSERT_EQ(holder.values.size(), 3u);
  EXPECT_TRUE(holder.values[0].is_null());
  EXPECT_EQ(get<std::string>(holder.values[1]), "hi");
  EXPECT_TRUE(holder.values[2].is_null());

  auto point = reader.decode(encode(schema, {{"P", {{"x", 4}}}}));
  ASSERT_TRUE(point.ok()) << point.error().message;
  const data::Struct& point_holder = as_struct(*point);
  EXPECT_EQ(get<int64_t>(as_struct(point_holder.values[2]).values[0]), 4);

  auto null_value = reader.decode(encode(schema, nullptr));
  ASSERT_TRUE(null_value.ok());
  EXPECT_TRUE(null_value->is_null());
}

TEST(AvroDecoderTest, DecodesSingletonUnionsFlattened) {
  EXPECT_EQ(get<std::string>(round_trip(R"(["string"])", {{"string", "x"}})), "x");
}

TEST(AvroDecoderTest, DecodesNegativeBlockCountsWithByteSizes) {
  // Arrays and maps may be written in blocks; a negative count is followed by the block size.
  Reader array = reader_for(R"({"type":"array","items":"int"})");
  auto items = array.decode("\x03\x04\x02\x04\x02\x06\x00"s);  // [-2 items, 2 bytes: 1, 2], [3]
  ASSERT_TRUE(items.ok()) << items.error().message;
  const auto& list = get<data::Array>(*items);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(get<int64_t>(list[0]), 1);
  EXPECT_EQ(get<int64_t>(list[1]), 2);
  EXPECT_EQ(get<int64_t>(list[2]), 3);

  Reader map = reader_for(R"({"type":"map","values":"boolean"})");
  auto entries = map.decode("\x01\x06\x02k\x01\x02\x02z\x00\x00"s);
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  const auto& pairs = get<data::MapEntries>(*entries);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(get<std::string>(pairs[0].first), "k");
  EXPECT_EQ(get<bool>(pairs[0].second), true);
  EXPECT_EQ(get<std::string>(pairs[1].first), "z");
  EXPECT_EQ(get<bool>(pairs[1].second), false);
}

TEST(AvroDecoderTest, LetsInvalidUtf8Through) {
  Reader reader = reader_for(R"("string")");
  auto value = reader.decode("\x04\xff\xfe"s);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(get<std::string>(*value), "\xff\xfe");
}

TEST(AvroDecoderTest, MalformedInputIsAPermanentErrorNamingTheCause) {
  struct Case {
    const char* schema;
    std::string bytes;
    std::string message;
  };
  const std::string ten_ff(9, '\xff');
  const Case cases[] = {
      {R"("int")", "", "invalid Avro data at byte 0: truncated varint"},
      {R"("long")", "\x80"s, "invalid Avro data at byte 1: truncated varint"},
      {R"("long")", ten_ff + "\x02"s, "invalid Avro data at byte 10: varint overflows 64 bits"},
      {R"("long")", ten_ff + "\x81\x01"s,
       "invalid Avro data at byte 10: varint longer than 10 bytes"},
      {R"("int")", "\xff\xff\xff\xff\x1f"s,
       "invalid Avro data at byte 5: int varint overflows 32 bits"},
      {R"("int")", "\xff\xff\xff\xff\xff\x01"s,
       "invalid Avro data at byte 5: varint longer than 5 bytes"},
      {R"("string")", "\x01"s, "invalid Avro data at byte 1: negative length -1"},
      {R"("bytes")", "\x0a\x61\x62"s,
       "invalid Avro data at byte 1: truncated: 5 bytes needed, 2 left"},
      {R"("double")", "\x00\x00\x00"s,
       "invalid Avro data at byte 0: truncated: 8 bytes needed, 3 left"},
      {R"({"type":"fixed","name":"F","size":4})", "\x01\x02"s,
       "invalid Avro data at byte 0: truncated: 4 bytes needed, 2 left"},
      {R"("boolean")", "\x02"s, "invalid Avro data at byte 0: invalid boolean byte 0x02"},
      {R"("boolean")", "", "invalid Avro data at byte 0: truncated boolean"},
      {R"(["null","string"])", "\x04"s,
       "invalid Avro data at byte 1: union branch index 2 out of range (2 branches)"},
      {R"(["null","string"])", "\x01"s,
       "invalid Avro data at byte 1: union branch index -1 out of range (2 branches)"},
      {R"({"type":"enum","name":"E","symbols":["A"]})", "\x02"s,
       "invalid Avro data at byte 1: enum index 1 out of range for E (1 symbols)"},
      {R"("int")", "\x02\x00"s, "invalid Avro data at byte 1: 1 trailing bytes after the datum"},
      {R"({"type":"array","items":"int"})", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s,
       "invalid Avro data at byte 10: invalid block count"},
      {R"({"type":"array","items":"int"})", "\x01\x01"s,
       "invalid Avro data at byte 2: negative block size -1"},
      {R"({"type":"array","items":"int"})", "\x04\x02"s,
       "invalid Avro data at byte 2 (field [1]): truncated varint"},
      {R"({"type":"map","values":"int"})", "\x02\x02k"s,
       "invalid Avro data at byte 3 (field [0]): truncated varint"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
           {"name":"b","type":{"type":"record","name":"S","fields":[
             {"name":"c","type":"string"}]}}]})",
       "\x02\x08x"s, "invalid Avro data at byte 2 (field b.c): truncated: 4 bytes needed, 1 left"},
      {R"({"type":"int","logicalType":"time-millis"})", "\x01"s,
       "invalid Avro data at byte 1: time-millis value -1 outside [0, 86400000)"},
      {R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":2})", "\x00"s,
       "invalid Avro data at byte 1: decimal with an empty unscaled value"},
      {R"({"type":"int","connect.type":"int8"})", "\x80\x02"s,
       "invalid Avro data at byte 2: value 128 out of range for INT8"},
  };
  for (const auto& c : cases) {
    Error error = decode_error(c.schema, c.bytes);
    EXPECT_EQ(error.message, c.message) << c.schema;
  }
}

TEST(AvroDecoderTest, RefusesHugeCountsOfZeroLengthValues) {
  // 2^62 empty records cost no bytes: the decoder must stop, not allocate for ever.
  Error error = decode_error(R"({"type":"array","items":{"type":"record","name":"E","fields":[]}})",
                             "\xfe\xff\xff\xff\xff\xff\xff\xff\x7f"s);
  EXPECT_EQ(error.message,
            "invalid Avro data at byte 9 (field [100000]): more than 100000 zero-length values");
}

TEST(AvroDecoderTest, EveryTruncationOfAValidDatumFailsCleanly) {
  const std::string datum = encode(kPlatformEventSchema, {{"ReplayId", "44479"},
                                                          {"CreatedDate", 1553542991336},
                                                          {"CreatedById", "005"},
                                                          {"TextField__c", "text"},
                                                          {"NumberField__c", 33.0},
                                                          {"BooleanField__c", true},
                                                          {"_ObjectType", "E__e"},
                                                          {"_EventType", "x"}});
  Reader reader = reader_for(kPlatformEventSchema);
  ASSERT_TRUE(reader.decode(datum).ok());
  for (size_t length = 0; length < datum.size(); ++length) {
    auto value = reader.decode(std::string_view(datum).substr(0, length));
    ASSERT_FALSE(value.ok()) << "length " << length;
    EXPECT_EQ(value.error().kind, ErrorKind::kPermanent);
    EXPECT_EQ(value.error().code, kCodeInvalidAvroData);
  }
}

TEST(AvroDecoderTest, MutatedBytesNeverCrash) {
  // Deterministic mutations (fixed seed): each result is either a value or a permanent error;
  // the sanitizer build checks that nothing reads out of bounds.
  const std::string schema = R"({"type":"record","name":"M","fields":[
    {"name":"s","type":["null","string","long"]},
    {"name":"a","type":{"type":"array","items":{"type":"map","values":"double"}}},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
    {"name":"f","type":{"type":"fixed","name":"F","size":2}}]})";
  const std::string datum = encode(schema, {{"s", {{"string", "hello"}}},
                                            {"a", {{{"x", 1.5}}, {{"y", 2.5}, {"z", 3.5}}}},
                                            {"e", "B"},
                                            {"f", {9, 8}}});
  Reader reader = reader_for(schema);
  ASSERT_TRUE(reader.decode(datum).ok());
  std::mt19937 random(20240601);
  int failures = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string mutated = datum;
    const int flips = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < flips; ++i) {
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    }
    auto value = reader.decode(mutated);
    if (!value.ok()) {
      ++failures;
      EXPECT_EQ(value.error().kind, ErrorKind::kPermanent);
      EXPECT_EQ(value.error().code, kCodeInvalidAvroData);
    }
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace sfpe::convert::avro
