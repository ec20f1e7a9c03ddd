// The typed view of one connector's configuration, built only from properties that passed
// validate_connector, with every default applied and every secret held in a Secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/secret.h"
#include "config/config_def.h"
#include "config/properties.h"

namespace sfpe::config {

enum class GrantType { kPassword, kJwtBearer, kClientCredentials };
enum class ApiErrorBehavior { kFail, kLog, kIgnore };
enum class ErrorTolerance { kNone, kAll };
enum class ProxyAuthScheme { kNone, kBasic, kNtlm };

const char* to_string(GrantType grant);            // "PASSWORD", "JWT_BEARER", "CLIENT_CREDENTIALS"
const char* to_string(ApiErrorBehavior behavior);  // "fail", "log", "ignore"

struct ProxySettings {
  std::string host_port;  // "host:port"; empty: no proxy
  ProxyAuthScheme auth_scheme = ProxyAuthScheme::kNone;
  std::string user;
  Secret password;
  std::string ntlm_domain;
};

// confluent-connector.md §3.1, §3.2.
struct SalesforceSettings {
  std::string instance;                         // login or My Domain URL
  GrantType grant_type = GrantType::kPassword;  // effective: a keystore path selects JWT_BEARER
  std::string consumer_key;
  Secret consumer_secret;
  std::string username;  // empty when not given
  Secret password;
  Secret password_token;
  std::string jwt_keystore_path;
  Secret jwt_keystore_password;
  std::string jwt_audience;  // salesforce.jwt.audience; empty: derived from `instance`
  std::string version;  // "latest" or an API version such as "58.0"
  std::chrono::milliseconds auth_retries_time{0};
  std::chrono::milliseconds limits_poll_interval{60000};
  std::chrono::milliseconds request_max_retries_time{0};
  std::chrono::milliseconds connection_timeout{0};
  bool curl_logging = false;
  ProxySettings proxy;
  std::string ca_location;  // salesforce.ssl.ca.location; empty: the system's CA store
};

// kafka-connect.md §2.1.
struct ErrorSettings {
  ErrorTolerance tolerance = ErrorTolerance::kNone;
  std::chrono::milliseconds retry_timeout{0};  // 0: no retries; negative (-1): retry forever
  std::chrono::milliseconds retry_delay_max{0};
  bool log_enable = false;
  bool log_include_messages = false;
  std::string dlq_topic;  // trimmed; empty: no dead letter queue
  int16_t dlq_replication_factor = 0;
  bool dlq_context_headers_enable = false;

  bool retries_forever() const { return retry_timeout.count() < 0; }
};

// confluent-connector.md §3.6: one of the two report topics.
struct ReportTopicSettings {
  struct Format {
    std::string type;  // "json" or "string", lower-cased
    int32_t schemas_cache_size = 0;
    bool schemas_enable = false;
  };
  std::string name;  // ${connector} replaced by the connector name; empty: this report is off
  int16_t replication_factor = 0;
  int32_t partitions = 0;
  Format key_format;
  Format value_format;
};

struct ReporterSettings {
  std::vector<std::string> bootstrap_servers;  // empty: no reporter cluster given
  ReportTopicSettings result;
  ReportTopicSettings error;
  // Every other reporter.* key with "reporter." stripped: "security.protocol",
  // "producer.ssl.truststore.location", "admin.sasl.mechanism", ...
  Properties client_settings;
};

// A converter as one config defines it (kafka-connect.md §4.4).
struct ConverterSettings {
  std::string class_name;  // empty: this config does not name one
  Properties settings;     // "<key|value|header>.converter." stripped
};

// salesforce.publish.*: batching, pipelining and the task's buffer bound.
struct PublishSettings {
  bool pubsub = false;  // salesforce.publish.api=pubsub
  std::string pubsub_endpoint;
  int32_t batch_size = 200;
  std::chrono::milliseconds linger{20};
  int32_t max_in_flight = 4;
  bool preserve_partition_order = true;
  int64_t buffer_max_records = 20000;
  int64_t buffer_max_bytes = 32 * 1024 * 1024;
};

struct ConnectorConfig {
  std::string name;
  std::string connector_class;
  int32_t tasks_max = 1;
  std::vector<std::string>
      topics;                // without blanks and duplicates; empty when topics_regex is used
  std::string topics_regex;  // ECMAScript, matched against the whole topic name
  std::string event_name;    // ends in __e
  SalesforceSettings salesforce;
  PublishSettings publish;
  ApiErrorBehavior behavior_on_api_errors = ApiErrorBehavior::kFail;
  bool fail_on_null_values = false;  // behavior.on.null.values=fail
  ErrorSettings errors;
  ReporterSettings reporter;
  ConverterSettings key_converter;
  ConverterSettings value_converter;
  ConverterSettings header_converter;
  std::vector<std::string> transforms;  // aliases, in order
  std::vector<std::string> predicates;
  Properties transform_settings;  // "transforms." stripped: "<alias>.type", "<alias>.<key>"
  Properties predicate_settings;  // "predicates." stripped
  Properties consumer_overrides;  // "consumer.override." stripped
  Properties producer_overrides;  // "producer.override." stripped
  Properties admin_overrides;     // "admin.override." stripped
  // The properties as given. They hold secrets in clear: log them only via render_for_log.
  Properties raw;

  // Validates `properties` and builds the view; the Error lists every validation error.
  static Result<ConnectorConfig> from(const Properties& properties);
};

// Helpers shared with validation.

// The topics list as Connect uses it: split on commas, blanks and duplicates dropped.
std::vector<std::string> parse_topics(std::string_view value);
// salesforce.grant.type, except that a set salesforce.jwt.keystore.path turns the default (or an
// explicit PASSWORD) into JWT_BEARER (confluent-connector.md §3.2). Assumes validated values.
GrantType effective_grant_type(const ConfigView& view);

}  // namespace sfpe::config
