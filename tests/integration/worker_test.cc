// The standalone worker as an operator meets it: exit codes, the shutdown grace period,
// offset.flush.timeout.ms, several connectors in one process, and `sfpe-sink demo`.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lib/kafka_client.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The log lines of `text` that contain every one of `parts`.
std::vector<std::string> lines_with(const std::string& text,
                                    const std::vector<std::string>& parts) {
  std::vector<std::string> found;
  for (const auto& line : lines_of(text)) {
    bool all = true;
    for (const auto& part : parts) all = all && line.find(part) != std::string::npos;
    if (all) found.push_back(line);
  }
  return found;
}

// Under errors.tolerance=all, dead letters go to <connector>-dlq on the cluster at `bootstrap`.
std::map<std::string, std::string> dead_letters_to(const Scenario& s,
                                                   const std::string& bootstrap) {
  return {{"errors.tolerance", "all"},
          {"errors.deadletterqueue.topic.name", s.dlq_topic()},
          {"errors.deadletterqueue.topic.replication.factor", "1"},
          {"producer.override.bootstrap.servers", bootstrap},
          {"admin.override.bootstrap.servers", bootstrap}};
}

// commands.h: a bad configuration exits 2, whether the validation rules find it before anything
// starts or start-up finds it (the converter and its Schema Registry client); the message names
// what is wrong.
TEST(ExitCodeTest, EveryKindOfBadConfigurationExitsTwo) {
  Scenario s(1);
  const std::string missing = (s.dir() / "no-such-file.properties").string();
  struct Case {
    std::string what;
    std::function<std::pair<std::string, std::string>()> files;  // worker, connector; written
                                                                 // when the case runs
    std::string named;                                           // the output names this
  };
  const std::vector<Case> cases = {
      {"missing worker file", [&] { return std::pair(missing, s.write_connector()); }, missing},
      {"invalid worker property",
       [&] {
         return std::pair(s.write_worker({{"offset.flush.interval.ms", "-1"}}),
                          s.write_connector());
       },
       "offset.flush.interval.ms"},
      {"missing connector file", [&] { return std::pair(s.write_worker(), missing); }, missing},
      {"invalid connector property",
       [&] {
         return std::pair(s.write_worker(),
                          s.write_connector({{"salesforce.platform.event.name", "Orders"}}));
       },
       "salesforce.platform.event.name"},
      {"Avro converter without a Schema Registry URL",
       [&] {
         return std::pair(s.write_worker(),
                          s.write_connector({{"value.converter",
                                              "io.confluent.connect.avro.AvroConverter"}}));
       },
       "cannot start: schema.registry.url is required"},
      {"unknown converter class",
       [&] {
         return std::pair(s.write_worker(),
                          s.write_connector({{"value.converter", "com.example.NoSuchConverter"},
                                             {"value.converter.schema.registry.url",
                                              s.registry_url()}}));
       },
       "cannot start: value.converter: unknown converter class \"com.example.NoSuchConverter\""},
  };
  for (const auto& c : cases) {
    auto [worker, connector] = c.files();
    auto sink = s.start_sink(worker, connector);
    auto code = sink->wait(30s);
    ASSERT_TRUE(code.has_value()) << c.what << ": still running\n" << sink->stderr_text();
    EXPECT_EQ(*code, 2) << c.what << "\n" << sink->stderr_text();
    EXPECT_NE(sink->stderr_text().find(c.named), std::string::npos)
        << c.what << ": the output does not name " << c.named << "\n" << sink->stderr_text();
  }
  EXPECT_EQ(s.stats().value("events_accepted", 0), 0);
}

// task.shutdown.graceful.timeout.ms: with Salesforce hanging on a publish request, a stop does
// not wait for the request (120 s) but exits 1 once the grace period is over, committing nothing
// of the batch in flight (standalone.cc; docs/architecture.md, Stopping).
TEST(ShutdownTest, HungSalesforceEndsTheStopAtTheGracePeriodWithExitCodeOne) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  ASSERT_TRUE(s.salesforce().set_faults({{"latency_ms", 600000}}).ok());
  auto sink = s.start_sink(s.write_worker({{"task.shutdown.graceful.timeout.ms", "2000"}}),
                           s.write_connector());
  ASSERT_TRUE(testing::eventually(
      [&] { return s.stats()["requests"].value("collections", 0) >= 1; }, 60s, 50ms))
      << "no publish request reached Salesforce\n" << sink->stderr_text();

  auto stopped_at = std::chrono::steady_clock::now();
  sink->send_signal(SIGTERM);
  auto code = sink->wait(60s);
  auto took = std::chrono::steady_clock::now() - stopped_at;
  ASSERT_TRUE(code.has_value()) << "still running after the grace period\n" << sink->stderr_text();
  EXPECT_EQ(*code, 1) << sink->stderr_text();
  EXPECT_GE(took, 2s) << "the grace period was not given";
  const std::string log = sink->stderr_text();
  EXPECT_EQ(lines_with(log, {"[worker]", "tasks did not stop within "
                                         "task.shutdown.graceful.timeout.ms=2000 ms; exiting "
                                         "without committing their in-flight records"})
                .size(),
            1u)
      << log;
  EXPECT_TRUE(lines_with(log, {"summary:"}).empty()) << "the process ended before the summary";
  // The stop committed what was settled at once (docs/architecture.md, Stopping): nothing past
  // the record in flight.
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{0}));
  EXPECT_EQ(s.stats().value("events_accepted", 0), 0);
}

// offset.flush.timeout.ms bounds how long a commit waits for dead letter queue writes to be
// acknowledged: on a slow DLQ cluster (every response 1 s late) a 300 ms bound gives up, says
// so, and leaves the dead-lettered offset for a later commit; nothing is committed past it until
// the write is acknowledged, and in the end everything is.
TEST(OffsetFlushTimeoutTest, CommitStopsWaitingForSlowDeadLetterWritesAfterTheTimeout) {
  Scenario s(1);
  auto slow = testing::KafkaClusterFixture::start(bin_dir(), {s.dlq_topic() + ":1"},
                                                  {"--rtt-ms", "1000"});
  ASSERT_TRUE(slow.ok()) << slow.error().message;
  if (slow->process == nullptr) GTEST_SKIP() << "an external cluster cannot be slowed down";
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  s.produce_raw(0, std::string("not an Avro record"));
  s.produce({{0, source_record(0, 2)}}, schema_id);

  auto worker = s.write_worker(
      {{"offset.flush.interval.ms", "200"}, {"offset.flush.timeout.ms", "300"}});
  auto connector = s.write_connector(dead_letters_to(s, slow->bootstrap_servers));
  auto sink = s.start_sink(worker, connector);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  const std::string log = sink->stderr_text();
  EXPECT_FALSE(lines_with(log, {"dead letter queue write(s) not acknowledged within "
                                "offset.flush.timeout.ms=300; their offsets wait for the next "
                                "commit"})
                   .empty())
      << log;
  EXPECT_EQ(s.stats().value("events_accepted", 0), 2);
  auto dead = testing::wait_for_topic_records(slow->bootstrap_servers, s.dlq_topic(), 1, 30s);
  ASSERT_TRUE(dead.ok()) << dead.error().message;
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].value, std::optional<std::string>("not an Avro record"));
  EXPECT_FALSE(lines_with(log, {"summary: consumed 3, published 2, dead-lettered 1, skipped 0, "
                                "failed 0, uncommitted 0"})
                   .empty())
      << log;
}

// The same slow DLQ cluster with a bound longer than its delay: the commit waits for the write,
// and no commit gives up.
TEST(OffsetFlushTimeoutTest, ALongEnoughTimeoutWaitsForTheDeadLetterWrite) {
  Scenario s(1);
  auto slow = testing::KafkaClusterFixture::start(bin_dir(), {s.dlq_topic() + ":1"},
                                                  {"--rtt-ms", "1000"});
  ASSERT_TRUE(slow.ok()) << slow.error().message;
  if (slow->process == nullptr) GTEST_SKIP() << "an external cluster cannot be slowed down";
  int32_t schema_id = s.register_schema();
  s.produce_raw(0, std::string("not an Avro record"));
  s.produce({{0, source_record(0, 1)}}, schema_id);

  auto worker = s.write_worker(
      {{"offset.flush.interval.ms", "200"}, {"offset.flush.timeout.ms", "60000"}});
  auto connector = s.write_connector(dead_letters_to(s, slow->bootstrap_servers));
  auto sink = s.start_sink(worker, connector);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  const std::string log = sink->stderr_text();
  EXPECT_TRUE(lines_with(log, {"not acknowledged within offset.flush.timeout.ms"}).empty()) << log;
  EXPECT_FALSE(lines_with(log, {"summary: consumed 2, published 1, dead-lettered 1, skipped 0, "
                                "failed 0, uncommitted 0"})
                   .empty())
      << log;
}

// Two connectors in one standalone process, both on one topic: each is its own consumer group
// (connect-<name>, kafka-connect.md), so each publishes every record and commits its own offsets.
TEST(StandaloneWorkerTest, TwoConnectorsInOneProcessEachPublishEveryRecordInItsOwnGroup) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 50), schema_id);
  const std::string second = s.connector() + "-b";
  auto first_path = s.write_connector();
  auto second_path = (s.dir() / "second-connector.properties").string();
  {
    auto properties = s.connector_properties();
    properties["name"] = second;
    std::ofstream out(second_path);
    for (const auto& [k, v] : properties) out << k << "=" << v << "\n";
  }
  auto sink = s.start_sink(s.write_worker(), std::vector<std::string>{first_path, second_path});
  const auto ends = s.end_offsets();
  ASSERT_EQ(ends, (std::vector<int64_t>{50, 50}));
  ASSERT_TRUE(testing::eventually(
      [&] {
        return s.committed_offsets() == ends && s.committed_offsets_of(second) == ends;
      },
      90s, 100ms))
      << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 200u) << "each of the 100 records once per connector";
  std::map<std::string, int> times;
  for (const auto& e : events) ++times[e.at("TextField__c").get<std::string>()];
  ASSERT_EQ(times.size(), 100u);
  for (const auto& [text, n] : times) EXPECT_EQ(n, 2) << text;
  // Each partition's events keep their order within each connector's stream: the k-th
  // occurrence of p<p>-r<i> comes in offset order.
  for (int p = 0; p < 2; ++p) {
    std::map<std::string, int> seen;
    std::vector<int> next(2, 0);
    for (const auto& e : of_partition(events, p)) {
      int occurrence = seen[e.at("TextField__c").get<std::string>()]++;
      ASSERT_LT(occurrence, 2);
      EXPECT_EQ(e, expected_event(p, next[occurrence]++)) << "partition " << p;
    }
  }
  const std::string log = sink->stderr_text();
  EXPECT_EQ(lines_with(log, {"[worker]", "starting with 2 connector(s)"}).size(), 1u) << log;
  for (const std::string& name : {s.connector(), second}) {
    EXPECT_EQ(lines_with(log, {"[" + name + "]", "summary: consumed 100, published 100, "
                                                 "dead-lettered 0, skipped 0, failed 0, "
                                                 "uncommitted 0"})
                  .size(),
              1u)
        << name << "\n" << log;
    EXPECT_EQ(lines_with(log, {"[" + name + "-0]", "task started, group connect-" + name + ","})
                  .size(),
              1u)
        << name << "\n" << log;
  }
}

// `sfpe-sink demo` end to end: it starts its own fixtures, publishes its samples, sends the bad
// ones to the dead letter queue, prints its summary and exits 0.
TEST(DemoTest, RunsToTheEndAndPrintsItsSummary) {
  auto log = std::filesystem::path(SFPE_BINARY_DIR) / "itest" / "demo.log";
  std::filesystem::create_directories(log.parent_path());
  auto demo = testing::ChildProcess::spawn(
      {bin_dir() + "/sfpe-sink", "demo", "--records", "300", "--bad-records", "3"}, {},
      log.string());
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  auto code = (*demo)->wait(180s);
  ASSERT_TRUE(code.has_value()) << "the demo did not finish\n" << (*demo)->stdout_text();
  EXPECT_EQ(*code, 0) << (*demo)->stdout_text() << (*demo)->stderr_text();

  const auto lines = lines_of((*demo)->stdout_text());
  const std::set<std::string> all(lines.begin(), lines.end());
  for (const std::string& expected : {
           std::string("Producing 300 Avro records (schema id 1) and 3 bad ones to "
                       "salesforce.confluentevent__e (3 partitions)"),
           std::string("Sink running (1 task(s)); waiting for the consumer group"),
           std::string("  progress:    303 / 303 records settled (300 published, 3 "
                       "dead-lettered, 0 skipped)"),
           std::string("Events Salesforce received (first 5 of 300):"),
           std::string("Dead letter queue sfpe-demo-dlq (3 records, original bytes and "
                       "Connect's error headers):"),
           std::string("Reporter topics: sfpe-demo-success has 300 records, sfpe-demo-error "
                       "has 3"),
           std::string("Summary"),
           std::string("  consumed         303"),
           std::string("  published        300"),
           std::string("  dead-lettered    3"),
           std::string("  skipped          0"),
           std::string("  failed           0"),
           std::string("  uncommitted      0"),
       }) {
    EXPECT_EQ(all.count(expected), 1u) << "missing line: \"" << expected << "\"\n"
                                       << (*demo)->stdout_text();
  }
  // The three dead letters, one of each kind of bad record, each named by its stage.
  EXPECT_EQ(lines_with((*demo)->stdout_text(), {"  from salesforce.confluentevent__e-"}).size(),
            3u);
  EXPECT_EQ(lines_with((*demo)->stdout_text(), {"stage VALUE_CONVERTER"}).size(), 2u);
  EXPECT_EQ(lines_with((*demo)->stdout_text(), {"stage TASK_PUT"}).size(), 1u);
  EXPECT_EQ(lines_with((*demo)->stdout_text(), {"The sink failed"}).size(), 0u);
}

}  // namespace
}  // namespace sfpe::itest
