// Record value -> Platform Event body: field selection, value forms and the per-record errors.
#include "map/event_mapper.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sfpe::map {
namespace {

std::shared_ptr<data::Schema> make_schema(data::Type type, std::string name = "",
                                          std::map<std::string, std::string> parameters = {}) {
  auto schema = std::make_shared<data::Schema>();
  schema->type = type;
  schema->optional = true;
  schema->name = std::move(name);
  schema->parameters = std::move(parameters);
  return schema;
}

// Builds a struct schema and value field by field.
class StructBuilder {
 public:
  explicit StructBuilder(std::string name = "io.confluent.salesforce.ConfluentEvent__e") {
    schema_->type = data::Type::kStruct;
    schema_->name = std::move(name);
  }
  StructBuilder& add(const std::string& name, data::SchemaPtr schema, data::Value::Storage value) {
    schema_->fields.push_back({name, static_cast<int>(schema_->fields.size()), std::move(schema)});
    values_.emplace_back(std::move(value));
    return *this;
  }
  data::SchemaAndValue build() const { return {schema_, data::Value(value())}; }
  data::SchemaPtr schema() const { return schema_; }
  data::Struct value() const { return data::Struct{schema_, values_}; }

 private:
  std::shared_ptr<data::Schema> schema_ = std::make_shared<data::Schema>();
  std::vector<data::Value> values_;
};

kafka::Record where() {
  kafka::Record record;
  record.topic = "orders";
  record.partition = 2;
  record.offset = 17;
  return record;
}

EventFieldDef def(std::string name, FieldType type, int64_t length = 0, int precision = 0,
                  int scale = 0) {
  return EventFieldDef{std::move(name), type, length, precision, scale};
}

// The emulator's default event (testing/salesforce_emulator) plus fields the tests below use.
EventSchema test_event() {
  return EventSchema(
      "ConfluentEvent__e",
      {def("TextField__c", FieldType::kText, 255), def("NumberField__c", FieldType::kNumber, 0, 18, 2),
       def("BooleanField__c", FieldType::kCheckbox), def("DateField__c", FieldType::kDate),
       def("DateTimeField__c", FieldType::kDateTime),
       def("LongTextField__c", FieldType::kLongText, 131072),
       def("Day__c", FieldType::kDate), def("Moment__c", FieldType::kDateTime),
       def("Later__c", FieldType::kDateTime), def("Clock__c", FieldType::kText, 255),
       def("I8__c", FieldType::kNumber), def("I16__c", FieldType::kNumber),
       def("I32__c", FieldType::kNumber), def("I64__c", FieldType::kNumber),
       def("F32__c", FieldType::kNumber), def("F64__c", FieldType::kNumber),
       def("Big__c", FieldType::kNumber), def("Price__c", FieldType::kNumber),
       def("Debt__c", FieldType::kNumber), def("Whole__c", FieldType::kNumber),
       def("Large__c", FieldType::kNumber), def("Tiny__c", FieldType::kNumber),
       def("Hundreds__c", FieldType::kNumber), def("Ok__c", FieldType::kNumber),
       def("Empty__c", FieldType::kText, 255), def("Blob__c", FieldType::kText, 255),
       def("Text__c", FieldType::kText, 255), def("Address__c", FieldType::kLongText, 131072),
       def("List__c", FieldType::kText, 255), def("Labels__c", FieldType::kText, 255),
       def("ByNumber__c", FieldType::kText, 255), def("Nested__c", FieldType::kText, 255),
       def("Count__c", FieldType::kNumber), def("A__c", FieldType::kText, 255),
       def("__c", FieldType::kText, 255), def("Message__c", FieldType::kText, 255),
       def("Short__c", FieldType::kText, 3), def("Flag__c", FieldType::kCheckbox),
       def("Amount__c", FieldType::kNumber, 0, 5, 2)});
}

std::string mapped_text(const data::SchemaAndValue& value) {
  auto event = map_to_event(value, test_event(), where());
  EXPECT_TRUE(event.ok()) << event.error().message;
  return event.ok() ? serialize_event(*event) : "";
}

Error mapping_error(const data::SchemaAndValue& value) {
  auto event = map_to_event(value, test_event(), where());
  EXPECT_FALSE(event.ok());
  if (event.ok()) return {};
  EXPECT_EQ(event.error().kind, ErrorKind::kPermanent);
  return event.error();
}

TEST(EventMapperTest, PublishesOnlyTheCustomFieldsOfTheSeedExample) {
  const auto string = make_schema(data::Type::kString);
  auto value =
      StructBuilder()
          .add("ReplayId", string, std::string("44479"))
          .add("CreatedDate", make_schema(data::Type::kInt64, std::string(data::kTimestampLogical)),
               int64_t{1553542991336})
          .add("CreatedById", string, std::string("0051h000003rFGkAAM"))
          .add("TextField__c", string, std::string("This is a Text field"))
          .add("NumberField__c", make_schema(data::Type::kFloat64), 33.0)
          .add("BooleanField__c", make_schema(data::Type::kBoolean), true)
          .add("_ObjectType", string, std::string("ConfluentEvent__e"))
          .add("_EventType", string, std::string("VrdbV-4eqHB3hllFiCjIrw"))
          .build();
  auto event = map_to_event(value, test_event(), where());
  ASSERT_TRUE(event.ok()) << event.error().message;
  const std::string expected =
      R"({"TextField__c":"This is a Text field","NumberField__c":33.0,"BooleanField__c":true})";
  EXPECT_EQ(serialize_event(*event), expected);
  EXPECT_EQ(serialized_size(*event), expected.size());
}

TEST(EventMapperTest, MatchesCustomFieldsIgnoringCaseAndSendsTheDescribeSpelling) {
  const auto string = make_schema(data::Type::kString);
  auto value = StructBuilder()
                   .add("EventUuid", string, std::string("u"))
                   .add("MESSAGE__C", string, std::string("upper"))
                   .add("Suffix__cc", string, std::string("dropped"))
                   .add("a__C", string, std::string("yes"))
                   .add("__c", string, std::string("edge"))
                   .build();
  EXPECT_EQ(mapped_text(value), R"({"Message__c":"upper","A__c":"yes","__c":"edge"})");
}

TEST(EventMapperTest, CustomFieldTheEventDoesNotDefineIsAnErrorNamingIt) {
  const auto string = make_schema(data::Type::kString);
  auto value = StructBuilder()
                   .add("TextField__c", string, std::string("fine"))
                   .add("Missing__c", string, std::string("x"))
                   .build();
  auto event = map_to_event(value,
                            EventSchema("Small__e", {def("TextField__c", FieldType::kText, 255),
                                                     def("Other__c", FieldType::kNumber)}),
                            where());
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(event.error().code, kCodeUnknownEventField);
  EXPECT_EQ(event.error().message,
            "topic orders partition 2 offset 17: field Missing__c is not a field of event "
            "Small__e (its custom fields: TextField__c, Other__c)");
}

TEST(EventMapperTest, TwoRecordFieldsForOneEventFieldIsAnError) {
  const auto string = make_schema(data::Type::kString);
  auto value = StructBuilder()
                   .add("Message__c", string, std::string("a"))
                   .add("MESSAGE__C", string, std::string("b"))
                   .build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeDuplicateEventField);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17: fields Message__c and MESSAGE__C both name "
            "event field Message__c");
}

TEST(EventMapperTest, FormatsDatesTimestampsAndTimes) {
  auto value =
      StructBuilder()
          .add("Day__c", make_schema(data::Type::kInt32, std::string(data::kDateLogical)),
               int64_t{-1})
          .add("Moment__c", make_schema(data::Type::kInt64, std::string(data::kTimestampLogical)),
               int64_t{-1})
          .add("Later__c", make_schema(data::Type::kInt64, std::string(data::kTimestampLogical)),
               int64_t{1553542991336})
          .add("Clock__c", make_schema(data::Type::kInt32, std::string(data::kTimeLogical)),
               int64_t{71000336})
          .build();
  EXPECT_EQ(mapped_text(value),
            R"({"Day__c":"1969-12-31","Moment__c":"1969-12-31T23:59:59.999Z",)"
            R"("Later__c":"2019-03-25T19:43:11.336Z","Clock__c":"19:43:20.336Z"})");
}

TEST(EventMapperTest, TimeOutsideOneDayIsAnError) {
  auto value =
      StructBuilder()
          .add("Clock__c", make_schema(data::Type::kInt32, std::string(data::kTimeLogical)),
               int64_t{86400000})
          .build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeInvalidFieldValue);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field Clock__c: Time value 86400000 is not "
            "within one day");
}

TEST(EventMapperTest, IntegersOfEveryWidthAndFloats) {
  auto value =
      StructBuilder()
          .add("I8__c", make_schema(data::Type::kInt8), int64_t{-128})
          .add("I16__c", make_schema(data::Type::kInt16), int64_t{32767})
          .add("I32__c", make_schema(data::Type::kInt32), int64_t{-5})
          .add("I64__c", make_schema(data::Type::kInt64), std::numeric_limits<int64_t>::max())
          .add("F32__c", make_schema(data::Type::kFloat32), static_cast<double>(0.1f))
          .add("F64__c", make_schema(data::Type::kFloat64), 0.1)
          .add("Big__c", make_schema(data::Type::kFloat64), 1e300)
          .build();
  EXPECT_EQ(mapped_text(value),
            R"({"I8__c":-128,"I16__c":32767,"I32__c":-5,"I64__c":9223372036854775807,)"
            R"("F32__c":0.1,"F64__c":0.1,"Big__c":1e+300})");
}

TEST(EventMapperTest, NonFiniteNumbersAreErrorsNamingTheField) {
  for (double number : {std::nan(""), std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()}) {
    auto value = StructBuilder()
                     .add("Ok__c", make_schema(data::Type::kFloat64), 1.0)
                     .add("NumberField__c", make_schema(data::Type::kFloat32), number)
                     .build();
    Error error = mapping_error(value);
    EXPECT_EQ(error.code, kCodeNonFiniteNumber);
    EXPECT_EQ(error.message, "topic orders partition 2 offset 17 field NumberField__c: " +
                                 fmt::format("{}", number) + " is not a valid JSON number");
  }
}

TEST(EventMapperTest, DecimalsAreNumbersFromTheirExactText) {
  auto decimal = [](int scale) {
    return make_schema(data::Type::kBytes, std::string(data::kDecimalLogical),
                       {{"scale", std::to_string(scale)}});
  };
  auto value =
      StructBuilder()
          .add("Price__c", decimal(2), data::Bytes{0x30, 0x39})
          .add("Debt__c", decimal(2), data::Bytes{0xcf, 0xc7})
          .add("Whole__c", decimal(2), data::Bytes{0x27, 0x10})  // 100.00
          .add("Large__c", decimal(0), data::Bytes{0x01, 0xb6, 0x9b, 0x4b, 0xa6, 0x30, 0xf3, 0x4e})
          .add("Tiny__c", decimal(3), data::Bytes{0x05})
          .add("Hundreds__c", decimal(-2), data::Bytes{0x07})
          .build();
  EXPECT_EQ(mapped_text(value),
            R"({"Price__c":123.45,"Debt__c":-123.45,"Whole__c":100,)"
            R"("Large__c":123456789012345678,"Tiny__c":0.005,"Hundreds__c":700})");
}

TEST(EventMapperTest, DecimalWithoutScaleIsAnError) {
  auto value =
      StructBuilder()
          .add("Price__c", make_schema(data::Type::kBytes, std::string(data::kDecimalLogical)),
               data::Bytes{0x01})
          .build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeInvalidFieldValue);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field Price__c: Decimal schema without a valid "
            "scale");
}

TEST(EventMapperTest, NullsBytesAndInvalidUtf8) {
  auto value = StructBuilder()
                   .add("Empty__c", make_schema(data::Type::kString), std::monostate{})
                   .add("Blob__c", make_schema(data::Type::kBytes), data::Bytes{'f', 'o', 'o'})
                   .add("Text__c", make_schema(data::Type::kString), std::string("a\xff"))
                   .build();
  EXPECT_EQ(mapped_text(value),
            "{\"Empty__c\":null,\"Blob__c\":\"Zm9v\",\"Text__c\":\"a\xef\xbf\xbd\"}");
}

TEST(EventMapperTest, NestedValuesTravelAsCompactJsonText) {
  StructBuilder address("Address");
  address.add("city", make_schema(data::Type::kString), std::string("Oslo"))
      .add("since", make_schema(data::Type::kInt32, std::string(data::kDateLogical)), int64_t{0});

  auto list = make_schema(data::Type::kArray);
  list->value_schema = make_schema(data::Type::kInt64);
  auto labels = make_schema(data::Type::kMap);
  labels->key_schema = make_schema(data::Type::kString);
  labels->value_schema = make_schema(data::Type::kBoolean);
  auto by_number = make_schema(data::Type::kMap);
  by_number->key_schema = make_schema(data::Type::kInt32);
  by_number->value_schema = make_schema(data::Type::kString);

  auto value =
      StructBuilder()
          .add("Address__c", address.schema(), address.value())
          .add("List__c", list, data::Array{data::Value(int64_t{1}), data::Value(int64_t{2})})
          .add("Labels__c", labels,
               data::MapEntries{{data::Value(std::string("b")), data::Value(true)},
                                {data::Value(std::string("a")), data::Value(false)}})
          .add("ByNumber__c", by_number,
               data::MapEntries{{data::Value(int64_t{7}), data::Value(std::string("seven"))}})
          .build();
  EXPECT_EQ(mapped_text(value), R"({"Address__c":"{\"city\":\"Oslo\",\"since\":\"1970-01-01\"}",)"
                                R"("List__c":"[1,2]","Labels__c":"{\"b\":true,\"a\":false}",)"
                                R"("ByNumber__c":"[[7,\"seven\"]]"})");
}

TEST(EventMapperTest, NestedErrorsNameTheFieldPath) {
  StructBuilder inner("Inner");
  auto list = make_schema(data::Type::kArray);
  list->value_schema = make_schema(data::Type::kFloat64);
  inner.add("values", list, data::Array{data::Value(1.0), data::Value(std::nan(""))});
  auto value = StructBuilder().add("Nested__c", inner.schema(), inner.value()).build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeNonFiniteNumber);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field Nested__c.values[1]: nan is not a valid "
            "JSON number");
}

TEST(EventMapperTest, ValueNotMatchingItsSchemaIsAnError) {
  auto value =
      StructBuilder().add("Count__c", make_schema(data::Type::kInt32), std::string("7")).build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeInvalidFieldValue);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field Count__c: value does not match its INT32 "
            "schema");
}

TEST(EventMapperTest, NoCustomFieldIsAnErrorNotASilentSkip) {
  const auto string = make_schema(data::Type::kString);
  auto value = StructBuilder()
                   .add("ReplayId", string, std::string("1"))
                   .add("_ObjectType", string, std::string("E__e"))
                   .build();
  Error error = mapping_error(value);
  EXPECT_EQ(error.code, kCodeNoPublishableFields);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17: no field name ends in \"__c\", nothing to "
            "publish (fields: ReplayId, _ObjectType)");
}

TEST(EventMapperTest, UpperCasedSourceFieldsArePublishedNotSkipped) {
  // The records the original connector skipped silently (confluent-connector.md §6.2).
  const auto string = make_schema(data::Type::kString);
  auto value = StructBuilder()
                   .add("REPLAYID", string, std::string("1"))
                   .add("MESSAGE__C", string, std::string("hello"))
                   .build();
  EXPECT_EQ(mapped_text(value), R"({"Message__c":"hello"})");
}

TEST(EventMapperTest, ValueMustBeAStruct) {
  Error tombstone = mapping_error(data::SchemaAndValue{});
  EXPECT_EQ(tombstone.code, kCodeTombstone);
  EXPECT_EQ(tombstone.message,
            "topic orders partition 2 offset 17: the value is null (a tombstone); an event needs "
            "a struct");

  Error text = mapping_error(
      data::SchemaAndValue{make_schema(data::Type::kString), data::Value(std::string("x"))});
  EXPECT_EQ(text.code, kCodeValueNotStruct);
  EXPECT_EQ(text.message,
            "topic orders partition 2 offset 17: the value is a STRING, not a STRUCT");
}

TEST(EventMapperTest, CoercesValuesOntoEachEventFieldType) {
  const auto string = make_schema(data::Type::kString);
  const auto date = make_schema(data::Type::kInt32, std::string(data::kDateLogical));
  const auto timestamp = make_schema(data::Type::kInt64, std::string(data::kTimestampLogical));
  auto value = StructBuilder()
                   .add("NumberField__c", string, std::string("-12.50"))
                   .add("Amount__c", make_schema(data::Type::kInt64), int64_t{999})
                   .add("BooleanField__c", string, std::string("TRUE"))
                   .add("Flag__c", make_schema(data::Type::kBoolean), false)
                   .add("DateField__c", timestamp, int64_t{19000} * 86400000)
                   .add("Day__c", string, std::string("2024-02-29"))
                   .add("DateTimeField__c", string, std::string("2024-03-01T01:02:03.456789+02:00"))
                   .add("Moment__c", date, int64_t{19000})
                   .add("Later__c", string, std::string("2024-03-01 23:59Z"))
                   .add("TextField__c", make_schema(data::Type::kFloat64), 33.5)
                   .add("LongTextField__c", make_schema(data::Type::kBoolean), true)
                   .add("Message__c", timestamp, int64_t{0})
                   .build();
  EXPECT_EQ(mapped_text(value),
            R"({"NumberField__c":-12.50,"Amount__c":999,"BooleanField__c":true,"Flag__c":false,)"
            R"("DateField__c":"2022-01-08","Day__c":"2024-02-29",)"
            R"("DateTimeField__c":"2024-02-29T23:02:03.456Z",)"
            R"("Moment__c":"2022-01-08T00:00:00.000Z","Later__c":"2024-03-01T23:59:00.000Z",)"
            R"("TextField__c":"33.5","LongTextField__c":"true",)"
            R"("Message__c":"1970-01-01T00:00:00.000Z"})");
}

TEST(EventMapperTest, NumericTextKeepsIntegersExact) {
  auto value = StructBuilder()
                   .add("I64__c", make_schema(data::Type::kString),
                        std::string("9223372036854775807"))
                   .add("F64__c", make_schema(data::Type::kString), std::string("+1e3"))
                   .build();
  EXPECT_EQ(mapped_text(value), R"({"I64__c":9223372036854775807,"F64__c":1000})");
}

TEST(EventMapperTest, NullsStayNullAndEmptyTextIsNullOnNonTextFields) {
  auto value = StructBuilder()
                   .add("NumberField__c", make_schema(data::Type::kString), std::monostate{})
                   .add("DateField__c", make_schema(data::Type::kStruct), std::monostate{})
                   .add("Day__c", make_schema(data::Type::kString), std::string())
                   .add("Flag__c", make_schema(data::Type::kString), std::string())
                   .add("TextField__c", make_schema(data::Type::kString), std::string())
                   .build();
  EXPECT_EQ(mapped_text(value),
            R"({"NumberField__c":null,"DateField__c":null,"Day__c":null,"Flag__c":null,)"
            R"("TextField__c":""})");
}

struct RefusedCase {
  const char* field;
  data::SchemaPtr schema;
  data::Value::Storage value;
  const char* code;
  const char* message;  // after "topic orders partition 2 offset 17 field "
};

TEST(EventMapperTest, ValuesThatCannotBeCoercedAreErrorsNamingFieldAndType) {
  StructBuilder nested("Nested");
  nested.add("x", make_schema(data::Type::kInt32), int64_t{1});
  const auto string = make_schema(data::Type::kString);
  const std::vector<RefusedCase> cases = {
      {"NumberField__c", nested.schema(), nested.value(), kCodeFieldTypeMismatch,
       "NumberField__c: a STRUCT value cannot be published to Number field NumberField__c of "
       "ConfluentEvent__e"},
      {"NumberField__c", string, std::string("12 apples"), kCodeInvalidFieldValue,
       "NumberField__c: \"12 apples\" is not a number for Number field NumberField__c"},
      {"NumberField__c", make_schema(data::Type::kBoolean), true, kCodeFieldTypeMismatch,
       "NumberField__c: a BOOLEAN value cannot be published to Number field NumberField__c of "
       "ConfluentEvent__e"},
      {"NumberField__c", make_schema(data::Type::kInt64, std::string(data::kTimestampLogical)),
       int64_t{1}, kCodeFieldTypeMismatch,
       "NumberField__c: a Timestamp value cannot be published to Number field NumberField__c "
       "of ConfluentEvent__e"},
      {"Amount__c", make_schema(data::Type::kFloat64), 1000.0, kCodeNumberOutOfRange,
       "Amount__c: 1000 has more than the 3 integer digits of Number field Amount__c (precision "
       "5, scale 2)"},
      {"BooleanField__c", string, std::string("yes"), kCodeInvalidFieldValue,
       "BooleanField__c: \"yes\" is not true or false for Checkbox field BooleanField__c"},
      {"BooleanField__c", make_schema(data::Type::kInt32), int64_t{1}, kCodeFieldTypeMismatch,
       "BooleanField__c: a INT32 value cannot be published to Checkbox field BooleanField__c of "
       "ConfluentEvent__e"},
      {"DateField__c", string, std::string("2023-02-29"), kCodeInvalidFieldValue,
       "DateField__c: \"2023-02-29\" is not a yyyy-MM-dd date for Date field DateField__c"},
      {"DateField__c", make_schema(data::Type::kInt64, std::string(data::kTimestampLogical)),
       int64_t{1553542991336}, kCodeFieldTypeMismatch,
       "DateField__c: a Timestamp value cannot be published to Date field DateField__c of "
       "ConfluentEvent__e: 2019-03-25T19:43:11.336Z is not at midnight UTC, and a Date has no "
       "time"},
      {"DateTimeField__c", string, std::string("2024-03-01T10:00:00"), kCodeInvalidFieldValue,
       "DateTimeField__c: \"2024-03-01T10:00:00\" is not an ISO-8601 date-time with a zone for "
       "Date/Time field DateTimeField__c"},
      {"DateTimeField__c", make_schema(data::Type::kInt64), int64_t{5}, kCodeFieldTypeMismatch,
       "DateTimeField__c: a INT64 value cannot be published to Date/Time field "
       "DateTimeField__c of ConfluentEvent__e"},
      {"Short__c", string, std::string("\xc3\xa6\xc3\xb8\xc3\xa5!"), kCodeValueTooLong,
       "Short__c: 4 characters (UTF-16 code units) are more than the 3 that Text field Short__c "
       "holds"},
  };
  for (const auto& c : cases) {
    auto value = StructBuilder().add(c.field, c.schema, c.value).build();
    Error error = mapping_error(value);
    EXPECT_EQ(error.code, c.code) << c.message;
    EXPECT_EQ(error.message, std::string("topic orders partition 2 offset 17 field ") + c.message);
  }
}

TEST(EventMapperTest, TextWithinItsLengthCountsCharactersNotBytes) {
  auto value = StructBuilder()
                   .add("Short__c", make_schema(data::Type::kString),
                        std::string("\xc3\xa6\xc3\xb8\xc3\xa5"))
                   .build();
  EXPECT_EQ(mapped_text(value), "{\"Short__c\":\"\xc3\xa6\xc3\xb8\xc3\xa5\"}");
}

// An emoji outside the Basic Multilingual Plane is two UTF-16 code units, and Salesforce counts
// a Text field's length in those (Java strings): "ab😀" does not fit a length of 3.
TEST(EventMapperTest, TextLengthCountsUtf16CodeUnitsAsSalesforceDoes) {
  const auto string = make_schema(data::Type::kString);
  const std::string emoji = "\xf0\x9f\x98\x80";  // U+1F600, a surrogate pair in UTF-16
  EXPECT_EQ(mapped_text(StructBuilder().add("Short__c", string, "a" + emoji).build()),
            "{\"Short__c\":\"a" + emoji + "\"}");
  Error error = mapping_error(StructBuilder().add("Short__c", string, "ab" + emoji).build());
  EXPECT_EQ(error.code, kCodeValueTooLong);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field Short__c: 4 characters (UTF-16 code units) "
            "are more than the 3 that Text field Short__c holds");
}

// Number fields keep every digit of a Decimal or numeric text (Salesforce keeps up to 18), and
// their integer digits are counted on the exact value, never on a rounded double.
TEST(EventMapperTest, NumbersKeepTheirExactDigitsAndAreCheckedOnThem) {
  const auto string = make_schema(data::Type::kString);
  const auto decimal8 = make_schema(data::Type::kBytes, std::string(data::kDecimalLogical),
                                    {{"scale", "8"}});
  auto value =
      StructBuilder()
          // 16 integer digits fit precision 18, scale 2; as a double this would be 1e16.
          .add("NumberField__c", string, std::string("9999999999999999.99"))
          // 123456789012345678 unscaled, scale 8: 18 significant digits.
          .add("Price__c", decimal8, data::Bytes{0x01, 0xb6, 0x9b, 0x4b, 0xa6, 0x30, 0xf3, 0x4e})
          .add("Amount__c", make_schema(data::Type::kInt64), int64_t{-999})
          .build();
  EXPECT_EQ(mapped_text(value),
            R"({"NumberField__c":9999999999999999.99,"Price__c":1234567890.12345678,)"
            R"("Amount__c":-999})");
  // An int64 that a double would round up to 10^16.
  EXPECT_EQ(mapped_text(StructBuilder()
                            .add("NumberField__c", make_schema(data::Type::kInt64),
                                 int64_t{9999999999999999})
                            .build()),
            R"({"NumberField__c":9999999999999999})");
}

TEST(EventMapperTest, NumbersBeyondTheFieldOrADoubleAreErrors) {
  const auto string = make_schema(data::Type::kString);
  const std::vector<RefusedCase> cases = {
      {"Amount__c", string, std::string("1000.5"), kCodeNumberOutOfRange,
       "Amount__c: 1000.5 has more than the 3 integer digits of Number field Amount__c "
       "(precision 5, scale 2)"},
      {"NumberField__c", string, std::string("-10000000000000000"), kCodeNumberOutOfRange,
       "NumberField__c: -10000000000000000 has more than the 16 integer digits of Number field "
       "NumberField__c (precision 18, scale 2)"},
      {"Amount__c", make_schema(data::Type::kInt64), int64_t{1000}, kCodeNumberOutOfRange,
       "Amount__c: 1000 has more than the 3 integer digits of Number field Amount__c (precision "
       "5, scale 2)"},
      // No precision to check against: a double's range is the limit (it was published as 0).
      {"F64__c", string, std::string("1e400"), kCodeNumberOutOfRange,
       "F64__c: 1e400 is beyond the range of a double, the type of Number field F64__c"},
      {"F64__c", string, std::string("-2E+308"), kCodeNumberOutOfRange,
       "F64__c: -2E+308 is beyond the range of a double, the type of Number field F64__c"},
  };
  for (const auto& c : cases) {
    auto value = StructBuilder().add(c.field, c.schema, c.value).build();
    Error error = mapping_error(value);
    EXPECT_EQ(error.code, c.code) << c.message;
    EXPECT_EQ(error.message, std::string("topic orders partition 2 offset 17 field ") + c.message);
  }
  // A Decimal of 10^309 (unscaled 1, scale -309) was published as 0 too.
  auto huge = StructBuilder()
                  .add("F64__c",
                       make_schema(data::Type::kBytes, std::string(data::kDecimalLogical),
                                   {{"scale", "-309"}}),
                       data::Bytes{0x01})
                  .build();
  Error error = mapping_error(huge);
  EXPECT_EQ(error.code, kCodeNumberOutOfRange);
  EXPECT_EQ(error.message, "topic orders partition 2 offset 17 field F64__c: 1" +
                               std::string(309, '0') +
                               " is beyond the range of a double, the type of Number field F64__c");
}

// Salesforce stores dates from 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z.
TEST(EventMapperTest, DatesOutsideSalesforcesRangeAreErrors) {
  const auto string = make_schema(data::Type::kString);
  const auto timestamp = make_schema(data::Type::kInt64, std::string(data::kTimestampLogical));
  const int64_t latest_ms = int64_t{741807} * 86400000;  // 4000-12-31T00:00:00Z
  EXPECT_EQ(mapped_text(StructBuilder()
                            .add("DateField__c", string, std::string("1700-01-01"))
                            .add("Day__c", string, std::string("4000-12-31"))
                            .add("DateTimeField__c", timestamp, latest_ms)
                            .add("Moment__c", string, std::string("1700-01-01T01:00:00+01:00"))
                            .build()),
            R"({"DateField__c":"1700-01-01","Day__c":"4000-12-31",)"
            R"("DateTimeField__c":"4000-12-31T00:00:00.000Z",)"
            R"("Moment__c":"1700-01-01T00:00:00.000Z"})");
  const std::vector<RefusedCase> cases = {
      {"DateField__c", string, std::string("1699-12-31"), "DATE_OUT_OF_RANGE",
       "DateField__c: 1699-12-31 is outside 1700-01-01 to 4000-12-31, the dates Date field "
       "DateField__c holds"},
      {"DateField__c", make_schema(data::Type::kInt32, std::string(data::kDateLogical)),
       int64_t{741808}, "DATE_OUT_OF_RANGE",
       "DateField__c: 4001-01-01 is outside 1700-01-01 to 4000-12-31, the dates Date field "
       "DateField__c holds"},
      {"DateTimeField__c", timestamp, latest_ms + 1, "DATE_OUT_OF_RANGE",
       "DateTimeField__c: 4000-12-31T00:00:00.001Z is outside 1700-01-01T00:00:00.000Z to "
       "4000-12-31T00:00:00.000Z, the instants Date/Time field DateTimeField__c holds"},
      {"DateTimeField__c", string, std::string("1700-01-01T00:30:00+01:00"), "DATE_OUT_OF_RANGE",
       "DateTimeField__c: 1699-12-31T23:30:00.000Z is outside 1700-01-01T00:00:00.000Z to "
       "4000-12-31T00:00:00.000Z, the instants Date/Time field DateTimeField__c holds"},
  };
  for (const auto& c : cases) {
    auto value = StructBuilder().add(c.field, c.schema, c.value).build();
    Error error = mapping_error(value);
    EXPECT_EQ(error.code, c.code) << c.message;
    EXPECT_EQ(error.message, std::string("topic orders partition 2 offset 17 field ") + c.message);
  }
}

TEST(EventMapperTest, TimestampMicrosReachDateAndDateTimeFields) {
  auto micros = make_schema(data::Type::kInt64, "",
                            {{std::string(data::kSourceLogicalParameter),
                              std::string(data::kTimestampMicros)}});
  auto value = StructBuilder()
                   .add("DateTimeField__c", micros, int64_t{-1})
                   .add("Moment__c", micros, int64_t{1553542991336999})
                   .add("DateField__c", micros, int64_t{86400000000})
                   .add("I64__c", make_schema(data::Type::kInt64), int64_t{7})
                   .build();
  EXPECT_EQ(mapped_text(value),
            R"({"DateTimeField__c":"1969-12-31T23:59:59.999Z",)"
            R"("Moment__c":"2019-03-25T19:43:11.336Z","DateField__c":"1970-01-02","I64__c":7})");

  auto off_midnight = StructBuilder().add("DateField__c", micros, int64_t{1}).build();
  Error error = mapping_error(off_midnight);
  EXPECT_EQ(error.code, kCodeFieldTypeMismatch);
  EXPECT_EQ(error.message,
            "topic orders partition 2 offset 17 field DateField__c: a timestamp-micros value "
            "cannot be published to Date field DateField__c of ConfluentEvent__e: "
            "1970-01-01T00:00:00.000Z is not at midnight UTC, and a Date has no time");
}

TEST(EventMapperTest, ProtobufWrappersPublishTheirValue) {
  auto wrapper = [](const char* name, data::SchemaPtr inner, data::Value::Storage value) {
    StructBuilder builder(name);
    builder.add("value", std::move(inner), std::move(value));
    return std::make_pair(builder.schema(), builder.value());
  };
  auto number = wrapper("DoubleValue", make_schema(data::Type::kFloat64), 33.25);
  auto flag = wrapper("google.protobuf.BoolValue", make_schema(data::Type::kBoolean), true);
  auto text = wrapper("StringValue", make_schema(data::Type::kString), std::string("hi"));
  auto other = wrapper("Money", make_schema(data::Type::kInt64), int64_t{5});
  auto value = StructBuilder()
                   .add("NumberField__c", number.first, number.second)
                   .add("BooleanField__c", flag.first, flag.second)
                   .add("TextField__c", text.first, text.second)
                   .add("LongTextField__c", other.first, other.second)
                   .add("F64__c", number.first, std::monostate{})
                   .build();
  EXPECT_EQ(mapped_text(value),
            R"({"NumberField__c":33.25,"BooleanField__c":true,"TextField__c":"hi",)"
            R"("LongTextField__c":"{\"value\":5}","F64__c":null})");
}

}  // namespace
}  // namespace sfpe::map
