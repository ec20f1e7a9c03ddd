// SaveResults read without a document (save_results.h): exact values for Salesforce's answers,
// and the same values as the document reading for every body the fast reader accepts.
#include "salesforce/save_results.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sfpe::salesforce {
namespace {

// What the document reading gives (rest_client.cc's fallback), or nullopt for a body that is
// not a list of results.
std::optional<std::vector<RawSaveResult>> by_document(const std::string& body, bool single) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (single && parsed.is_object()) parsed = nlohmann::json::array({parsed});
  if (!parsed.is_array()) return std::nullopt;
  std::vector<RawSaveResult> results;
  for (const auto& item : parsed) results.push_back(raw_save_result(item));
  return results;
}

TEST(SaveResultsTest, CollectionsAnswerWithEnqueuedUuidsAndARejection) {
  // The shapes of salesforce-api.md §2.1 / §2.2.
  const std::string body = R"([
    {"id":"e00xx0000000001AAA","success":true,"errors":[{"statusCode":"OPERATION_ENQUEUED",
      "message":"08b1c4a1-7c5c-4a3c-9c63-1f0d3c2e6f10","fields":[]}]},
    {"success":false,"errors":[{"statusCode":"STRING_TOO_LONG",
      "message":"TextField: data value too large","fields":["TextField__c"]},
      {"errorCode":"INVALID_FIELD","statusCode":"IGNORED","message":"m","fields":["A__c","B__c"]}]}
  ])";
  auto results = read_save_results(body, /*single=*/false);
  ASSERT_TRUE(results.has_value());
  std::vector<RawSaveResult> expected = {
      {true,
       "e00xx0000000001AAA",
       {{"OPERATION_ENQUEUED", "08b1c4a1-7c5c-4a3c-9c63-1f0d3c2e6f10", {}}}},
      {false,
       "",
       {{"STRING_TOO_LONG", "TextField: data value too large", {"TextField__c"}},
        {"INVALID_FIELD", "m", {"A__c", "B__c"}}}},
  };
  EXPECT_EQ(*results, expected);
  EXPECT_EQ(*results, *by_document(body, false));
}

TEST(SaveResultsTest, SingleRecordAnswerIsOneObject) {
  const std::string body = R"({"id":"e00xx0000000009AAA","success":true,"errors":[]})";
  auto results = read_save_results(body, /*single=*/true);
  ASSERT_TRUE(results.has_value());
  EXPECT_EQ(*results, (std::vector<RawSaveResult>{{true, "e00xx0000000009AAA", {}}}));
  EXPECT_FALSE(read_save_results(body, /*single=*/false).has_value());
  EXPECT_FALSE(read_save_results("[]", /*single=*/true).has_value());
}

TEST(SaveResultsTest, OddValuesReadAsTheDocumentReadsThem) {
  const std::vector<std::string> bodies = {
      "[]",
      R"([{"success":"true","id":7,"errors":null}])",
      R"([{"success":true,"success":false,"id":"a","id":"b"}])",
      R"([{"errors":[{"statusCode":"X"}],"errors":[{"statusCode":"Y","fields":"F"}]}])",
      R"([{"errors":[1,"s",null,{"message":5,"fields":[1,"A__c",null]}],"n":null,"k":2.5}])",
  };
  for (const auto& body : bodies) {
    auto fast = read_save_results(body, false);
    ASSERT_TRUE(fast.has_value()) << body;
    EXPECT_EQ(*fast, *by_document(body, false)) << body;
  }
}

TEST(SaveResultsTest, EscapesAndNonAsciiTextReadAsTheDocumentReadsThem) {
  // Escapes are decoded by the fast reader; raw non-ASCII text and surrogate pairs are handed to
  // nlohmann's parser. Either way the values are the document's.
  const std::string escaped =
      "[ {\"id\" : \"a\\\"b\\\\c\\/d\\n\\u00e9\\u20ac\\u0041\", \"success\":true,\n"
      "   \"n\":-12.5e+3, \"m\":0, \"z\":1E2 } ]";
  auto fast = read_save_results(escaped, false);
  ASSERT_TRUE(fast.has_value());
  ASSERT_EQ(fast->size(), 1u);
  EXPECT_EQ((*fast)[0].id, "a\"b\\c/d\n\u00e9\u20acA");
  EXPECT_EQ(*fast, *by_document(escaped, false));

  const std::vector<std::string> bodies = {
      R"([{"success":false,"errors":[{"statusCode":"X","message":"caf\u00e9 – naïve 😀 \ud83d\ude00"}]}])",
      R"([{"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"Wert zu groß"}]}])",
  };
  for (const auto& body : bodies) {
    auto read = read_save_results(body, false);
    ASSERT_TRUE(read.has_value()) << body;
    EXPECT_EQ(*read, *by_document(body, false)) << body;
  }
}

TEST(SaveResultsTest, OtherShapesAreLeftToTheDocument) {
  // Not read here: each comes back as nullopt for the caller's document reading.
  const std::vector<std::string> bodies = {
      "",
      "not json",
      R"({"message":"Session expired","errorCode":"INVALID_SESSION_ID"})",
      R"([{"success":true}] trailing)",
      R"([{"success":true},])",
      R"([{"success":tru}])",
      R"([{"success":true,"n":01}])",
      R"([{"success":true,"id":"a
b"}])",
      R"([{"success":true}, 3])",
      R"([[{"success":true}]])",
      R"([{"success":{"nested":true}}])",
      R"([{"attributes":{"type":"E__e"},"success":true}])",
      R"([{"success":true,"other":[1,2]}])",
      R"([{"success":true,"errors":[{"statusCode":"OPERATION_ENQUEUED","message":"u","x":{}}]}])",
      R"("text")",
  };
  for (const auto& body : bodies) {
    EXPECT_FALSE(read_save_results(body, false).has_value()) << body;
  }
}

TEST(SaveResultsTest, NumbersAreReadAsTheDocumentReadsThem) {
  // Caught by the oracle of tests/fuzz/save_results_fuzz.cc (corpus save_results/number_overflow):
  // nlohmann refuses a number that overflows a double, so the reader must refuse it too;
  // numbers it takes read as the document reads them.
  const std::vector<std::string> overflowing = {"1e400", "-1E+400", std::string(400, '9'),
                                                "1" + std::string(400, '0') + ".5"};
  for (const std::string& number : overflowing) {
    const std::string body = R"([{"success":true,"id":"a","x":)" + number + "}]";
    EXPECT_FALSE(read_save_results(body, false).has_value()) << body;
    EXPECT_FALSE(by_document(body, false).has_value()) << body;
  }
  const std::vector<std::string> plain = {"0", "-12", "1.5", "2e3", "-0.25E-2",
                                          "123456789012345678901"};
  for (const std::string& number : plain) {
    const std::string body = R"([{"success":true,"id":"a","x":)" + number + "}]";
    auto read = read_save_results(body, false);
    ASSERT_TRUE(read.has_value()) << body;
    EXPECT_EQ(*read, *by_document(body, false)) << body;
    EXPECT_EQ(read->at(0), (RawSaveResult{true, "a", {}})) << body;
  }
}

}  // namespace
}  // namespace sfpe::salesforce
