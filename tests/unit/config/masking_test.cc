// Secret detection and masked rendering: no secret value may reach a log line.
#include "config/masking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfpe::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Masking, PasswordTypedKeysAreSecret) {
  for (const char* key :
       {"salesforce.consumer.secret", "salesforce.password", "salesforce.password.token",
        "salesforce.jwt.keystore.password", "http.proxy.password"}) {
    EXPECT_TRUE(is_secret_key(key, connector_table())) << key;
  }
}

TEST(Masking, SecretFamiliesAreSecretUnderAnyPrefix) {
  for (const char* key :
       {"value.converter.basic.auth.user.info",
        "value.converter.schema.registry.basic.auth.user.info", "key.converter.bearer.auth.token",
        "consumer.override.sasl.jaas.config", "sasl.jaas.config",
        "reporter.producer.ssl.key.password", "confluent.topic.ssl.keystore.password",
        "ssl.truststore.password", "ssl.keystore.key", "transforms.x.client.secret", "password"}) {
    EXPECT_TRUE(is_secret_key(key, connector_table())) << key;
  }
}

TEST(Masking, OrdinaryKeysAreNotSecret) {
  for (const char* key : {"salesforce.username", "salesforce.consumer.key", "http.proxy.user",
                          "ssl.truststore.location", "sasl.mechanism", "mypassword",
                          "basic.auth.credentials.source", "salesforce.jwt.keystore.path"}) {
    EXPECT_FALSE(is_secret_key(key, connector_table())) << key;
  }
}

TEST(Masking, WorkerTableSecrets) {
  EXPECT_TRUE(is_secret_key("ssl.keystore.password", worker_table()));
  EXPECT_TRUE(is_secret_key("consumer.sasl.jaas.config", worker_table()));
  EXPECT_FALSE(is_secret_key("bootstrap.servers", worker_table()));
}

TEST(Masking, MaskSecretsReplacesOnlySecretValues) {
  Properties masked = mask_secrets(
      {
          {"salesforce.password", "pw1"},
          {"salesforce.username", "me"},
          {"value.converter.basic.auth.user.info", "key:secret"},
          {"value.converter.schema.registry.url", "https://user:urlpass@sr:8081/x"},
          {"listeners", "http://:8083"},
      },
      connector_table());
  EXPECT_EQ(masked, (Properties{
                        {"salesforce.password", "[hidden]"},
                        {"salesforce.username", "me"},
                        {"value.converter.basic.auth.user.info", "[hidden]"},
                        {"value.converter.schema.registry.url", "https://user:[hidden]@sr:8081/x"},
                        {"listeners", "http://:8083"},
                    }));
}

TEST(Masking, UrlWithoutCredentialsIsUnchanged) {
  EXPECT_EQ(displayable_value("x.url", "http://sr:8081/a@b", connector_table()),
            "http://sr:8081/a@b");
  EXPECT_EQ(displayable_value("x.url", "http://user@sr:8081", connector_table()),
            "http://user@sr:8081");
}

TEST(Masking, RenderForLogNeverShowsAPassword) {
  Properties properties = {
      {"name", "sf"},
      {"salesforce.password", "hunter2-secret"},
      {"http.proxy.password", "hunter2-secret"},
      {"consumer.override.sasl.jaas.config", "hunter2-secret"},
      {"reporter.admin.ssl.truststore.password", "hunter2-secret"},
  };
  std::string rendered = render_for_log(properties, connector_table());
  EXPECT_EQ(rendered,
            "consumer.override.sasl.jaas.config = [hidden]\n"
            "http.proxy.password = [hidden]\n"
            "name = sf\n"
            "reporter.admin.ssl.truststore.password = [hidden]\n"
            "salesforce.password = [hidden]\n");
  EXPECT_THAT(rendered, Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace sfpe::config
