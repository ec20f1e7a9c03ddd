// Publishing through the Pub/Sub API end to end (salesforce-api.md §3): the real binary with
// salesforce.publish.api=pubsub against the emulator's gRPC side, which decodes every payload
// with the schema it served. The events Salesforce records must be the ones REST would give.
#include <signal.h>

#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

// The emulator records a Pub/Sub event without its null fields (a null union branch carries no
// value), where the REST body says null explicitly.
nlohmann::json without_nulls(nlohmann::json fields) {
  for (auto it = fields.begin(); it != fields.end();) {
    it = it->is_null() ? fields.erase(it) : std::next(it);
  }
  return fields;
}

std::map<std::string, std::string> pubsub(const Scenario& s) {
  return {{"salesforce.publish.api", "pubsub"},
          {"salesforce.pubsub.endpoint", "http://" + s.pubsub_endpoint()}};
}

TEST(PubSubTest, EveryRecordReachesSalesforceThroughPublishStreamInPartitionOrder) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(3, 150), schema_id);
  auto sink = s.start_sink(s.write_worker(), s.write_connector(pubsub(s)));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 450u);
  for (int p = 0; p < 3; ++p) {
    auto got = of_partition(events, p);
    ASSERT_EQ(got.size(), 150u);
    for (int i = 0; i < 150; ++i) EXPECT_EQ(got[i], without_nulls(expected_event(p, i)));
  }
  auto stats = s.stats();
  EXPECT_GE(stats["requests"].value("pubsub_stream_requests", 0), 3);
  EXPECT_EQ(stats.value("pubsub_invalid_payloads", -1), 0);
  // No event went through REST: the daily API requests were the login and start-up checks.
  EXPECT_EQ(stats["requests"].value("collections", 0), 0);
  EXPECT_EQ(stats["requests"].value("sobject", 0), 0);
  EXPECT_NE(sink->stderr_text().find("published 450, dead-lettered 0, skipped 0, failed 0, "
                                     "uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();
}

TEST(PubSubTest, UnavailableDroppedStreamsAndExpiredTokensLoseNothing) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 200), schema_id);
  ASSERT_TRUE(s.salesforce()
                  .set_faults({{"pubsub_unavailable_next", 2},
                               {"pubsub_drop_stream_next", 1},
                               {"pubsub_unauthenticated_next", 1},
                               {"expire_token_every", 7}})
                  .ok());
  auto settings = pubsub(s);
  settings["salesforce.publish.batch.size"] = "50";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  std::set<std::string> texts;
  for (const auto& e : events) texts.insert(e.at("TextField__c").get<std::string>());
  EXPECT_EQ(texts.size(), 400u);
  EXPECT_EQ(events.size(), 400u) << "a refused request is resent, never doubled";
  EXPECT_GE(s.stats().value("tokens_issued", 0), 2);
}

TEST(PubSubTest, PerEventErrorsGoToTheDeadLetterQueue) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, 10), schema_id);
  ASSERT_TRUE(s.salesforce().set_faults({{"pubsub_event_errors_next", 2}}).ok());
  auto settings = pubsub(s);
  settings["errors.tolerance"] = "all";
  settings["errors.deadletterqueue.topic.name"] = s.dlq_topic();
  settings["errors.deadletterqueue.topic.replication.factor"] = "1";
  settings["errors.deadletterqueue.context.headers.enable"] = "true";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  // The first two events failed in their own results; the other eight were published.
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 8u);
  for (int i = 2; i < 10; ++i) EXPECT_EQ(events[i - 2], without_nulls(expected_event(0, i)));
  auto dead = s.read_at_least(s.dlq_topic(), 2, 30s);
  ASSERT_EQ(dead.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    std::map<std::string, std::string> headers;
    for (const auto& h : dead[i].headers) headers[h.name] = h.value.value_or("");
    EXPECT_EQ(headers["__connect.errors.offset"], std::to_string(i));
    EXPECT_EQ(headers["__connect.errors.stage"], "TASK_PUT");
    EXPECT_EQ(headers["__connect.errors.exception.class.name"],
              "org.apache.kafka.connect.errors.ConnectException");
    EXPECT_EQ(headers["__connect.errors.exception.message"].rfind(
                  fmt::format("topic {} partition 0 offset {}: Salesforce rejected the event: "
                              "PUBSUB_PUBLISH ",
                              s.topic(), i),
                  0),
              0u)
        << headers["__connect.errors.exception.message"];
  }
}

TEST(PubSubTest, PublishingUnavailableIsRetriedNotDeadLettered) {
  Scenario s(1);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, 10), schema_id);
  // Events refused "for now" (PLATFORM_EVENT_PUBLISHING_UNAVAILABLE, salesforce-api.md §2.4):
  // under errors.tolerance=all an outage must not drain the topic into the DLQ.
  ASSERT_TRUE(s.salesforce().set_faults({{"pubsub_publishing_unavailable_next", 6}}).ok());
  auto settings = pubsub(s);
  settings["errors.tolerance"] = "all";
  settings["errors.deadletterqueue.topic.name"] = s.dlq_topic();
  settings["errors.deadletterqueue.topic.replication.factor"] = "1";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(settings));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 10u);
  std::set<std::string> texts;
  for (const auto& e : events) texts.insert(e.at("TextField__c").get<std::string>());
  EXPECT_EQ(texts.size(), 10u);
  EXPECT_NE(sink->stderr_text().find("published 10, dead-lettered 0, skipped 0, failed 0, "
                                     "uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();
}

}  // namespace
}  // namespace sfpe::itest
