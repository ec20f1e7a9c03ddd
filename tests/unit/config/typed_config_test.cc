// ConnectorConfig and WorkerConfig: defaults, typed values, secrets, converter precedence and the
// Kafka client settings merge.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/connector_config.h"
#include "config/worker_config.h"

namespace sfpe::config {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Properties valid_connector() {
  return {
      {"name", "sf-sink"},
      {"topics", "orders, payments,orders,"},
      {"salesforce.platform.event.name", "Order__e"},
      {"salesforce.consumer.key", "KEY"},
      {"salesforce.consumer.secret", "consumer-s3cret"},
      {"salesforce.username", "user@example.com"},
      {"salesforce.password", "pa55word-xyz"},
  };
}

Properties valid_worker() {
  return {
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
      {"value.converter.schema.registry.url", "http://worker-sr:8081"},
      {"value.converter.basic.auth.credentials.source", "USER_INFO"},
  };
}

ConnectorConfig connector(const Properties& properties) {
  Result<ConnectorConfig> config = ConnectorConfig::from(properties);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? config.value() : ConnectorConfig{};
}

WorkerConfig worker(const Properties& properties) {
  Result<WorkerConfig> config = WorkerConfig::from(properties);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? config.value() : WorkerConfig{};
}

TEST(ConnectorConfig, DefaultsFromTheReference) {
  ConnectorConfig c = connector(valid_connector());
  EXPECT_EQ(c.name, "sf-sink");
  EXPECT_EQ(c.connector_class, "io.confluent.salesforce.SalesforcePlatformEventSinkConnector");
  EXPECT_EQ(c.tasks_max, 1);
  EXPECT_THAT(c.topics, ElementsAre("orders", "payments"));
  EXPECT_EQ(c.topics_regex, "");
  EXPECT_EQ(c.event_name, "Order__e");

  const SalesforceSettings& sf = c.salesforce;
  EXPECT_EQ(sf.instance, "https://login.salesforce.com");
  EXPECT_EQ(sf.grant_type, GrantType::kPassword);
  EXPECT_EQ(sf.consumer_key, "KEY");
  EXPECT_EQ(sf.consumer_secret.reveal(), "consumer-s3cret");
  EXPECT_EQ(sf.username, "user@example.com");
  EXPECT_EQ(sf.password.reveal(), "pa55word-xyz");
  EXPECT_TRUE(sf.password_token.empty());
  EXPECT_EQ(sf.version, "latest");
  EXPECT_EQ(sf.auth_retries_time, milliseconds(30000));
  EXPECT_EQ(sf.request_max_retries_time, milliseconds(900000));
  EXPECT_EQ(sf.connection_timeout, milliseconds(30000));
  EXPECT_FALSE(sf.curl_logging);
  EXPECT_EQ(sf.proxy.host_port, "");
  EXPECT_EQ(sf.proxy.auth_scheme, ProxyAuthScheme::kNone);

  EXPECT_EQ(c.behavior_on_api_errors, ApiErrorBehavior::kFail);
  EXPECT_EQ(c.errors.tolerance, ErrorTolerance::kNone);
  EXPECT_EQ(c.errors.retry_timeout, milliseconds(0));
  EXPECT_FALSE(c.errors.retries_forever());
  EXPECT_EQ(c.errors.retry_delay_max, milliseconds(60000));
  EXPECT_FALSE(c.errors.log_enable);
  EXPECT_FALSE(c.errors.log_include_messages);
  EXPECT_EQ(c.errors.dlq_topic, "");
  EXPECT_EQ(c.errors.dlq_replication_factor, 3);
  EXPECT_FALSE(c.errors.dlq_context_headers_enable);

  EXPECT_THAT(c.reporter.bootstrap_servers, IsEmpty());
  EXPECT_EQ(c.reporter.result.name, "sf-sink-success");
  EXPECT_EQ(c.reporter.error.name, "sf-sink-error");
  for (const ReportTopicSettings* topic : {&c.reporter.result, &c.reporter.error}) {
    EXPECT_EQ(topic->replication_factor, 3);
    EXPECT_EQ(topic->partitions, 1);
    for (const ReportTopicSettings::Format* format : {&topic->key_format, &topic->value_format}) {
      EXPECT_EQ(format->type, "json");
      EXPECT_EQ(format->schemas_cache_size, 128);
      EXPECT_FALSE(format->schemas_enable);
    }
  }
  EXPECT_THAT(c.reporter.client_settings, IsEmpty());
  EXPECT_EQ(c.key_converter.class_name, "");
  EXPECT_EQ(c.value_converter.class_name, "");
  EXPECT_THAT(c.transforms, IsEmpty());
  EXPECT_THAT(c.consumer_overrides, IsEmpty());
  EXPECT_EQ(c.raw, valid_connector());
}

TEST(ConnectorConfig, GivenValuesAreTyped) {
  Properties p = valid_connector();
  p.insert({
      {"tasks.max", "4"},
      {"salesforce.instance", "https://acme.my.salesforce.com"},
      {"salesforce.grant.type", "client_credentials"},
      {"salesforce.version", "58.0"},
      {"request.max.retries.time.ms", "1000"},
      {"connection.timeout", "5000"},
      {"curl.logging", "true"},
      {"http.proxy", "proxy:3128"},
      {"http.proxy.auth.scheme", "ntlm"},
      {"http.proxy.user", "pu"},
      {"http.proxy.password", "pp"},
      {"http.proxy.auth.ntlm.domain", "CORP"},
      {"behavior.on.api.errors", "IGNORE"},
      {"errors.tolerance", "all"},
      {"errors.retry.timeout", "-1"},
      {"errors.deadletterqueue.topic.name", " dlq "},
      {"reporter.bootstrap.servers", "r1:9092, r2:9092"},
      {"reporter.result.topic.name", "done-${connector}-${connector}"},
      {"reporter.error.topic.name", ""},
      {"reporter.error.topic.value.format", "STRING"},
      {"reporter.producer.security.protocol", "SSL"},
      {"transforms", "mask"},
      {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
      {"transforms.mask.fields", "Message__c"},
      {"consumer.override.max.poll.records", "100"},
      {"producer.override.linger.ms", "5"},
      {"admin.override.request.timeout.ms", "9"},
  });
  ConnectorConfig c = connector(p);
  EXPECT_EQ(c.tasks_max, 4);
  EXPECT_EQ(c.salesforce.grant_type, GrantType::kClientCredentials);
  EXPECT_EQ(c.salesforce.version, "58.0");
  EXPECT_EQ(c.salesforce.request_max_retries_time, milliseconds(1000));
  EXPECT_EQ(c.salesforce.connection_timeout, milliseconds(5000));
  EXPECT_TRUE(c.salesforce.curl_logging);
  EXPECT_EQ(c.salesforce.proxy.host_port, "proxy:3128");
  EXPECT_EQ(c.salesforce.proxy.auth_scheme, ProxyAuthScheme::kNtlm);
  EXPECT_EQ(c.salesforce.proxy.user, "pu");
  EXPECT_EQ(c.salesforce.proxy.password.reveal(), "pp");
  EXPECT_EQ(c.salesforce.proxy.ntlm_domain, "CORP");
  EXPECT_EQ(c.behavior_on_api_errors, ApiErrorBehavior::kIgnore);
  EXPECT_EQ(c.errors.tolerance, ErrorTolerance::kAll);
  EXPECT_TRUE(c.errors.retries_forever());
  EXPECT_EQ(c.errors.dlq_topic, "dlq");
  EXPECT_THAT(c.reporter.bootstrap_servers, ElementsAre("r1:9092", "r2:9092"));
  EXPECT_EQ(c.reporter.result.name, "done-sf-sink-sf-sink");
  EXPECT_EQ(c.reporter.error.name, "");
  EXPECT_EQ(c.reporter.error.value_format.type, "string");
  EXPECT_EQ(c.reporter.client_settings, (Properties{{"producer.security.protocol", "SSL"}}));
  EXPECT_THAT(c.transforms, ElementsAre("mask"));
  EXPECT_EQ(c.transform_settings,
            (Properties{{"mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
                        {"mask.fields", "Message__c"}}));
  EXPECT_EQ(c.consumer_overrides, (Properties{{"max.poll.records", "100"}}));
  EXPECT_EQ(c.producer_overrides, (Properties{{"linger.ms", "5"}}));
  EXPECT_EQ(c.admin_overrides, (Properties{{"request.timeout.ms", "9"}}));
}

TEST(ConnectorConfig, BatchesInFlightDefaultToFourWithRestAndEightWithPubSub) {
  Properties props = valid_connector();
  EXPECT_FALSE(connector(props).publish.pubsub);
  EXPECT_EQ(connector(props).publish.max_in_flight, 4);
  props["salesforce.publish.api"] = "pubsub";
  EXPECT_TRUE(connector(props).publish.pubsub);
  EXPECT_EQ(connector(props).publish.max_in_flight, 8);
  props["salesforce.publish.max.in.flight"] = "3";
  EXPECT_EQ(connector(props).publish.max_in_flight, 3);
  props["salesforce.publish.api"] = "rest";
  props["salesforce.publish.max.in.flight"] = "12";
  EXPECT_EQ(connector(props).publish.max_in_flight, 12);
}

TEST(ConnectorConfig, KeystorePathMakesGrantJwtBearer) {
  Properties p = valid_connector();
  p["salesforce.jwt.keystore.path"] = "/etc/sf.jks";
  p["salesforce.jwt.keystore.password"] = "ks";
  ConnectorConfig c = connector(p);
  EXPECT_EQ(c.salesforce.grant_type, GrantType::kJwtBearer);
  EXPECT_EQ(c.salesforce.jwt_keystore_path, "/etc/sf.jks");
  EXPECT_EQ(c.salesforce.jwt_keystore_password.reveal(), "ks");
}

TEST(ConnectorConfig, FromFailsWithEveryErrorAndNoSecret) {
  Properties p = valid_connector();
  p["tasks.max"] = "0";
  p["salesforce.platform.event.name"] = "Order";
  Result<ConnectorConfig> c = ConnectorConfig::from(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(c.error().message,
            "Connector configuration is invalid and contains the following 2 error(s):\n"
            "tasks.max: \"0\" must be at least 1\n"
            "salesforce.platform.event.name: \"Order\" must end in __e");
  EXPECT_THAT(c.error().message, Not(HasSubstr("pa55word-xyz")));
}

TEST(WorkerConfig, DefaultsAndTypedValues) {
  WorkerConfig w = worker(valid_worker());
  EXPECT_THAT(w.bootstrap_servers, ElementsAre("localhost:9092"));
  EXPECT_EQ(w.key_converter.class_name, "org.apache.kafka.connect.storage.StringConverter");
  EXPECT_EQ(w.value_converter.settings,
            (Properties{{"schema.registry.url", "http://worker-sr:8081"},
                        {"basic.auth.credentials.source", "USER_INFO"}}));
  EXPECT_EQ(w.header_converter.class_name,
            "org.apache.kafka.connect.storage.SimpleHeaderConverter");
  EXPECT_EQ(w.offset_flush_interval, milliseconds(60000));
  EXPECT_EQ(w.offset_flush_timeout, milliseconds(5000));
  EXPECT_EQ(w.task_shutdown_graceful_timeout, milliseconds(5000));
  EXPECT_THAT(w.listeners, ElementsAre("http://:8083"));
  EXPECT_EQ(w.rest_advertised_host_name, "");
  EXPECT_EQ(w.log_level, LogLevel::kInfo);
  EXPECT_EQ(w.client_config_override_policy, OverridePolicy::kAll);
  EXPECT_THAT(w.security, IsEmpty());

  Properties p = valid_worker();
  p.insert(
      {{"bootstrap.servers", "k1:9092,k2:9093"},
       {"offset.flush.interval.ms", "10000"},
       {"log.level", "debug"},
       {"connector.client.config.override.policy",
        "org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy"},
       {"listeners", "http://127.0.0.1:18083"},
       {"security.protocol", "SASL_SSL"},
       {"sasl.mechanism", "PLAIN"},
       {"ssl.truststore.location", "/t.jks"},
       {"consumer.max.poll.records", "10"},
       {"producer.linger.ms", "1"},
       {"admin.retries", "2"}});
  w = worker(p);
  EXPECT_THAT(w.bootstrap_servers, ElementsAre("k1:9092", "k2:9093"));
  EXPECT_EQ(w.offset_flush_interval, milliseconds(10000));
  EXPECT_EQ(w.log_level, LogLevel::kDebug);
  EXPECT_EQ(w.client_config_override_policy, OverridePolicy::kPrincipal);
  EXPECT_THAT(w.listeners, ElementsAre("http://127.0.0.1:18083"));
  EXPECT_EQ(w.security, (Properties{{"security.protocol", "SASL_SSL"},
                                    {"sasl.mechanism", "PLAIN"},
                                    {"ssl.truststore.location", "/t.jks"}}));
  EXPECT_EQ(w.consumer_settings, (Properties{{"max.poll.records", "10"}}));
  EXPECT_EQ(w.producer_settings, (Properties{{"linger.ms", "1"}}));
  EXPECT_EQ(w.admin_settings, (Properties{{"retries", "2"}}));
}

TEST(WorkerConfig, FromFailsOnInvalidProperties) {
  Result<WorkerConfig> w = WorkerConfig::from({{"log.level", "LOUD"}});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().message,
            "Worker configuration is invalid and contains the following 3 error(s):\n"
            "key.converter: is required and has no default value\n"
            "value.converter: is required and has no default value\n"
            "log.level: \"LOUD\" must be one of TRACE, DEBUG, INFO, WARN, ERROR");
}

TEST(MergeConverters, WorkerConvertersApplyWhenTheConnectorNamesNone) {
  Properties p = valid_connector();
  p["value.converter.schema.registry.url"] = "http://ignored:8081";  // no class: Connect drops it
  EffectiveConverters merged = merge_converters(worker(valid_worker()), connector(p));
  EXPECT_EQ(merged.value.class_name, "io.confluent.connect.avro.AvroConverter");
  EXPECT_EQ(merged.value.settings, (Properties{{"schema.registry.url", "http://worker-sr:8081"},
                                               {"basic.auth.credentials.source", "USER_INFO"}}));
  EXPECT_EQ(merged.key.class_name, "org.apache.kafka.connect.storage.StringConverter");
  EXPECT_EQ(merged.header.class_name, "org.apache.kafka.connect.storage.SimpleHeaderConverter");
}

TEST(MergeConverters, ConnectorConverterAndItsSettingsWinAsAWhole) {
  Properties p = valid_connector();
  p["value.converter"] = "io.confluent.connect.json.JsonSchemaConverter";
  p["value.converter.schema.registry.url"] = "http://connector-sr:8081";
  p["key.converter"] = "org.apache.kafka.connect.converters.ByteArrayConverter";
  EffectiveConverters merged = merge_converters(worker(valid_worker()), connector(p));
  EXPECT_EQ(merged.value.class_name, "io.confluent.connect.json.JsonSchemaConverter");
  EXPECT_EQ(merged.value.settings,
            (Properties{{"schema.registry.url", "http://connector-sr:8081"}}));
  EXPECT_EQ(merged.key.class_name, "org.apache.kafka.connect.converters.ByteArrayConverter");
  EXPECT_THAT(merged.key.settings, IsEmpty());
}

TEST(ClientSettings, ConsumerFollowsConnectPrecedence) {
  Properties wp = valid_worker();
  wp["bootstrap.servers"] = "k1:9092,k2:9092";
  wp["consumer.max.poll.records"] = "10";
  wp["consumer.auto.offset.reset"] = "latest";
  wp["security.protocol"] = "SSL";  // top-level security is not the connectors' consumer's
  Properties cp = valid_connector();
  cp["consumer.override.max.poll.records"] = "20";
  cp["consumer.override.group.id"] = "custom";
  EXPECT_EQ(consumer_settings_for(worker(wp), connector(cp), 3),
            (Properties{{"bootstrap.servers", "k1:9092,k2:9092"},
                        {"group.id", "custom"},
                        {"client.id", "connector-consumer-sf-sink-3"},
                        {"enable.auto.commit", "false"},
                        {"auto.offset.reset", "latest"},
                        {"max.poll.records", "20"}}));
}

TEST(ClientSettings, ProducerAndAdmin) {
  Properties wp = valid_worker();
  wp["producer.acks"] = "1";
  wp["security.protocol"] = "SSL";
  wp["admin.retries"] = "1";
  Properties cp = valid_connector();
  cp["producer.override.linger.ms"] = "5";
  cp["admin.override.retries"] = "2";
  WorkerConfig w = worker(wp);
  ConnectorConfig c = connector(cp);
  EXPECT_EQ(producer_settings_for(w, c, 0),
            (Properties{{"bootstrap.servers", "localhost:9092"},
                        {"acks", "1"},
                        {"enable.idempotence", "false"},
                        {"max.in.flight.requests.per.connection", "1"},
                        {"delivery.timeout.ms", "2147483647"},
                        {"client.id", "connector-dlq-producer-sf-sink-0"},
                        {"linger.ms", "5"}}));
  EXPECT_EQ(admin_settings_for(w, c), (Properties{{"bootstrap.servers", "localhost:9092"},
                                                  {"client.id", "connector-dlq-adminclient-"},
                                                  {"security.protocol", "SSL"},
                                                  {"retries", "2"}}));
}

TEST(ClientSettings, ReporterClientsShareSecurityAndTakeTheirOwnPrefix) {
  Properties cp = valid_connector();
  EXPECT_TRUE(reporter_producer_settings_for(connector(cp), 0).empty()) << "no servers: off";
  cp["reporter.bootstrap.servers"] = "r1:9092, r2:9092";
  cp["reporter.security.protocol"] = "SASL_SSL";
  cp["reporter.sasl.mechanism"] = "PLAIN";
  cp["reporter.producer.sasl.mechanism"] = "SCRAM-SHA-256";
  cp["reporter.producer.linger.ms"] = "10";
  cp["reporter.producer.acks"] = "1";
  cp["reporter.admin.request.timeout.ms"] = "9000";
  ConnectorConfig c = connector(cp);
  EXPECT_EQ(reporter_producer_settings_for(c, 2),
            (Properties{{"bootstrap.servers", "r1:9092,r2:9092"},
                        {"acks", "1"},
                        {"client.id", "connector-reporter-producer-sf-sink-2"},
                        {"security.protocol", "SASL_SSL"},
                        {"sasl.mechanism", "SCRAM-SHA-256"},
                        {"linger.ms", "10"}}));
  EXPECT_EQ(reporter_admin_settings_for(c),
            (Properties{{"bootstrap.servers", "r1:9092,r2:9092"},
                        {"security.protocol", "SASL_SSL"},
                        {"sasl.mechanism", "PLAIN"},
                        {"request.timeout.ms", "9000"}}));
}

TEST(ClientSettings, OverridePolicy) {
  Properties cp = valid_connector();
  cp["consumer.override.sasl.mechanism"] = "PLAIN";
  cp["consumer.override.max.poll.records"] = "1";
  cp["producer.override.acks"] = "1";
  ConnectorConfig c = connector(cp);

  Properties wp = valid_worker();
  EXPECT_TRUE(check_client_overrides(worker(wp), c).ok());

  wp["connector.client.config.override.policy"] = "Principal";
  ValidationReport principal = check_client_overrides(worker(wp), c);
  ASSERT_EQ(principal.errors.size(), 2u);
  EXPECT_EQ(principal.errors[0].to_string(),
            "consumer.override.max.poll.records: is not allowed by "
            "connector.client.config.override.policy Principal");
  EXPECT_EQ(principal.errors[1].to_string(),
            "producer.override.acks: is not allowed by connector.client.config.override.policy "
            "Principal");

  wp["connector.client.config.override.policy"] = "none";
  EXPECT_EQ(check_client_overrides(worker(wp), c).errors.size(), 3u);
}

}  // namespace
}  // namespace sfpe::config
