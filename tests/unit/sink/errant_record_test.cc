// The records and lines the sink writes about failed and accepted records: the dead letter copy
// with Connect's context headers, the LogReporter line, and the Connect Reporter's records.
#include "sink/errant_record.h"

#include <gtest/gtest.h>

#include "sink/report_records.h"

namespace sfpe::sink {
namespace {

kafka::Record source() {
  kafka::Record r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 17;
  r.timestamp_ms = 1700000000123;
  r.timestamp_type = kafka::TimestampType::kCreateTime;
  r.key = std::string("k\0y", 3);
  r.value = std::string("\x00\x00\x00\x00\x07payload", 12);
  r.headers = {{"trace", std::string("abc")}, {"nothing", std::nullopt}};
  return r;
}

ErrantRecord converter_failure() {
  return {Stage::kValueConverter, "io.confluent.connect.avro.AvroConverter", kDataException,
          Error::permanent("SCHEMA_NOT_FOUND",
                           "topic orders partition 2 offset 17: schema 7 not found")};
}

std::vector<std::pair<std::string, std::optional<std::string>>> flat(
    const std::vector<kafka::Header>& headers) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const auto& h : headers) out.emplace_back(h.name, h.value);
  return out;
}

TEST(DeadLetterRecordTest, KeepsTheOriginalBytesHeadersAndTimestampAndAppendsConnectsHeaders) {
  auto out = dead_letter_record("orders-dlq", {"orders-sink", 3}, source(), converter_failure(),
                                /*context_headers=*/true);
  EXPECT_EQ(out.topic, "orders-dlq");
  EXPECT_EQ(out.key, source().key);
  EXPECT_EQ(out.value, source().value);
  EXPECT_EQ(out.timestamp_ms, 1700000000123);
  using H = std::pair<std::string, std::optional<std::string>>;
  const std::string message = "topic orders partition 2 offset 17: schema 7 not found";
  std::vector<H> expected = {
      {"trace", "abc"},
      {"nothing", std::nullopt},
      {"__connect.errors.topic", "orders"},
      {"__connect.errors.partition", "2"},
      {"__connect.errors.offset", "17"},
      {"__connect.errors.connector.name", "orders-sink"},
      {"__connect.errors.task.id", "3"},
      {"__connect.errors.stage", "VALUE_CONVERTER"},
      {"__connect.errors.class.name", "io.confluent.connect.avro.AvroConverter"},
      {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"},
      {"__connect.errors.exception.message", message},
      {"__connect.errors.exception.stacktrace",
       "org.apache.kafka.connect.errors.DataException: " + message},
  };
  EXPECT_EQ(flat(out.headers), expected);
}

TEST(DeadLetterRecordTest, WithoutContextHeadersOnlyTheOriginalHeadersGo) {
  auto out = dead_letter_record("dlq", {"c", 0}, source(), converter_failure(), false);
  EXPECT_EQ(flat(out.headers), flat(source().headers));
}

TEST(DeadLetterRecordTest, NullKeyValueAndMissingTimestampStayThatWay) {
  kafka::Record r = source();
  r.key.reset();
  r.value.reset();
  r.timestamp_ms = -1;
  auto out = dead_letter_record("dlq", {"c", 0}, r, converter_failure(), true);
  EXPECT_EQ(out.key, std::nullopt);
  EXPECT_EQ(out.value, std::nullopt);
  EXPECT_EQ(out.timestamp_ms, -1);  // the producer stamps it, as Connect does for NO_TIMESTAMP
}

TEST(StageTest, NamesAreConnects) {
  EXPECT_STREQ(stage_name(Stage::kKeyConverter), "KEY_CONVERTER");
  EXPECT_STREQ(stage_name(Stage::kValueConverter), "VALUE_CONVERTER");
  EXPECT_STREQ(stage_name(Stage::kHeaderConverter), "HEADER_CONVERTER");
  EXPECT_STREQ(stage_name(Stage::kTransformation), "TRANSFORMATION");
  EXPECT_STREQ(stage_name(Stage::kTaskPut), "TASK_PUT");
}

TEST(ErrorLogLineTest, IsConnectsLogReporterLineWithTheExceptionBelow) {
  EXPECT_EQ(error_log_line({"orders-sink", 1}, source(), converter_failure(), true),
            "Error encountered in task orders-sink-1. Executing stage 'VALUE_CONVERTER' with "
            "class 'io.confluent.connect.avro.AvroConverter', where consumed record is "
            "{topic='orders', partition=2, offset=17, timestamp=1700000000123, "
            "timestampType=CreateTime}.\n"
            "org.apache.kafka.connect.errors.DataException: topic orders partition 2 offset 17: "
            "schema 7 not found");
  ErrantRecord put{Stage::kTaskPut, kSinkTaskClass, kConnectException,
                   Error::permanent("STRING_TOO_LONG", "too long")};
  EXPECT_EQ(error_log_line({"s", 0}, source(), put, false),
            "Error encountered in task s-0. Executing stage 'TASK_PUT' with class "
            "'org.apache.kafka.connect.sink.SinkTask'.\n"
            "org.apache.kafka.connect.errors.ConnectException: too long");
}

TEST(ReportRecordsTest, SuccessRecordIsTheObservedTextWithInputRecordHeaders) {
  auto out = success_report("orders-sink-success", source(), {});
  EXPECT_EQ(out.topic, "orders-sink-success");
  EXPECT_EQ(out.key, std::nullopt);
  EXPECT_EQ(out.value, R"("Successfully delivered the record to salesforce")");
  EXPECT_EQ(out.timestamp_ms, -1);
  using H = std::pair<std::string, std::optional<std::string>>;
  EXPECT_EQ(flat(out.headers), (std::vector<H>{{"input_record_topic", "orders"},
                                               {"input_record_partition", "2"},
                                               {"input_record_offset", "17"},
                                               {"input_record_timestamp", "1700000000123"}}));
}

TEST(ReportRecordsTest, ValueFormats) {
  EXPECT_EQ(encode_report_value("a \"quoted\" text", {true, false}), R"("a \"quoted\" text")");
  EXPECT_EQ(encode_report_value("text", {false, false}), "text");
  EXPECT_EQ(encode_report_value("text", {true, true}),
            R"({"schema":{"type":"string","optional":false},"payload":"text"})");
  // Bytes that are not UTF-8 never make the JSON writer fail.
  EXPECT_EQ(encode_report_value("bad \xff byte", {true, false}), "\"bad \xEF\xBF\xBD byte\"");
}

TEST(ReportRecordsTest, ErrorRecordCarriesTheCodeAndMessage) {
  auto out = error_report("errs", source(), "STRING_TOO_LONG", "TextField__c: data value too large",
                          {false, false});
  EXPECT_EQ(out.value, "STRING_TOO_LONG: TextField__c: data value too large");
  EXPECT_EQ(out.headers.size(), 4u);
  EXPECT_EQ(out.headers[2].name, "input_record_offset");
  EXPECT_EQ(out.headers[2].value, "17");
}

}  // namespace
}  // namespace sfpe::sink
