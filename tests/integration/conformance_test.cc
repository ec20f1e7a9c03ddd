// Conformance: records written by Confluent's own serializers (python3-confluent-kafka's
// JSONSerializer and ProtobufSerializer; Avro by Apache's Avro library in the Confluent framing),
// registered through the fixture registry, read by the real binary with the matching Kafka
// Connect converter, and the exact events Salesforce received. The producer is
// tests/conformance/produce.py; each format writes a full event, an event with only
// TextField__c set, and a tombstone.
#include <signal.h>

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lib/process.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

struct Format {
  const char* name;       // produce.py's FORMAT
  const char* converter;  // value.converter
  const char* full;       // the event Salesforce must receive for the full record
  const char* sparse;     // ... and for the record with only TextField__c set
};

// Runs produce.py with Debian's python3 (the one python3-confluent-kafka is installed for).
void produce_with_confluent_serializers(Scenario& s, const std::string& format) {
  auto producer = testing::ChildProcess::spawn(
      {"/usr/bin/python3", std::string(SFPE_SOURCE_DIR) + "/tests/conformance/produce.py", format,
       s.bootstrap(), s.registry_url(), s.topic(), s.dir().string()});
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  auto code = (*producer)->wait(120s);
  ASSERT_EQ(code, 0) << (*producer)->stdout_text() << (*producer)->stderr_text();
  ASSERT_NE((*producer)->stdout_text().find("PRODUCED=3"), std::string::npos)
      << (*producer)->stdout_text();
}

void expect_conformance(const Format& format) {
  Scenario s(1);
  produce_with_confluent_serializers(s, format.name);
  if (::testing::Test::HasFatalFailure()) return;

  auto sink = s.start_sink(s.write_worker({{"value.converter", format.converter}}),
                           s.write_connector());
  ASSERT_TRUE(s.wait_for_events(2, 60s)) << sink->stderr_text();
  // All three offsets (two events and the ignored tombstone) are accounted for and committed.
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 2u) << sink->stderr_text();
  EXPECT_EQ(events[0], nlohmann::json::parse(format.full));
  EXPECT_EQ(events[1], nlohmann::json::parse(format.sparse));
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{3}));
  EXPECT_NE(sink->stderr_text().find("published 2, dead-lettered 0, skipped 1, failed 0, uncommitted 0"), std::string::npos)
      << sink->stderr_text();
}

TEST(ConformanceTest, AvroFromApacheAvroInTheConfluentFraming) {
  // decimal(12,3) bytes -> exact Number; ["boolean","null"] (null second); date; timestamp-micros
  // truncated to Salesforce's milliseconds; an enum symbol on a Long Text Area field.
  expect_conformance(
      {"avro", "io.confluent.connect.avro.AvroConverter",
       R"({"TextField__c":"This is a Text field","NumberField__c":1234.567,
           "BooleanField__c":true,"DateField__c":"2019-03-25",
           "DateTimeField__c":"2019-03-25T19:43:11.336Z","LongTextField__c":"GOLD"})",
       R"({"TextField__c":"only text","NumberField__c":null,"BooleanField__c":null,
           "DateField__c":null,"DateTimeField__c":null,"LongTextField__c":null})"});
}

TEST(ConformanceTest, JsonSchemaFromConfluentsJsonSerializer) {
  // oneOf [null, T]; a date-time with an offset normalized to UTC; an internal $ref struct on a
  // Long Text Area field as compact JSON text; absent optional properties are null.
  expect_conformance(
      {"json", "io.confluent.connect.json.JsonSchemaConverter",
       R"({"TextField__c":"This is a Text field","NumberField__c":33.25,
           "BooleanField__c":true,"DateField__c":"2019-03-25",
           "DateTimeField__c":"2019-03-25T19:43:11.336Z",
           "LongTextField__c":"{\"city\":\"Oslo\",\"zip\":150}"})",
       R"({"TextField__c":"only text","NumberField__c":null,"BooleanField__c":null,
           "DateField__c":null,"DateTimeField__c":null,"LongTextField__c":null})"});
}

TEST(ConformanceTest, ProtobufFromConfluentsProtobufSerializer) {
  // Well-known types through registry references (Timestamp, DoubleValue), a nested message as
  // JSON text; proto3 absent versus default: the unset bool is false, the unset string "" is no
  // Date, unset messages and wrappers are null.
  expect_conformance(
      {"protobuf", "io.confluent.connect.protobuf.ProtobufConverter",
       R"({"TextField__c":"This is a Text field","NumberField__c":33.25,
           "BooleanField__c":true,"DateField__c":"2019-03-25",
           "DateTimeField__c":"2019-03-25T19:43:11.336Z",
           "LongTextField__c":"{\"city\":\"Oslo\",\"zip\":150}"})",
       R"({"TextField__c":"only text","NumberField__c":null,"BooleanField__c":false,
           "DateField__c":null,"DateTimeField__c":null,"LongTextField__c":null})"});
}

}  // namespace
}  // namespace sfpe::itest
