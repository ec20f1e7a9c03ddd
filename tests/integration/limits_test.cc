// Salesforce limits end to end: an exhausted hourly publishing allocation (per-record
// LIMIT_EXCEEDED) pauses publishing and consumption, loses and dead-letters nothing, and resumes
// when /limits shows room again (salesforce-api.md §2.4, §2.5, §7).
#include <signal.h>

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

TEST(LimitsTest, ExhaustedPublishingAllocationPausesUntilTheNextHourAndLosesNothing) {
  Scenario s(2, R"({"hourly_published_events_max": 60})");
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 50), schema_id);

  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.limits.poll.interval.ms", "1000"}}));
  ASSERT_TRUE(sink->wait_for_output("publishing and consumption are paused", 60s))
      << sink->stderr_text();
  ASSERT_TRUE(sink->wait_for_output("consumption paused while publishing waits", 10s))
      << sink->stderr_text();
  // The allocation let exactly 60 through; nothing past an unpublished record is committed.
  EXPECT_EQ(s.event_fields().size(), 60u);
  auto committed = s.committed_offsets();
  EXPECT_LE(std::max<int64_t>(committed[0], 0) + std::max<int64_t>(committed[1], 0), 60);

  ASSERT_TRUE(s.salesforce().start_new_hour().ok());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  std::set<std::string> texts;
  for (const auto& e : events) texts.insert(e.at("TextField__c").get<std::string>());
  EXPECT_EQ(texts.size(), 100u);
  EXPECT_EQ(events.size(), 100u) << "records refused for the allocation are resent, not doubled";
  const std::string log = sink->stderr_text();
  EXPECT_NE(log.find("publishing resumed"), std::string::npos) << log;
  EXPECT_NE(log.find("consumption resumed"), std::string::npos) << log;
  EXPECT_NE(log.find("published 100, dead-lettered 0, skipped 0, failed 0, uncommitted 0"), std::string::npos) << log;
}

TEST(LimitsTest, WithoutViewSetupTheAllocationIsWaitedForByResendingAndLosesNothing) {
  // A least-privilege integration user: /limits is refused (salesforce-api.md §2.5).
  Scenario s(1, R"({"hourly_published_events_max": 60, "view_setup_and_configuration": false})");
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, 100), schema_id);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.limits.poll.interval.ms", "1000"}}));
  ASSERT_TRUE(sink->wait_for_output("reading /limits failed (INSUFFICIENT_ACCESS: ", 60s))
      << sink->stderr_text();
  ASSERT_TRUE(sink->wait_for_output("(/limits cannot be read)", 30s)) << sink->stderr_text();
  EXPECT_EQ(s.event_fields().size(), 60u);

  ASSERT_TRUE(s.salesforce().start_new_hour().ok());
  // The next resend, at most a 20 s pause later, finds room.
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(90s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 100u) << "records refused for the allocation are resent, not doubled";
  for (int i = 0; i < 100; ++i) EXPECT_EQ(events[i], expected_event(0, i));
  EXPECT_EQ(s.stats()["requests"].value("limits", 0), 1) << "a refused /limits is not asked again";
  EXPECT_NE(sink->stderr_text().find("published 100, dead-lettered 0, skipped 0, failed 0, "
                                     "uncommitted 0"),
            std::string::npos)
      << sink->stderr_text();
}

TEST(LimitsTest, FaultStormLosesNothingAndTheTaskStaysAlive) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(3, 200), schema_id);
  // 503s, dropped connections, records refused for the allocation, and tokens that expire every
  // few requests, all at once (salesforce-api.md §2.4, §4.4).
  ASSERT_TRUE(s.salesforce()
                  .set_faults({{"fail_next", 3},
                               {"fail_status", 503},
                               {"drop_next", 2},
                               {"limit_exceeded_next", 50},
                               {"expire_token_every", 5}})
                  .ok());
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.limits.poll.interval.ms", "1000"}}));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(120s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();

  auto events = s.event_fields();
  std::set<std::string> texts;
  for (const auto& e : events) texts.insert(e.at("TextField__c").get<std::string>());
  EXPECT_EQ(texts.size(), 600u);
  // Refused requests and records are resent; nothing Salesforce accepted is sent again.
  EXPECT_EQ(events.size(), 600u);
  EXPECT_EQ(s.salesforce().set_faults(nlohmann::json::object()).ok(), true);
  EXPECT_NE(sink->stderr_text().find("published 600, dead-lettered 0, skipped 0, failed 0, uncommitted 0"), std::string::npos)
      << sink->stderr_text();
  EXPECT_GE(s.stats().value("tokens_issued", 0), 2);
}

}  // namespace
}  // namespace sfpe::itest
