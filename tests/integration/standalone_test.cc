// End-to-end scenarios: the real sfpe-sink binary, the fixture programs, real TCP and HTTP.
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "salesforce_emulator/emulator.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

TEST(StandaloneTest, PublishesExactEventsInPartitionOrderAndCommitsEveryOffset) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  const int per_partition = 150;
  s.produce(records_for(3, per_partition), schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  ASSERT_TRUE(s.wait_for_events(3 * per_partition, 60s)) << sink->stderr_text();
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(30s));
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 3u * per_partition) << "each record exactly once";
  for (int p = 0; p < 3; ++p) {
    auto got = of_partition(events, p);
    ASSERT_EQ(got.size(), static_cast<size_t>(per_partition));
    for (int i = 0; i < per_partition; ++i) {
      EXPECT_EQ(got[i], expected_event(p, i)) << "partition " << p << " record " << i;
    }
  }
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{per_partition, per_partition, per_partition}));
  // Batches: 450 events must not cost 450 requests (the original connector's way).
  int collections = s.stats()["requests"].value("collections", 0);
  EXPECT_GE(collections, 3);
  EXPECT_LE(collections, 60) << "events are sent in batches of up to 200";
  EXPECT_EQ(s.stats()["requests"].value("sobject", 0), 0);
  // A clean stop says what happened.
  EXPECT_NE(sink->stderr_text().find("summary: consumed 450, published 450, dead-lettered 0, skipped 0, failed 0, uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();
}

TEST(StandaloneTest, ExactFieldFormatsForDatesTimestampsAndDroppedFields) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  nlohmann::json record = source_record(0, 0);
  record["TextField__c"] = "This is a Text field";
  record["NumberField__c"] = 33.0;
  record["BooleanField__c"] = true;
  record["DateField__c"] = 17980;                  // 2019-03-25
  record["DateTimeField__c"] = 1553542991336;      // 2019-03-25T19:43:11.336Z
  nlohmann::json before_epoch = record;
  before_epoch["TextField__c"] = "before 1970";
  before_epoch["DateField__c"] = -1;               // 1969-12-31
  before_epoch["DateTimeField__c"] = -1;           // 1969-12-31T23:59:59.999Z
  s.produce({{0, record}, {0, before_epoch}}, schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  ASSERT_TRUE(s.wait_for_events(2, 60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0);

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], nlohmann::json::parse(R"({"TextField__c":"This is a Text field",
      "NumberField__c":33.0,"BooleanField__c":true,"DateField__c":"2019-03-25",
      "DateTimeField__c":"2019-03-25T19:43:11.336Z"})"));
  EXPECT_EQ(events[1]["DateField__c"], "1969-12-31");
  EXPECT_EQ(events[1]["DateTimeField__c"], "1969-12-31T23:59:59.999Z");
}

TEST(StandaloneTest, KillNineMidStreamThenRestartLosesNothing) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  const int per_partition = 400;
  s.produce(records_for(3, per_partition), schema_id);
  // Slow Salesforce down so that the kill lands mid-stream.
  ASSERT_TRUE(s.salesforce().set_faults({{"latency_ms", 150}}).ok());

  auto worker = s.write_worker();
  auto connector = s.write_connector();
  auto first = s.start_sink(worker, connector);
  ASSERT_TRUE(s.wait_for_events(300, 60s)) << first->stderr_text();
  first->send_signal(SIGKILL);
  ASSERT_EQ(first->wait(10s), 128 + SIGKILL);
  size_t before_restart = s.event_fields().size();
  ASSERT_LT(before_restart, 3u * per_partition) << "the kill must land mid-stream";

  // Whatever was committed had been accepted by Salesforce.
  auto committed = s.committed_offsets();
  auto events = s.event_fields();
  for (int p = 0; p < 3; ++p) {
    int64_t accepted = static_cast<int64_t>(of_partition(events, p).size());
    EXPECT_LE(std::max<int64_t>(committed[p], 0), accepted) << "partition " << p;
  }

  ASSERT_TRUE(s.salesforce().set_faults(nlohmann::json::object()).ok());
  auto second = s.start_sink(worker, connector);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << second->stderr_text();
  second->send_signal(SIGTERM);
  ASSERT_EQ(second->wait(30s), 0) << second->stderr_text();

  // Nothing is lost, and the only records Salesforce has twice are ones the first run had
  // published past its last commit: below a committed position every record is there once.
  events = s.event_fields();
  std::map<std::string, int> times;
  for (const auto& e : events) ++times[e.at("TextField__c").get<std::string>()];
  ASSERT_EQ(times.size(), 3u * per_partition);
  size_t duplicates = 0;
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < per_partition; ++i) {
      int n = times[fmt::format("p{}-r{}", p, i)];
      EXPECT_GE(n, 1) << "lost p" << p << " r" << i;
      EXPECT_LE(n, 2) << "p" << p << " r" << i;
      if (i < committed[p]) {
        EXPECT_EQ(n, 1) << "p" << p << " r" << i << " is below the commit";
      }
      if (n == 2) ++duplicates;
    }
  }
  // How many come twice depends on how far the first run got past its last commit (requests
  // the emulator was still answering when the kill landed count too), so only its sum is exact.
  EXPECT_EQ(events.size(), 3u * per_partition + duplicates);
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{per_partition, per_partition, per_partition}));
}

TEST(StandaloneTest, RejectedRecordFailsTheTaskAndItsOffsetIsNeverCommitted) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  std::vector<std::pair<int, nlohmann::json>> first, second;
  for (int i = 0; i < 3; ++i) first.emplace_back(0, source_record(0, i));
  for (int i = 3; i < 5; ++i) second.emplace_back(0, source_record(0, i));
  second[0].second["TextField__c"] = "p0-r3 is now too long";
  s.produce(first, schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  ASSERT_TRUE(s.wait_for_events(3, 60s)) << sink->stderr_text();
  ASSERT_TRUE(s.salesforce().set_event_definitions(event_with_short_text_field()).ok());
  s.produce(second, schema_id);
  // request.max.retries.time.ms stays at its default (15 minutes): a permanent error is never
  // retried, so the task reaches its error path within seconds.
  const auto rejected_at = std::chrono::steady_clock::now();
  auto code = sink->wait(60s);
  EXPECT_LT(std::chrono::steady_clock::now() - rejected_at, 15s);
  ASSERT_TRUE(code.has_value()) << "a task failure stops the worker";
  EXPECT_EQ(*code, 1);
  std::string log = sink->stderr_text();
  EXPECT_NE(log.find(fmt::format("topic {} partition 0 offset 3", s.topic())), std::string::npos)
      << log;
  EXPECT_NE(log.find("STRING_TOO_LONG"), std::string::npos) << log;
  // Offsets 0..2 were accepted and committed; 3 failed, so the position stops there.
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{3}));
  // Offset 4 may have been accepted in the same request as 3; it is republished after a restart
  // (at least once).
  auto events = s.event_fields();
  ASSERT_GE(events.size(), 3u);
  ASSERT_LE(events.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(events[i], expected_event(0, i));
  for (const auto& e : events) EXPECT_NE(e["TextField__c"], "p0-r3 is now too long");
}

TEST(StandaloneTest, ValueLongerThanTheDescribedFieldFailsBeforeAnyApiCall) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  std::vector<std::pair<int, nlohmann::json>> records;
  for (int i = 0; i < 3; ++i) records.emplace_back(0, source_record(0, i));
  records[1].second["TextField__c"] = std::string(256, 'x');  // TextField__c is Text(255)
  s.produce(records, schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(sink->stderr_text().find(fmt::format(
                "topic {} partition 0 offset 1 field TextField__c: 256 characters (UTF-16 code "
                "units) are more than the 255 that Text field TextField__c holds",
                s.topic())),
            std::string::npos)
      << sink->stderr_text();
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{1}));
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], expected_event(0, 0));
  // One publish request, for offset 0: the long value never reached Salesforce.
  EXPECT_EQ(s.stats()["requests"].value("collections", 0) + s.stats()["requests"].value("sobject", 0),
            1);
}

TEST(StandaloneTest, BehaviorOnApiErrorsLogSkipsTheRejectedRecord) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  std::vector<std::pair<int, nlohmann::json>> second;
  for (int i = 1; i < 5; ++i) second.emplace_back(0, source_record(0, i));
  second[0].second["TextField__c"] = "p0-r1 is now too long";
  s.produce({{0, source_record(0, 0)}}, schema_id);

  auto sink = s.start_sink(s.write_worker(), s.write_connector({{"behavior.on.api.errors", "log"}}));
  ASSERT_TRUE(s.wait_for_events(1, 60s)) << sink->stderr_text();
  ASSERT_TRUE(s.salesforce().set_event_definitions(event_with_short_text_field()).ok());
  s.produce(second, schema_id);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0);
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0], expected_event(0, 0));
  EXPECT_EQ(events[1], expected_event(0, 2));
  EXPECT_NE(sink->stderr_text().find("STRING_TOO_LONG"), std::string::npos);
  EXPECT_NE(sink->stderr_text().find("skipped (behavior.on.api.errors=log)"), std::string::npos);
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{5}));
}

TEST(StandaloneTest, ExpiringTokensAndServerErrorsLoseNothing) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 300), schema_id);
  ASSERT_TRUE(s.salesforce().set_faults({{"expire_token_every", 2}, {"fail_next", 2}}).ok());

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  std::set<std::string> seen;
  for (const auto& e : events) seen.insert(e.at("TextField__c").get<std::string>());
  EXPECT_EQ(seen.size(), 600u);
  EXPECT_EQ(events.size(), 600u) << "a refused request is resent, never duplicated";
  EXPECT_GE(s.stats().value("tokens_issued", 0), 2);
}

TEST(StandaloneTest, UndecodableRecordUnderToleranceAllIsSkippedAndCommitted) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  s.produce_raw(0, std::string(R"({"TextField__c":"schemaless"})"));  // no magic byte
  s.produce({{0, source_record(0, 2)}}, schema_id);

  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"errors.tolerance", "all"},
                                              {"errors.log.enable", "true"},
                                              {"errors.log.include.messages", "true"}}));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0);
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], expected_event(0, 2));
  std::string log = sink->stderr_text();
  EXPECT_NE(log.find(fmt::format("Executing stage 'VALUE_CONVERTER'")), std::string::npos) << log;
  EXPECT_NE(log.find(fmt::format("topic='{}', partition=0, offset=1", s.topic())),
            std::string::npos)
      << log;
}

TEST(StandaloneTest, UndecodableRecordUnderToleranceNoneFailsNamingTheRecord) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  s.produce_raw(0, std::string(R"({"TextField__c":"schemaless"})"));

  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  std::string log = sink->stderr_text();
  EXPECT_NE(log.find(fmt::format("topic {} partition 0 offset 1", s.topic())), std::string::npos)
      << log;
  // The record before it was still published and committed; the bad one was not.
  EXPECT_EQ(s.committed_offsets(), (std::vector<int64_t>{1}));
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], expected_event(0, 0));
}

TEST(StandaloneTest, MissingEventStopsAtStartUpNamingIt) {
  Scenario s(1);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.platform.event.name", "Missing__e"}}));
  auto code = sink->wait(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(sink->stderr_text().find("Missing__e"), std::string::npos) << sink->stderr_text();
}

TEST(StandaloneTest, WrongPasswordStopsAtStartUpWithSalesforcesTextAndNoSecret) {
  Scenario s(1);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.password", "Wr0ngPassw0rd!"}}));
  auto code = sink->wait(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("invalid_grant"), std::string::npos) << log;
  EXPECT_NE(log.find("authentication failure"), std::string::npos) << log;
  EXPECT_EQ(log.find("Wr0ngPassw0rd!"), std::string::npos) << "the password leaked";
}

TEST(StandaloneTest, SecretsNeverAppearInLogsEvenAtDebug) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 0)}}, schema_id);
  auto sink = s.start_sink(s.write_worker({{"log.level", "DEBUG"}}), s.write_connector());
  ASSERT_TRUE(s.wait_for_events(1, 60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0);
  std::string log = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(log.find("DEBUG"), std::string::npos) << "DEBUG lines are expected";
  EXPECT_NE(log.find("composite/sobjects"), std::string::npos) << "DEBUG shows each request";
  const testing::EmulatorConfig creds;
  for (const std::string& secret : {creds.consumer_secret, creds.password, creds.security_token}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked:\n" << log;
  }
  EXPECT_EQ(log.find("Bearer "), std::string::npos) << "a token leaked";
  EXPECT_NE(log.find("[hidden]"), std::string::npos) << "secrets are shown masked";
  // Every log line names the worker, the connector or the connector's task.
  std::istringstream lines(sink->stderr_text());
  std::string line;
  while (std::getline(lines, line)) {
    bool tagged = line.find("[worker]") != std::string::npos ||
                  line.find("[" + s.connector()) != std::string::npos;
    EXPECT_TRUE(tagged) << line;
  }
}

TEST(CommandLineTest, ValidateListsEveryProblemAtOnceWithoutSecrets) {
  Scenario s(1);
  auto path = s.write_connector({{"salesforce.platform.event.name", "Orders"},
                                 {"tasks.max", "zero"},
                                 {"salesforce.password", "S3cretValue"},
                                 {"confluent.license", "LICENSE-KEY-0123456789"},
                                 {"some.unknown.key", "x"}});
  auto run = s.run_sink_command({"validate", path});
  EXPECT_EQ(run->wait(0ms), 1);
  std::string out = run->stdout_text() + run->stderr_text();
  // confluent.license is accepted and ignored (confluent-connector.md §3.9): neither an error
  // nor a warning, whatever its value.
  EXPECT_EQ(out.find("confluent.license"), std::string::npos) << out;
  EXPECT_NE(out.find("salesforce.platform.event.name"), std::string::npos) << out;
  EXPECT_NE(out.find("__e"), std::string::npos) << out;
  EXPECT_NE(out.find("tasks.max"), std::string::npos) << out;
  EXPECT_NE(out.find("some.unknown.key"), std::string::npos) << "unknown keys warn: " << out;
  EXPECT_EQ(out.find("S3cretValue"), std::string::npos) << out;

  // A connector with a license key set (and the licensing cluster's settings) validates
  // without a single warning.
  auto good_path = s.write_connector({{"confluent.license", "LICENSE-KEY-0123456789"}});
  auto good = s.run_sink_command({"validate", good_path});
  EXPECT_EQ(good->wait(0ms), 0) << good->stdout_text();
  EXPECT_EQ(good->stdout_text(),
            fmt::format("{}: connector {} is valid (0 warning(s))\n", good_path, s.connector()));
  EXPECT_EQ(good->stderr_text(), "");
}

TEST(CommandLineTest, StandaloneWithBadConfigurationExitsNonZeroWithinSeconds) {
  Scenario s(1);
  auto started = std::chrono::steady_clock::now();
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.platform.event.name", "Orders"}}));
  auto code = sink->wait(20s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2) << "a bad configuration exits 2 (commands.h)";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
  EXPECT_NE(sink->stderr_text().find("salesforce.platform.event.name"), std::string::npos);
}

TEST(CommandLineTest, ConnectorAsConnectJson) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce({{0, source_record(0, 7)}}, schema_id);
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [k, v] : s.connector_properties()) config[k] = v;
  config["tasks.max"] = 1;  // Connect JSON may carry numbers
  nlohmann::json body = {{"name", s.connector()}, {"config", config}};
  auto path = s.dir() / "connector.json";
  std::ofstream(path) << body.dump(2);
  auto sink = s.start_sink(s.write_worker(), path.string());
  ASSERT_TRUE(s.wait_for_events(1, 60s)) << sink->stderr_text();
  sink->send_signal(SIGINT);
  ASSERT_EQ(sink->wait(30s), 0);
  EXPECT_EQ(s.event_fields().at(0), expected_event(0, 7));
}

TEST(CommandLineTest, VersionAndHelp) {
  Scenario s(1);
  auto version = s.run_sink_command({"--version"});
  EXPECT_EQ(version->wait(0ms), 0);
  EXPECT_EQ(version->stdout_text().rfind("sfpe-sink ", 0), 0u) << version->stdout_text();
  auto help = s.run_sink_command({"--help"});
  EXPECT_EQ(help->wait(0ms), 0);
  for (const char* word : {"standalone", "validate", "demo"}) {
    EXPECT_NE(help->stdout_text().find(word), std::string::npos) << word;
  }
}

// Waits until each of the connector's `tasks` tasks logged an assignment: the group has then
// settled with all of them (they start together, so they join one generation).
void await_every_task_assigned(testing::ChildProcess& sink, const std::string& connector,
                               int tasks, int run = 1) {
  for (int t = 0; t < tasks; ++t) {
    const std::string line = fmt::format("[{}-{}] partitions assigned: [", connector, t);
    ASSERT_TRUE(sink.wait_for_output(line, 60s)) << "task " << t << " never assigned; run " << run
                                                 << "\n" << sink.stderr_text();
  }
}

TEST(CommandLineTest, TasksMaxThreeShareTheGroupAndPublishEverything) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  auto sink = s.start_sink(s.write_worker(), s.write_connector({{"tasks.max", "3"}}));
  // The records come once the group has settled: a rebalance while records are in flight may
  // publish some twice (at least once), and this test asserts exactly once.
  await_every_task_assigned(*sink, s.connector(), 3);
  s.produce(records_for(3, 100), schema_id);
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  const std::string log = sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 300u) << log;
  for (int p = 0; p < 3; ++p) {
    auto got = of_partition(events, p);
    ASSERT_EQ(got.size(), 100u) << log;
    for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i], expected_event(p, i));
  }
  for (int t = 0; t < 3; ++t) {
    EXPECT_NE(log.find(fmt::format("[{}-{}] task started", s.connector(), t)), std::string::npos);
  }
}

TEST(CommandLineTest, CleanStopWithThreeTasksCommitsEverythingAndARestartRepublishesNothing) {
  // tasks.max=3 over six partitions, offsets committed only at the stop: the tasks must not
  // leave the group before all of them have committed (kafka-connect.md §1.2).
  Scenario s(6);
  int32_t schema_id = s.register_schema();
  const std::string worker = s.write_worker({{"offset.flush.interval.ms", "600000"}});
  const std::string connector = s.write_connector({{"tasks.max", "3"}});
  auto sink = s.start_sink(worker, connector);
  await_every_task_assigned(*sink, s.connector(), 3);
  s.produce(records_for(6, 50), schema_id);
  ASSERT_TRUE(s.wait_for_events(300, 60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  EXPECT_EQ(s.committed_offsets(), s.end_offsets()) << sink->stderr_text();
  EXPECT_EQ(s.committed_offsets(), std::vector<int64_t>(6, 50));
  EXPECT_NE(sink->stderr_text().find("summary: consumed 300, published 300, dead-lettered 0, "
                                     "skipped 0, failed 0, uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();

  // A restart reads on from the commits: one new record a partition, and nothing old again.
  auto again = s.start_sink(worker, connector);
  await_every_task_assigned(*again, s.connector(), 3, 2);
  std::vector<std::pair<int, nlohmann::json>> more;
  for (int p = 0; p < 6; ++p) more.emplace_back(p, source_record(p, 50));
  s.produce(more, schema_id);
  ASSERT_TRUE(s.wait_for_events(306, 60s)) << again->stderr_text();
  again->send_signal(SIGTERM);
  ASSERT_EQ(again->wait(30s), 0) << again->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 306u) << again->stderr_text();
  for (int p = 0; p < 6; ++p) {
    auto got = of_partition(events, p);
    ASSERT_EQ(got.size(), 51u) << "partition " << p;
    EXPECT_EQ(got.back(), expected_event(p, 50)) << "partition " << p;
  }
  EXPECT_EQ(s.committed_offsets(), std::vector<int64_t>(6, 51));
}

TEST(KafkaSideTest, TopicsRegexSubscribes) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 10), schema_id);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"topics", ""}, {"topics.regex", s.topic()}}));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0);
  EXPECT_EQ(s.event_fields().size(), 20u);
}

TEST(KafkaSideTest, ConsumerOverridesReachLibrdkafka) {
  Scenario s(1);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"consumer.override.fetch.wait.max.ms", "soon"}}));
  auto code = sink->wait(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(sink->stderr_text().find("fetch.wait.max.ms"), std::string::npos)
      << sink->stderr_text();
}

TEST(KafkaSideTest, WorkerSecuritySettingsReachTheConsumer) {
  Scenario s(1);
  auto sink = s.start_sink(s.write_worker({{"security.protocol", "SSL"},
                                           {"ssl.ca.location", "/nonexistent/ca.pem"}}),
                           s.write_connector());
  auto code = sink->wait(30s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(sink->stderr_text().find("ssl.ca.location"), std::string::npos)
      << sink->stderr_text();
}

}  // namespace
}  // namespace sfpe::itest
