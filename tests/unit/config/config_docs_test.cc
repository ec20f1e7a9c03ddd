// docs/configuration.md must equal the rendering of the config tables. With SFPE_UPDATE_DOCS=1 the
// test rewrites the file instead of failing.
#include "config/config_docs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_def.h"

namespace sfpe::config {
namespace {

using ::testing::HasSubstr;

const std::string kDocsPath = std::string(SFPE_SOURCE_DIR) + "/docs/configuration.md";

TEST(ConfigurationDocs, CheckedInFileIsCurrent) {
  std::string rendered = render_configuration_markdown();
  const char* update = std::getenv("SFPE_UPDATE_DOCS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(kDocsPath, std::ios::binary | std::ios::trunc) << rendered;
    GTEST_SKIP() << "rewrote " << kDocsPath;
  }
  std::ifstream in(kDocsPath, std::ios::binary);
  ASSERT_TRUE(in) << kDocsPath << " is missing; create it with: SFPE_UPDATE_DOCS=1 "
                  << SFPE_BINARY_DIR
                  << "/bin/unit_config_tests --gtest_filter='ConfigurationDocs.*'";
  std::stringstream checked_in;
  checked_in << in.rdbuf();
  EXPECT_TRUE(checked_in.str() == rendered)
      << kDocsPath << " is stale: the config tables changed. Regenerate it with: "
      << "SFPE_UPDATE_DOCS=1 " << SFPE_BINARY_DIR
      << "/bin/unit_config_tests --gtest_filter='ConfigurationDocs.*'";
}

TEST(ConfigurationDocs, EveryKeyAndPrefixIsDocumented) {
  std::string rendered = render_configuration_markdown();
  for (const ConfigTable* table : {&connector_table(), &worker_table()}) {
    for (const ConfigKey& key : table->keys()) {
      EXPECT_THAT(rendered, HasSubstr("| `" + key.name + "` |")) << key.name;
      EXPECT_FALSE(key.documentation.empty()) << key.name;
      EXPECT_FALSE(key.group.empty()) << key.name;
    }
    for (const ConfigPrefix& prefix : table->prefixes()) {
      EXPECT_THAT(rendered, HasSubstr("| `" + prefix.prefix + "*` |")) << prefix.prefix;
    }
  }
}

TEST(ConfigurationDocs, RowsShowTypeDefaultValidValuesAndSecrecy) {
  std::string rendered = render_configuration_markdown();
  EXPECT_THAT(rendered,
              HasSubstr("| `connection.timeout` | LONG | `30000` | [5000,...,600000] | LOW |"));
  EXPECT_THAT(rendered,
              HasSubstr("| `salesforce.password` | PASSWORD (secret) | null |  | HIGH |"));
  EXPECT_THAT(rendered, HasSubstr("| `name` | STRING | *required* |"));
  EXPECT_THAT(rendered,
              HasSubstr("| `reporter.result.topic.name` | STRING | `${connector}-success` |"));
  EXPECT_THAT(rendered, HasSubstr("*Accepted and ignored.*"));
  EXPECT_THAT(rendered, HasSubstr("\n### Connection\n"));
  EXPECT_THAT(rendered, HasSubstr("\n## Worker properties\n"));
}

}  // namespace
}  // namespace sfpe::config
