// Cases the emulator does not produce, against a scripted HTTP server: a token refused twice,
// token-endpoint outages, a result count that does not match, permission errors, per-record
// transient errors, and stop requests during retries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fakes.h"
#include "salesforce/auth.h"
#include "salesforce/rest_client.h"

namespace sfpe::salesforce {
namespace {

using std::chrono::milliseconds;
using test::CapturedLog;
using test::FakeClock;
using test::FakeRandom;
using ::testing::HasSubstr;

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// Answers every request with script(method, path, body); counts requests by path.
class ScriptedServer {
 public:
  using Script = std::function<Reply(const std::string& method, const std::string& path,
                                     const std::string& body)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      Reply reply;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++counts_[request.path];
        reply = script_(request.method, request.path, request.body);
      }
      response.status = reply.status;
      for (const auto& [name, value] : reply.headers) response.set_header(name, value);
      response.set_content(reply.body, "application/json");
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    // Bound before the thread starts, so early connections wait in the backlog.
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int count(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[path];
  }

 private:
  Script script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, int> counts_;
};

constexpr const char* kTokenPath = "/services/oauth2/token";
constexpr const char* kCollectionsPath = "/services/data/v66.0/composite/sobjects";

std::string token_body(const std::string& url, int n) {
  return nlohmann::json{{"access_token", "00Dxx!token-" + std::to_string(n)},
                        {"instance_url", url},
                        {"id", "https://login.salesforce.com/id/00Dorg/005user"},
                        {"token_type", "Bearer"}}
      .dump();
}

std::string success(int n) {
  nlohmann::json results = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    results.push_back({{"id", "e01xx000000000" + std::to_string(i)},
                       {"success", true},
                       {"errors",
                        {{{"statusCode", "OPERATION_ENQUEUED"},
                          {"message", "uuid-" + std::to_string(i)},
                          {"fields", nlohmann::json::array()}}}}});
  }
  return results.dump();
}

size_t record_count(const std::string& body) {
  return nlohmann::json::parse(body)["records"].size();
}

class ScriptedTest : public ::testing::Test {
 protected:
  ClientSettings settings(const std::string& url) {
    ClientSettings s;
    s.login_url = url;
    s.consumer_key = "key";
    s.consumer_secret = Secret("consumer-secret-value");
    s.username = "user@example.com";
    s.password = Secret("password-value");
    s.password_token = Secret("token-value");
    s.version = "66.0";
    s.event_name = "Order__e";
    s.request_max_retries_time_ms = 10000;
    s.auth_retries_time_ms = 3000;
    return s;
  }
  std::shared_ptr<TokenProvider> tokens(const ClientSettings& s, StopSignal* stop = nullptr) {
    return std::make_shared<TokenProvider>(s, clock_, random_, stop, log_.logger());
  }
  RestClient client(const ClientSettings& s, StopSignal* stop = nullptr) {
    return RestClient(tokens(s, stop), clock_, random_, stop, log_.logger());
  }

  FakeClock clock_;
  FakeRandom random_;
  CapturedLog log_;
};

std::vector<nlohmann::ordered_json> events(int n) {
  std::vector<nlohmann::ordered_json> out;
  for (int i = 0; i < n; ++i) out.push_back({{"Amount__c", i}});
  return out;
}

TEST_F(ScriptedTest, SecondConsecutive401IsFatal) {
  int issued = 0;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, ++issued)};
    return Reply{401,
                 R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(2));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(outcomes.error().code, "INVALID_SESSION_ID");
  EXPECT_THAT(outcomes.error().message, HasSubstr("even with a freshly issued token"));
  EXPECT_EQ(server.count(kTokenPath), 2);  // first login, one refresh
  EXPECT_EQ(server.count(kCollectionsPath), 2);
}

TEST_F(ScriptedTest, TokenEndpointOutageIsRetriedThenLogsIn) {
  int calls = 0;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) {
      return ++calls <= 2 ? Reply{503, "<html>down</html>"} : Reply{200, token_body(url, calls)};
    }
    return Reply{404, "[]"};
  });
  url = server.url();
  random_.always_ceiling = true;
  auto provider = tokens(settings(url));
  Result<Session> session = provider->session();
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->access_token.reveal(), "00Dxx!token-3");
  EXPECT_EQ(session->org_id, "00Dorg");
  EXPECT_EQ(server.count(kTokenPath), 3);
  EXPECT_EQ(clock_.sleeps(), (std::vector<Clock::Duration>{milliseconds(250), milliseconds(500)}));
}

TEST_F(ScriptedTest, TokenEndpointOutageGivesUpAfterTheAuthBudget) {
  ScriptedServer server([&](const std::string&, const std::string&, const std::string&) {
    return Reply{500, R"({"error":"server_error","error_description":"try later"})"};
  });
  random_.always_ceiling = true;  // 250, 500, 1000, then 1250 up to the 3000 ms budget
  Result<Session> session = tokens(settings(server.url()))->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(session.error().code, "server_error");
  EXPECT_THAT(session.error().message, HasSubstr("still failing after 5 attempts over 3000 ms "
                                                 "(salesforce.auth.retries.time.ms=3000)"));
  EXPECT_THAT(session.error().message, HasSubstr("server_error: try later"));
  EXPECT_EQ(server.count(kTokenPath), 5);
}

TEST_F(ScriptedTest, LoginAnswerWithoutTokenIsFatal) {
  ScriptedServer server([&](const std::string&, const std::string&, const std::string&) {
    return Reply{200, "<html>portal</html>"};
  });
  Result<Session> session = tokens(settings(server.url()))->session();
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(session.error().message, HasSubstr("salesforce.instance"));
}

TEST_F(ScriptedTest, LoginSendsThePasswordGrantForm) {
  std::string form;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string&, const std::string& body) {
    form = body;
    return Reply{200, token_body(url, 1)};
  });
  url = server.url();
  ClientSettings s = settings(url);
  s.password = Secret("p&ss=word");
  ASSERT_TRUE(tokens(s)->session().ok());
  EXPECT_EQ(form,
            "grant_type=password&client_id=key&client_secret=consumer-secret-value"
            "&username=user%40example.com&password=p%26ss%3Dwordtoken-value");
}

TEST_F(ScriptedTest, ResultCountMismatchIsAnError) {
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    return Reply{200, success(1)};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(3));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(outcomes.error().code, "UNEXPECTED_RESPONSE");
  EXPECT_THAT(outcomes.error().message, HasSubstr("1 results for 3 records"));
  EXPECT_EQ(server.count(kCollectionsPath), 1);
}

TEST_F(ScriptedTest, PermissionErrorIsFatal) {
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    return Reply{
        403,
        R"([{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}])"};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(3));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(outcomes.error().code, "INSUFFICIENT_ACCESS_OR_READONLY");
  EXPECT_THAT(outcomes.error().message, HasSubstr("Order__e"));
  EXPECT_EQ(server.count(kCollectionsPath), 1);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ScriptedTest, RequestLimitExceededWaitsTheLongFloor) {
  int posts = 0;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string& body) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    if (++posts == 1) {
      return Reply{
          403,
          R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"};
    }
    return Reply{200, success(static_cast<int>(record_count(body)))};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(2));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_TRUE((*outcomes)[1].accepted);
  EXPECT_EQ((*outcomes)[1].uuid, "uuid-1");
  EXPECT_EQ(clock_.sleeps(), (std::vector<Clock::Duration>{kRateLimitMinBackoff})) << log_.text();
}

TEST_F(ScriptedTest, CollectionsBodyLeadsEachRecordWithItsTypeAndDropsAnEventsOwnAttributes) {
  std::string body;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string& sent) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    body = sent;
    return Reply{200, R"([{"id":"e01","success":true,"errors":[]},)"
                      R"({"id":"e02","success":true,"errors":[]}])"};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  std::vector<nlohmann::ordered_json> sent = {
      {{"Text__c", "a\"b"}, {"Amount__c", 1.5}},
      {{"attributes", {{"type", "Other__e"}}}, {"Amount__c", 2}, {"Flag__c", nullptr}}};
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(sent);
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_EQ(body,
            R"({"allOrNone":false,"records":[)"
            R"({"attributes":{"type":"Order__e"},"Text__c":"a\"b","Amount__c":1.5},)"
            R"({"attributes":{"type":"Order__e"},"Amount__c":2,"Flag__c":null}]})");
}

TEST_F(ScriptedTest, PerRecordTransientErrorsRetryOnlyThoseRecords) {
  std::vector<std::vector<int>> sent;  // Amount__c values of each request
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string& body) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    nlohmann::json request = nlohmann::json::parse(body);
    std::vector<int> amounts;
    nlohmann::json results = nlohmann::json::array();
    for (const auto& record : request["records"]) {
      EXPECT_EQ(record["attributes"]["type"], "Order__e");
      int amount = record["Amount__c"].get<int>();
      amounts.push_back(amount);
      if (sent.empty() && amount == 1) {
        results.push_back({{"success", false},
                           {"errors",
                            {{{"statusCode", "PLATFORM_EVENT_PUBLISHING_UNAVAILABLE"},
                              {"message", "try again later"},
                              {"fields", nlohmann::json::array()}}}}});
      } else if (amount == 3) {
        results.push_back({{"success", false},
                           {"errors",
                            {{{"statusCode", "NUMBER_OUTSIDE_VALID_RANGE"},
                              {"message", "too big"},
                              {"fields", {"Amount__c"}}}}}});
      } else {
        results.push_back({{"id", "e01" + std::to_string(amount)},
                           {"success", true},
                           {"errors",
                            {{{"statusCode", "OPERATION_ENQUEUED"},
                              {"message", "uuid-" + std::to_string(amount)},
                              {"fields", nlohmann::json::array()}}}}});
      }
    }
    sent.push_back(amounts);
    return Reply{200, results.dump()};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(4));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_EQ(sent, (std::vector<std::vector<int>>{{0, 1, 2, 3}, {1}}));
  for (int i : {0, 1, 2}) {
    EXPECT_TRUE((*outcomes)[i].accepted) << i;
    EXPECT_EQ((*outcomes)[i].id, "e01" + std::to_string(i));
    EXPECT_EQ((*outcomes)[i].uuid, "uuid-" + std::to_string(i));
  }
  ASSERT_TRUE((*outcomes)[3].error.has_value());
  EXPECT_EQ((*outcomes)[3].error->kind, ErrorKind::kPermanent);
  EXPECT_EQ((*outcomes)[3].error->code, "NUMBER_OUTSIDE_VALID_RANGE");
  EXPECT_EQ((*outcomes)[3].error->message,
            "Salesforce refused the event for Order__e: NUMBER_OUTSIDE_VALID_RANGE: too big "
            "(fields: Amount__c)");
}

TEST_F(ScriptedTest, StopDuringRetriesEndsThePublish) {
  StopSignal stop;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    stop.request_stop();  // SIGTERM arrives while Salesforce is down
    return Reply{503, R"([{"message":"down","errorCode":"SERVER_UNAVAILABLE"}])"};
  });
  url = server.url();
  RestClient rest = client(settings(url), &stop);
  Result<std::vector<RecordOutcome>> outcomes = rest.publish(events(1));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().code, "STOPPED");
  EXPECT_EQ(server.count(kCollectionsPath), 1);
}

nlohmann::json limit_exceeded_result() {
  return {{"success", false},
          {"errors",
           {{{"statusCode", "LIMIT_EXCEEDED"},
             {"message", "The number of platform event messages published exceeded the hourly "
                         "publishing allocation."},
             {"fields", nlohmann::json::array()}}}}};
}

std::string limits_body(int remaining) {
  return nlohmann::json{{"HourlyPublishedPlatformEvents", {{"Max", 50000}, {"Remaining", remaining}}}}
      .dump();
}

TEST_F(ScriptedTest, LimitExceededWaitsForTheAllocationHoweverLongThenResends) {
  std::vector<std::vector<int>> sent;
  int limits_reads = 0;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string& body) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    if (path == "/services/data/v66.0/limits/") {
      ++limits_reads;
      return Reply{200, limits_body(limits_reads < 3 ? 0 : 120)};
    }
    std::vector<int> amounts;
    nlohmann::json results = nlohmann::json::array();
    const nlohmann::json request = nlohmann::json::parse(body);
    for (const auto& record : request["records"]) {
      int amount = record["Amount__c"].get<int>();
      amounts.push_back(amount);
      if (sent.empty() && amount >= 1) {
        results.push_back(limit_exceeded_result());
      } else {
        results.push_back(nlohmann::json::parse(success(1))[0]);
      }
    }
    sent.push_back(amounts);
    return Reply{200, results.dump()};
  });
  url = server.url();
  ClientSettings s = settings(url);
  s.request_max_retries_time_ms = 10000;  // far less than the wait: the wait is not budgeted
  s.limits_poll_interval_ms = 60000;
  RestClient rest = client(s);
  int keep_alive_calls = 0;
  rest.set_keep_alive([&] { ++keep_alive_calls; });
  auto outcomes = rest.publish(events(3));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_EQ(sent, (std::vector<std::vector<int>>{{0, 1, 2}, {1, 2}}));
  ASSERT_EQ(outcomes->size(), 3u);
  for (const auto& outcome : *outcomes) EXPECT_TRUE(outcome.accepted);
  EXPECT_EQ(limits_reads, 3);
  // Three polls of 60 s, in slices of at most a second, each followed by a keep-alive call (and
  // one at the start of the pause).
  EXPECT_EQ(keep_alive_calls, 1 + 3 * 60);
  EXPECT_EQ(log_.lines_with("publishing and consumption are paused").size(), 1u);
  EXPECT_THAT(log_.text(), HasSubstr("the hourly publishing allocation has room again (120 of "
                                     "50000 events); publishing resumed"));
}

TEST_F(ScriptedTest, StopWhileWaitingForTheAllocationEndsThePublish) {
  StopSignal stop;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    if (path == "/services/data/v66.0/limits/") return Reply{200, limits_body(0)};
    return Reply{200, nlohmann::json::array({limit_exceeded_result()}).dump()};
  });
  url = server.url();
  ClientSettings s = settings(url);
  RestClient rest = client(s, &stop);
  int keep_alive_calls = 0;
  rest.set_keep_alive([&] {
    if (++keep_alive_calls == 150) stop.request_stop();
  });
  auto outcomes = rest.publish(events(1));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.error().code, "STOPPED");
  EXPECT_EQ(keep_alive_calls, 150);
}

// §2.5: /limits needs "View Setup and Configuration"; without it (403, text as the emulator's).
const Reply kLimitsRefused{
    403, R"([{"message":"Insufficient Privileges","errorCode":"INSUFFICIENT_ACCESS"}])"};

TEST_F(ScriptedTest, WithoutLimitsTheWaitGrowsAndEndsAtTheTopOfTheHour) {
  random_.always_ceiling = true;  // each blind pause is its ceiling: 10 s, 20 s, ... 300 s
  std::vector<int64_t> sent_at;   // seconds since the fake wall clock's start
  int limits_reads = 0;
  std::string url;
  // FakeClock::kWallStart is 22:13:20 UTC: the next hour starts 2800 s later, and the allocation
  // only then has room.
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    if (path == "/services/data/v66.0/limits/") {
      ++limits_reads;
      return kLimitsRefused;
    }
    const int64_t at = std::chrono::duration_cast<std::chrono::seconds>(
                           clock_.wall_now().time_since_epoch() - FakeClock::kWallStart)
                           .count();
    sent_at.push_back(at);
    if (at < 2800) return Reply{200, nlohmann::json::array({limit_exceeded_result()}).dump()};
    return Reply{200, success(1)};
  });
  url = server.url();
  ClientSettings s = settings(url);
  s.limits_poll_interval_ms = 10000;
  RestClient rest = client(s);
  auto outcomes = rest.publish(events(1));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_TRUE((*outcomes)[0].accepted);
  // A /limits poll interval (10 s), /limits refused; then pauses of 20, 40, 80, 160, 300 (the
  // cap), 300, ... s; the last one ends at the top of the hour instead of 300 s later.
  EXPECT_EQ(sent_at, (std::vector<int64_t>{0, 10, 30, 70, 150, 310, 610, 910, 1210, 1510, 1810,
                                           2110, 2410, 2710, 2800}));
  EXPECT_EQ(limits_reads, 1) << "a refused /limits is not asked again";
  EXPECT_EQ(log_.lines_with("publishing and consumption are paused for 90000 ms").size(), 1u);
}

TEST_F(ScriptedTest, MalformedLimitsBodyIsAClassifiedErrorAndTheWaitGoesOnWithoutIt) {
  int limits_reads = 0;
  int publishes = 0;
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    if (path == "/services/data/v66.0/limits/") {
      ++limits_reads;
      return Reply{200, "[1,2]"};
    }
    if (++publishes == 1) {
      return Reply{200, nlohmann::json::array({limit_exceeded_result()}).dump()};
    }
    return Reply{200, success(1)};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  auto outcomes = rest.publish(events(1));
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_TRUE((*outcomes)[0].accepted);
  EXPECT_EQ(publishes, 2);
  EXPECT_EQ(limits_reads, 1);
  EXPECT_EQ(log_.lines_with("reading /limits failed (UNEXPECTED_RESPONSE: the /limits answer has "
                            "no HourlyPublishedPlatformEvents object)")
                .size(),
            1u);
}

TEST(PublishingAllocationFrom, ReadsHourlyPublishedPlatformEventsOrFailsClassified) {
  auto read = [](const char* body) {
    return publishing_allocation_from(nlohmann::json::parse(body));
  };
  Result<PublishingAllocation> good =
      read(R"({"HourlyPublishedPlatformEvents":{"Max":50000,"Remaining":17}})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->max, 50000);
  EXPECT_EQ(good->remaining, 17);
  for (const char* bad : {"[]", "{}", "null", R"({"HourlyPublishedPlatformEvents":5})",
                          R"({"HourlyPublishedPlatformEvents":{"Max":1}})",
                          R"({"HourlyPublishedPlatformEvents":{"Max":1,"Remaining":"0"}})"}) {
    Result<PublishingAllocation> allocation = read(bad);
    ASSERT_FALSE(allocation.ok()) << bad;
    EXPECT_EQ(allocation.error().kind, ErrorKind::kFatal) << bad;
    EXPECT_EQ(allocation.error().code, "UNEXPECTED_RESPONSE") << bad;
  }
  EXPECT_EQ(read(R"({"HourlyPublishedPlatformEvents":{"Max":1,"Remaining":"0"}})").error().message,
            R"(the /limits answer's HourlyPublishedPlatformEvents is not {"Max": n, "Remaining": )"
            R"(n}: {"Max":1,"Remaining":"0"})");
}

TEST_F(ScriptedTest, DailyApiUsageWarnsOnceAt80AndOnceAt90Percent) {
  int request = 0;
  const std::vector<int> used = {79, 80, 85, 90, 95, 99};
  std::string url;
  ScriptedServer server([&](const std::string&, const std::string& path, const std::string&) {
    if (path == kTokenPath) return Reply{200, token_body(url, 1)};
    std::string usage = "api-usage=" + std::to_string(used[request++]) + "/100";
    return Reply{200, success(1), {{"Sforce-Limit-Info", usage}}};
  });
  url = server.url();
  RestClient rest = client(settings(url));
  for (size_t i = 0; i < used.size(); ++i) ASSERT_TRUE(rest.publish(events(1)).ok());
  auto warnings = log_.lines_with("daily API requests");
  ASSERT_EQ(warnings.size(), 2u) << log_.text();
  EXPECT_EQ(warnings[0],
            "warning Salesforce daily API requests are 80% used (80 of 100, Sforce-Limit-Info)");
  EXPECT_EQ(warnings[1],
            "warning Salesforce daily API requests are 90% used (90 of 100, Sforce-Limit-Info)");
  EXPECT_EQ(rest.api_usage().used, 99);
}

}  // namespace
}  // namespace sfpe::salesforce
