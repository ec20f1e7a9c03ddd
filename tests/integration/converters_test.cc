// The converters and the record rules around them, end to end with the real binary: keys are
// never decoded, JsonConverter's envelope is read and its schemaless form refused naming the
// record, and behavior.on.null.values.
#include <signal.h>

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lib/avro_writer.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

// source_record(0, 0) with its TextField__c replaced.
nlohmann::json avro_record(const std::string& text) {
  nlohmann::json record = source_record(0, 0);
  record["TextField__c"] = text;
  return record;
}

TEST(ConvertersTest, KeysAreNeverDecodedSoNoKeyFailsARecord) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, avro_record("no key")}}, schema_id);
  // A key under an unknown schema id, and a key that is not framed at all.
  std::string framed = testing::confluent_frame(
      schema_id, "");  // valid frame header of the value schema's id, empty payload
  s.produce_raw(0, std::nullopt, std::string("plain text key"));  // tombstone with a key
  auto encoded = testing::encode_avro_json_datum(kEventSchema, avro_record("odd keys"));
  ASSERT_TRUE(encoded.ok());
  s.produce_raw(0, testing::confluent_frame(schema_id, *encoded), std::string("\x00\x00\x03\xe7", 4));
  s.produce_raw(0, testing::confluent_frame(schema_id, *encoded), framed);

  auto sink = s.start_sink(
      s.write_worker({{"key.converter", "io.confluent.connect.avro.AvroConverter"},
                      {"key.converter.schema.registry.url", s.registry_url()}}),
      s.write_connector());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 3u) << sink->stderr_text();
  EXPECT_EQ(events[0]["TextField__c"], "no key");
  EXPECT_EQ(events[1]["TextField__c"], "odd keys");
  EXPECT_EQ(events[2]["TextField__c"], "odd keys");
  EXPECT_NE(sink->stderr_text().find("published 3, dead-lettered 0, skipped 1, failed 0, uncommitted 0"), std::string::npos)
      << sink->stderr_text();
}

// Connect's JsonConverter envelope for the emulator's event.
constexpr const char* kEnvelope = R"({"schema":{"type":"struct","optional":false,
  "name":"io.confluent.salesforce.ConfluentEvent__e","fields":[
  {"field":"ReplayId","type":"string","optional":true},
  {"field":"CreatedDate","type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1},
  {"field":"TextField__c","type":"string","optional":true},
  {"field":"NumberField__c","type":"double","optional":true},
  {"field":"BooleanField__c","type":"boolean","optional":true},
  {"field":"DateField__c","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1},
  {"field":"DateTimeField__c","type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1}]},
  "payload":{"ReplayId":"7","CreatedDate":1553542991336,"TextField__c":"from JsonConverter",
  "NumberField__c":2.5,"BooleanField__c":false,"DateField__c":17980,"DateTimeField__c":1553542991336}})";

TEST(ConvertersTest, JsonConverterWithSchemasReadsTheEnvelope) {
  Scenario s(1);
  s.produce_raw(0, std::string(kEnvelope));
  auto sink = s.start_sink(
      s.write_worker({{"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                      {"value.converter.schemas.enable", "true"}}),
      s.write_connector());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], nlohmann::json::parse(R"({"TextField__c":"from JsonConverter",
      "NumberField__c":2.5,"BooleanField__c":false,"DateField__c":"2019-03-25",
      "DateTimeField__c":"2019-03-25T19:43:11.336Z"})"));
}

// JsonConverter carries the schema in every record, so no Schema Registry is configured or
// contacted (kafka-connect.md §4.4).
TEST(ConvertersTest, JsonConverterWithSchemasNeedsNoSchemaRegistry) {
  Scenario s(1);
  s.produce_raw(0, std::string(kEnvelope));
  auto sink = s.start_sink(
      s.write_worker({{"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                      {"value.converter.schemas.enable", "true"},
                      {"value.converter.schema.registry.url", ""}}),  // "" removes the key
      s.write_connector());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  ASSERT_EQ(s.event_fields().size(), 1u);
  EXPECT_EQ(s.event_fields()[0]["TextField__c"], "from JsonConverter");
}

TEST(ConvertersTest, SchemalessJsonIsRefusedNamingTheRecordAndNothingIsCommitted) {
  Scenario s(1);
  s.produce_raw(0, std::string(R"({"TextField__c":"schemaless"})"));
  auto sink = s.start_sink(
      s.write_worker({{"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                      {"value.converter.schemas.enable", "false"}}),
      s.write_connector());
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  std::string log = sink->stderr_text();
  EXPECT_NE(log.find(fmt::format("topic {} partition 0 offset 0", s.topic())), std::string::npos)
      << log;
  EXPECT_NE(log.find("schemaless JSON is not supported"), std::string::npos) << log;
  // The position stays at offset 0: the refused record is never committed past.
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{0}));
  EXPECT_TRUE(s.event_fields().empty());
}

TEST(ConvertersTest, NullValuesFailTheTaskWhenBehaviorOnNullValuesIsFail) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, avro_record("before the tombstone")}}, schema_id);
  s.produce_raw(0, std::nullopt);
  s.produce({{0, avro_record("after the tombstone")}}, schema_id);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"behavior.on.null.values", "fail"}}));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(sink->stderr_text().find(fmt::format(
                "topic {} partition 0 offset 1: the value is null (a tombstone) and "
                "behavior.on.null.values=fail",
                s.topic())),
            std::string::npos)
      << sink->stderr_text();
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{1}));
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["TextField__c"], "before the tombstone");
}

}  // namespace
}  // namespace sfpe::itest
