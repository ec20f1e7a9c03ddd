// Pure helpers of the REST client and login: Sforce-Limit-Info, API versions, identity URLs.
#include <gtest/gtest.h>

#include "salesforce/auth.h"
#include "salesforce/rest_client.h"

namespace sfpe::salesforce {
namespace {

TEST(ParseLimitInfoTest, ReadsApiUsage) {
  auto usage = parse_limit_info("api-usage=10018/100000");
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->used, 10018);
  EXPECT_EQ(usage->max, 100000);
}

TEST(ParseLimitInfoTest, IgnoresOtherCounters) {
  auto usage = parse_limit_info("api-bursts=1/750; api-usage=12/15000");
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->used, 12);
  EXPECT_EQ(usage->max, 15000);
  usage = parse_limit_info("api-usage=3/5000; api-bursts=1/750");
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->used, 3);
  EXPECT_EQ(usage->max, 5000);
}

TEST(ParseLimitInfoTest, RejectsMalformedValues) {
  EXPECT_FALSE(parse_limit_info("").has_value());
  EXPECT_FALSE(parse_limit_info("per-app-api-usage").has_value());
  EXPECT_FALSE(parse_limit_info("api-usage=12").has_value());
  EXPECT_FALSE(parse_limit_info("api-usage=a/5").has_value());
  EXPECT_FALSE(parse_limit_info("api-usage=1/").has_value());
}

TEST(NormalizeVersionTest, AcceptsBothSpellings) {
  EXPECT_EQ(normalize_version("66.0"), std::optional<std::string>("66.0"));
  EXPECT_EQ(normalize_version("v66.0"), std::optional<std::string>("66.0"));
  EXPECT_EQ(normalize_version("V101.2"), std::optional<std::string>("101.2"));
}

TEST(NormalizeVersionTest, RejectsOtherText) {
  for (const char* bad : {"", "66", "v", "latest", "66.", ".0", "6x.0", "66.0.1", "v66.0 "}) {
    EXPECT_FALSE(normalize_version(bad).has_value()) << bad;
  }
}

TEST(HighestVersionTest, ComparesNumerically) {
  auto versions = nlohmann::json::parse(R"([
      {"label":"Winter '11","url":"/services/data/v20.0","version":"20.0"},
      {"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"},
      {"label":"Far future","url":"/services/data/v100.0","version":"100.0"},
      {"label":"Summer '24","url":"/services/data/v61.0","version":"61.0"},
      {"label":"broken","version":7}])");
  EXPECT_EQ(highest_version(versions), std::optional<std::string>("100.0"));
}

TEST(HighestVersionTest, NothingUsable) {
  EXPECT_FALSE(highest_version(nlohmann::json::array()).has_value());
  EXPECT_FALSE(highest_version(nlohmann::json::object()).has_value());
  EXPECT_FALSE(highest_version(nlohmann::json::parse(R"([{"version":"x"}])")).has_value());
}

TEST(ParseIdentityUrlTest, SplitsOrgAndUser) {
  IdentityIds ids =
      parse_identity_url("https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS");
  EXPECT_EQ(ids.org_id, "00Dxx0000001gPLEAY");
  EXPECT_EQ(ids.user_id, "005xx000001SwiUAAS");
}

TEST(ParseIdentityUrlTest, OtherShapesGiveNothing) {
  for (const char* bad :
       {"", "https://login.salesforce.com/id/", "https://x/id/org", "https://x/id/org/",
        "https://x/id/org/user/extra", "https://x/other/org/user"}) {
    IdentityIds ids = parse_identity_url(bad);
    EXPECT_EQ(ids.org_id, "") << bad;
    EXPECT_EQ(ids.user_id, "") << bad;
  }
}

TEST(TrimTrailingSlashesTest, Trims) {
  EXPECT_EQ(trim_trailing_slashes("https://x.my.salesforce.com//"), "https://x.my.salesforce.com");
  EXPECT_EQ(trim_trailing_slashes("https://x"), "https://x");
  EXPECT_EQ(trim_trailing_slashes(""), "");
}

TEST(EventDescriptionTest, FindsFieldsByExactName) {
  EventDescription description{"E__e", {{"A__c", "string", 255, true, true}}};
  ASSERT_NE(description.field("A__c"), nullptr);
  EXPECT_EQ(description.field("A__c")->length, 255);
  EXPECT_EQ(description.field("a__c"), nullptr);
}

}  // namespace
}  // namespace sfpe::salesforce
