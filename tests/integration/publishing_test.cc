// How records are grouped into Salesforce requests, end to end: salesforce.publish.batch.size=1
// sends each record in its own POST /sobjects/<Event>__e/ (the original connector's method,
// salesforce-api.md §2.1), and the default batches them into sObject Collections (§2.2).
#include <signal.h>

#include <gtest/gtest.h>

#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

TEST(PublishingTest, BatchSizeOneSendsEachRecordInItsOwnRequest) {
  Scenario s(2);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(2, 15), schema_id);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.publish.batch.size", "1"}}));
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 30u);
  for (int p = 0; p < 2; ++p) {
    auto got = of_partition(events, p);
    ASSERT_EQ(got.size(), 15u);
    for (int i = 0; i < 15; ++i) EXPECT_EQ(got[i], expected_event(p, i));
  }
  auto requests = s.stats()["requests"];
  EXPECT_EQ(requests.value("sobject", 0), 30);
  EXPECT_EQ(requests.value("collections", 0), 0);
}

TEST(PublishingTest, BatchSizeOneWaitsForTheAllocationLikeCollections) {
  Scenario s(1, R"({"hourly_published_events_max": 5})");
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, 10), schema_id);
  auto sink = s.start_sink(s.write_worker(),
                           s.write_connector({{"salesforce.publish.batch.size", "1"},
                                              {"salesforce.limits.poll.interval.ms", "1000"}}));
  // The sixth POST /sobjects is refused with LIMIT_EXCEEDED (salesforce-api.md §2.4): publishing
  // waits for /limits to show room, as with sObject Collections, instead of retrying within
  // request.max.retries.time.ms and failing.
  ASSERT_TRUE(sink->wait_for_output("publishing and consumption are paused", 60s))
      << sink->stderr_text();
  EXPECT_EQ(s.event_fields().size(), 5u);
  ASSERT_TRUE(s.salesforce().start_new_hour().ok());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(events[i], expected_event(0, i));
  EXPECT_NE(sink->stderr_text().find("publishing resumed"), std::string::npos)
      << sink->stderr_text();
}

TEST(PublishingTest, DefaultBatchesSpendAFewRequestsPerThousandEvents) {
  Scenario s(3);
  int32_t schema_id = s.register_schema();
  s.produce(records_for(3, 400), schema_id);
  auto sink = s.start_sink(s.write_worker(), s.write_connector());
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(60s)) << sink->stderr_text();
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  ASSERT_EQ(s.event_fields().size(), 1200u);
  auto requests = s.stats()["requests"];
  // 1200 events in batches of at most 200 from partitions without a batch in flight: at least
  // 6 requests; a record arriving alone may go in a small batch after the linger time.
  EXPECT_GE(requests.value("collections", 0), 6);
  EXPECT_LE(requests.value("collections", 0), 15);
  EXPECT_EQ(requests.value("sobject", 0), 0);
}

}  // namespace
}  // namespace sfpe::itest
