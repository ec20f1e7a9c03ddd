// Connector and worker validation: each rule, several problems at once, warnings, and that no
// secret value ever reaches a message.
#include "config/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfpe::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Properties valid_connector() {
  return {
      {"name", "sf-sink"},
      {"topics", "orders"},
      {"salesforce.platform.event.name", "Order__e"},
      {"salesforce.consumer.key", "KEY"},
      {"salesforce.consumer.secret", "consumer-s3cret"},
      {"salesforce.username", "user@example.com"},
      {"salesforce.password", "pa55word-xyz"},
  };
}

Properties with(Properties base, const Properties& changes) {
  for (const auto& [key, value] : changes) base[key] = value;
  return base;
}

Properties without(Properties base, std::initializer_list<const char*> keys) {
  for (const char* key : keys) base.erase(key);
  return base;
}

std::vector<std::string> errors(const ValidationReport& report) {
  std::vector<std::string> lines;
  for (const ConfigProblem& problem : report.errors) lines.push_back(problem.to_string());
  return lines;
}

std::vector<std::string> warnings(const ValidationReport& report) {
  std::vector<std::string> lines;
  for (const ConfigProblem& problem : report.warnings) lines.push_back(problem.to_string());
  return lines;
}

TEST(ValidateConnector, MinimalPasswordConfigIsValid) {
  ValidationReport report = validate_connector(valid_connector());
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_THAT(report.warnings, IsEmpty());
}

TEST(ValidateConnector, EmptyConfigReportsEveryMissingKeyAtOnce) {
  ValidationReport report = validate_connector({});
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(errors(report),
              ElementsAre("name: is required and has no default value",
                          "salesforce.platform.event.name: is required and has no default value",
                          "salesforce.consumer.key: is required and has no default value",
                          "topics: is required: set exactly one of topics and topics.regex",
                          "salesforce.username: is required by salesforce.grant.type PASSWORD",
                          "salesforce.password: is required by salesforce.grant.type PASSWORD",
                          "salesforce.consumer.secret: is required by salesforce.grant.type "
                          "PASSWORD"));
}

TEST(ValidateConnector, BlankRequiredValueCountsAsMissing) {
  ValidationReport report = validate_connector(with(valid_connector(), {{"name", "  "}}));
  EXPECT_THAT(errors(report), ElementsAre("name: is required and has no default value"));
}

TEST(ValidateConnector, EventNameMustEndInDoubleUnderscoreE) {
  ValidationReport report =
      validate_connector(with(valid_connector(), {{"salesforce.platform.event.name", "Foo"}}));
  EXPECT_THAT(errors(report),
              ElementsAre("salesforce.platform.event.name: \"Foo\" must end in __e"));
}

TEST(ValidateConnector, PubSubRefusesAProxyItCannotUse) {
  ValidationReport report = validate_connector(with(
      valid_connector(), {{"salesforce.publish.api", "pubsub"}, {"http.proxy", "proxy:3128"}}));
  EXPECT_THAT(errors(report),
              ElementsAre("salesforce.publish.api: pubsub cannot be used with http.proxy: the "
                          "Pub/Sub API connection does not go through a proxy; use rest, or reach "
                          "the Pub/Sub endpoint directly"));
  EXPECT_TRUE(validate_connector(with(valid_connector(), {{"salesforce.publish.api", "pubsub"}}))
                  .ok());
}

TEST(ValidateConnector, TypesMustParse) {
  ValidationReport report = validate_connector(
      with(valid_connector(), {
                                  {"tasks.max", "two"},
                                  {"curl.logging", "yes"},
                                  {"errors.retry.timeout", "1.5"},
                                  {"errors.deadletterqueue.topic.replication.factor", "40000"},
                                  {"key.converter", "not a class"},
                              }));
  EXPECT_THAT(errors(report),
              ElementsAre("tasks.max: \"two\" is not a number of type INT (range -2147483648 to "
                          "2147483647)",
                          "key.converter: \"not a class\" is not a class name",
                          "curl.logging: \"yes\" must be either true or false",
                          "errors.retry.timeout: \"1.5\" is not a number of type LONG (range "
                          "-9223372036854775808 to 9223372036854775807)",
                          "errors.deadletterqueue.topic.replication.factor: \"40000\" is not a "
                          "number of type SHORT (range -32768 to 32767)"));
}

TEST(ValidateConnector, ValuesAreTrimmedAndBooleansAreCaseInsensitive) {
  ValidationReport report =
      validate_connector(with(valid_connector(), {{"tasks.max", " 4 "}, {"curl.logging", "TRUE"}}));
  EXPECT_TRUE(report.ok()) << report.to_string();
}

TEST(ValidateConnector, RangeValidators) {
  ValidationReport report =
      validate_connector(with(valid_connector(), {
                                                     {"tasks.max", "0"},
                                                     {"connection.timeout", "1000"},
                                                     {"errors.retry.timeout", "-2"},
                                                 }));
  EXPECT_THAT(errors(report),
              ElementsAre("tasks.max: \"0\" must be at least 1",
                          "connection.timeout: \"1000\" must be between 5000 and 600000",
                          "errors.retry.timeout: \"-2\" must be at least -1"));
  EXPECT_TRUE(validate_connector(with(valid_connector(), {{"connection.timeout", "600000"},
                                                          {"errors.retry.timeout", "-1"}}))
                  .ok());
}

TEST(ValidateConnector, OneOfValidatorsAreCaseInsensitive) {
  ValidationReport ok =
      validate_connector(with(valid_connector(), {
                                                     {"behavior.on.api.errors", "LOG"},
                                                     {"errors.tolerance", "All"},
                                                     {"salesforce.grant.type", "password"},
                                                 }));
  EXPECT_TRUE(ok.ok()) << ok.to_string();
  ValidationReport bad =
      validate_connector(with(valid_connector(), {
                                                     {"behavior.on.api.errors", "retry"},
                                                     {"http.proxy.auth.scheme", "DIGEST"},
                                                     {"salesforce.grant.type", "OAUTH"},
                                                 }));
  EXPECT_THAT(errors(bad),
              ElementsAre("salesforce.grant.type: \"OAUTH\" must be one of PASSWORD, JWT_BEARER, "
                          "CLIENT_CREDENTIALS",
                          "http.proxy.auth.scheme: \"DIGEST\" must be one of NONE, BASIC, NTLM",
                          "behavior.on.api.errors: \"retry\" must be one of fail, log, ignore"));
}

TEST(ValidateConnector, UrlAndHostPortValidators) {
  ValidationReport report =
      validate_connector(with(valid_connector(), {
                                                     {"salesforce.instance", "ftp://x"},
                                                     {"http.proxy", "proxy-without-port"},
                                                     {"salesforce.version", "v58"},
                                                 }));
  EXPECT_THAT(
      errors(report),
      ElementsAre("salesforce.instance: \"ftp://x\" must be a URL with scheme https or http",
                  "salesforce.version: \"v58\" must be latest or an API version such as "
                  "58.0",
                  "http.proxy: \"proxy-without-port\" must be of the form <host>:<port>"));
  EXPECT_TRUE(
      validate_connector(with(valid_connector(), {{"salesforce.instance", "http://127.0.0.1:8443/"},
                                                  {"http.proxy", "127.0.0.1:3128"},
                                                  {"salesforce.version", "58.0"}}))
          .ok());
}

// Issue 12 item 14: tokens and passwords cross the network in the clear over http://, so only a
// loopback host (the emulator on this machine) may be reached that way.
TEST(ValidateConnector, CleartextInstanceIsRefusedUnlessTheHostIsLoopback) {
  EXPECT_THAT(
      errors(validate_connector(
          with(valid_connector(), {{"salesforce.instance", "http://acme.my.salesforce.com"}}))),
      ElementsAre("salesforce.instance: \"http://acme.my.salesforce.com\" uses http://, which "
                  "would send the credentials and access tokens unencrypted; use https:// "
                  "(http:// is accepted only for a loopback host such as 127.0.0.1, ::1 or "
                  "localhost)"));
  EXPECT_THAT(errors(validate_connector(
                  with(valid_connector(), {{"salesforce.instance", "HTTP://10.0.0.7:8080/"}}))),
              ElementsAre(
                  HasSubstr("salesforce.instance: \"HTTP://10.0.0.7:8080/\" uses http://")));
  for (const char* loopback : {"http://127.0.0.1:8443/", "http://127.3.2.1", "http://localhost:9",
                               "http://LOCALHOST", "http://[::1]:8080", "https://10.0.0.7"}) {
    ValidationReport report =
        validate_connector(with(valid_connector(), {{"salesforce.instance", loopback}}));
    EXPECT_TRUE(report.ok()) << loopback << ": " << report.to_string();
  }
  // Not loopback although it starts like it.
  EXPECT_FALSE(validate_connector(with(valid_connector(),
                                       {{"salesforce.instance", "http://127.0.0.1.example.com"}}))
                   .ok());
  EXPECT_FALSE(validate_connector(with(valid_connector(),
                                       {{"salesforce.instance", "http://localhost.example.com"}}))
                   .ok());
}

TEST(ValidateConnector, PlaintextPubSubEndpointIsRefusedUnlessTheHostIsLoopback) {
  Properties pubsub = with(valid_connector(), {{"salesforce.publish.api", "pubsub"}});
  EXPECT_THAT(
      errors(validate_connector(
          with(pubsub, {{"salesforce.pubsub.endpoint", "http://api.pubsub.salesforce.com:7443"}}))),
      ElementsAre("salesforce.pubsub.endpoint: \"http://api.pubsub.salesforce.com:7443\" is a "
                  "plaintext endpoint, which would send the access token unencrypted; give "
                  "host:port for TLS (http:// is accepted only for a loopback host such as "
                  "127.0.0.1, ::1 or localhost)"));
  for (const char* endpoint : {"http://127.0.0.1:7011", "http://localhost:7011",
                               "http://[::1]:7011", "api.pubsub.salesforce.com:443"}) {
    ValidationReport report =
        validate_connector(with(pubsub, {{"salesforce.pubsub.endpoint", endpoint}}));
    EXPECT_TRUE(report.ok()) << endpoint << ": " << report.to_string();
  }
}

// Issue 12 item 9: salesforce.jwt.audience overrides the aud derived from salesforce.instance.
TEST(ValidateConnector, JwtAudienceIsAKnownUrlProperty) {
  ValidationReport report = validate_connector(
      with(valid_connector(), {{"salesforce.jwt.audience", "https://acme.my.site.com/partners"}}));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_THAT(report.warnings, IsEmpty());
  EXPECT_THAT(
      errors(validate_connector(with(valid_connector(), {{"salesforce.jwt.audience", "login"}}))),
      ElementsAre("salesforce.jwt.audience: \"login\" must be a URL with scheme https or http"));
}

TEST(ValidateConnector, ConnectorClassMustBeThisConnector) {
  ValidationReport report = validate_connector(with(
      valid_connector(), {{"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"}}));
  EXPECT_THAT(errors(report),
              ElementsAre("connector.class: \"io.confluent.connect.jdbc.JdbcSinkConnector\" is "
                          "another connector: sfpe-sink runs only "
                          "io.confluent.salesforce.SalesforcePlatformEventSinkConnector"));
  for (const char* alias :
       {"io.confluent.salesforce.SalesforcePlatformEventSinkConnector",
        "SalesforcePlatformEventSinkConnector", "SalesforcePlatformEventSink"}) {
    EXPECT_TRUE(validate_connector(with(valid_connector(), {{"connector.class", alias}})).ok())
        << alias;
  }
}

TEST(ValidateConnector, ExactlyOneOfTopicsAndTopicsRegex) {
  ValidationReport both =
      validate_connector(with(valid_connector(), {{"topics.regex", "orders-.*"}}));
  EXPECT_THAT(errors(both), ElementsAre("topics: must not be set together with topics.regex: set "
                                        "exactly one of them"));
  ValidationReport regex_only = validate_connector(
      with(without(valid_connector(), {"topics"}), {{"topics.regex", "orders-.*"}}));
  EXPECT_TRUE(regex_only.ok()) << regex_only.to_string();
  ValidationReport blank_list = validate_connector(with(valid_connector(), {{"topics", " , "}}));
  EXPECT_THAT(errors(blank_list), ElementsAre("topics: lists no topic"));
}

TEST(ValidateConnector, TopicsRegexMustCompile) {
  ValidationReport report = validate_connector(
      with(without(valid_connector(), {"topics"}), {{"topics.regex", "orders-(.*"}}));
  ASSERT_EQ(report.errors.size(), 1u) << report.to_string();
  EXPECT_EQ(report.errors[0].property, "topics.regex");
  EXPECT_THAT(report.errors[0].message,
              HasSubstr("\"orders-(.*\" is not a valid regular expression:"));
}

TEST(ValidateConnector, DeadLetterQueueTopicMustNotBeConsumed) {
  ValidationReport listed = validate_connector(
      with(valid_connector(),
           {{"topics", "a,orders"}, {"errors.deadletterqueue.topic.name", "orders"}}));
  EXPECT_THAT(errors(listed),
              ElementsAre("errors.deadletterqueue.topic.name: \"orders\" must not be one of the "
                          "topics the connector consumes (topics)"));
  ValidationReport matched = validate_connector(
      with(without(valid_connector(), {"topics"}),
           {{"topics.regex", "orders.*"}, {"errors.deadletterqueue.topic.name", "orders-dlq"}}));
  EXPECT_THAT(errors(matched),
              ElementsAre("errors.deadletterqueue.topic.name: \"orders-dlq\" must not match "
                          "topics.regex, the topics the connector consumes"));
  ValidationReport fine = validate_connector(
      with(valid_connector(), {{"errors.deadletterqueue.topic.name", "dlq-orders"}}));
  EXPECT_TRUE(fine.ok()) << fine.to_string();
}

TEST(ValidateConnector, JwtBearerRequirements) {
  Properties jwt =
      with(without(valid_connector(), {"salesforce.password", "salesforce.consumer.secret"}),
           {{"salesforce.grant.type", "jwt_bearer"}});
  EXPECT_THAT(errors(validate_connector(jwt)),
              ElementsAre("salesforce.jwt.keystore.path: is required by salesforce.grant.type "
                          "JWT_BEARER",
                          "salesforce.jwt.keystore.password: is required by salesforce.grant.type "
                          "JWT_BEARER"));
  ValidationReport complete =
      validate_connector(with(jwt, {{"salesforce.jwt.keystore.path", "/etc/sf.jks"},
                                    {"salesforce.jwt.keystore.password", "ks-pass"}}));
  EXPECT_TRUE(complete.ok()) << complete.to_string();
}

TEST(ValidateConnector, KeystorePathSelectsJwtBearer) {
  Properties implied =
      with(without(valid_connector(),
                   {"salesforce.password", "salesforce.consumer.secret", "salesforce.username"}),
           {{"salesforce.jwt.keystore.path", "/etc/sf.jks"}});
  EXPECT_THAT(errors(validate_connector(implied)),
              ElementsAre("salesforce.username: is required by the JWT_BEARER grant type "
                          "(selected by salesforce.jwt.keystore.path)",
                          "salesforce.jwt.keystore.password: is required by the JWT_BEARER grant "
                          "type (selected by salesforce.jwt.keystore.path)"));
  ValidationReport conflict = validate_connector(
      with(valid_connector(), {{"salesforce.grant.type", "CLIENT_CREDENTIALS"},
                               {"salesforce.instance", "https://acme.my.salesforce.com"},
                               {"salesforce.jwt.keystore.path", "/etc/sf.jks"}}));
  EXPECT_THAT(errors(conflict),
              ElementsAre("salesforce.jwt.keystore.path: is set, which selects JWT_BEARER, but "
                          "salesforce.grant.type is CLIENT_CREDENTIALS"));
}

TEST(ValidateConnector, ClientCredentialsRequirements) {
  Properties cc = with(without(valid_connector(), {"salesforce.username", "salesforce.password",
                                                   "salesforce.consumer.secret"}),
                       {{"salesforce.grant.type", "CLIENT_CREDENTIALS"}});
  EXPECT_THAT(
      errors(validate_connector(cc)),
      ElementsAre("salesforce.consumer.secret: is required by salesforce.grant.type "
                  "CLIENT_CREDENTIALS",
                  "salesforce.instance: \"https://login.salesforce.com\" is a generic login "
                  "URL: salesforce.grant.type CLIENT_CREDENTIALS needs the org's My Domain "
                  "URL"));
  EXPECT_THAT(errors(validate_connector(
                  with(cc, {{"salesforce.consumer.secret", "s"},
                            {"salesforce.instance", "https://TEST.salesforce.com/"}}))),
              ElementsAre("salesforce.instance: \"https://TEST.salesforce.com/\" is a generic "
                          "login URL: salesforce.grant.type CLIENT_CREDENTIALS needs the org's My "
                          "Domain URL"));
  ValidationReport ok =
      validate_connector(with(cc, {{"salesforce.consumer.secret", "s"},
                                   {"salesforce.instance", "https://acme.my.salesforce.com"}}));
  EXPECT_TRUE(ok.ok()) << ok.to_string();
}

TEST(ValidateConnector, TransformAndPredicateAliases) {
  ValidationReport report = validate_connector(
      with(valid_connector(),
           {
               {"transforms", "mask,route,mask"},
               {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
               {"transforms.mask.predicate", "isOrders"},
               {"predicates", "other"},
           }));
  EXPECT_THAT(errors(report),
              ElementsAre("transforms.route.type: is required by the transforms alias \"route\"",
                          "transforms: lists alias \"mask\" more than once",
                          "predicates.other.type: is required by the predicates alias \"other\"",
                          "transforms.mask.predicate: \"isOrders\" is not listed in predicates"));
}

TEST(ValidateConnector, ProxyAuthenticationNeedsProxyAndUser) {
  ValidationReport report =
      validate_connector(with(valid_connector(), {{"http.proxy.auth.scheme", "basic"}}));
  EXPECT_THAT(errors(report), ElementsAre("http.proxy: is required by http.proxy.auth.scheme BASIC",
                                          "http.proxy.user: is required by "
                                          "http.proxy.auth.scheme BASIC"));
}

TEST(ValidateConnector, UnknownKeysAreWarningsAndPrefixFamiliesAreAccepted) {
  ValidationReport report = validate_connector(
      with(valid_connector(), {
                                  {"salesforce.sink.object.operation", "insert"},
                                  {"kafka.topic", "x"},
                                  {"value.converter", "io.confluent.connect.avro.AvroConverter"},
                                  {"value.converter.schema.registry.url", "http://sr:8081"},
                                  {"consumer.override.max.poll.records", "200"},
                                  {"producer.override.linger.ms", "5"},
                                  {"admin.override.request.timeout.ms", "5"},
                                  {"reporter.producer.ssl.truststore.location", "/t.jks"},
                                  {"reporter.result.topic.key.format", "string"},
                                  {"confluent.license", "LICENSE-KEY-0123456789"},
                                  {"confluent.topic.bootstrap.servers", "k:9092"},
                                  {"confluent.topic.ssl.keystore.location", "/k.jks"},
                                  {"errors.log.enable", "true"},
                              }));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_THAT(warnings(report),
              ElementsAre("kafka.topic: is not a known property and is ignored",
                          "salesforce.sink.object.operation: is not a known property and is "
                          "ignored"));
}

TEST(ValidateConnector, ConverterSettingsWithoutConverterClassWarn) {
  ValidationReport report = validate_connector(
      with(valid_connector(), {{"value.converter.schema.registry.url", "http://sr:8081"}}));
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(warnings(report),
              ElementsAre("value.converter: is not set, so the connector's value.converter.* "
                          "settings are ignored and the worker's converter and settings apply"));
}

TEST(ValidateConnector, SeveralErrorsAtOnceAcrossRules) {
  ValidationReport report = validate_connector(
      with(without(valid_connector(), {"name"}), {
                                                     {"salesforce.platform.event.name", "Order"},
                                                     {"tasks.max", "-1"},
                                                     {"topics.regex", "x"},
                                                     {"unknown.key", "1"},
                                                 }));
  EXPECT_EQ(report.errors.size(), 4u) << report.to_string();
  EXPECT_THAT(report.errors_for("tasks.max"), ElementsAre("\"-1\" must be at least 1"));
  EXPECT_THAT(report.errors_for("name"), ElementsAre("is required and has no default value"));
  EXPECT_THAT(report.errors_for("salesforce.platform.event.name"),
              ElementsAre("\"Order\" must end in __e"));
  EXPECT_THAT(report.errors_for("topics"),
              ElementsAre("must not be set together with topics.regex: set exactly one of them"));
  EXPECT_THAT(warnings(report), ElementsAre("unknown.key: is not a known property and is ignored"));
  EXPECT_EQ(report.to_string(),
            "name: is required and has no default value\n"
            "tasks.max: \"-1\" must be at least 1\n"
            "salesforce.platform.event.name: \"Order\" must end in __e\n"
            "topics: must not be set together with topics.regex: set exactly one of them\n"
            "warning: unknown.key: is not a known property and is ignored\n");
}

TEST(ValidateConnector, SecretsNeverAppearInMessages) {
  const char* kSecret = "TopSecret-42";
  ValidationReport report = validate_connector({
      {"salesforce.password", kSecret},
      {"salesforce.consumer.secret", kSecret},
      {"salesforce.password.token", kSecret},
      {"salesforce.jwt.keystore.password", kSecret},
      {"http.proxy.password", kSecret},
      {"http.proxy.auth.scheme", "NTLM"},
      {"salesforce.grant.type", "CLIENT_CREDENTIALS"},
      {"value.converter.basic.auth.user.info", kSecret},
      {"consumer.override.sasl.jaas.config", kSecret},
      {"reporter.admin.ssl.key.password", kSecret},
      {"tasks.max", "x"},
  });
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.to_string(), Not(HasSubstr(kSecret)));
}

TEST(ValidateWorker, DefaultsNeedOnlyTheConverters) {
  ValidationReport missing = validate_worker({});
  EXPECT_THAT(errors(missing), ElementsAre("key.converter: is required and has no default value",
                                           "value.converter: is required and has no default "
                                           "value"));
  ValidationReport ok = validate_worker({
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
  });
  EXPECT_TRUE(ok.ok()) << ok.to_string();
  EXPECT_THAT(ok.warnings, IsEmpty());
}

TEST(ValidateWorker, EachRuleAndUnknownKeys) {
  ValidationReport report = validate_worker({
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
      {"bootstrap.servers", "k1:9092,k2"},
      {"listeners", "http://:8083,ftp://x:1"},
      {"log.level", "verbose"},
      {"offset.flush.interval.ms", "soon"},
      {"security.protocol", "sasl_ssl"},
      {"sasl.mechanism", "PLAIN"},
      {"ssl.truststore.location", "/t.jks"},
      {"consumer.max.poll.records", "10"},
      {"plugin.path", "/usr/share/java"},
      {"offset.storage.file.filename", "/tmp/offsets"},
      {"group.id", "connect-cluster"},
  });
  EXPECT_THAT(errors(report),
              ElementsAre("bootstrap.servers: \"k1:9092,k2\" has element \"k2\" that must be of "
                          "the form <host>:<port>",
                          "offset.flush.interval.ms: \"soon\" is not a number of type LONG (range "
                          "-9223372036854775808 to 9223372036854775807)",
                          "log.level: \"verbose\" must be one of TRACE, DEBUG, INFO, WARN, ERROR",
                          "listeners: \"http://:8083,ftp://x:1\" has element \"ftp://x:1\" that "
                          "must be http://<host>:<port> or https://<host>:<port>"));
  EXPECT_THAT(warnings(report), ElementsAre("group.id: is not a known property and is ignored"));
}

TEST(ValidateConnector, PropertiesWithoutEffectYetWarn) {
  ValidationReport report = validate_connector(
      with(valid_connector(),
           {{"transforms", "mask"},
            {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
            {"predicates", "isOrders"},
            {"predicates.isOrders.type",
             "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
            {"header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter"}}));
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_THAT(warnings(report),
              ElementsAre("transforms: has no effect yet (transformations are not run; records "
                          "are mapped as the converter decoded them)",
                          "predicates: has no effect yet (predicates are not evaluated "
                          "(transformations are not run))",
                          "header.converter: has no effect yet (record headers are not "
                          "converted; the sink reads no header)"));
}

TEST(ValidateWorker, PropertiesWithoutEffectYetWarn) {
  ValidationReport report = validate_worker({
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
      {"bootstrap.servers", "k1:9092"},
      {"listeners", "http://:8083"},
      {"rest.advertised.host.name", "worker-1"},
  });
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_THAT(warnings(report),
              ElementsAre("listeners: has no effect yet (this worker serves no REST API)",
                          "rest.advertised.host.name: has no effect yet (this worker serves no "
                          "REST API)"));
}

}  // namespace
}  // namespace sfpe::config
