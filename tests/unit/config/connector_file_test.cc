// Connector and worker files: both JSON request shapes, .properties, and the error messages.
#include "config/connector_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace sfpe::config {
namespace {

using ::testing::HasSubstr;

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "sfpe_config_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ConnectorJson, PostBodyShape) {
  Result<ConnectorFile> file = parse_connector_json(
      R"({"name": "sf", "config": {"topics": "a,b", "tasks.max": 2, "curl.logging": true,
          "errors.retry.timeout": -1, "ratio": 1.5, "gone": null}})",
      "x.json");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->name, "sf");
  EXPECT_EQ(file->config, (Properties{{"name", "sf"},
                                      {"topics", "a,b"},
                                      {"tasks.max", "2"},
                                      {"curl.logging", "true"},
                                      {"errors.retry.timeout", "-1"},
                                      {"ratio", "1.5"}}));
  EXPECT_EQ(file->initial_state, "");
}

TEST(ConnectorJson, PostBodyWithMatchingNameInConfigAndInitialState) {
  Result<ConnectorFile> file = parse_connector_json(
      R"({"name": "sf", "config": {"name": "sf", "topics": "t"}, "initial_state": "paused"})",
      "x.json");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->config, (Properties{{"name", "sf"}, {"topics", "t"}}));
  EXPECT_EQ(file->initial_state, "PAUSED");
}

TEST(ConnectorJson, PostBodyNameMayComeFromConfigOnly) {
  Result<ConnectorFile> file =
      parse_connector_json(R"({"config": {"name": "inner", "topics": "t"}})", "x.json");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->name, "inner");
}

TEST(ConnectorJson, FlatMapShape) {
  Result<ConnectorFile> file =
      parse_connector_json(R"({"name": "flat", "tasks.max": 3, "topics": "t"})", "x.json");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->name, "flat");
  EXPECT_EQ(file->config, (Properties{{"name", "flat"}, {"tasks.max", "3"}, {"topics", "t"}}));
}

TEST(ConnectorJson, MismatchedNamesAreAnError) {
  Result<ConnectorFile> file =
      parse_connector_json(R"({"name": "a", "config": {"name": "b"}})", "c.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            "c.json: connector name configuration in 'config' doesn't match the one specified in "
            "'name'");
}

TEST(ConnectorJson, MissingNameIsAnError) {
  Result<ConnectorFile> file = parse_connector_json(R"({"topics": "t"})", "c.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message, "c.json: missing the mandatory 'name' configuration");
}

TEST(ConnectorJson, NestedValueIsAnErrorNamingTheKey) {
  Result<ConnectorFile> file =
      parse_connector_json(R"({"name": "a", "config": {"topics": ["t"]}})", "c.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            "c.json: config.\"topics\" must be a string, number or boolean, not array");
}

TEST(ConnectorJson, NonObjectAndInvalidJson) {
  Result<ConnectorFile> array = parse_connector_json("[1]", "c.json");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().message, "c.json: must be a JSON object, not array");
  Result<ConnectorFile> broken = parse_connector_json("{\"name\": ", "c.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("c.json: not valid JSON:"));
}

TEST(ConnectorJson, BadInitialState) {
  Result<ConnectorFile> file =
      parse_connector_json(R"({"name": "a", "config": {}, "initial_state": "GONE"})", "c.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            "c.json: \"initial_state\" \"GONE\" must be one of RUNNING, PAUSED, STOPPED");
}

TEST(ConnectorFileLoader, JsonFileByExtension) {
  std::string path = write_file("c.json", R"({"name": "j", "config": {"topics": "t"}})");
  Result<ConnectorFile> file = load_connector_file(path);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->config, (Properties{{"name", "j"}, {"topics", "t"}}));
}

TEST(ConnectorFileLoader, PropertiesFile) {
  std::string path = write_file("c.properties", "name=p\ntopics = t1, t2\n");
  Result<ConnectorFile> file = load_connector_file(path);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->name, "p");
  EXPECT_EQ(file->config, (Properties{{"name", "p"}, {"topics", "t1, t2"}}));
}

TEST(ConnectorFileLoader, PropertiesFileWithoutNameNamesTheFile) {
  std::string path = write_file("noname.properties", "topics=t\n");
  Result<ConnectorFile> file = load_connector_file(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message, path + ": missing the mandatory 'name' configuration");
}

TEST(ConnectorFileLoader, SyntaxErrorNamesFileAndLine) {
  std::string path = write_file("bad.properties", "name=x\nv=\\uXYZW\n");
  Result<ConnectorFile> file = load_connector_file(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            path + ": line 2: malformed \\uxxxx encoding (\\u must be followed by 4 hex digits)");
}

TEST(ConnectorFileLoader, MissingFileNamesFileAndCause) {
  Result<ConnectorFile> file = load_connector_file("/nonexistent/sfpe/c.json");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            "cannot read /nonexistent/sfpe/c.json: No such file or directory");
}

TEST(WorkerFileLoader, LoadsProperties) {
  std::string path = write_file("worker.properties", "bootstrap.servers=k:9092\n# c\n");
  Result<Properties> properties = load_properties_file(path);
  ASSERT_TRUE(properties.ok()) << properties.error().message;
  EXPECT_EQ(properties.value(), (Properties{{"bootstrap.servers", "k:9092"}}));
  Result<Properties> missing = load_properties_file(path + ".absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr(path + ".absent"));
}

}  // namespace
}  // namespace sfpe::config
