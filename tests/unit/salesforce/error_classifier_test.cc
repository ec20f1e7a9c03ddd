// The classification table: every Salesforce outcome the sink can meet, and the ErrorKind it
// must lead to (salesforce-api.md §2.4, §4.1; confluent-connector.md §6.3).
#include "salesforce/error_classifier.h"

#include <gtest/gtest.h>

#include <string>

namespace sfpe::salesforce {
namespace {

using std::chrono::milliseconds;

struct ResponseCase {
  long status;
  std::string code;
  ErrorKind kind;
  bool reauthenticate;
  milliseconds min_backoff;
};

class ClassifyResponseTest : public ::testing::TestWithParam<ResponseCase> {};

TEST_P(ClassifyResponseTest, MapsStatusAndCode) {
  const ResponseCase& c = GetParam();
  Classification got = classify_response(c.status, c.code);
  EXPECT_EQ(got.kind, c.kind) << c.status << " " << c.code;
  EXPECT_EQ(got.reauthenticate, c.reauthenticate) << c.status << " " << c.code;
  EXPECT_EQ(got.min_backoff, c.min_backoff) << c.status << " " << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyResponseTest,
    ::testing::Values(
        // 5xx: transient, known or not.
        ResponseCase{500, "", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{502, "", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{503, "SERVER_UNAVAILABLE", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{504, "", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{599, "SOMETHING_NEW", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{408, "", ErrorKind::kTransient, false, milliseconds(0)},
        ResponseCase{429, "", ErrorKind::kTransient, false, milliseconds(0)},
        // Rate limit: transient with the long floor.
        ResponseCase{403, "REQUEST_LIMIT_EXCEEDED", ErrorKind::kTransient, false,
                     kRateLimitMinBackoff},
        // Session: re-authenticate, fatal if that does not help.
        ResponseCase{401, "INVALID_SESSION_ID", ErrorKind::kFatal, true, milliseconds(0)},
        ResponseCase{401, "INVALID_AUTH_HEADER", ErrorKind::kFatal, true, milliseconds(0)},
        ResponseCase{401, "", ErrorKind::kFatal, true, milliseconds(0)},
        // Payload errors of a whole request: permanent.
        ResponseCase{400, "INVALID_FIELD", ErrorKind::kPermanent, false, milliseconds(0)},
        ResponseCase{400, "JSON_PARSER_ERROR", ErrorKind::kPermanent, false, milliseconds(0)},
        ResponseCase{400, "STRING_TOO_LONG", ErrorKind::kPermanent, false, milliseconds(0)},
        // ...but an unknown sObject type for a whole request means the event is missing.
        ResponseCase{400, "INVALID_TYPE", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{400, "SOMETHING_NEW", ErrorKind::kPermanent, false, milliseconds(0)},
        ResponseCase{400, "", ErrorKind::kPermanent, false, milliseconds(0)},
        ResponseCase{413, "", ErrorKind::kPermanent, false, milliseconds(0)},
        // A known code wins over the status.
        ResponseCase{400, "LIMIT_EXCEEDED", ErrorKind::kTransient, false, kRateLimitMinBackoff},
        ResponseCase{400, "INSUFFICIENT_ACCESS_OR_READONLY", ErrorKind::kFatal, false,
                     milliseconds(0)},
        // Event missing, permissions, version/endpoint trouble: fatal.
        ResponseCase{404, "NOT_FOUND", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{404, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{403, "INSUFFICIENT_ACCESS_OR_READONLY", ErrorKind::kFatal, false,
                     milliseconds(0)},
        ResponseCase{403, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{403, "API_DISABLED_FOR_ORG", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{405, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{409, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{410, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{415, "", ErrorKind::kFatal, false, milliseconds(0)},
        ResponseCase{300, "", ErrorKind::kFatal, false, milliseconds(0)}));

struct RecordCase {
  std::string code;
  ErrorKind kind;
  milliseconds min_backoff;
};

class ClassifyRecordTest : public ::testing::TestWithParam<RecordCase> {};

TEST_P(ClassifyRecordTest, MapsStatusCode) {
  const RecordCase& c = GetParam();
  Classification got = classify_record_error(c.code);
  EXPECT_EQ(got.kind, c.kind) << c.code;
  EXPECT_EQ(got.min_backoff, c.min_backoff) << c.code;
  EXPECT_FALSE(got.reauthenticate) << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyRecordTest,
    ::testing::Values(
        RecordCase{"PLATFORM_EVENT_PUBLISHING_UNAVAILABLE", ErrorKind::kTransient, milliseconds(0)},
        RecordCase{"SERVER_UNAVAILABLE", ErrorKind::kTransient, milliseconds(0)},
        RecordCase{"UNABLE_TO_LOCK_ROW", ErrorKind::kTransient, milliseconds(0)},
        RecordCase{"LIMIT_EXCEEDED", ErrorKind::kTransient, kRateLimitMinBackoff},
        RecordCase{"REQUEST_LIMIT_EXCEEDED", ErrorKind::kTransient, kRateLimitMinBackoff},
        RecordCase{"ALL_OR_NONE_OPERATION_ROLLED_BACK", ErrorKind::kTransient, milliseconds(0)},
        RecordCase{"STRING_TOO_LONG", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"INVALID_FIELD", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"JSON_PARSER_ERROR", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"REQUIRED_FIELD_MISSING", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"INVALID_TYPE", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ErrorKind::kPermanent,
                   milliseconds(0)},
        RecordCase{"FIELD_INTEGRITY_EXCEPTION", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"MALFORMED_ID", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"NUMBER_OUTSIDE_VALID_RANGE", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"PLATFORM_EVENT_ENCRYPTION_ERROR", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"SOMETHING_NEW", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"", ErrorKind::kPermanent, milliseconds(0)},
        RecordCase{"NOT_FOUND", ErrorKind::kFatal, milliseconds(0)},
        RecordCase{"INSUFFICIENT_ACCESS_OR_READONLY", ErrorKind::kFatal, milliseconds(0)}));

TEST(ClassifyRecordTest, InvalidSessionOnARecordIsRetried) {
  Classification got = classify_record_error("INVALID_SESSION_ID");
  EXPECT_EQ(got.kind, ErrorKind::kTransient);
  EXPECT_FALSE(got.reauthenticate);
}

TEST(ClassifyTransportTest, IsTransient) {
  Classification got = classify_transport_failure();
  EXPECT_EQ(got.kind, ErrorKind::kTransient);
  EXPECT_FALSE(got.reauthenticate);
  EXPECT_EQ(got.min_backoff, milliseconds(0));
}

TEST(ClassifyTokenTest, CredentialErrorsAreFatal) {
  for (const char* code :
       {"invalid_grant", "invalid_client_id", "invalid_client", "invalid_client_credentials",
        "unsupported_grant_type", "invalid_request", "inactive_user", "inactive_org"}) {
    EXPECT_EQ(classify_token_error(400, code).kind, ErrorKind::kFatal) << code;
  }
}

TEST(ClassifyTokenTest, ServerTroubleIsTransient) {
  EXPECT_EQ(classify_token_error(500, "").kind, ErrorKind::kTransient);
  EXPECT_EQ(classify_token_error(503, "").kind, ErrorKind::kTransient);
  Classification limited = classify_token_error(400, "rate_limit_exceeded");
  EXPECT_EQ(limited.kind, ErrorKind::kTransient);
  EXPECT_EQ(limited.min_backoff, kRateLimitMinBackoff);
}

TEST(ClassifyTokenTest, UnknownClientErrorIsFatal) {
  EXPECT_EQ(classify_token_error(400, "").kind, ErrorKind::kFatal);
  EXPECT_EQ(classify_token_error(404, "").kind, ErrorKind::kFatal);
  EXPECT_EQ(classify_token_error(400, "brand_new_error").kind, ErrorKind::kFatal);
}

TEST(ParseApiErrorTest, ReadsTheTopLevelArray) {
  ApiError error = parse_api_error(
      R"([{"message":"Value too long for field","errorCode":"STRING_TOO_LONG","fields":["Message__c"]}])");
  EXPECT_EQ(error.code, "STRING_TOO_LONG");
  EXPECT_EQ(error.message, "Value too long for field");
  EXPECT_EQ(error.fields, std::vector<std::string>{"Message__c"});
  EXPECT_EQ(error.describe(), "STRING_TOO_LONG: Value too long for field (fields: Message__c)");
}

TEST(ParseApiErrorTest, ReadsASingleObjectAndPerRecordStatusCode) {
  ApiError error = parse_api_error(
      R"({"statusCode":"LIMIT_EXCEEDED","message":"too many","fields":["A__c","B__c"]})");
  EXPECT_EQ(error.code, "LIMIT_EXCEEDED");
  EXPECT_EQ(error.describe(), "LIMIT_EXCEEDED: too many (fields: A__c, B__c)");
}

TEST(ParseApiErrorTest, KeepsShortenedTextOfANonJsonBody) {
  ApiError error = parse_api_error(std::string(400, 'x'));
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message, std::string(300, 'x') + "...");
  EXPECT_EQ(parse_api_error("Bad Gateway").describe(), "Bad Gateway");
}

TEST(ParseApiErrorTest, ToleratesMistypedKeys) {
  ApiError error = parse_api_error(R"([{"errorCode":7,"message":null,"fields":[1,"X__c"]}])");
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message, "");
  EXPECT_EQ(error.fields, std::vector<std::string>{"X__c"});
}

TEST(MakeErrorTest, CarriesTheKind) {
  Error error = make_error(classify_response(503, ""), "HTTP_503", "down");
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_EQ(error.code, "HTTP_503");
  EXPECT_EQ(error.message, "down");
}

TEST(ClassifyPubSubEventError, ASalesforceCodeInTheMessageDecidesAsPerRecordOnRest) {
  struct Case {
    const char* message;
    ErrorKind kind;
    const char* code;
    milliseconds floor;
  };
  const Case cases[] = {
      {"LIMIT_EXCEEDED: The number of platform event messages published exceeded the hourly "
       "publishing allocation.",
       ErrorKind::kTransient, "LIMIT_EXCEEDED", kRateLimitMinBackoff},
      {"PLATFORM_EVENT_PUBLISHING_UNAVAILABLE: Publishing platform events is temporarily "
       "unavailable. Try again later.",
       ErrorKind::kTransient, "PLATFORM_EVENT_PUBLISHING_UNAVAILABLE", milliseconds(0)},
      // A whole word only: REQUEST_LIMIT_EXCEEDED is not LIMIT_EXCEEDED.
      {"Failed (REQUEST_LIMIT_EXCEEDED)", ErrorKind::kTransient, "REQUEST_LIMIT_EXCEEDED",
       kRateLimitMinBackoff},
      {"STRING_TOO_LONG: Value too long for field", ErrorKind::kPermanent, "STRING_TOO_LONG",
       milliseconds(0)},
      {"INSUFFICIENT_ACCESS: the user may not publish", ErrorKind::kFatal, "INSUFFICIENT_ACCESS",
       milliseconds(0)},
      // No code: "try again later" is PLATFORM_EVENT_PUBLISHING_UNAVAILABLE's meaning (§2.4).
      {"The service is busy. Try again later.", ErrorKind::kTransient, "", milliseconds(0)},
      {"The event could not be published.", ErrorKind::kPermanent, "", milliseconds(0)},
      {"xLIMIT_EXCEEDED is not a word of its own", ErrorKind::kPermanent, "", milliseconds(0)},
      {"", ErrorKind::kPermanent, "", milliseconds(0)},
  };
  for (const Case& c : cases) {
    PubSubEventError error = classify_pubsub_event_error(c.message);
    EXPECT_EQ(error.classification.kind, c.kind) << c.message;
    EXPECT_EQ(error.code, c.code) << c.message;
    EXPECT_EQ(error.classification.min_backoff, c.floor) << c.message;
    EXPECT_FALSE(error.classification.reauthenticate) << c.message;
  }
}

}  // namespace
}  // namespace sfpe::salesforce
