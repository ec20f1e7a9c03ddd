// Builds ConnectorConfig from validated properties through the connector table, so defaults live
// in one place (config_def.cc) and this file only maps keys to fields.
#include "config/connector_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/validation.h"

namespace sfpe::config {

const char* to_string(GrantType grant) {
  switch (grant) {
    case GrantType::kPassword:
      return "PASSWORD";
    case GrantType::kJwtBearer:
      return "JWT_BEARER";
    case GrantType::kClientCredentials:
      return "CLIENT_CREDENTIALS";
  }
  return "UNKNOWN";
}

const char* to_string(ApiErrorBehavior behavior) {
  switch (behavior) {
    case ApiErrorBehavior::kFail:
      return "fail";
    case ApiErrorBehavior::kLog:
      return "log";
    case ApiErrorBehavior::kIgnore:
      return "ignore";
  }
  return "unknown";
}

std::vector<std::string> parse_topics(std::string_view value) {
  std::vector<std::string> topics;
  for (std::string& topic : parse_list(value)) {
    if (!topic.empty() && std::find(topics.begin(), topics.end(), topic) == topics.end()) {
      topics.push_back(std::move(topic));
    }
  }
  return topics;
}

GrantType effective_grant_type(const ConfigView& view) {
  std::string declared = to_upper(view.string("salesforce.grant.type"));
  if (declared == "CLIENT_CREDENTIALS") return GrantType::kClientCredentials;
  if (declared == "JWT_BEARER" || view.is_set("salesforce.jwt.keystore.path")) {
    return GrantType::kJwtBearer;
  }
  return GrantType::kPassword;
}

namespace {

std::chrono::milliseconds millis(const ConfigView& view, std::string_view name) {
  return std::chrono::milliseconds(view.integer(name));
}

// Replaces every ${connector} with the connector name (confluent-connector.md §3.6).
std::string resolve_topic_name(std::string pattern, const std::string& connector) {
  static constexpr std::string_view kPlaceholder = "${connector}";
  for (size_t at = pattern.find(kPlaceholder); at != std::string::npos;
       at = pattern.find(kPlaceholder, at + connector.size())) {
    pattern.replace(at, kPlaceholder.size(), connector);
  }
  return pattern;
}

ReportTopicSettings report_topic(const ConfigView& view, std::string_view side,
                                 const std::string& connector) {
  std::string base = fmt::format("reporter.{}.topic", side);
  auto format = [&](std::string_view part) {
    ReportTopicSettings::Format f;
    f.type = to_lower(view.string(fmt::format("{}.{}.format", base, part)));
    f.schemas_cache_size = static_cast<int32_t>(
        view.integer(fmt::format("{}.{}.format.schemas.cache.size", base, part)));
    f.schemas_enable = view.boolean(fmt::format("{}.{}.format.schemas.enable", base, part));
    return f;
  };
  ReportTopicSettings topic;
  topic.name = resolve_topic_name(std::string(trim(view.string(base + ".name"))), connector);
  topic.replication_factor = static_cast<int16_t>(view.integer(base + ".replication.factor"));
  topic.partitions = static_cast<int32_t>(view.integer(base + ".partitions"));
  topic.key_format = format("key");
  topic.value_format = format("value");
  return topic;
}

ConverterSettings converter(const ConfigView& view, const std::string& name) {
  return {view.string(name), view.with_prefix(name + ".")};
}

}  // namespace

Result<ConnectorConfig> ConnectorConfig::from(const Properties& properties) {
  ValidationReport report = validate_connector(properties);
  if (!report.ok()) return report.to_error("Connector");

  const ConfigTable& table = connector_table();
  ConfigView view(table, properties);
  ConnectorConfig config;
  config.raw = properties;
  config.name = view.string("name");
  config.connector_class = view.string("connector.class");
  config.tasks_max = static_cast<int32_t>(view.integer("tasks.max"));
  config.topics = parse_topics(view.string("topics"));
  config.topics_regex = view.string("topics.regex");
  config.event_name = view.string("salesforce.platform.event.name");

  SalesforceSettings& sf = config.salesforce;
  sf.instance = view.string("salesforce.instance");
  sf.grant_type = effective_grant_type(view);
  sf.consumer_key = view.string("salesforce.consumer.key");
  sf.consumer_secret = view.secret("salesforce.consumer.secret");
  sf.username = view.string("salesforce.username");
  sf.password = view.secret("salesforce.password");
  sf.password_token = view.secret("salesforce.password.token");
  sf.jwt_keystore_path = view.string("salesforce.jwt.keystore.path");
  sf.jwt_keystore_password = view.secret("salesforce.jwt.keystore.password");
  sf.jwt_audience = view.string("salesforce.jwt.audience");
  sf.version = to_lower(view.string("salesforce.version"));
  sf.auth_retries_time = millis(view, "salesforce.auth.retries.time.ms");
  sf.request_max_retries_time = millis(view, "request.max.retries.time.ms");
  sf.limits_poll_interval = millis(view, "salesforce.limits.poll.interval.ms");
  PublishSettings& publish = config.publish;
  publish.pubsub = to_lower(view.string("salesforce.publish.api")) == "pubsub";
  publish.pubsub_endpoint = view.string("salesforce.pubsub.endpoint");
  publish.batch_size = static_cast<int32_t>(view.integer("salesforce.publish.batch.size"));
  publish.linger = millis(view, "salesforce.publish.linger.ms");
  publish.max_in_flight = static_cast<int32_t>(view.integer("salesforce.publish.max.in.flight"));
  // Pub/Sub requests cost no daily API allocation and share one HTTP/2 connection, so more of
  // them in flight only adds streams: at 40 ms a request, 4 x 200 events cap a task at 20,000
  // events a second (BENCHMARKS.md).
  if (publish.pubsub && !view.is_set("salesforce.publish.max.in.flight")) {
    publish.max_in_flight = 8;
  }
  publish.preserve_partition_order = view.boolean("salesforce.publish.preserve.partition.order");
  publish.buffer_max_records = view.integer("salesforce.publish.buffer.max.records");
  publish.buffer_max_bytes = view.integer("salesforce.publish.buffer.max.bytes");
  sf.connection_timeout = millis(view, "connection.timeout");
  sf.curl_logging = view.boolean("curl.logging");
  sf.proxy.host_port = view.string("http.proxy");
  std::string scheme = to_upper(view.string("http.proxy.auth.scheme"));
  sf.proxy.auth_scheme = scheme == "BASIC"  ? ProxyAuthScheme::kBasic
                         : scheme == "NTLM" ? ProxyAuthScheme::kNtlm
                                            : ProxyAuthScheme::kNone;
  sf.proxy.user = view.string("http.proxy.user");
  sf.proxy.password = view.secret("http.proxy.password");
  sf.proxy.ntlm_domain = view.string("http.proxy.auth.ntlm.domain");
  sf.ca_location = view.string("salesforce.ssl.ca.location");

  std::string behavior = to_lower(view.string("behavior.on.api.errors"));
  config.behavior_on_api_errors = behavior == "log"      ? ApiErrorBehavior::kLog
                                  : behavior == "ignore" ? ApiErrorBehavior::kIgnore
                                                         : ApiErrorBehavior::kFail;
  config.fail_on_null_values = to_lower(view.string("behavior.on.null.values")) == "fail";

  ErrorSettings& errors = config.errors;
  errors.tolerance = to_lower(view.string("errors.tolerance")) == "all" ? ErrorTolerance::kAll
                                                                        : ErrorTolerance::kNone;
  errors.retry_timeout = millis(view, "errors.retry.timeout");
  errors.retry_delay_max = millis(view, "errors.retry.delay.max.ms");
  errors.log_enable = view.boolean("errors.log.enable");
  errors.log_include_messages = view.boolean("errors.log.include.messages");
  errors.dlq_topic = std::string(trim(view.string("errors.deadletterqueue.topic.name")));
  errors.dlq_replication_factor =
      static_cast<int16_t>(view.integer("errors.deadletterqueue.topic.replication.factor"));
  errors.dlq_context_headers_enable = view.boolean("errors.deadletterqueue.context.headers.enable");

  ReporterSettings& reporter = config.reporter;
  reporter.bootstrap_servers = view.list("reporter.bootstrap.servers");
  reporter.result = report_topic(view, "result", config.name);
  reporter.error = report_topic(view, "error", config.name);
  for (auto& [key, value] : view.with_prefix("reporter.")) {
    if (table.find("reporter." + key) == nullptr) reporter.client_settings[key] = value;
  }

  config.key_converter = converter(view, "key.converter");
  config.value_converter = converter(view, "value.converter");
  config.header_converter = converter(view, "header.converter");
  config.transforms = view.list("transforms");
  config.predicates = view.list("predicates");
  config.transform_settings = view.with_prefix("transforms.");
  config.predicate_settings = view.with_prefix("predicates.");
  config.consumer_overrides = view.with_prefix("consumer.override.");
  config.producer_overrides = view.with_prefix("producer.override.");
  config.admin_overrides = view.with_prefix("admin.override.");
  return config;
}

}  // namespace sfpe::config
