// Avro schema parsing (names, namespaces, references, logical types, validation) and the
// Avro -> Connect schema mapping of AvroConverter (kafka-connect.md §5.4).
#include "convert/avro/avro_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "convert/avro/connect_schema.h"
#include "convert/error_codes.h"

namespace sfpe::convert::avro {
namespace {

// The Platform Events source's Avro value schema (confluent-connector.md §5.2).
constexpr const char* kPlatformEventSchema = R"({
  "type":"record","name":"MyPlatformEvent__e","namespace":"io.confluent.salesforce",
  "fields":[
    {"name":"ReplayId","type":["null","string"],"default":null},
    {"name":"CreatedDate","type":["null",{"type":"long","connect.version":1,
       "connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],
     "default":null},
    {"name":"CreatedById","type":["null","string"],"default":null},
    {"name":"EventUuid","type":["null","string"],"default":null},
    {"name":"Message__c","type":["null","string"],"default":null},
    {"name":"_ObjectType","type":["null","string"],"default":null},
    {"name":"_EventType","type":["null","string"],"default":null}]})";

AvroSchema parse_ok(const std::string& text) {
  auto schema = AvroSchema::parse_text(text);
  EXPECT_TRUE(schema.ok()) << schema.error().message;
  return schema.ok() ? std::move(schema.value()) : AvroSchema();
}

data::SchemaPtr connect_of(const std::string& text, AvroDataOptions options = {}) {
  auto schema = AvroSchema::parse_text(text);
  EXPECT_TRUE(schema.ok()) << schema.error().message;
  if (!schema.ok()) return nullptr;
  auto connect = to_connect_schema(schema->root(), options);
  EXPECT_TRUE(connect.ok()) << connect.error().message;
  return connect.ok() ? connect.value() : nullptr;
}

Error parse_error(const std::string& text) {
  auto schema = AvroSchema::parse_text(text);
  EXPECT_FALSE(schema.ok()) << text;
  return schema.ok() ? Error{} : schema.error();
}

Error connect_error(const std::string& text, AvroDataOptions options = {}) {
  auto schema = AvroSchema::parse_text(text);
  EXPECT_TRUE(schema.ok()) << schema.error().message;
  if (!schema.ok()) return {};
  auto connect = to_connect_schema(schema->root(), options);
  EXPECT_FALSE(connect.ok()) << text;
  return connect.ok() ? Error{} : connect.error();
}

TEST(AvroSchemaTest, ParsesThePlatformEventSchema) {
  AvroSchema schema = parse_ok(kPlatformEventSchema);
  const AvroNode& root = schema.root();
  EXPECT_EQ(root.type, AvroType::kRecord);
  EXPECT_EQ(root.full_name, "io.confluent.salesforce.MyPlatformEvent__e");
  EXPECT_EQ(root.simple_name(), "MyPlatformEvent__e");
  ASSERT_EQ(root.fields.size(), 7u);
  EXPECT_EQ(root.fields[1].name, "CreatedDate");
  const AvroNode& created = *root.fields[1].type;
  ASSERT_EQ(created.type, AvroType::kUnion);
  ASSERT_EQ(created.branches.size(), 2u);
  EXPECT_EQ(created.branches[0]->type, AvroType::kNull);
  EXPECT_EQ(created.branches[1]->type, AvroType::kLong);
  EXPECT_EQ(created.branches[1]->logical, LogicalType::kTimestampMillis);
  EXPECT_EQ(created.branches[1]->connect_name, "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(created.branches[1]->connect_version, 1);
}

TEST(AvroSchemaTest, ConvertsThePlatformEventSchemaToAnOptionalFieldStruct) {
  auto connect = connect_of(kPlatformEventSchema);
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->type, data::Type::kStruct);
  EXPECT_EQ(connect->name, "io.confluent.salesforce.MyPlatformEvent__e");
  EXPECT_FALSE(connect->optional);
  ASSERT_EQ(connect->fields.size(), 7u);
  const char* names[] = {"ReplayId",   "CreatedDate", "CreatedById", "EventUuid",
                         "Message__c", "_ObjectType", "_EventType"};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(connect->fields[i].name, names[i]);
    EXPECT_EQ(connect->fields[i].index, static_cast<int>(i));
    EXPECT_TRUE(connect->fields[i].schema->optional) << names[i];
  }
  EXPECT_EQ(connect->fields[0].schema->type, data::Type::kString);
  const data::Schema& created = *connect->fields[1].schema;
  EXPECT_EQ(created.type, data::Type::kInt64);
  EXPECT_EQ(created.name, data::kTimestampLogical);
  EXPECT_EQ(created.version, 1);
}

TEST(AvroSchemaTest, ResolvesNamespacesAndNamedReferences) {
  AvroSchema schema = parse_ok(R"({
    "type":"record","name":"Outer","namespace":"com.acme",
    "fields":[
      {"name":"home","type":{"type":"record","name":"Address","fields":[
          {"name":"city","type":"string"}]}},
      {"name":"work","type":"Address"},
      {"name":"other","type":"com.acme.Address"},
      {"name":"kind","type":{"type":"enum","name":"Kind","namespace":"org.x",
                              "symbols":["A","B"]}},
      {"name":"kind2","type":"org.x.Kind"},
      {"name":"hash","type":{"type":"fixed","name":"other.Hash","size":4}},
      {"name":"hash2","type":"other.Hash"}]})");
  const AvroNode& root = schema.root();
  EXPECT_EQ(root.full_name, "com.acme.Outer");
  EXPECT_EQ(root.fields[0].type->full_name, "com.acme.Address");
  EXPECT_EQ(root.fields[1].type, root.fields[0].type);
  EXPECT_EQ(root.fields[2].type, root.fields[0].type);
  EXPECT_EQ(root.fields[3].type->full_name, "org.x.Kind");
  EXPECT_EQ(root.fields[4].type, root.fields[3].type);
  EXPECT_EQ(root.fields[5].type->full_name, "other.Hash");
  EXPECT_EQ(root.fields[5].type->fixed_size, 4);
  EXPECT_EQ(root.fields[6].type, root.fields[5].type);
}

TEST(AvroSchemaTest, FallsBackToTheNullNamespace) {
  auto schema = AvroSchema::parse(
      nlohmann::json::parse(R"({"type":"record","name":"R","namespace":"ns",
                                "fields":[{"name":"a","type":"Shared"}]})"),
      {nlohmann::json::parse(R"({"type":"enum","name":"Shared","symbols":["X"]})")});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->root().fields[0].type->full_name, "Shared");
  EXPECT_EQ(schema->root().fields[0].type->symbols, std::vector<std::string>{"X"});
}

TEST(AvroSchemaTest, ReferencedSchemasDefineNamesForTheMainSchema) {
  auto schema = AvroSchema::parse_text(
      R"({"type":"record","name":"Order","namespace":"com.acme",
          "fields":[{"name":"ship_to","type":"com.acme.Address"}]})",
      {R"({"type":"record","name":"Address","namespace":"com.acme",
           "fields":[{"name":"city","type":"string"}]})"});
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->root().fields[0].type->type, AvroType::kRecord);
  EXPECT_EQ(schema->root().fields[0].type->fields[0].name, "city");
}

TEST(AvroSchemaTest, ParsesLogicalTypesOnTheirBaseTypes) {
  AvroSchema schema = parse_ok(R"({"type":"record","name":"L","fields":[
    {"name":"d","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
    {"name":"sm","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"su","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"db","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"df","type":{"type":"fixed","name":"F","size":8,"logicalType":"decimal",
                         "precision":18,"scale":4}},
    {"name":"bad_scale","type":{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}},
    {"name":"bad_fixed","type":{"type":"fixed","name":"G","size":2,"logicalType":"decimal",
                                "precision":5}},
    {"name":"date_on_long","type":{"type":"long","logicalType":"date"}},
    {"name":"uuid","type":{"type":"string","logicalType":"uuid"}}]})");
  const auto& f = schema.root().fields;
  EXPECT_EQ(f[0].type->logical, LogicalType::kDate);
  EXPECT_EQ(f[1].type->logical, LogicalType::kTimeMillis);
  EXPECT_EQ(f[2].type->logical, LogicalType::kTimeMicros);
  EXPECT_EQ(f[3].type->logical, LogicalType::kTimestampMillis);
  EXPECT_EQ(f[4].type->logical, LogicalType::kTimestampMicros);
  EXPECT_EQ(f[5].type->logical, LogicalType::kDecimal);
  EXPECT_EQ(f[5].type->decimal_precision, 9);
  EXPECT_EQ(f[5].type->decimal_scale, 2);
  EXPECT_EQ(f[6].type->logical, LogicalType::kDecimal);
  EXPECT_EQ(f[6].type->decimal_scale, 4);
  // Invalid logical types are ignored (Avro specification, "Logical Types").
  EXPECT_EQ(f[7].type->logical, LogicalType::kNone);
  EXPECT_EQ(f[8].type->logical, LogicalType::kNone);  // 2 bytes hold at most 4 digits
  EXPECT_EQ(f[9].type->logical, LogicalType::kNone);
  EXPECT_EQ(f[10].type->logical, LogicalType::kNone);
}

TEST(AvroSchemaTest, MapsLogicalTypesToConnect) {
  auto connect = connect_of(R"({"type":"record","name":"L","fields":[
    {"name":"d","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
    {"name":"sm","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"su","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"db","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"df","type":{"type":"fixed","name":"F","size":8,"logicalType":"decimal",
                         "precision":18,"scale":4}},
    {"name":"raw","type":{"type":"fixed","name":"H","size":3}}]})");
  ASSERT_NE(connect, nullptr);
  const auto& f = connect->fields;
  EXPECT_EQ(f[0].schema->type, data::Type::kInt32);
  EXPECT_EQ(f[0].schema->name, data::kDateLogical);
  EXPECT_EQ(f[0].schema->version, 1);
  EXPECT_EQ(f[1].schema->type, data::Type::kInt32);
  EXPECT_EQ(f[1].schema->name, data::kTimeLogical);
  EXPECT_EQ(f[2].schema->type, data::Type::kInt64);
  EXPECT_EQ(f[2].schema->name, "");  // Connect does not map time-micros
  EXPECT_EQ(f[3].schema->type, data::Type::kInt64);
  EXPECT_EQ(f[3].schema->name, data::kTimestampLogical);
  EXPECT_EQ(f[4].schema->type, data::Type::kInt64);
  EXPECT_EQ(f[4].schema->name, "");  // nor timestamp-micros
  EXPECT_EQ(f[5].schema->type, data::Type::kBytes);
  EXPECT_EQ(f[5].schema->name, data::kDecimalLogical);
  EXPECT_EQ(f[5].schema->parameters.at("scale"), "2");
  EXPECT_EQ(f[5].schema->parameters.at("connect.decimal.precision"), "9");
  EXPECT_EQ(f[6].schema->type, data::Type::kBytes);
  EXPECT_EQ(f[6].schema->name, data::kDecimalLogical);
  EXPECT_EQ(f[6].schema->parameters.at("scale"), "4");
  EXPECT_EQ(f[7].schema->type, data::Type::kBytes);
  EXPECT_EQ(f[7].schema->name, "");
}

TEST(AvroSchemaTest, HonoursConnectAnnotations) {
  auto connect = connect_of(R"({"type":"record","name":"C","fields":[
    {"name":"ts","type":{"type":"long","connect.name":"org.apache.kafka.connect.data.Timestamp"}},
    {"name":"small","type":{"type":"int","connect.type":"int8"}},
    {"name":"medium","type":{"type":"int","connect.type":"int16"}},
    {"name":"dec","type":{"type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                          "connect.parameters":{"scale":"3"}}},
    {"name":"wrong","type":{"type":"string",
                            "connect.name":"org.apache.kafka.connect.data.Timestamp"}}]})");
  ASSERT_NE(connect, nullptr);
  const auto& f = connect->fields;
  EXPECT_EQ(f[0].schema->name, data::kTimestampLogical);
  EXPECT_EQ(f[0].schema->version, 1);
  EXPECT_EQ(f[1].schema->type, data::Type::kInt8);
  EXPECT_EQ(f[2].schema->type, data::Type::kInt16);
  EXPECT_EQ(f[3].schema->name, data::kDecimalLogical);
  EXPECT_EQ(f[3].schema->parameters.at("scale"), "3");
  EXPECT_EQ(f[4].schema->type, data::Type::kString);
  EXPECT_EQ(f[4].schema->name, "");  // a logical name on the wrong base type is ignored
}

TEST(AvroSchemaTest, NullableUnionsBecomeOptionalInEitherOrder) {
  auto connect = connect_of(R"({"type":"record","name":"U","fields":[
    {"name":"a","type":["null","string"]},
    {"name":"b","type":["double","null"]},
    {"name":"c","type":"string"}]})");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->fields[0].schema->type, data::Type::kString);
  EXPECT_TRUE(connect->fields[0].schema->optional);
  EXPECT_EQ(connect->fields[1].schema->type, data::Type::kFloat64);
  EXPECT_TRUE(connect->fields[1].schema->optional);
  EXPECT_FALSE(connect->fields[2].schema->optional);
}

TEST(AvroSchemaTest, OtherUnionsBecomeAUnionStruct) {
  auto connect = connect_of(R"({"type":"record","name":"U","namespace":"ns","fields":[
    {"name":"multi","type":["int","string",{"type":"record","name":"Point","fields":[
        {"name":"x","type":"int"}]},{"type":"enum","name":"Color","symbols":["RED"]},
        {"type":"array","items":"int"}]},
    {"name":"nullable","type":["null","long","boolean"]}]})");
  ASSERT_NE(connect, nullptr);
  const data::Schema& multi = *connect->fields[0].schema;
  EXPECT_EQ(multi.type, data::Type::kStruct);
  EXPECT_EQ(multi.name, kUnionSchemaName);
  EXPECT_FALSE(multi.optional);
  ASSERT_EQ(multi.fields.size(), 5u);
  const char* names[] = {"int", "string", "Point", "Color", "array"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(multi.fields[i].name, names[i]);
    EXPECT_TRUE(multi.fields[i].schema->optional) << names[i];
  }
  EXPECT_EQ(multi.fields[2].schema->type, data::Type::kStruct);
  EXPECT_EQ(multi.fields[2].schema->name, "ns.Point");
  const data::Schema& nullable = *connect->fields[1].schema;
  EXPECT_EQ(nullable.name, kUnionSchemaName);
  EXPECT_TRUE(nullable.optional);
  ASSERT_EQ(nullable.fields.size(), 2u);
  EXPECT_EQ(nullable.fields[0].name, "long");
  EXPECT_EQ(nullable.fields[1].name, "boolean");
}

TEST(AvroSchemaTest, EnhancedSchemaSupportUsesFullNamesInUnions) {
  AvroDataOptions options;
  options.enhanced_schema_support = true;
  auto connect = connect_of(R"(["int",{"type":"record","name":"ns.Point","fields":[]}])", options);
  ASSERT_NE(connect, nullptr);
  ASSERT_EQ(connect->fields.size(), 2u);
  EXPECT_EQ(connect->fields[1].name, "ns.Point");
}

TEST(AvroSchemaTest, SingletonUnionsAreFlattenedUnlessDisabled) {
  auto flattened = connect_of(R"(["string"])");
  ASSERT_NE(flattened, nullptr);
  EXPECT_EQ(flattened->type, data::Type::kString);
  EXPECT_FALSE(flattened->optional);
  AvroDataOptions options;
  options.flatten_singleton_unions = false;
  auto kept = connect_of(R"(["string"])", options);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->name, kUnionSchemaName);
  ASSERT_EQ(kept->fields.size(), 1u);
  EXPECT_EQ(kept->fields[0].name, "string");
}

TEST(AvroSchemaTest, EnumsBecomeStringsWithTheirSymbols) {
  auto connect = connect_of(R"({"type":"enum","name":"Suit","namespace":"cards",
                                "symbols":["SPADES","HEARTS"]})");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->type, data::Type::kString);
  EXPECT_EQ(connect->name, "cards.Suit");
  std::map<std::string, std::string> expected = {
      {"io.confluent.connect.avro.Enum", "cards.Suit"},
      {"io.confluent.connect.avro.Enum.SPADES", "SPADES"},
      {"io.confluent.connect.avro.Enum.HEARTS", "HEARTS"}};
  EXPECT_EQ(connect->parameters, expected);
}

TEST(AvroSchemaTest, ArraysAndMaps) {
  auto connect = connect_of(R"({"type":"record","name":"C","fields":[
    {"name":"list","type":{"type":"array","items":"long"}},
    {"name":"dict","type":{"type":"map","values":["null","double"]}}]})");
  ASSERT_NE(connect, nullptr);
  const data::Schema& list = *connect->fields[0].schema;
  EXPECT_EQ(list.type, data::Type::kArray);
  EXPECT_EQ(list.value_schema->type, data::Type::kInt64);
  const data::Schema& dict = *connect->fields[1].schema;
  EXPECT_EQ(dict.type, data::Type::kMap);
  EXPECT_EQ(dict.key_schema->type, data::Type::kString);
  EXPECT_EQ(dict.value_schema->type, data::Type::kFloat64);
  EXPECT_TRUE(dict.value_schema->optional);
}

TEST(AvroSchemaTest, ReusedRecordsShareOneConnectSchemaPerOptionality) {
  auto connect = connect_of(R"({"type":"record","name":"R","fields":[
    {"name":"a","type":{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}},
    {"name":"b","type":"P"},
    {"name":"c","type":["null","P"]}]})");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->fields[0].schema, connect->fields[1].schema);
  EXPECT_FALSE(connect->fields[0].schema->optional);
  EXPECT_TRUE(connect->fields[2].schema->optional);
  EXPECT_EQ(connect->fields[2].schema->fields[0].name, "x");
}

TEST(AvroSchemaTest, InvalidSchemasArePermanentErrors) {
  struct Case {
    const char* schema;
    const char* message;
  };
  const Case cases[] = {
      {"not json", "invalid Avro schema: not valid JSON"},
      {R"("Missing")", "invalid Avro schema: unknown type \"Missing\""},
      {R"(42)", "invalid Avro schema: expected a type name, object or array, got 42"},
      {R"({"type":"record","name":"R"})",
       "invalid Avro schema: record R without a \"fields\" array"},
      {R"({"type":"record","fields":[]})",
       "invalid Avro schema: record without a \"name\": {\"fields\":[],\"type\":\"record\"}"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},
                                                  {"name":"a","type":"int"}]})",
       "invalid Avro schema: record R: field \"a\" is defined twice"},
      {R"({"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]})",
       "invalid Avro schema: record R: invalid field name \"a-b\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a"}]})",
       "invalid Avro schema: record R: field \"a\" has no \"type\""},
      {R"(["int","int"])", "invalid Avro schema: union contains \"int\" twice"},
      {R"(["null",["int"]])", "invalid Avro schema: a union may not contain a union directly"},
      {R"({"type":"enum","name":"E","symbols":["A","A"]})",
       "invalid Avro schema: enum E: invalid or repeated symbol \"A\""},
      {R"({"type":"fixed","name":"F","size":-1})",
       "invalid Avro schema: fixed F needs a \"size\" between 0 and 2147483647"},
      {R"({"type":"array"})", "invalid Avro schema: array without \"items\""},
      {R"([{"type":"enum","name":"E","symbols":[]},{"type":"fixed","name":"E","size":1}])",
       "invalid Avro schema: type \"E\" is defined twice"},
      {R"({"type":"record","name":"1R","fields":[]})", "invalid Avro schema: invalid name \"1R\""},
      {R"({"type":"record","name":"int","fields":[]})",
       "invalid Avro schema: a named type may not be called \"int\""},
      {R"({"type":"long","connect.version":"one"})",
       "invalid Avro schema: \"connect.version\" must be an integer"},
  };
  for (const auto& c : cases) {
    Error error = parse_error(c.schema);
    EXPECT_EQ(error.kind, ErrorKind::kPermanent) << c.schema;
    EXPECT_EQ(error.code, kCodeInvalidAvroSchema) << c.schema;
    EXPECT_EQ(error.message, c.message) << c.schema;
  }
}

TEST(AvroSchemaTest, RefusesDeepNesting) {
  std::string schema = R"("int")";
  for (int i = 0; i < 40; ++i) schema = R"({"type":"array","items":)" + schema + "}";
  Error error = parse_error(schema);
  EXPECT_EQ(error.code, kCodeInvalidAvroSchema);
  EXPECT_EQ(error.message, "invalid Avro schema: nested deeper than 32 levels");
}

TEST(AvroSchemaTest, ConnectConversionRefusesWhatConnectCannotHold) {
  Error standalone_null = connect_error(R"("null")");
  EXPECT_EQ(standalone_null.code, kCodeInvalidAvroSchema);
  EXPECT_EQ(standalone_null.message,
            "Avro schema not convertible to Connect: standalone null schemas are not supported");

  Error recursive = connect_error(R"({"type":"record","name":"Node","fields":[
      {"name":"next","type":["null","Node"]}]})");
  EXPECT_EQ(recursive.code, kCodeInvalidAvroSchema);
  EXPECT_EQ(recursive.message,
            "Avro schema not convertible to Connect: record Node field next: recursive record "
            "Node is not supported");

  Error clash = connect_error(
      R"([{"type":"record","name":"a.P","fields":[]},{"type":"record","name":"b.P","fields":[]}])");
  EXPECT_EQ(clash.message,
            "Avro schema not convertible to Connect: two union branches map to the Connect union "
            "field \"P\"");
}

}  // namespace
}  // namespace sfpe::convert::avro
