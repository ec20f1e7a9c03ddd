// Exact Number values (map::exact_number_json) on both publishing paths: REST writes their
// digits as they are, so the emulator, which counts integer digits on the text as Salesforce
// does, accepts 9999999999999999.99 on a Number(18, 2) field (a double would be 1e16, 17 digits,
// and refused); Pub/Sub writes the nearest double, the type of its schema's Number fields.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "map/event_mapper.h"
#include "salesforce/pubsub_encoder.h"
#include "salesforce/rest_client.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::salesforce {
namespace {

constexpr const char* kEvent = "ConfluentEvent__e";

class ExactNumberTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(emulator_.start().ok()); }
  void TearDown() override { emulator_.stop(); }

  std::unique_ptr<RestClient> client(bool single) {
    auto tokens = std::make_shared<TokenProvider>(
        test::emulator_login_settings(emulator_.url(), kEvent), clock_, random_, nullptr,
        log_.logger());
    auto rest = std::make_unique<RestClient>(tokens, clock_, random_, nullptr, log_.logger());
    rest->set_single_record_requests(single);
    return rest;
  }

  sfpe::testing::SalesforceEmulator emulator_{sfpe::testing::EmulatorConfig{}};
  test::FakeClock clock_;
  test::FakeRandom random_;
  test::CapturedLog log_;
};

TEST_F(ExactNumberTest, RestWritesTheDigitsAsTheyAre) {
  for (bool single : {false, true}) {
    std::vector<nlohmann::ordered_json> events = {
        {{"TextField__c", "exact"},
         {"NumberField__c", map::exact_number_json("9999999999999999.99")}}};
    auto outcomes = client(single)->publish(events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    ASSERT_EQ(outcomes->size(), 1u);
    EXPECT_FALSE((*outcomes)[0].error.has_value())
        << (single ? "single: " : "collections: ") << (*outcomes)[0].error->message;
  }
  EXPECT_EQ(emulator_.events().size(), 2u);
}

TEST(ExactNumberSerializeTest, BodiesWriteExactNumbersAsNumbers) {
  map::EventJson event = {{"A__c", map::exact_number_json("1234567890.12345678")},
                          {"B__c", "t\xff"},
                          {"C__c", 1.5}};
  EXPECT_EQ(map::serialize_event(event),
            "{\"A__c\":1234567890.12345678,\"B__c\":\"t\xef\xbf\xbd\",\"C__c\":1.5}");
  EXPECT_EQ(map::exact_number_text(event["A__c"]), "1234567890.12345678");
  EXPECT_EQ(map::exact_number_text(event["C__c"]), std::nullopt);
}

TEST(ExactNumberPubSubTest, EncodesTheNearestDouble) {
  constexpr const char* kSchema = R"({"name":"Order__e","type":"record","fields":[
    {"name":"CreatedDate","type":"long"},{"name":"CreatedById","type":"string"},
    {"name":"Amount__c","type":["null","double"],"default":null}]})";
  auto encoder = PubSubEncoder::from_schema(kSchema, "abc");
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  nlohmann::ordered_json exact = {{"Amount__c", map::exact_number_json("0.1")}};
  nlohmann::ordered_json plain = {{"Amount__c", 0.1}};
  auto from_exact = encoder->encode(exact, 1, "005");
  auto from_double = encoder->encode(plain, 1, "005");
  ASSERT_TRUE(from_exact.ok()) << from_exact.error().message;
  ASSERT_TRUE(from_double.ok());
  EXPECT_EQ(*from_exact, *from_double);
  nlohmann::ordered_json huge = {{"Amount__c", map::exact_number_json("1e400")}};
  auto refused = encoder->encode(huge, 1, "005");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(refused.error().code, "PUBSUB_VALUE");
  EXPECT_EQ(refused.error().message,
            "field Amount__c: 1e400 cannot be written as a double (it is beyond a double's range) "
            "(Pub/Sub schema abc)");
}

}  // namespace
}  // namespace sfpe::salesforce
