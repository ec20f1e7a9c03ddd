// TokenProvider and RestClient against the Salesforce emulator, in-process: login, versions,
// describe, batching, per-record and whole-request errors, token expiry, retries. The clock is
// fake, so retries never sleep.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fakes.h"
#include "salesforce/auth.h"
#include "salesforce/rest_client.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::salesforce {
namespace {

using std::chrono::milliseconds;
using test::CapturedLog;
using test::FakeClock;
using test::FakeRandom;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kEvent = "ConfluentEvent__e";

class SalesforceEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { start(sfpe::testing::EmulatorConfig{}); }
  void TearDown() override { emulator_->stop(); }

  void start(sfpe::testing::EmulatorConfig config) {
    if (emulator_) emulator_->stop();
    emulator_ = std::make_unique<sfpe::testing::SalesforceEmulator>(std::move(config));
    Status started = emulator_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }

  ClientSettings settings() const {
    return test::emulator_login_settings(emulator_->url(), kEvent);
  }

  std::shared_ptr<TokenProvider> tokens(ClientSettings s) {
    return std::make_shared<TokenProvider>(std::move(s), clock_, random_, nullptr, log_.logger());
  }
  std::unique_ptr<RestClient> client(ClientSettings s) {
    return std::make_unique<RestClient>(tokens(std::move(s)), clock_, random_, nullptr,
                                        log_.logger());
  }
  std::unique_ptr<RestClient> client() { return client(settings()); }

  int requests(const char* kind) { return emulator_->stats()["requests"][kind].get<int>(); }

  static nlohmann::json text_event(int i) {
    return {{"TextField__c", "event " + std::to_string(i)}, {"NumberField__c", i}};
  }
  static std::vector<nlohmann::ordered_json> text_events(int n) {
    std::vector<nlohmann::ordered_json> events;
    for (int i = 0; i < n; ++i) events.push_back(text_event(i));
    return events;
  }

  // The sizes of the collections requests sent, from the client's DEBUG lines.
  std::vector<std::string> request_sizes() {
    std::vector<std::string> sizes;
    for (const std::string& line : log_.lines_with("in one request")) {
      auto at = line.find("publishing ");
      sizes.push_back(line.substr(at + 11, line.find(' ', at + 11) - at - 11));
    }
    return sizes;
  }

  std::unique_ptr<sfpe::testing::SalesforceEmulator> emulator_;
  FakeClock clock_;
  FakeRandom random_;
  CapturedLog log_;
};

// --- Login -------------------------------------------------------------------------------

TEST_F(SalesforceEmulatorTest, PasswordLoginGivesASession) {
  auto provider = tokens(settings());
  Result<Session> session = provider->session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_FALSE(session->access_token.empty());
  EXPECT_EQ(session->instance_url, trim_trailing_slashes(emulator_->url()));
  EXPECT_EQ(session->org_id, "00Dxx0000001gPFEAY");
  EXPECT_EQ(session->user_id, "005xx000001X8UzAAK");

  // Later calls reuse the session.
  Result<Session> again = provider->session();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_token, session->access_token);
  EXPECT_EQ(provider->login_count(), 1);
  EXPECT_EQ(requests("token"), 1);
}

TEST_F(SalesforceEmulatorTest, InvalidGrantIsFatalWithSalesforcesTextAndNoSecret) {
  ClientSettings s = settings();
  s.password = Secret("wrong-password-123");
  auto provider = tokens(s);
  Result<Session> session = provider->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(session.error().code, "invalid_grant");
  EXPECT_THAT(session.error().message, HasSubstr("invalid_grant: authentication failure"));
  EXPECT_THAT(session.error().message, HasSubstr("salesforce.password"));
  EXPECT_THAT(session.error().message, Not(HasSubstr("wrong-password-123")));
  EXPECT_THAT(session.error().message, Not(HasSubstr("test-token")));
  EXPECT_THAT(session.error().message, Not(HasSubstr("test-consumer-secret")));
  EXPECT_EQ(requests("token"), 1);  // fatal: no retry
  EXPECT_EQ(provider->login_count(), 0);
  EXPECT_THAT(log_.text(), Not(HasSubstr("wrong-password-123")));
}

TEST_F(SalesforceEmulatorTest, UnknownConsumerKeyIsFatal) {
  ClientSettings s = settings();
  s.consumer_key = "someone-else";
  Result<Session> session = tokens(s)->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(session.error().message, HasSubstr("salesforce.consumer.key"));
}

TEST_F(SalesforceEmulatorTest, ConcurrentRefreshesOfOneStaleTokenLogInOnce) {
  auto provider = tokens(settings());
  Result<Session> first = provider->session();
  ASSERT_TRUE(first.ok());
  const Secret stale = first->access_token;

  std::vector<std::thread> threads;
  std::vector<std::string> seen(6);
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      Result<Session> renewed = provider->refresh(stale);
      if (renewed.ok()) seen[i] = renewed->access_token.reveal();
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(provider->login_count(), 2);
  EXPECT_EQ(requests("token"), 2);
  for (const std::string& token : seen) {
    EXPECT_FALSE(token.empty());
    EXPECT_EQ(token, seen.front());
    EXPECT_NE(token, stale.reveal());
  }
}

// --- Versions, describe, limits ------------------------------------------------------------

TEST_F(SalesforceEmulatorTest, LatestVersionIsTheHighestListed) {
  auto rest = client();
  Result<std::string> version = rest->resolve_version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version.value(), "66.0");
  ASSERT_TRUE(rest->resolve_version().ok());
  EXPECT_EQ(requests("versions"), 1);  // cached
}

TEST_F(SalesforceEmulatorTest, LatestFollowsTheOrg) {
  sfpe::testing::EmulatorConfig config;
  config.latest_version = "67.0";
  start(config);
  Result<std::string> version = client()->resolve_version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version.value(), "67.0");
}

TEST_F(SalesforceEmulatorTest, ExplicitVersionIsUsedWithoutAsking) {
  ClientSettings s = settings();
  s.version = "v61.0";
  auto rest = client(s);
  Result<std::string> version = rest->resolve_version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version.value(), "61.0");
  EXPECT_EQ(requests("versions"), 0);
}

TEST_F(SalesforceEmulatorTest, MalformedVersionIsAConfigurationError) {
  ClientSettings s = settings();
  s.version = "sixty-six";
  Result<std::string> version = client(s)->resolve_version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(version.error().message, HasSubstr("salesforce.version"));
  EXPECT_THAT(version.error().message, HasSubstr("sixty-six"));
}

TEST_F(SalesforceEmulatorTest, DescribeListsTheEventFields) {
  Result<EventDescription> description = client()->describe_event();
  ASSERT_TRUE(description.ok()) << description.error().message;
  EXPECT_EQ(description->name, kEvent);
  const EventField* text = description->field("TextField__c");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->type, "string");
  EXPECT_EQ(text->length, 255);
  EXPECT_TRUE(text->createable);
  EXPECT_TRUE(text->custom);
  ASSERT_NE(description->field("NumberField__c"), nullptr);
  EXPECT_EQ(description->field("NumberField__c")->type, "double");
  ASSERT_NE(description->field("BooleanField__c"), nullptr);
  EXPECT_EQ(description->field("BooleanField__c")->type, "boolean");
  ASSERT_NE(description->field("DateField__c"), nullptr);
  EXPECT_EQ(description->field("DateField__c")->type, "date");
  ASSERT_NE(description->field("DateTimeField__c"), nullptr);
  EXPECT_EQ(description->field("DateTimeField__c")->type, "datetime");
  ASSERT_NE(description->field("LongTextField__c"), nullptr);
  EXPECT_EQ(description->field("LongTextField__c")->type, "textarea");
  const EventField* replay = description->field("ReplayId");
  ASSERT_NE(replay, nullptr);
  EXPECT_FALSE(replay->createable);
  EXPECT_FALSE(replay->custom);
}

TEST_F(SalesforceEmulatorTest, DescribeOfAMissingEventIsFatalAndNamesIt) {
  ClientSettings s = settings();
  s.event_name = "Missing__e";
  Result<EventDescription> description = client(s)->describe_event();
  ASSERT_FALSE(description.ok());
  EXPECT_EQ(description.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(description.error().code, "NOT_FOUND");
  EXPECT_THAT(description.error().message, HasSubstr("'Missing__e' does not exist"));
}

TEST_F(SalesforceEmulatorTest, LimitsAreReadAndApiUsageTracked) {
  auto rest = client();
  EXPECT_EQ(rest->api_usage().used, -1);
  Result<nlohmann::json> limits = rest->limits();
  ASSERT_TRUE(limits.ok()) << limits.error().message;
  ASSERT_TRUE(limits->contains("DailyApiRequests"));
  EXPECT_EQ((*limits)["DailyApiRequests"]["Max"], 15000);
  EXPECT_EQ(rest->api_usage().max, 15000);
  EXPECT_GT(rest->api_usage().used, 0);
}

// --- Publishing ------------------------------------------------------------------------------

TEST_F(SalesforceEmulatorTest, Publishes450EventsIn200200And50InOrder) {
  auto rest = client();
  std::vector<nlohmann::ordered_json> events = text_events(450);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 450u);

  EXPECT_EQ(requests("collections"), 3);
  EXPECT_EQ(request_sizes(), (std::vector<std::string>{"200", "200", "50"}));

  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), 450u);
  std::set<std::string> uuids;
  for (size_t i = 0; i < 450; ++i) {
    EXPECT_EQ(recorded[i].event, kEvent);
    EXPECT_EQ(recorded[i].fields, events[i]) << i;
    const RecordOutcome& outcome = (*outcomes)[i];
    EXPECT_TRUE(outcome.accepted) << i;
    EXPECT_FALSE(outcome.error.has_value()) << i;
    EXPECT_EQ(outcome.id, recorded[i].id) << i;
    EXPECT_EQ(outcome.uuid, recorded[i].uuid) << i;
    uuids.insert(outcome.uuid);
  }
  EXPECT_EQ(uuids.size(), 450u);
}

TEST_F(SalesforceEmulatorTest, AllFieldTypesArriveAsSent) {
  nlohmann::json event = {{"TextField__c", "héllo"},
                          {"NumberField__c", 12.5},
                          {"BooleanField__c", true},
                          {"DateField__c", "2024-02-29"},
                          {"DateTimeField__c", "2024-02-29T13:14:15.123Z"},
                          {"LongTextField__c", std::string(1000, 'x')}};
  Result<std::vector<RecordOutcome>> outcomes = client()->publish({event});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_TRUE((*outcomes)[0].accepted);
  ASSERT_EQ(emulator_->events().size(), 1u);
  EXPECT_EQ(emulator_->events()[0].fields, event);
}

TEST_F(SalesforceEmulatorTest, EmptyInputSendsNothing) {
  Result<std::vector<RecordOutcome>> outcomes = client()->publish({});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE(outcomes->empty());
  EXPECT_EQ(requests("collections"), 0);
}

TEST_F(SalesforceEmulatorTest, StringTooLongFailsOnlyThatRecordInOneRequest) {
  std::vector<nlohmann::ordered_json> events = text_events(5);
  events[2]["TextField__c"] = std::string(256, 'a');
  Result<std::vector<RecordOutcome>> outcomes = client()->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_EQ(requests("collections"), 1);
  ASSERT_EQ(outcomes->size(), events.size());
  for (size_t i : {0u, 1u, 3u, 4u}) EXPECT_TRUE((*outcomes)[i].accepted) << i;
  const RecordOutcome& bad = (*outcomes)[2];
  EXPECT_FALSE(bad.accepted);
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->kind, ErrorKind::kPermanent);
  EXPECT_EQ(bad.error->code, "STRING_TOO_LONG");
  EXPECT_THAT(bad.error->message, HasSubstr("TextField__c"));
  EXPECT_TRUE(clock_.sleeps().empty());  // never retried

  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[0].fields, events[0]);
  EXPECT_EQ(recorded[1].fields, events[1]);
  EXPECT_EQ(recorded[2].fields, events[3]);
  EXPECT_EQ(recorded[3].fields, events[4]);
}

TEST_F(SalesforceEmulatorTest, UnknownFieldIsIsolatedAndTheOthersAccepted) {
  std::vector<nlohmann::ordered_json> events = text_events(4);
  events[1]["NoSuchField__c"] = "x";
  Result<std::vector<RecordOutcome>> outcomes = client()->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  // The whole request is refused, then bisected: [0,1] is refused again, [2,3] accepted; then
  // [0] accepted and [1] refused alone.
  EXPECT_EQ(requests("collections"), 5);
  EXPECT_EQ(request_sizes(), (std::vector<std::string>{"4", "2", "1", "1", "2"}));
  ASSERT_EQ(outcomes->size(), events.size());
  for (size_t i : {0u, 2u, 3u}) EXPECT_TRUE((*outcomes)[i].accepted) << i;
  const RecordOutcome& bad = (*outcomes)[1];
  EXPECT_FALSE(bad.accepted);
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->kind, ErrorKind::kPermanent);
  EXPECT_EQ(bad.error->code, "INVALID_FIELD");
  EXPECT_THAT(bad.error->message, HasSubstr("NoSuchField__c"));

  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_EQ(recorded[0].fields, events[0]);
  EXPECT_EQ(recorded[1].fields, events[2]);
  EXPECT_EQ(recorded[2].fields, events[3]);
}

TEST_F(SalesforceEmulatorTest, WholeRequestRefusalFindsTheBadRecordAmong200ByBisection) {
  std::vector<nlohmann::ordered_json> events = text_events(200);
  events[137]["NoSuchField__c"] = "x";
  Result<std::vector<RecordOutcome>> outcomes = client()->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  // 15 requests (2·log2(200) is 15.3), not 1 + 200: each refused part is halved until the bad
  // record stands alone; every part without it is accepted at its first send.
  EXPECT_EQ(requests("collections"), 15);
  EXPECT_EQ(request_sizes(), (std::vector<std::string>{"200", "100", "100", "50", "25", "25",
                                                       "12", "13", "6", "3", "1", "2", "3", "7",
                                                       "50"}));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ((*outcomes)[i].accepted, i != 137) << i;
  }
  ASSERT_TRUE((*outcomes)[137].error.has_value());
  EXPECT_EQ((*outcomes)[137].error->code, "INVALID_FIELD");
  EXPECT_TRUE(clock_.sleeps().empty());  // nothing retried
  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), 199u);
  // Accepted in the order of the input, the bad one left out.
  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(recorded[i].fields, events[i < 137 ? i : i + 1]) << i;
  }
}

TEST_F(SalesforceEmulatorTest, NonObjectEventIsRefusedWithoutSending) {
  std::vector<nlohmann::ordered_json> events = {text_event(0), nlohmann::json::array(),
                                                text_event(2)};
  Result<std::vector<RecordOutcome>> outcomes = client()->publish(events);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_TRUE((*outcomes)[0].accepted);
  ASSERT_TRUE((*outcomes)[1].error.has_value());
  EXPECT_EQ((*outcomes)[1].error->kind, ErrorKind::kPermanent);
  EXPECT_EQ((*outcomes)[1].error->code, "INVALID_EVENT");
  EXPECT_TRUE((*outcomes)[2].accepted);
  EXPECT_EQ(requests("collections"), 1);
  EXPECT_EQ(emulator_->events().size(), 2u);
}

TEST_F(SalesforceEmulatorTest, PublishToAMissingEventIsFatal) {
  ClientSettings s = settings();
  s.event_name = "Missing__e";
  Result<std::vector<RecordOutcome>> outcomes = client(s)->publish(text_events(3));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(outcomes.error().code, "INVALID_TYPE");
  EXPECT_THAT(outcomes.error().message, HasSubstr("to Missing__e failed: HTTP 400"));
  EXPECT_EQ(requests("collections"), 1);  // no record-by-record isolation
  EXPECT_TRUE(emulator_->events().empty());
}

TEST_F(SalesforceEmulatorTest, TokenExpiringEveryThreeRequestsLosesAndDuplicatesNothing) {
  auto rest = client();
  sfpe::testing::Faults faults;
  faults.expire_token_every = 3;
  emulator_->set_faults(faults);
  std::vector<nlohmann::ordered_json> all;
  for (int round = 0; round < 4; ++round) {
    std::vector<nlohmann::ordered_json> events;
    for (int i = 0; i < 250; ++i) events.push_back(text_event(round * 250 + i));
    Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    ASSERT_EQ(outcomes->size(), events.size());
    for (const RecordOutcome& outcome : *outcomes) ASSERT_TRUE(outcome.accepted);
    all.insert(all.end(), events.begin(), events.end());
  }
  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(recorded[i].fields, all[i]) << i;
  EXPECT_GE(emulator_->stats()["tokens_issued"].get<int>(), 3);
  EXPECT_THAT(log_.text(), HasSubstr("logging in again"));
}

TEST_F(SalesforceEmulatorTest, TwoServiceUnavailableThenAccepted) {
  auto rest = client();
  ASSERT_TRUE(rest->resolve_version().ok());
  sfpe::testing::Faults faults;
  faults.fail_next = 2;
  faults.fail_status = 503;
  emulator_->set_faults(faults);
  std::vector<nlohmann::ordered_json> events = text_events(3);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), events.size());
  for (const RecordOutcome& outcome : *outcomes) EXPECT_TRUE(outcome.accepted);
  EXPECT_EQ(requests("collections"), 3);
  EXPECT_EQ(log_.lines_with("HTTP 503").size(), 2u);
  std::vector<sfpe::testing::RecordedEvent> recorded = emulator_->events();
  ASSERT_EQ(recorded.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(recorded[i].fields, events[i]);
}

TEST_F(SalesforceEmulatorTest, DroppedConnectionIsRetried) {
  auto rest = client();
  ASSERT_TRUE(rest->resolve_version().ok());
  sfpe::testing::Faults faults;
  faults.drop_next = 1;
  emulator_->set_faults(faults);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(text_events(2));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_TRUE((*outcomes)[0].accepted);
  EXPECT_TRUE((*outcomes)[1].accepted);
  EXPECT_EQ(emulator_->events().size(), 2u);
}

TEST_F(SalesforceEmulatorTest, PersistentServiceUnavailableExhaustsTheRetryBudget) {
  ClientSettings s = settings();
  s.request_max_retries_time_ms = 10000;
  s.retry_backoff_base_ms = 250;
  s.retry_backoff_max_ms = 30000;
  auto rest = client(s);
  ASSERT_TRUE(rest->resolve_version().ok());
  random_.always_ceiling = true;  // sleeps 250, 500, 1000, 2000, 4000, then the last 2250
  sfpe::testing::Faults faults;
  faults.fail_next = 1000000;
  faults.fail_status = 503;
  emulator_->set_faults(faults);

  Result<std::vector<RecordOutcome>> outcomes = rest->publish(text_events(3));
  ASSERT_FALSE(outcomes.ok());
  const Error& error = outcomes.error();
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_EQ(error.code, "SERVER_UNAVAILABLE");
  EXPECT_THAT(error.message, HasSubstr("publishing 3 event(s) to ConfluentEvent__e kept failing "
                                       "for 10000 ms over 7 attempts"));
  EXPECT_THAT(error.message, HasSubstr("request.max.retries.time.ms=10000"));
  EXPECT_THAT(error.message, HasSubstr("HTTP 503"));
  EXPECT_EQ(clock_.sleeps(), (std::vector<Clock::Duration>{
                                 milliseconds(250), milliseconds(500), milliseconds(1000),
                                 milliseconds(2000), milliseconds(4000), milliseconds(2250)}));
  EXPECT_EQ(requests("collections"), 7);
  EXPECT_TRUE(emulator_->events().empty());
}

TEST_F(SalesforceEmulatorTest, LimitExceededWaitsForRoomInTheAllocationThenResendsThoseRecords) {
  auto rest = client();
  ASSERT_TRUE(rest->resolve_version().ok());
  sfpe::testing::Faults faults;
  faults.limit_exceeded_next = 2;
  emulator_->set_faults(faults);
  std::vector<nlohmann::ordered_json> events = text_events(5);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), events.size());
  for (const RecordOutcome& outcome : *outcomes) EXPECT_TRUE(outcome.accepted);
  EXPECT_EQ(request_sizes(), (std::vector<std::string>{"5", "2"}));
  // One /limits poll interval (default 60 s, in one-second slices) before /limits shows room.
  EXPECT_EQ(clock_.sleeps(), std::vector<Clock::Duration>(60, std::chrono::seconds(1)));
  EXPECT_EQ(emulator_->stats()["requests"]["limits"], 1);
  EXPECT_EQ(emulator_->events().size(), 5u);
}

TEST_F(SalesforceEmulatorTest, SingleRecordRequestsWaitForTheAllocationLikeCollections) {
  sfpe::testing::EmulatorConfig config;
  config.hourly_published_events_max = 2;
  start(config);
  auto rest = client();
  rest->set_single_record_requests(true);  // salesforce.publish.batch.size=1
  int keep_alive_calls = 0;
  rest->set_keep_alive([&] {
    if (++keep_alive_calls == 30) emulator_->start_new_hour();
  });
  std::vector<nlohmann::ordered_json> events = text_events(3);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  for (const RecordOutcome& outcome : *outcomes) EXPECT_TRUE(outcome.accepted);
  // The third POST /sobjects is refused (400 LIMIT_EXCEEDED); the client waits one /limits poll
  // interval (60 s in one-second slices, not the retry budget's 10 s floors), reads /limits
  // once, finds room and resends that event once.
  EXPECT_EQ(requests("sobject"), 4);
  EXPECT_EQ(requests("limits"), 1);
  EXPECT_EQ(clock_.sleeps(), std::vector<Clock::Duration>(60, std::chrono::seconds(1)));
  EXPECT_EQ(keep_alive_calls, 61);
  ASSERT_EQ(emulator_->events().size(), 3u);
  EXPECT_EQ(emulator_->events()[2].fields, events[2]);
}

TEST_F(SalesforceEmulatorTest, LimitsAreRefusedForAUserWithoutViewSetupAndConfiguration) {
  sfpe::testing::EmulatorConfig config;
  config.view_setup_and_configuration = false;
  start(config);
  Result<nlohmann::json> limits = client()->limits();
  ASSERT_FALSE(limits.ok());
  EXPECT_EQ(limits.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(limits.error().code, "INSUFFICIENT_ACCESS");
  EXPECT_EQ(limits.error().message,
            "reading Salesforce limits failed: HTTP 403: INSUFFICIENT_ACCESS: Insufficient "
            "Privileges: You do not have the level of access necessary to perform the operation "
            "you requested. Please contact the owner of the record or your administrator if "
            "access is necessary.");
}

TEST_F(SalesforceEmulatorTest, WithoutLimitsTheAllocationIsWaitedForByResendingWithBackoff) {
  sfpe::testing::EmulatorConfig config;
  config.view_setup_and_configuration = false;
  config.hourly_published_events_max = 2;
  start(config);
  auto rest = client();
  int keep_alive_calls = 0;
  rest->set_keep_alive([&] {
    if (++keep_alive_calls == 65) emulator_->start_new_hour();
  });
  std::vector<nlohmann::ordered_json> events = text_events(3);
  Result<std::vector<RecordOutcome>> outcomes = rest->publish(events);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  for (const RecordOutcome& outcome : *outcomes) EXPECT_TRUE(outcome.accepted);
  // 3 sent, 1 refused. The first wait is a /limits poll interval (60 s), after which /limits is
  // refused: the event is resent and refused again. Then a blind pause of 10 s (the rate-limit
  // floor; FakeRandom draws 0), during which the hour turns, and the resend is accepted.
  EXPECT_EQ(request_sizes(), (std::vector<std::string>{"3", "1", "1"}));
  EXPECT_EQ(requests("limits"), 1);
  EXPECT_EQ(clock_.sleeps(), std::vector<Clock::Duration>(70, std::chrono::seconds(1)));
  EXPECT_EQ(log_.lines_with("reading /limits failed (INSUFFICIENT_ACCESS: ").size(), 1u);
  EXPECT_THAT(log_.text(), HasSubstr("publishing and consumption are paused for 10000 ms before "
                                     "the events are resent (/limits cannot be read)"));
  ASSERT_EQ(emulator_->events().size(), 3u);
  EXPECT_EQ(emulator_->events()[2].fields, events[2]);
}

TEST_F(SalesforceEmulatorTest, LogsShowRequestsButNoSecret) {
  auto provider = tokens(settings());
  Result<Session> session = provider->session();
  ASSERT_TRUE(session.ok());
  RestClient rest(provider, clock_, random_, nullptr, log_.logger());
  ASSERT_TRUE(rest.publish(text_events(2)).ok());
  const std::string text = log_.text();
  EXPECT_THAT(text, HasSubstr("POST " + session->instance_url +
                              "/services/data/v66.0/composite/sobjects ("));
  EXPECT_THAT(text, HasSubstr("-> 200 in "));
  for (const std::string& secret :
       {std::string("test-password"), std::string("test-token"),
        std::string("test-consumer-secret"), session->access_token.reveal()}) {
    EXPECT_THAT(text, Not(HasSubstr(secret))) << secret;
  }
}

}  // namespace
}  // namespace sfpe::salesforce
