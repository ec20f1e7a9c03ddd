// The Pub/Sub payload encoder: Avro binary datums of the COMPACT event schema (salesforce-api.md
// §2.5, §3.5, §5), byte for byte.
#include "salesforce/pubsub_encoder.h"

#include <gtest/gtest.h>

#include <vector>

namespace sfpe::salesforce {
namespace {

constexpr const char* kSchema = R"({"name":"Order__e","namespace":"com.sforce.eventbus",
  "type":"record","fields":[
  {"name":"CreatedDate","type":"long","doc":"CreatedDate:DateTime"},
  {"name":"CreatedById","type":"string","doc":"CreatedBy:EntityId"},
  {"name":"Text__c","type":["null","string"],"doc":"Data:Text:00N000000000001","default":null},
  {"name":"Amount__c","type":["null","double"],"doc":"Data:Double:00N000000000002","default":null},
  {"name":"Flag__c","type":["null","boolean"],"default":null},
  {"name":"Day__c","type":["null","long"],"default":null},
  {"name":"At__c","type":["null","long"],"default":null}],"uuid":"abc"})";

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

TEST(AvroPrimitivesTest, ZigZagVarints) {
  auto encoded = [](int64_t v) {
    std::string out;
    avro_write_long(out, v);
    return hex(out);
  };
  EXPECT_EQ(encoded(0), "00");
  EXPECT_EQ(encoded(-1), "01");
  EXPECT_EQ(encoded(1), "02");
  EXPECT_EQ(encoded(-64), "7f");
  EXPECT_EQ(encoded(64), "8001");
  EXPECT_EQ(encoded(1553542991336), "d0b786e6b65a");
  EXPECT_EQ(encoded(INT64_MIN), "ffffffffffffffffff01");
}

TEST(PubSubEncoderTest, WritesEveryFieldInTheSchemasTypesAndOrder) {
  auto encoder = PubSubEncoder::from_schema(kSchema, "abc");
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  nlohmann::ordered_json event = {{"Flag__c", true},
                                  {"Text__c", "hé"},
                                  {"Amount__c", 2.5},
                                  {"Day__c", "1970-01-02"},
                                  {"At__c", "1970-01-01T00:00:01.500Z"}};
  auto payload = encoder->encode(event, 1, "005");
  ASSERT_TRUE(payload.ok()) << payload.error().message;
  EXPECT_EQ(hex(*payload),
            "02"                    // CreatedDate 1
            "06303035"              // CreatedById "005"
            "02" "06" "68c3a9"      // Text__c: branch 1, 3 bytes of UTF-8
            "02" "0000000000000440" // Amount__c: 2.5 as a little-endian double
            "02" "01"               // Flag__c true
            "02" "80f0b252"         // Day__c: 86400000 ms
            "02" "b817");           // At__c: 1500 ms
}

TEST(PubSubEncoderTest, MissingAndNullFieldsTakeTheNullBranch) {
  auto encoder = PubSubEncoder::from_schema(kSchema, "abc");
  ASSERT_TRUE(encoder.ok());
  auto payload = encoder->encode(nlohmann::json{{"Text__c", nullptr}}, 0, "");
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(hex(*payload), "00" "00" "00" "00" "00" "00" "00");
}

TEST(PubSubEncoderTest, RefusesWhatTheSchemaCannotHold) {
  auto encoder = PubSubEncoder::from_schema(kSchema, "abc");
  ASSERT_TRUE(encoder.ok());
  auto unknown = encoder->encode(nlohmann::json{{"Other__c", 1}}, 0, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "field Other__c is not in the Pub/Sub schema abc");
  auto mismatch = encoder->encode(nlohmann::json{{"Flag__c", "yes"}}, 0, "");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().message,
            "field Flag__c: \"yes\" cannot be written as a boolean (Pub/Sub schema abc)");
  EXPECT_EQ(mismatch.error().kind, ErrorKind::kPermanent);
}

// Item 7: what the encoder cannot write is a permanent error on that record, never an
// exception (which would end the publishing thread with std::terminate).
TEST(PubSubEncoderTest, InvalidUtf8AndHugeNumbersArePermanentErrorsNotExceptions) {
  auto encoder = PubSubEncoder::from_schema(kSchema, "abc");
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  struct Case {
    nlohmann::ordered_json event;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{{"Text__c", "ok\xff"}},
       "field Text__c: the text is not valid UTF-8, as an Avro string must be (Pub/Sub schema "
       "abc)"},
      {{{"Flag__c", "\xff"}},
       "field Flag__c: \"\xef\xbf\xbd\" cannot be written as a boolean (Pub/Sub schema abc)"},
      {{{"Amount__c", "1e400"}},
       "field Amount__c: \"1e400\" cannot be written as a double (it is beyond a double's "
       "range) (Pub/Sub schema abc)"},
  };
  for (const Case& c : cases) {
    Result<std::string> payload = Error::fatal("UNSET", "");
    EXPECT_NO_THROW(payload = encoder->encode(c.event, 1, "005")) << c.message;
    if (payload.ok()) {
      ADD_FAILURE() << "encoded: " << c.message;
      continue;
    }
    EXPECT_EQ(payload.error().kind, ErrorKind::kPermanent);
    EXPECT_EQ(payload.error().code, "PUBSUB_VALUE");
    EXPECT_EQ(payload.error().message, c.message);
  }
}

TEST(PubSubEncoderTest, RefusesSchemasItCannotWrite) {
  auto not_record = PubSubEncoder::from_schema(R"({"type":"string"})", "x");
  EXPECT_FALSE(not_record.ok());
  auto two_branches = PubSubEncoder::from_schema(
      R"({"type":"record","name":"E","fields":[{"name":"A__c","type":["null","string","long"]}]})",
      "y");
  ASSERT_FALSE(two_branches.ok());
  EXPECT_NE(two_branches.error().message.find("field A__c"), std::string::npos);
}

}  // namespace
}  // namespace sfpe::salesforce
