// Every record accounted for, end to end with the real binary: errors.tolerance, the dead letter
// queue with Kafka Connect's `__connect.errors.*` headers, the error log line, the Connect
// Reporter's result and error topics, and commits that never pass an unaccounted record, even
// across a kill -9. Everything the sink wrote is read back with a Kafka client.
#include <signal.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lib/avro_writer.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;
using Headers = std::vector<kafka::Header>;

constexpr const char* kAvroConverter = "io.confluent.connect.avro.AvroConverter";
constexpr const char* kSinkTask = "org.apache.kafka.connect.sink.SinkTask";
constexpr const char* kDataException = "org.apache.kafka.connect.errors.DataException";
constexpr const char* kConnectException = "org.apache.kafka.connect.errors.ConnectException";

// A value schema without a single __c field.
constexpr const char* kNoCustomFieldsSchema =
    R"({"type":"record","name":"Heartbeat","fields":[{"name":"ReplayId","type":"string"}]})";

std::string avro_value(int32_t schema_id, const nlohmann::json& datum,
                       const std::string& schema = kEventSchema) {
  auto encoded = testing::encode_avro_json_datum(schema, datum);
  if (!encoded.ok()) throw std::runtime_error(encoded.error().message);
  return testing::confluent_frame(schema_id, *encoded);
}

std::optional<std::string> header(const kafka::Record& record, const std::string& name) {
  for (const auto& h : record.headers) {
    if (h.name == name) return h.value;
  }
  throw std::runtime_error("no header " + name);
}

int64_t number_header(const kafka::Record& record, const std::string& name) {
  return std::stoll(header(record, name).value());
}

// The record of `records` at partition/offset.
const kafka::Record& at(const std::vector<kafka::Record>& records, int32_t partition,
                        int64_t offset) {
  for (const auto& r : records) {
    if (r.partition == partition && r.offset == offset) return r;
  }
  throw std::runtime_error(fmt::format("no record at {}/{}", partition, offset));
}

// Dead letters sorted by the source coordinates in their headers.
std::vector<kafka::Record> by_source(std::vector<kafka::Record> records, const char* prefix) {
  auto key = [prefix](const kafka::Record& r) {
    return std::make_pair(number_header(r, fmt::format("{}partition", prefix)),
                          number_header(r, fmt::format("{}offset", prefix)));
  };
  std::stable_sort(records.begin(), records.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
  return records;
}

// Connect's ten context headers (kafka-connect.md §2.4), in its order.
Headers context_headers(const Scenario& s, const kafka::Record& source, const char* stage,
                        const char* class_name, const char* exception_class,
                        const std::string& message) {
  return {
      {"__connect.errors.topic", source.topic},
      {"__connect.errors.partition", std::to_string(source.partition)},
      {"__connect.errors.offset", std::to_string(source.offset)},
      {"__connect.errors.connector.name", s.connector()},
      {"__connect.errors.task.id", "0"},
      {"__connect.errors.stage", stage},
      {"__connect.errors.class.name", class_name},
      {"__connect.errors.exception.class.name", exception_class},
      {"__connect.errors.exception.message", message},
      {"__connect.errors.exception.stacktrace", std::string(exception_class) + ": " + message},
  };
}

bool same_headers(const Headers& a, const Headers& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.name == y.name && x.value == y.value; });
}

std::string describe(const Headers& headers) {
  std::string out;
  for (const auto& h : headers) out += fmt::format("\n  {}={}", h.name, h.value.value_or("(null)"));
  return out;
}

// The DLQ copy of `source`: the original key, value and timestamp, its headers first and then
// exactly Connect's context headers.
void expect_dead_letter(const Scenario& s, const kafka::Record& dead, const kafka::Record& source,
                        const char* stage, const char* class_name, const char* exception_class,
                        const std::string& message_start) {
  SCOPED_TRACE(fmt::format("dead letter of {}/{}", source.partition, source.offset));
  EXPECT_EQ(dead.key, source.key);
  EXPECT_EQ(dead.value, source.value);
  EXPECT_EQ(dead.timestamp_ms, source.timestamp_ms);
  std::string message = header(dead, "__connect.errors.exception.message").value_or("");
  EXPECT_EQ(message.rfind(message_start, 0), 0u) << message;
  Headers expected = source.headers;
  Headers context = context_headers(s, source, stage, class_name, exception_class, message);
  expected.insert(expected.end(), context.begin(), context.end());
  EXPECT_TRUE(same_headers(dead.headers, expected)) << "got" << describe(dead.headers) << "\nwant"
                                        << describe(expected);
}

std::string where(const Scenario& s, int partition, int offset) {
  return fmt::format("topic {} partition {} offset {}: ", s.topic(), partition, offset);
}

Headers input_headers(const kafka::Record& source) {
  return {{"input_record_topic", source.topic},
          {"input_record_partition", std::to_string(source.partition)},
          {"input_record_offset", std::to_string(source.offset)},
          {"input_record_timestamp", std::to_string(source.timestamp_ms)}};
}

std::map<std::string, std::string> dlq_settings(const Scenario& s) {
  return {{"errors.tolerance", "all"},
          {"errors.deadletterqueue.topic.name", s.dlq_topic()},
          {"errors.deadletterqueue.topic.replication.factor", "1"},
          {"errors.deadletterqueue.context.headers.enable", "true"}};
}

TEST(ErrorsTest, MixedStreamUnderToleranceAllEndsInSalesforceTheDeadLetterQueueOrASkip) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  int32_t no_custom_id = s.register_schema(kNoCustomFieldsSchema);
  nlohmann::json too_long = source_record(1, 1);
  too_long["TextField__c"] = std::string(300, 'x');  // the event allows 255

  // Partition 0: good, schemaless JSON (with a key and headers), good, unknown schema id, tombstone,
  // good. Partition 1: good, too long for the event, no __c field, good.
  s.produce({{0, source_record(0, 0)}}, schema_id);
  s.produce_raw(0, std::string(R"({"TextField__c":"schemaless JSON"})"), std::string("k-1"),
                {{"trace-id", std::string("t-1")}, {"empty", std::nullopt}});
  s.produce({{0, source_record(0, 2)}}, schema_id);
  s.produce_raw(0, avro_value(schema_id + 100, source_record(0, 3)));
  s.produce_raw(0, std::nullopt);
  s.produce({{0, source_record(0, 5)}, {1, source_record(1, 0)}}, schema_id);
  s.produce_raw(1, avro_value(schema_id, too_long));
  s.produce_raw(1, avro_value(no_custom_id, {{"ReplayId", "9"}}, kNoCustomFieldsSchema));
  s.produce({{1, source_record(1, 3)}}, schema_id);

  auto settings = dlq_settings(s);
  settings["reporter.bootstrap.servers"] = s.bootstrap();
  settings["reporter.result.topic.replication.factor"] = "1";
  settings["reporter.error.topic.replication.factor"] = "1";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  ASSERT_TRUE(s.wait_for_events(5, 60s)) << sink->stderr_text();
  // Then Salesforce itself refuses one: the event's text field shrinks after the describe.
  ASSERT_TRUE(s.salesforce().set_event_definitions(event_with_short_text_field()).ok());
  nlohmann::json refused = source_record(1, 4);
  refused["TextField__c"] = "p1-r4 is now too long";
  s.produce({{1, refused}, {1, source_record(1, 5)}}, schema_id);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  // Salesforce: the good records only.
  auto events = s.event_fields();
  std::vector<nlohmann::json> expected_p0 = {expected_event(0, 0), expected_event(0, 2),
                                             expected_event(0, 5)};
  std::vector<nlohmann::json> expected_p1 = {expected_event(1, 0), expected_event(1, 3),
                                             expected_event(1, 5)};
  EXPECT_EQ(events.size(), 6u);
  EXPECT_EQ(of_partition(events, 0), expected_p0);
  EXPECT_EQ(of_partition(events, 1), expected_p1);

  // The dead letter queue: the five bad records, byte for byte, with Connect's headers.
  auto source = s.read(s.topic());
  auto dead = by_source(s.read_at_least(s.dlq_topic(), 5, 30s), "__connect.errors.");
  ASSERT_EQ(dead.size(), 5u);
  expect_dead_letter(s, dead[0], at(source, 0, 1), "VALUE_CONVERTER", kAvroConverter,
                     kDataException,
                     where(s, 0, 1) + "unknown magic byte 0x7b: the value is not Schema Registry "
                                      "framed; schemaless JSON and raw bytes are not supported");
  expect_dead_letter(s, dead[1], at(source, 0, 3), "VALUE_CONVERTER", kAvroConverter,
                     kDataException, where(s, 0, 3));
  expect_dead_letter(s, dead[2], at(source, 1, 1), "TASK_PUT", kSinkTask, kDataException,
                     fmt::format("topic {} partition 1 offset 1 field TextField__c: 300 characters", s.topic()));
  expect_dead_letter(s, dead[3], at(source, 1, 2), "TASK_PUT", kSinkTask, kDataException,
                     where(s, 1, 2));
  expect_dead_letter(s, dead[4], at(source, 1, 4), "TASK_PUT", kSinkTask, kConnectException,
                     where(s, 1, 4) + "Salesforce rejected the event: STRING_TOO_LONG");
  EXPECT_EQ(dead[0].key, std::optional<std::string>("k-1"));
  EXPECT_EQ(dead[0].headers[0].name, "trace-id");

  // The reporter: a result record for each accepted one, an error record for each failed one.
  auto results = by_source(s.read_at_least(s.success_topic(), 6, 30s), "input_record_");
  ASSERT_EQ(results.size(), 6u);
  const std::vector<std::pair<int, int>> accepted = {{0, 0}, {0, 2}, {0, 5},
                                                     {1, 0}, {1, 3}, {1, 5}};
  for (size_t i = 0; i < accepted.size(); ++i) {
    const auto& input = at(source, accepted[i].first, accepted[i].second);
    EXPECT_EQ(results[i].key, std::nullopt);
    EXPECT_EQ(results[i].value, R"("Successfully delivered the record to salesforce")");
    EXPECT_TRUE(same_headers(results[i].headers, input_headers(input))) << describe(results[i].headers);
  }
  auto errors = by_source(s.read_at_least(s.error_topic(), 5, 30s), "input_record_");
  ASSERT_EQ(errors.size(), 5u);
  const std::vector<std::tuple<int, int, std::string>> failed = {
      {0, 1, "UNKNOWN_MAGIC_BYTE"}, {0, 3, ""}, {1, 1, "VALUE_TOO_LONG"},
      {1, 2, "NO_PUBLISHABLE_FIELDS"}, {1, 4, "STRING_TOO_LONG"}};
  for (size_t i = 0; i < failed.size(); ++i) {
    const auto& [partition, offset, code] = failed[i];
    const auto& input = at(source, partition, offset);
    EXPECT_TRUE(same_headers(errors[i].headers, input_headers(input))) << describe(errors[i].headers);
    // A JSON string: "<code>: <the message the DLQ header carries>".
    auto text = nlohmann::json::parse(errors[i].value.value()).get<std::string>();
    std::string message = header(dead[i], "__connect.errors.exception.message").value();
    EXPECT_EQ(text.substr(text.find(": ") + 2), message);
    if (!code.empty()) {
      EXPECT_EQ(text.substr(0, text.find(": ")), code);
    }
  }

  // Accounting: 12 consumed = 6 published + 5 dead-lettered + 1 tombstone skipped.
  EXPECT_NE(sink->stderr_text().find("summary: consumed 12, published 6, dead-lettered 5, "
                                     "skipped 1, failed 0, uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{6, 6}));
}

// Salesforce's field limits, found from the describe before any API call (issue 12, item 12): a
// text of 255 characters that is 256 UTF-16 code units (one emoji counts 2), and a date before
// 1700-01-01, are dead-lettered at TASK_PUT, and the emulator (which counts as Salesforce does)
// never receives a publish request for them.
TEST(ErrorsTest, ValuesBeyondSalesforcesFieldLimitsAreDeadLetteredBeforeAnyApiCall) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  nlohmann::json emoji_text = source_record(0, 0);
  emoji_text["TextField__c"] = std::string(254, 'a') + "\xF0\x9F\x98\x80";
  nlohmann::json early_date = source_record(0, 1);
  early_date["DateField__c"] = -98616;  // 1699-12-31, in days since 1970-01-01
  s.produce({{0, emoji_text}, {0, early_date}}, schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector(dlq_settings(s)));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto source = s.read(s.topic());
  auto dead = by_source(s.read_at_least(s.dlq_topic(), 2, 30s), "__connect.errors.");
  ASSERT_EQ(dead.size(), 2u);
  const std::string too_long = fmt::format(
      "topic {} partition 0 offset 0 field TextField__c: 256 characters (UTF-16 code units) are "
      "more than the 255 that Text field TextField__c holds",
      s.topic());
  const std::string too_early = fmt::format(
      "topic {} partition 0 offset 1 field DateField__c: 1699-12-31 is outside 1700-01-01 to "
      "4000-12-31, the dates Date field DateField__c holds",
      s.topic());
  expect_dead_letter(s, dead[0], at(source, 0, 0), "TASK_PUT", kSinkTask, kDataException,
                     too_long);
  expect_dead_letter(s, dead[1], at(source, 0, 1), "TASK_PUT", kSinkTask, kDataException,
                     too_early);
  EXPECT_EQ(header(dead[0], "__connect.errors.exception.message"), too_long);
  EXPECT_EQ(header(dead[1], "__connect.errors.exception.message"), too_early);
  // No publish request reached Salesforce, and nothing was accepted.
  nlohmann::json stats = s.stats();
  EXPECT_EQ(stats["requests"]["collections"], 0) << stats;
  EXPECT_EQ(stats["requests"]["sobject"], 0) << stats;
  EXPECT_EQ(stats["events_accepted"], 0) << stats;
  EXPECT_TRUE(s.event_fields().empty());
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{2}));
}

TEST(ErrorsTest, ToleranceNoneDeadLettersAndLogsTheFailingRecordThenStopsBeforeIt) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  s.produce_raw(0, std::string("not an Avro record"));
  s.produce({{0, source_record(0, 2)}}, schema_id);

  // A DLQ topic nobody created: the sink creates it (or the cluster does on first write).
  const std::string dlq = s.connector() + "-created-dlq";
  auto sink = s.start_sink(
      s.write_worker(),
      s.write_connector({{"errors.deadletterqueue.topic.name", dlq},
                         {"errors.deadletterqueue.topic.replication.factor", "1"},
                         {"errors.deadletterqueue.context.headers.enable", "true"},
                         {"errors.log.enable", "true"},
                         {"errors.log.include.messages", "true"}}));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  std::string log = sink->stderr_text();
  // The log names the record and the cause, Connect's LogReporter line included.
  EXPECT_NE(log.find(fmt::format("Error encountered in task {}-0. Executing stage "
                                 "'VALUE_CONVERTER' with class '{}', where consumed record is "
                                 "{{topic='{}', partition=0, offset=1, timestamp=",
                                 s.connector(), kAvroConverter, s.topic())),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(where(s, 0, 1) + "unknown magic byte 0x6e"), std::string::npos) << log;
  EXPECT_NE(log.find("(stage VALUE_CONVERTER; errors.tolerance=none)"), std::string::npos) << log;
  // Written to the DLQ first, as Connect does, but never committed: a restart meets it again.
  auto dead = s.read_at_least(dlq, 1, 30s);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(header(dead[0], "__connect.errors.offset"), "1");
  EXPECT_EQ(dead[0].value, "not an Avro record");
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{1}));
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], expected_event(0, 0));
  EXPECT_NE(log.find("published 1, dead-lettered 0"), std::string::npos) << log;
  EXPECT_NE(log.find("failed 1"), std::string::npos) << log;
}

// Salesforce refuses p0 offset 1 (its text outgrew the event after the sink described it).
struct RejectionRun {
  std::unique_ptr<testing::ChildProcess> sink;
  std::optional<int> exit_code;
};
RejectionRun run_with_a_rejection(Scenario& s, const std::map<std::string, std::string>& settings) {
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  RejectionRun run;
  run.sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  if (!s.wait_for_events(1, 60s)) throw std::runtime_error(run.sink->stderr_text());
  if (!s.salesforce().set_event_definitions(event_with_short_text_field()).ok()) {
    throw std::runtime_error("definitions");
  }
  nlohmann::json refused = source_record(0, 1);
  refused["TextField__c"] = "p0-r1 is now too long";
  s.produce({{0, refused}, {0, source_record(0, 2)}}, schema_id);
  return run;
}

// behavior.on.api.errors=fail reports through Connect's ErrantRecordReporter, which a sink only
// has with a DLQ or the error log (kafka-connect.md §2.5): without either, errors.tolerance=all
// cannot keep the task alive.
TEST(ErrorsTest, RejectionUnderToleranceAllWithoutDlqOrErrorLogStillFailsTheTask) {
  Scenario s(1);
  auto run = run_with_a_rejection(s, {{"errors.tolerance", "all"}});
  auto code = run.sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  std::string log = run.sink->stderr_text();
  EXPECT_NE(log.find(where(s, 0, 1) + "Salesforce rejected the event: STRING_TOO_LONG"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("(behavior.on.api.errors=fail)"), std::string::npos) << log;
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{1}));
}

TEST(ErrorsTest, RejectionUnderToleranceAllWithTheErrorLogIsLoggedAndSkipped) {
  Scenario s(1);
  auto run = run_with_a_rejection(s, {{"errors.tolerance", "all"}, {"errors.log.enable", "true"}});
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << run.sink->stderr_text();
  run.sink->send_signal(SIGTERM);
  ASSERT_EQ(run.sink->wait(30s), 0);
  std::string log = run.sink->stderr_text();
  EXPECT_NE(log.find(fmt::format("Error encountered in task {}-0. Executing stage 'TASK_PUT' with "
                                 "class 'org.apache.kafka.connect.sink.SinkTask'.\n"
                                 "org.apache.kafka.connect.errors.ConnectException: {}Salesforce "
                                 "rejected the event: STRING_TOO_LONG",
                                 s.connector(), where(s, 0, 1))),
            std::string::npos)
      << log;
  EXPECT_EQ(s.event_fields(), (std::vector<nlohmann::json>{expected_event(0, 0),
                                                           expected_event(0, 2)}));
  EXPECT_NE(log.find("published 2, dead-lettered 0, skipped 1, failed 0, uncommitted 0"),
            std::string::npos)
      << log;
}

// errors.retry.timeout and errors.retry.delay.max.ms cover the converter's transient failures:
// Connect's 300 ms doubling backoff, capped and jittered (kafka-connect.md §2.2).
TEST(ErrorsTest, SchemaRegistryOutageIsRetriedWithinErrorsRetryTimeout) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}, {0, source_record(0, 1)}}, schema_id);
  ASSERT_TRUE(s.registry().fail_next(3).ok());

  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"errors.retry.timeout", "-1"},
                                              {"errors.retry.delay.max.ms", "200"}}));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  EXPECT_EQ(s.event_fields(), (std::vector<nlohmann::json>{expected_event(0, 0),
                                                           expected_event(0, 1)}));
  // Three failed fetches, three waits: 300 ms is over the 200 ms cap, so each is random(0, 200).
  std::string log = sink->stderr_text();
  std::vector<int> waits;
  for (size_t at = log.find("(retrying in "); at != std::string::npos;
       at = log.find("(retrying in ", at + 1)) {
    waits.push_back(std::stoi(log.substr(at + 13)));
  }
  ASSERT_EQ(waits.size(), 3u) << log;
  for (int wait : waits) EXPECT_LE(wait, 200);
  EXPECT_NE(log.find("HTTP 500 (error_code 50001)"), std::string::npos) << log;
}

TEST(ErrorsTest, SchemaRegistryOutagePastTheRetryTimeoutFailsTheTaskAndLosesNothing) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  ASSERT_TRUE(s.registry().fail_next(1000).ok());

  // Even under errors.tolerance=all with a DLQ: an outage is not the record's fault, so the
  // record is neither dead-lettered nor skipped; it stays uncommitted for the next run.
  auto settings = dlq_settings(s);
  settings["errors.retry.timeout"] = "500";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  std::string log = sink->stderr_text();
  EXPECT_NE(log.find(where(s, 0, 0)), std::string::npos) << log;
  EXPECT_NE(log.find("gave up after errors.retry.timeout=500 ms"), std::string::npos) << log;
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{0}));  // position 0: nothing passed
  EXPECT_TRUE(s.read(s.dlq_topic()).empty());
  EXPECT_TRUE(s.event_fields().empty());
}

// The emulator's event with two Long Text Area fields: together they can pass 1 MB.
constexpr const char* kTwoLongFieldsOrg = R"({"events":[{"name":"ConfluentEvent__e","fields":[
    {"name":"TextField__c","type":"string","length":255},
    {"name":"LongTextField__c","type":"textarea","length":131072},
    {"name":"OtherLongText__c","type":"textarea","length":131072}]}]})";
constexpr const char* kTwoLongFieldsSchema = R"({"type":"record","name":"ConfluentEvent__e",
    "fields":[{"name":"TextField__c","type":"string"},
              {"name":"LongTextField__c","type":"string"},
              {"name":"OtherLongText__c","type":"string"}]})";

TEST(ErrorsTest, EventOverTheSizeLimitIsDeadLetteredWithoutAnApiCall) {
  Scenario s(1, kTwoLongFieldsOrg);
  int32_t schema_id = s.register_schema(kTwoLongFieldsSchema);
  // 131072 control characters are 786432 bytes each once escaped in JSON: 1.5 MB together.
  const std::string control(131072, '\x01');
  s.produce_raw(0, avro_value(schema_id, {{"TextField__c", "small"}, {"LongTextField__c", "a"},
                                          {"OtherLongText__c", "b"}}, kTwoLongFieldsSchema));
  s.produce_raw(0, avro_value(schema_id, {{"TextField__c", "huge"}, {"LongTextField__c", control},
                                          {"OtherLongText__c", control}}, kTwoLongFieldsSchema));
  s.produce_raw(0, avro_value(schema_id, {{"TextField__c", "after"}, {"LongTextField__c", "c"},
                                          {"OtherLongText__c", "d"}}, kTwoLongFieldsSchema));

  auto settings = dlq_settings(s);
  // The reporter with a plain-text result and no error topic (a blank name turns it off).
  settings["reporter.bootstrap.servers"] = s.bootstrap();
  settings["reporter.result.topic.value.format"] = "string";
  settings["reporter.error.topic.name"] = " ";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["TextField__c"], "small");
  EXPECT_EQ(events[1]["TextField__c"], "after");
  auto source = s.read(s.topic());
  auto dead = s.read_at_least(s.dlq_topic(), 1, 30s);
  ASSERT_EQ(dead.size(), 1u);
  expect_dead_letter(s, dead[0], at(source, 0, 1), "TASK_PUT", kSinkTask, kDataException,
                     where(s, 0, 1) + "the event is 1572");
  EXPECT_NE(header(dead[0], "__connect.errors.exception.message")
                ->find("over Salesforce's maximum event size of 1048576 bytes"),
            std::string::npos);
  auto results = s.read_at_least(s.success_topic(), 2, 30s);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].value, "Successfully delivered the record to salesforce");
  EXPECT_TRUE(s.read(s.error_topic()).empty());
}

// Partition p, offset o holds a good record unless o % 10 == 7: then bytes under an unknown
// schema id, for the dead letter queue.
bool is_bad(int offset) { return offset % 10 == 7; }

TEST(ErrorsTest, CommitsNeverPassAnUnaccountedRecordAcrossAKillNine) {
  constexpr int kPartitions = 3;
  constexpr int kPerPartition = 400;
  Scenario s(kPartitions);
  int32_t schema_id = s.register_schema();
  std::vector<std::pair<int, std::optional<std::string>>> values;
  for (int o = 0; o < kPerPartition; ++o) {
    for (int p = 0; p < kPartitions; ++p) {
      values.emplace_back(p, avro_value(is_bad(o) ? schema_id + 100 : schema_id, source_record(p, o)));
    }
  }
  s.produce_raw_batch(values);
  // Slow publishing and frequent commits, so the kill lands between commits with work in flight.
  ASSERT_TRUE(s.salesforce().set_faults({{"latency_ms", 250}}).ok());
  auto worker = s.write_worker({{"offset.flush.interval.ms", "50"}});
  auto connector = s.write_connector(dlq_settings(s));

  auto first = s.start_sink(worker, connector);
  auto committed_something = [&] {
    for (int64_t c : s.committed_offsets()) {
      if (c > 0) return true;
    }
    return false;
  };
  ASSERT_TRUE(testing::eventually(committed_something, 60s, 20ms)) << first->stderr_text();
  first->send_signal(SIGKILL);
  ASSERT_EQ(first->wait(30s), 128 + SIGKILL);

  // Every offset below the committed position is in Salesforce or in the DLQ.
  auto committed = s.committed_offsets();
  std::set<std::string> published;
  for (const auto& e : s.event_fields()) published.insert(e.at("TextField__c").get<std::string>());
  std::set<std::pair<int64_t, int64_t>> dead_lettered;
  for (const auto& r : s.read(s.dlq_topic())) {
    dead_lettered.emplace(number_header(r, "__connect.errors.partition"),
                          number_header(r, "__connect.errors.offset"));
  }
  int64_t committed_total = 0;
  for (int p = 0; p < kPartitions; ++p) {
    committed_total += std::max<int64_t>(committed[p], 0);
    for (int o = 0; o < committed[p]; ++o) {
      if (is_bad(o)) {
        EXPECT_TRUE(dead_lettered.count({p, o})) << "committed past " << p << "/" << o;
      } else {
        EXPECT_TRUE(published.count(fmt::format("p{}-r{}", p, o)))
            << "committed past " << p << "/" << o;
      }
    }
  }
  EXPECT_LT(committed_total, kPartitions * kPerPartition) << "the kill came after the end";

  // A restart finishes the job: every record accounted at least once, and all committed.
  ASSERT_TRUE(s.salesforce().set_faults({{"latency_ms", 0}}).ok());
  auto second = s.start_sink(worker, connector);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << second->stderr_text();
  second->send_signal(SIGTERM);
  ASSERT_EQ(second->wait(30s), 0) << second->stderr_text();
  published.clear();
  for (const auto& e : s.event_fields()) published.insert(e.at("TextField__c").get<std::string>());
  dead_lettered.clear();
  for (const auto& r : s.read(s.dlq_topic())) {
    dead_lettered.emplace(number_header(r, "__connect.errors.partition"),
                          number_header(r, "__connect.errors.offset"));
  }
  for (int p = 0; p < kPartitions; ++p) {
    for (int o = 0; o < kPerPartition; ++o) {
      if (is_bad(o)) {
        EXPECT_TRUE(dead_lettered.count({p, o})) << p << "/" << o;
      } else {
        EXPECT_TRUE(published.count(fmt::format("p{}-r{}", p, o))) << p << "/" << o;
      }
    }
  }
  EXPECT_EQ(dead_lettered.size(), static_cast<size_t>(kPartitions * kPerPartition / 10));
}

}  // namespace
}  // namespace sfpe::itest
