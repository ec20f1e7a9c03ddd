// The typed view of the standalone worker properties, and how worker and connector settings
// combine for converters and Kafka clients (Connect's precedence, kafka-connect.md §1.4, §4.4).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/connector_config.h"
#include "config/properties.h"
#include "config/validation.h"

namespace sfpe::config {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
enum class OverridePolicy { kAll, kNone, kPrincipal };

struct WorkerConfig {
  std::vector<std::string> bootstrap_servers;
  ConverterSettings key_converter;
  ConverterSettings value_converter;
  ConverterSettings header_converter;
  std::chrono::milliseconds offset_flush_interval{0};
  std::chrono::milliseconds offset_flush_timeout{0};
  std::chrono::milliseconds task_shutdown_graceful_timeout{0};
  std::vector<std::string> listeners;     // "http://:8083", ...
  std::string rest_advertised_host_name;  // empty: not given
  LogLevel log_level = LogLevel::kInfo;
  OverridePolicy client_config_override_policy = OverridePolicy::kAll;
  Properties consumer_settings;  // "consumer." stripped
  Properties producer_settings;  // "producer." stripped
  Properties admin_settings;     // "admin." stripped
  Properties security;           // security.protocol, sasl.*, ssl.* as given, for librdkafka
  // The properties as given. They hold secrets in clear: log them only via render_for_log.
  Properties raw;

  // Validates `properties` and builds the view; the Error lists every validation error.
  static Result<WorkerConfig> from(const Properties& properties);
};

struct EffectiveConverters {
  ConverterSettings key;
  ConverterSettings value;
  ConverterSettings header;
};

// The converters a connector runs with. Connect configures a connector-level converter only when
// the connector names its class, and then only from the connector's prefixed settings; otherwise
// the worker's class and settings apply as a whole (Plugins.getConverter).
EffectiveConverters merge_converters(const WorkerConfig& worker, const ConnectorConfig& connector);

// Kafka client settings for task `task_id` of `connector`, in Connect's order, later wins
// (RT/Worker.java, kafka-connect.md §1.4): framework defaults, then the worker's prefixed
// settings, then the connector's *.override.* settings. Java-only names are passed through as
// they are; translating them for librdkafka is the Kafka layer's job.
// Consumer: group.id connect-<name>, client.id connector-consumer-<name>-<task>,
// enable.auto.commit=false, auto.offset.reset=earliest, bootstrap.servers; consumer.*;
// consumer.override.*.
Properties consumer_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector,
                                 int task_id);
// DLQ producer: acks=all, enable.idempotence=false, max.in.flight.requests.per.connection=1,
// delivery.timeout.ms=2147483647, client.id connector-dlq-producer-<name>-<task>;
// producer.*; producer.override.*.
Properties producer_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector,
                                 int task_id);
// DLQ admin client: bootstrap.servers and the worker's top-level security settings,
// client.id connector-dlq-adminclient-; admin.*; admin.override.*.
Properties admin_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector);

// The Connect Reporter's clients (confluent-connector.md §3.6): reporter.bootstrap.servers, then
// the reporter.* settings both clients share (security.protocol, sasl.*, ssl.*), then
// reporter.producer.* or reporter.admin.* for the one client, later wins. The producer starts
// from acks=all and client.id connector-reporter-producer-<name>-<task>. Both are empty when
// reporter.bootstrap.servers is: the reporter is off.
Properties reporter_producer_settings_for(const ConnectorConfig& connector, int task_id);
Properties reporter_admin_settings_for(const ConnectorConfig& connector);

// The connector's consumer/producer/admin overrides that the worker's
// connector.client.config.override.policy forbids: None forbids all, Principal allows only
// security.protocol, sasl.jaas.config and sasl.mechanism, All allows all.
ValidationReport check_client_overrides(const WorkerConfig& worker,
                                        const ConnectorConfig& connector);

}  // namespace sfpe::config
