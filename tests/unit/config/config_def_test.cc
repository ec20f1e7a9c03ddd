// Value parsing as Kafka's ConfigDef does it, table look-ups, and the defaults the reference gives.
#include "config/config_def.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <stdexcept>

namespace sfpe::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(ParseInteger, SignsDigitsAndRange) {
  EXPECT_EQ(parse_integer("42", kMin, kMax), 42);
  EXPECT_EQ(parse_integer("+42", kMin, kMax), 42);
  EXPECT_EQ(parse_integer("-42", kMin, kMax), -42);
  EXPECT_EQ(parse_integer("-9223372036854775808", kMin, kMax), kMin);
  EXPECT_EQ(parse_integer("9223372036854775808", kMin, kMax), std::nullopt);
  EXPECT_EQ(parse_integer("32768", -32768, 32767), std::nullopt);
  for (const char* bad : {"", "+", "-", "+-1", "--1", "1.0", "1e3", " 1", "0x10", "١"}) {
    EXPECT_EQ(parse_integer(bad, kMin, kMax), std::nullopt) << bad;
  }
}

TEST(ParseBoolean, OnlyTrueOrFalseInAnyCase) {
  EXPECT_EQ(parse_boolean("TRUE"), true);
  EXPECT_EQ(parse_boolean("False"), false);
  EXPECT_EQ(parse_boolean("1"), std::nullopt);
  EXPECT_EQ(parse_boolean("yes"), std::nullopt);
}

TEST(ParseList, SplitsOnCommasAndTrims) {
  EXPECT_THAT(parse_list(" a , b,c "), ElementsAre("a", "b", "c"));
  EXPECT_THAT(parse_list("a,,b,"), ElementsAre("a", "", "b", ""));
  EXPECT_THAT(parse_list("   "), IsEmpty());
}

TEST(Trim, DropsEverythingUpToSpaceLikeJava) {
  EXPECT_EQ(trim("\t\r\n x y \f\v"), "x y");
  EXPECT_EQ(trim(""), "");
}

TEST(ConfigTable, FindKeyAndLongestPrefix) {
  const ConfigTable& table = connector_table();
  ASSERT_NE(table.find("tasks.max"), nullptr);
  EXPECT_EQ(table.find("tasks.max")->default_value, "1");
  EXPECT_EQ(table.find("no.such.key"), nullptr);
  ASSERT_NE(table.find_prefix("consumer.override.max.poll.records"), nullptr);
  EXPECT_EQ(table.find_prefix("consumer.override.max.poll.records")->prefix, "consumer.override.");
  EXPECT_EQ(table.find_prefix("confluent.topic.ssl.keystore.location")->prefix, "confluent.topic.");
  EXPECT_EQ(table.find_prefix("consumer.max.poll.records"), nullptr);  // a worker family only
  EXPECT_EQ(table.find_prefix("value.converter."), nullptr);  // the bare prefix is not a key
}

TEST(ConfigTable, EveryPasswordIsSecretAndEveryKeyUnique) {
  for (const ConfigTable* table : {&connector_table(), &worker_table()}) {
    std::set<std::string> names;
    for (const ConfigKey& key : table->keys()) {
      EXPECT_TRUE(names.insert(key.name).second) << "duplicate " << key.name;
      EXPECT_EQ(key.secret(), key.type == ConfigType::kPassword) << key.name;
      if (key.default_value) {
        // A default must pass its own key's checks.
        EXPECT_EQ(type_error(key.type, *key.default_value), std::nullopt) << key.name;
        EXPECT_EQ(key.validator.check(*key.default_value), std::nullopt) << key.name;
      }
    }
  }
}

TEST(ConfigTable, DefaultsFromTheReference) {
  const ConfigTable& c = connector_table();
  auto default_of = [&](const char* name) { return c.find(name)->default_value; };
  EXPECT_EQ(default_of("salesforce.instance"), "https://login.salesforce.com");
  EXPECT_EQ(default_of("salesforce.version"), "latest");
  EXPECT_EQ(default_of("salesforce.grant.type"), "PASSWORD");
  EXPECT_EQ(default_of("request.max.retries.time.ms"), "900000");
  EXPECT_EQ(default_of("connection.timeout"), "30000");
  EXPECT_EQ(default_of("salesforce.auth.retries.time.ms"), "30000");
  EXPECT_EQ(default_of("http.proxy.auth.scheme"), "NONE");
  EXPECT_EQ(default_of("behavior.on.api.errors"), "fail");
  EXPECT_EQ(default_of("errors.tolerance"), "none");
  EXPECT_EQ(default_of("errors.retry.timeout"), "0");
  EXPECT_EQ(default_of("errors.retry.delay.max.ms"), "60000");
  EXPECT_EQ(default_of("errors.deadletterqueue.topic.replication.factor"), "3");
  EXPECT_EQ(default_of("reporter.result.topic.name"), "${connector}-success");
  EXPECT_EQ(default_of("reporter.error.topic.name"), "${connector}-error");
  EXPECT_EQ(default_of("topics"), std::nullopt);
  EXPECT_TRUE(c.find("salesforce.consumer.key")->required);
  EXPECT_EQ(c.find("connection.timeout")->validator.description(), "[5000,...,600000]");

  const ConfigTable& w = worker_table();
  EXPECT_EQ(w.find("bootstrap.servers")->default_value, "localhost:9092");
  EXPECT_EQ(w.find("offset.flush.interval.ms")->default_value, "60000");
  EXPECT_EQ(w.find("offset.flush.timeout.ms")->default_value, "5000");
  EXPECT_EQ(w.find("task.shutdown.graceful.timeout.ms")->default_value, "5000");
  EXPECT_EQ(w.find("log.level")->default_value, "INFO");
  EXPECT_TRUE(w.find("plugin.path")->ignored);
  EXPECT_TRUE(w.find("offset.storage.file.filename")->ignored);
}

TEST(ConfigView, DefaultsTrimmingAndUnknownKeys) {
  Properties properties = {
      {"tasks.max", " 3 "}, {"value.converter.a", "1"}, {"value.converter.b", "2"}};
  ConfigView view(connector_table(), properties);
  EXPECT_EQ(view.integer("tasks.max"), 3);
  EXPECT_EQ(view.get("salesforce.version"), "latest");
  EXPECT_EQ(view.get("salesforce.username"), std::nullopt);
  EXPECT_FALSE(view.is_set("salesforce.username"));
  EXPECT_EQ(view.with_prefix("value.converter."), (Properties{{"a", "1"}, {"b", "2"}}));
  EXPECT_THROW(view.get("not.in.table"), std::logic_error);
}

}  // namespace
}  // namespace sfpe::config
