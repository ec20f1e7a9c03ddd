// Each OAuth grant of salesforce.grant.type end to end (confluent-connector.md §3.2,
// salesforce-api.md §4): the real sfpe-sink binary logs in to the emulator and publishes; the
// JWT bearer key comes from a PKCS#12 keystore made with the openssl command line, and the
// emulator checks the assertion with that keystore's certificate.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "lib/test_keystores.h"
#include "scenario.h"

namespace sfpe::itest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKeystorePassword = "itest-keystore-pw-7";

const testing::TestKeystores& keystores() {
  static const testing::TestKeystores made = [] {
    auto result = testing::make_test_keystores(
        std::filesystem::path(SFPE_BINARY_DIR) / "test-keys" / "auth_test", kKeystorePassword,
        "sfpe-sink integration");
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return result.value();
  }();
  return made;
}

// Produces three records, runs the sink with `overrides` until Salesforce has them all and every
// offset is committed, then stops it cleanly.
void publishes_three_records(Scenario& s, const std::map<std::string, std::string>& overrides) {
  int32_t schema_id = s.register_schema();
  s.produce(records_for(1, 3), schema_id);
  auto sink = s.start_sink(s.write_worker(), s.write_connector(overrides));
  ASSERT_TRUE(s.wait_for_events(3, 60s)) << sink->stderr_text();
  ASSERT_TRUE(s.wait_for_commits_to_reach_end(30s));
  sink->send_signal(SIGTERM);
  ASSERT_EQ(sink->wait(30s), 0) << sink->stderr_text();
  auto events = s.event_fields();
  ASSERT_EQ(events.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(events[i], expected_event(0, i));
  EXPECT_GE(s.stats()["tokens_issued"].get<int>(), 1);
}

// The properties the JWT bearer grant does without (§4.2: no secret, no password).
std::map<std::string, std::string> jwt_overrides(const std::string& keystore_password) {
  return {{"salesforce.jwt.keystore.path", keystores().pkcs12_path},
          {"salesforce.jwt.keystore.password", keystore_password},
          {"salesforce.consumer.secret", ""},
          {"salesforce.password", ""},
          {"salesforce.password.token", ""}};
}

std::string emulator_with_certificate() {
  return nlohmann::json{{"jwt_certificate", keystores().certificate_pem}}.dump();
}

TEST(AuthTest, PasswordGrantInLowerCasePublishes) {
  Scenario s(1);
  publishes_three_records(s, {{"salesforce.grant.type", "password"}});
}

TEST(AuthTest, ClientCredentialsGrantPublishesWithoutAUser) {
  Scenario s(1);
  publishes_three_records(s, {{"salesforce.grant.type", "CLIENT_CREDENTIALS"},
                              {"salesforce.username", ""},
                              {"salesforce.password", ""},
                              {"salesforce.password.token", ""}});
}

TEST(AuthTest, JwtBearerGrantFromAPkcs12KeystorePublishes) {
  Scenario s(1, emulator_with_certificate());
  auto overrides = jwt_overrides(kKeystorePassword);
  overrides["salesforce.grant.type"] = "JWT_BEARER";
  publishes_three_records(s, overrides);
}

TEST(AuthTest, KeystorePathAloneSelectsTheJwtBearerGrant) {
  Scenario s(1, emulator_with_certificate());
  publishes_three_records(s, jwt_overrides(kKeystorePassword));  // grant.type left at PASSWORD
}

TEST(AuthTest, WrongKeystorePasswordStopsStartUpNamingThePropertyButNotThePassword) {
  Scenario s(1, emulator_with_certificate());
  const std::string wrong = "wrong-keystore-pw-913";
  auto sink = s.start_sink(s.write_worker(), s.write_connector(jwt_overrides(wrong)));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value()) << "the sink must stop on its own";
  EXPECT_EQ(*code, 2) << "a configuration error found at start-up exits 2 (standalone.cc)";
  const std::string output = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(output.find("salesforce.jwt.keystore.path"), std::string::npos) << output;
  EXPECT_NE(output.find("wrong password"), std::string::npos) << output;
  EXPECT_EQ(output.find(wrong), std::string::npos) << "the password must never be printed";
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 0) << "no login with a key never loaded";
}

TEST(AuthTest, JwtBearerRefusedBySalesforceStopsWithItsErrorText) {
  // The org knows another certificate: Salesforce's invalid_grant is fatal, not retried.
  auto other = testing::make_test_keystores(
      std::filesystem::path(SFPE_BINARY_DIR) / "test-keys" / "auth_test_other", "other-pw",
      "another app");
  ASSERT_TRUE(other.ok()) << other.error().message;
  Scenario s(1, nlohmann::json{{"jwt_certificate", other->certificate_pem}}.dump());
  auto sink = s.start_sink(s.write_worker(), s.write_connector(jwt_overrides(kKeystorePassword)));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  const std::string output = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(output.find("invalid_grant: invalid assertion"), std::string::npos) << output;
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 1) << "invalid_grant is not retried";
}

// salesforce-api.md §4.2: the assertion's aud is the org's authorization server, not the host it
// is posted to. A sandbox org accepts only https://test.salesforce.com; the emulator on loopback
// stands for a production org unless told otherwise, so the override is needed here.
TEST(AuthTest, JwtBearerAtASandboxOrgPublishesWithTheAudienceOverride) {
  Scenario s(1, nlohmann::json{{"jwt_certificate", keystores().certificate_pem},
                               {"org_type", "sandbox"}}
                    .dump());
  auto overrides = jwt_overrides(kKeystorePassword);
  overrides["salesforce.jwt.audience"] = "https://test.salesforce.com";
  publishes_three_records(s, overrides);
}

TEST(AuthTest, JwtBearerWithAMyDomainAudienceStopsWithAHintThatNamesTheLoginServers) {
  Scenario s(1, emulator_with_certificate());
  auto overrides = jwt_overrides(kKeystorePassword);
  overrides["salesforce.jwt.audience"] = s.salesforce_url();  // what a My Domain aud looks like
  auto sink = s.start_sink(s.write_worker(), s.write_connector(overrides));
  auto code = sink->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  const std::string output = sink->stderr_text() + sink->stdout_text();
  EXPECT_NE(output.find("invalid_grant: audience is invalid"), std::string::npos) << output;
  EXPECT_NE(output.find("https://test.salesforce.com for a sandbox"), std::string::npos) << output;
  EXPECT_EQ(output.find("My Domain"), std::string::npos) << output;
  EXPECT_EQ(s.stats()["requests"].value("token", 0), 1) << "invalid_grant is not retried";
}

}  // namespace
}  // namespace sfpe::itest
