// PubSubPublisher against the Salesforce emulator, in-process, over plaintext gRPC: when its
// PublishStream is closed for idleness and renewed for age (salesforce-api.md §3.3), and when the
// topic is asked again and its schema fetched again (§3.5). The publisher's clock is fake: its
// time moves only when a test moves it, so nothing here sleeps or depends on timing. Each test
// runs in well under the emulator's real 70 s idle timeout, so every stream the emulator counted
// beyond the first was opened by the publisher's own decision.
#include "salesforce/pubsub_publisher.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes.h"
#include "salesforce/auth.h"
#include "salesforce/rest_client.h"
#include "salesforce_emulator/emulator.h"
#include "salesforce_emulator/pubsub_schema.h"

namespace sfpe::salesforce {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::CapturedLog;
using test::FakeClock;
using test::FakeRandom;

constexpr const char* kEvent = "ConfluentEvent__e";
constexpr const char* kTopic = "/event/ConfluentEvent__e";

// One event with every field of the emulator's default ConfluentEvent__e, as the mapper writes
// it for REST (dates as ISO text). The emulator records Pub/Sub events in these same forms
// (pubsub_schema.h), so the recorded fields must equal the event exactly.
json full_event(int i) {
  return {{"TextField__c", "event " + std::to_string(i)},
          {"NumberField__c", i + 0.25},
          {"BooleanField__c", i % 2 == 0},
          {"DateField__c", "2024-02-29"},
          {"DateTimeField__c", "2024-02-29T13:14:15.678Z"},
          {"LongTextField__c", "long text " + std::to_string(i)}};
}

json text_event(const std::string& text) { return {{"TextField__c", text}}; }

class PubSubPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator_ = std::make_unique<sfpe::testing::SalesforceEmulator>();
    Status started = emulator_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;

    ClientSettings s = test::emulator_login_settings(emulator_->url(), kEvent);
    s.pubsub_endpoint = "http://" + emulator_->pubsub_endpoint();
    auto tokens = std::make_shared<TokenProvider>(s, clock_, random_, nullptr, log_.logger());
    auto rest = std::make_unique<RestClient>(tokens, clock_, random_, nullptr, log_.logger());
    auto channel = make_pubsub_channel(tokens->settings());
    ASSERT_TRUE(channel.ok()) << channel.error().message;
    publisher_ = std::make_unique<PubSubPublisher>(channel.value(), tokens, std::move(rest), clock_,
                                                   random_, nullptr, log_.logger());
  }

  void TearDown() override {
    publisher_.reset();  // closes its stream while the emulator still serves it
    emulator_->stop();
  }

  // Publishes `events` at the fake clock's current time; each must be accepted.
  void publish(const std::vector<json>& events) {
    auto outcomes = publisher_->publish(std::vector<sink::Event>(events.begin(), events.end()));
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    ASSERT_EQ(outcomes->size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      const sink::PublishOutcome& outcome = (*outcomes)[i];
      EXPECT_TRUE(outcome.accepted)
          << "event " << i << ": " << (outcome.error ? outcome.error->message : "no error");
      EXPECT_FALSE(outcome.error.has_value());
    }
  }

  // Publishes `events` at the fake clock's current time, whatever the outcome.
  Result<std::vector<sink::PublishOutcome>> try_publish(const std::vector<json>& events) {
    return publisher_->publish(std::vector<sink::Event>(events.begin(), events.end()));
  }

  // Replaces the emulator's faults with `faults` (keys as in its control API).
  void set_faults(const json& faults) {
    Result<sfpe::testing::Faults> parsed = sfpe::testing::faults_from_json(faults);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    emulator_->set_faults(parsed.value());
  }

  // Moves the publisher's time on; FakeClock's sleep_for only moves virtual time.
  void advance(Clock::Duration by) { clock_.sleep_for(by); }

  // An admin adds a Number field Priority__c to the event (§5): its compact schema, hence its
  // id, changes. Returns the old and the new schema id.
  std::pair<std::string, std::string> add_priority_field() {
    sfpe::testing::EventDef changed = sfpe::testing::default_confluent_event();
    changed.fields.push_back({"Priority__c", "double", 0, 3, 0});
    std::pair<std::string, std::string> ids{
        sfpe::testing::compact_schema(sfpe::testing::default_confluent_event()).id,
        sfpe::testing::compact_schema(changed).id};
    EXPECT_NE(ids.first, ids.second);
    emulator_->set_event_definitions({changed});
    return ids;
  }

  // Requests of `kind` the emulator served (a kind never asked for is absent from its stats).
  int requests(const char* kind) const { return emulator_->stats()["requests"].value(kind, 0); }
  int streams() const { return requests("pubsub_streams"); }
  int invalid_payloads() const { return emulator_->stats()["pubsub_invalid_payloads"].get<int>(); }

  // The fields of every event the emulator recorded, in acceptance order; checks that each is a
  // ConfluentEvent__e numbered in that order (the emulator numbers accepted events from 1).
  json recorded_fields() const {
    json fields = json::array();
    const auto events = emulator_->events();
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].event, kEvent);
      EXPECT_EQ(events[i].id, fmt::format("e00xx{:010d}AAA", i + 1));
      fields.push_back(events[i].fields);
    }
    return fields;
  }

  FakeClock clock_;
  FakeRandom random_;
  CapturedLog log_;
  std::unique_ptr<sfpe::testing::SalesforceEmulator> emulator_;
  std::unique_ptr<PubSubPublisher> publisher_;
};

// --- The PublishStream's life (§3.3) -----------------------------------------------------------

TEST_F(PubSubPublisherTest, StreamIdleForOverAMinuteIsClosedAndTheNextBatchOpensANewOne) {
  publish({full_event(1), full_event(2)});
  EXPECT_EQ(streams(), 1);
  EXPECT_EQ(requests("pubsub_stream_requests"), 1);

  // 61 s without a publish: past the publisher's 60 s, before Salesforce's 70 s.
  advance(61s);
  publish({full_event(3), text_event("second batch")});
  EXPECT_EQ(streams(), 2);
  EXPECT_EQ(requests("pubsub_stream_requests"), 2);
  EXPECT_EQ(requests("pubsub_publish"), 0);  // always the stream, never the unary Publish

  EXPECT_EQ(recorded_fields(),
            json::array({full_event(1), full_event(2), full_event(3), text_event("second batch")}));
  EXPECT_EQ(emulator_->stats()["events_accepted"], 4);
  EXPECT_EQ(invalid_payloads(), 0);
  // Closed deliberately, not found broken: no failure, retry or reconnection was logged.
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
  // Still within five minutes: the topic and schema were read once.
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);
}

TEST_F(PubSubPublisherTest, StreamIdleForUnderAMinuteIsReused) {
  publish({full_event(1)});
  EXPECT_EQ(streams(), 1);

  advance(59s);
  publish({full_event(2)});
  EXPECT_EQ(streams(), 1);
  EXPECT_EQ(requests("pubsub_stream_requests"), 2);

  EXPECT_EQ(recorded_fields(), json::array({full_event(1), full_event(2)}));
  EXPECT_EQ(invalid_payloads(), 0);
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
}

TEST_F(PubSubPublisherTest, BusyStreamIsRenewedOnceItIsNinetySecondsOld) {
  // A publish every 30 s: never idle, so only the stream's age (90 s) renews it. The expected
  // count of streams opened after each publish, at t = 0, 30, ..., 180 s.
  const std::vector<int> expected_streams = {1, 1, 1, 2, 2, 2, 3};
  json expected_fields = json::array();
  for (size_t step = 0; step < expected_streams.size(); ++step) {
    if (step > 0) advance(30s);
    const json event = full_event(static_cast<int>(step));
    publish({event});
    expected_fields.push_back(event);
    EXPECT_EQ(streams(), expected_streams[step])
        << "after the publish at t = " << step * 30 << " s";
    EXPECT_EQ(requests("pubsub_stream_requests"), static_cast<int>(step) + 1);
  }
  EXPECT_EQ(recorded_fields(), expected_fields);
  EXPECT_EQ(invalid_payloads(), 0);
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);
}

// --- Topic and schema (§3.5) -------------------------------------------------------------------

TEST_F(PubSubPublisherTest, TopicIsAskedEveryFiveMinutesAndTheSchemaFetchedOnlyWhenItsIdChanges) {
  // t = 0: the first publish reads the topic, then its schema.
  publish({text_event("at 0:00")});
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // t = 4:00: within five minutes of the last look, the topic is not asked.
  advance(4min);
  publish({text_event("at 4:00")});
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // t = 5:01: the topic is asked again; its schema id is the same, so no GetSchema.
  advance(61s);
  publish({text_event("at 5:01")});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // An admin adds a field to the event (§5): its compact schema, hence its id, changes.
  const auto [old_schema_id, new_schema_id] = add_priority_field();

  // t = 9:01: the publisher has not looked since 5:01, so it still encodes with the old schema,
  // which the org keeps serving.
  advance(4min);
  publish({text_event("at 9:01")});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // t = 10:02: the topic is asked again, reports the new id, and the new schema is fetched; an
  // event using the new field is encoded with it.
  advance(61s);
  publish({json{{"TextField__c", "at 10:02"}, {"Priority__c", 2.0}}});
  EXPECT_EQ(requests("pubsub_get_topic"), 3);
  EXPECT_EQ(requests("pubsub_get_schema"), 2);
  EXPECT_EQ(log_.lines_with("now has schema"),
            std::vector<std::string>{fmt::format("info {} now has schema {} (was {})", kTopic,
                                                 new_schema_id, old_schema_id)});

  // The emulator decodes each event with the schema its schema id names: the last one with the
  // new schema, including the new field.
  EXPECT_EQ(recorded_fields(),
            json::array({text_event("at 0:00"), text_event("at 4:00"), text_event("at 5:01"),
                         text_event("at 9:01"),
                         json{{"TextField__c", "at 10:02"}, {"Priority__c", 2.0}}}));
  EXPECT_EQ(invalid_payloads(), 0);
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
}

TEST_F(PubSubPublisherTest, EventWithAFieldJustAddedToTheEventMakesTheTopicBeAskedAgainAtOnce) {
  // t = 0: the topic and its schema are read.
  publish({full_event(1)});
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // An admin adds a field to the event (§5), and an event using it comes at once: far within
  // the five minutes between regular looks at the topic.
  const auto [old_schema_id, new_schema_id] = add_priority_field();

  // The old schema lacks Priority__c: the topic is asked again, reports the new id, the new
  // schema is fetched and the whole batch is encoded with it; every event is accepted.
  const json with_priority = {{"TextField__c", "uses the new field"}, {"Priority__c", 2.0}};
  publish({text_event("before it"), with_priority, text_event("after it")});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);
  EXPECT_EQ(requests("pubsub_get_schema"), 2);
  EXPECT_EQ(log_.lines_with("now has schema"),
            std::vector<std::string>{fmt::format(
                "info {} now has schema {} (was {}), asked at once for an event with field "
                "Priority__c",
                kTopic, new_schema_id, old_schema_id)});

  // The schema is current now: another event with the field, at the same instant, asks nothing.
  publish({json{{"Priority__c", 3.5}}});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);
  EXPECT_EQ(requests("pubsub_get_schema"), 2);

  // The emulator decodes each event with the schema its id names: the new field is there.
  EXPECT_EQ(recorded_fields(),
            json::array({full_event(1), text_event("before it"), with_priority,
                         text_event("after it"), json{{"Priority__c", 3.5}}}));
  EXPECT_EQ(emulator_->stats()["events_accepted"], 5);
  EXPECT_EQ(invalid_payloads(), 0);
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
}

TEST_F(PubSubPublisherTest, FieldTheEventLacksFailsOnlyItsEventAndIsRecheckedAtMostEvery5s) {
  const std::string schema_id =
      sfpe::testing::compact_schema(sfpe::testing::default_confluent_event()).id;
  auto bad_event = [](const std::string& text, const std::string& field) {
    return json{{"TextField__c", text}, {field, "no such field"}};
  };
  // Publishes `events`: the one at index i must fail permanently naming lacked[i] when that is
  // not empty, and be accepted otherwise.
  json expected_fields = json::array();
  auto publish_with_lacked = [&](const std::vector<json>& events,
                                 const std::vector<std::string>& lacked) {
    ASSERT_EQ(events.size(), lacked.size());
    auto outcomes = publisher_->publish(std::vector<sink::Event>(events.begin(), events.end()));
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    ASSERT_EQ(outcomes->size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      const sink::PublishOutcome& outcome = (*outcomes)[i];
      if (lacked[i].empty()) {
        EXPECT_TRUE(outcome.accepted) << "event " << i << ": " << outcome.error->message;
        EXPECT_FALSE(outcome.error.has_value());
        expected_fields.push_back(events[i]);
        continue;
      }
      EXPECT_FALSE(outcome.accepted) << "event " << i;
      ASSERT_TRUE(outcome.error.has_value()) << "event " << i;
      EXPECT_EQ(outcome.error->kind, ErrorKind::kPermanent);
      EXPECT_EQ(outcome.error->code, "PUBSUB_VALUE");
      EXPECT_EQ(outcome.error->message,
                fmt::format("field {} is not in the Pub/Sub schema {}", lacked[i], schema_id));
    }
  };

  // t = 0: the topic and its schema are read.
  publish({full_event(1)});
  expected_fields.push_back(full_event(1));
  EXPECT_EQ(requests("pubsub_get_topic"), 1);
  EXPECT_EQ(requests("pubsub_get_schema"), 1);

  // t = 0: an event with a field the event lacks. The topic is asked again at once (the field
  // might just have been added); the schema id is the same, so that event fails, naming the
  // field, and the others of its batch are published.
  publish_with_lacked({text_event("a1"), bad_event("a", "Bogus__c"), text_event("a2")},
                      {"", "Bogus__c", ""});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);

  // Within five seconds of that recheck, such events fail without asking the topic.
  publish_with_lacked({bad_event("b", "Bogus__c"), text_event("b1")}, {"Bogus__c", ""});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);
  advance(4999ms);
  publish_with_lacked({text_event("c1"), bad_event("c", "Bogus__c")}, {"", "Bogus__c"});
  EXPECT_EQ(requests("pubsub_get_topic"), 2);

  // t = 5 s: the topic may be asked again, once for the whole batch, however many of its events
  // lack a field, then not again within five seconds, even for a batch of lacking events only.
  advance(1ms);
  publish_with_lacked(
      {bad_event("d", "Bogus__c"), text_event("d1"), bad_event("d", "Other__c")},
      {"Bogus__c", "", "Other__c"});
  EXPECT_EQ(requests("pubsub_get_topic"), 3);
  publish_with_lacked({bad_event("e", "Other__c")}, {"Other__c"});
  EXPECT_EQ(requests("pubsub_get_topic"), 3);

  // t = 10 s: a batch of one lacking event asks the topic again.
  advance(5s);
  publish_with_lacked({bad_event("f", "Bogus__c")}, {"Bogus__c"});
  EXPECT_EQ(requests("pubsub_get_topic"), 4);

  // t = 5:10: the regular recheck asks the topic in this call already; the lacking event does not
  // make it ask twice.
  advance(5min);
  publish_with_lacked({bad_event("g", "Bogus__c"), text_event("g1")}, {"Bogus__c", ""});
  EXPECT_EQ(requests("pubsub_get_topic"), 5);

  // The schema never changed: fetched once, no new schema logged. Three forced rechecks found it
  // unchanged (t = 0, 5 s, 10 s).
  EXPECT_EQ(requests("pubsub_get_schema"), 1);
  EXPECT_EQ(log_.lines_with("now has schema"), std::vector<std::string>{});
  EXPECT_EQ(log_.lines_with("still has schema").size(), 3u);
  EXPECT_EQ(recorded_fields(), expected_fields);
  EXPECT_EQ(invalid_payloads(), 0);
  EXPECT_EQ(log_.lines_with("warning"), std::vector<std::string>{});
}

// Issue 12 item 14: gRPC takes empty root certificates as "trust the system store", so a CA file
// that cannot be read must fail the channel, not quietly widen what is trusted.
TEST(PubSubChannelTest, AnUnreadableCaFileIsAConfigErrorNotTheSystemStore) {
  ClientSettings s;
  s.pubsub_endpoint = "api.pubsub.salesforce.com:7443";
  s.ca_file = "/nonexistent/pubsub-ca.pem";
  auto channel = make_pubsub_channel(s);
  ASSERT_FALSE(channel.ok());
  EXPECT_EQ(channel.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(channel.error().code, "CONFIG_INVALID");
  EXPECT_EQ(channel.error().message,
            "salesforce.ssl.ca.location: cannot read /nonexistent/pubsub-ca.pem");
}

TEST(PubSubChannelTest, PlaintextOnlyToALoopbackHost) {
  ClientSettings s;
  s.pubsub_endpoint = "http://pubsub.example.com:7011";
  auto refused = make_pubsub_channel(s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "salesforce.pubsub.endpoint: \"http://pubsub.example.com:7011\" is a plaintext "
            "endpoint on a host that is not a loopback address");
  for (const char* local :
       {"http://127.0.0.1:7011", "http://localhost:7011", "http://[::1]:7011"}) {
    s.pubsub_endpoint = local;
    EXPECT_TRUE(make_pubsub_channel(s).ok()) << local;
  }
  s.pubsub_endpoint = "api.pubsub.salesforce.com:7443";  // TLS against the system store
  EXPECT_TRUE(make_pubsub_channel(s).ok());
}

// --- Per-event results (§3.5, §3.7) ------------------------------------------------------------

TEST_F(PubSubPublisherTest, EveryEventIsSentWithAFreshUuidAsItsId) {
  publish({text_event("a"), text_event("b"), text_event("c")});
  publish({text_event("d"), text_event("e"), text_event("f")});
  const auto events = emulator_->events();
  ASSERT_EQ(events.size(), 6u);
  std::set<std::string> ids;
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const auto& event : events) {
    EXPECT_TRUE(std::regex_match(event.producer_id, uuid_v4)) << event.producer_id;
    ids.insert(event.producer_id);
  }
  EXPECT_EQ(ids.size(), 6u) << "no id repeats, within a request or across requests";
}

TEST_F(PubSubPublisherTest, AResultForAnIdNotInTheRequestIsFatal) {
  publish({text_event("warm-up")});  // the topic and schema are read
  set_faults({{"pubsub_unknown_result_id_next", 1}});
  auto outcomes = try_publish({text_event("a"), text_event("b")});
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(outcomes.error().code, "UNEXPECTED_RESPONSE");
  EXPECT_EQ(outcomes.error().message,
            "publishing to /event/ConfluentEvent__e: a result for the event id "
            "'not-an-id-of-this-request', which the request did not contain");
}

TEST_F(PubSubPublisherTest, PublishingUnavailableIsRetriedNotRefused) {
  publish({text_event("warm-up")});
  set_faults({{"pubsub_publishing_unavailable_next", 2}});
  // Two of three fail in their results with PLATFORM_EVENT_PUBLISHING_UNAVAILABLE ("try again
  // later", §2.4): resent within the retry window, and then accepted.
  publish({text_event("a"), text_event("b"), text_event("c")});
  EXPECT_EQ(requests("pubsub_stream_requests"), 3);
  EXPECT_EQ(recorded_fields(),
            json::array({text_event("warm-up"), text_event("c"), text_event("a"),
                         text_event("b")}));
  EXPECT_EQ(log_.lines_with("2 of 3 event(s) were refused for now: "
                            "PLATFORM_EVENT_PUBLISHING_UNAVAILABLE: Publishing platform events is "
                            "temporarily unavailable. Try again later.; retrying those")
                .size(),
            1u);
}

TEST_F(PubSubPublisherTest, PublishingUnavailableBeyondTheRetryWindowFailsTheCallTransiently) {
  publish({text_event("warm-up")});
  set_faults({{"pubsub_publishing_unavailable_next", 1000000}});
  random_.always_ceiling = true;  // 250 ms, 500 ms, ... 30 s: the 15-minute window runs out
  auto outcomes = try_publish({text_event("a")});
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(outcomes.error().code, "PLATFORM_EVENT_PUBLISHING_UNAVAILABLE");
  EXPECT_THAT(outcomes.error().message,
              ::testing::StartsWith("publishing to /event/ConfluentEvent__e kept failing for "
                                    "900000 ms over "));
  EXPECT_TRUE(emulator_->events().size() == 1u) << "only the warm-up";
}

TEST_F(PubSubPublisherTest, PerEventLimitExceededWaitsForTheAllocationThenResendsOnlyThose) {
  publish({text_event("warm-up")});
  set_faults({{"limit_exceeded_next", 2}});
  const size_t sleeps_before = clock_.sleeps().size();
  publish({text_event("a"), text_event("b"), text_event("c")});
  // a and b are refused for the allocation: one /limits poll interval (60 s, in one-second
  // slices), /limits shows room, and only those two are resent. Nothing is dead-lettered.
  const auto sleeps = clock_.sleeps();
  const auto first_new = sleeps.begin() + static_cast<std::ptrdiff_t>(sleeps_before);
  EXPECT_EQ(std::vector<Clock::Duration>(first_new, sleeps.end()),
            std::vector<Clock::Duration>(60, std::chrono::seconds(1)));
  EXPECT_EQ(requests("limits"), 1);
  EXPECT_EQ(requests("pubsub_stream_requests"), 3);
  EXPECT_EQ(recorded_fields(),
            json::array({text_event("warm-up"), text_event("c"), text_event("a"),
                         text_event("b")}));
}

TEST_F(PubSubPublisherTest, EventOverOneMegabyteIsRefusedAloneAndNotSent) {
  publish({text_event("warm-up")});
  json huge = text_event("huge");
  huge["LongTextField__c"] = std::string(PubSubPublisher::kMaxEventBytes, 'x');
  auto outcomes = try_publish({text_event("a"), huge, text_event("b")});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_TRUE((*outcomes)[0].accepted);
  EXPECT_TRUE((*outcomes)[2].accepted);
  ASSERT_TRUE((*outcomes)[1].error.has_value());
  EXPECT_EQ((*outcomes)[1].error->kind, ErrorKind::kPermanent);
  EXPECT_EQ((*outcomes)[1].error->code, "EVENT_TOO_LARGE");
  EXPECT_THAT((*outcomes)[1].error->message,
              ::testing::EndsWith("bytes as Avro, over the Pub/Sub API's 1 MB limit"));
  EXPECT_EQ(recorded_fields(), json::array({text_event("warm-up"), text_event("a"),
                                            text_event("b")}));
}

TEST_F(PubSubPublisherTest, AFailedRpcLogsItsErrorCodeTrailerAndRpcId) {
  publish({text_event("warm-up")});
  set_faults({{"pubsub_unavailable_next", 1}});
  publish({text_event("a")});
  const auto lines = log_.lines_with("Pub/Sub API UNAVAILABLE");
  ASSERT_EQ(lines.size(), 1u);
  const std::regex traced(
      ".*The service is temporarily unavailable\\. Try again later\\. rpcId: ([0-9a-f-]{36}) "
      "\\(error-code sfdc\\.platform\\.eventbus\\.grpc\\.service\\.unavailable, rpcId \\1\\); "
      "reconnecting");
  EXPECT_TRUE(std::regex_match(lines[0], traced)) << lines[0];
}

}  // namespace
}  // namespace sfpe::salesforce
