// Builds WorkerConfig through the worker table, and merges worker and connector settings in
// Connect's order of precedence.
#include "config/worker_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace sfpe::config {
namespace {

std::chrono::milliseconds millis(const ConfigView& view, std::string_view name) {
  return std::chrono::milliseconds(view.integer(name));
}

void overlay(Properties& base, const Properties& top) {
  for (const auto& [key, value] : top) base[key] = value;
}

std::string join(const std::vector<std::string>& items) {
  return fmt::format("{}", fmt::join(items, ","));
}

}  // namespace

Result<WorkerConfig> WorkerConfig::from(const Properties& properties) {
  ValidationReport report = validate_worker(properties);
  if (!report.ok()) return report.to_error("Worker");

  ConfigView view(worker_table(), properties);
  WorkerConfig config;
  config.raw = properties;
  config.bootstrap_servers = view.list("bootstrap.servers");
  for (auto [field, name] : {std::pair{&config.key_converter, "key.converter"},
                             std::pair{&config.value_converter, "value.converter"},
                             std::pair{&config.header_converter, "header.converter"}}) {
    *field = {view.string(name), view.with_prefix(std::string(name) + ".")};
  }
  config.offset_flush_interval = millis(view, "offset.flush.interval.ms");
  config.offset_flush_timeout = millis(view, "offset.flush.timeout.ms");
  config.task_shutdown_graceful_timeout = millis(view, "task.shutdown.graceful.timeout.ms");
  config.listeners = view.list("listeners");
  config.rest_advertised_host_name = view.string("rest.advertised.host.name");

  static constexpr std::array<std::pair<std::string_view, LogLevel>, 5> kLevels = {{
      {"TRACE", LogLevel::kTrace},
      {"DEBUG", LogLevel::kDebug},
      {"INFO", LogLevel::kInfo},
      {"WARN", LogLevel::kWarn},
      {"ERROR", LogLevel::kError},
  }};
  std::string level = to_upper(view.string("log.level"));
  for (const auto& [name, value] : kLevels) {
    if (level == name) config.log_level = value;
  }

  // The policy is given by alias ("None") or class name
  // (...NoneConnectorClientConfigOverridePolicy).
  std::string policy = to_lower(view.string("connector.client.config.override.policy"));
  auto is_policy = [&](std::string_view alias) {
    return policy == alias ||
           policy.ends_with(fmt::format(".{}connectorclientconfigoverridepolicy", alias));
  };
  config.client_config_override_policy = is_policy("none")        ? OverridePolicy::kNone
                                         : is_policy("principal") ? OverridePolicy::kPrincipal
                                                                  : OverridePolicy::kAll;

  config.consumer_settings = view.with_prefix("consumer.");
  config.producer_settings = view.with_prefix("producer.");
  config.admin_settings = view.with_prefix("admin.");
  if (auto protocol = properties.find("security.protocol"); protocol != properties.end()) {
    config.security[protocol->first] = protocol->second;
  }
  for (const char* prefix : {"sasl.", "ssl."}) {
    for (const auto& [key, value] : view.with_prefix(prefix)) {
      config.security[prefix + key] = value;
    }
  }
  return config;
}

EffectiveConverters merge_converters(const WorkerConfig& worker, const ConnectorConfig& connector) {
  auto pick = [](const ConverterSettings& own, const ConverterSettings& fallback) {
    return own.class_name.empty() ? fallback : own;
  };
  return {pick(connector.key_converter, worker.key_converter),
          pick(connector.value_converter, worker.value_converter),
          pick(connector.header_converter, worker.header_converter)};
}

Properties consumer_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector,
                                 int task_id) {
  Properties settings = {
      {"bootstrap.servers", join(worker.bootstrap_servers)},
      {"group.id", "connect-" + connector.name},
      {"client.id", fmt::format("connector-consumer-{}-{}", connector.name, task_id)},
      {"enable.auto.commit", "false"},
      {"auto.offset.reset", "earliest"},
  };
  overlay(settings, worker.consumer_settings);
  overlay(settings, connector.consumer_overrides);
  return settings;
}

Properties producer_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector,
                                 int task_id) {
  Properties settings = {
      {"bootstrap.servers", join(worker.bootstrap_servers)},
      {"acks", "all"},
      {"enable.idempotence", "false"},
      {"max.in.flight.requests.per.connection", "1"},
      {"delivery.timeout.ms", "2147483647"},
      {"client.id", fmt::format("connector-dlq-producer-{}-{}", connector.name, task_id)},
  };
  overlay(settings, worker.producer_settings);
  overlay(settings, connector.producer_overrides);
  return settings;
}

Properties admin_settings_for(const WorkerConfig& worker, const ConnectorConfig& connector) {
  Properties settings = {
      {"bootstrap.servers", join(worker.bootstrap_servers)},
      {"client.id", "connector-dlq-adminclient-"},
  };
  overlay(settings, worker.security);
  overlay(settings, worker.admin_settings);
  overlay(settings, connector.admin_overrides);
  return settings;
}

namespace {

Properties reporter_client(const ReporterSettings& reporter, std::string_view client,
                           Properties defaults) {
  if (reporter.bootstrap_servers.empty()) return {};
  Properties settings = std::move(defaults);
  settings["bootstrap.servers"] = join(reporter.bootstrap_servers);
  for (const auto& [key, value] : reporter.client_settings) {
    if (!key.starts_with("producer.") && !key.starts_with("admin.")) settings[key] = value;
  }
  std::string own = fmt::format("{}.", client);
  for (const auto& [key, value] : reporter.client_settings) {
    if (key.starts_with(own)) settings[key.substr(own.size())] = value;
  }
  return settings;
}

}  // namespace

Properties reporter_producer_settings_for(const ConnectorConfig& connector, int task_id) {
  return reporter_client(
      connector.reporter, "producer",
      {{"acks", "all"},
       {"client.id", fmt::format("connector-reporter-producer-{}-{}", connector.name, task_id)}});
}

Properties reporter_admin_settings_for(const ConnectorConfig& connector) {
  return reporter_client(connector.reporter, "admin", {});
}

ValidationReport check_client_overrides(const WorkerConfig& worker,
                                        const ConnectorConfig& connector) {
  static constexpr std::array<std::string_view, 3> kPrincipalKeys = {
      "security.protocol", "sasl.jaas.config", "sasl.mechanism"};
  ValidationReport report;
  if (worker.client_config_override_policy == OverridePolicy::kAll) return report;
  const char* policy =
      worker.client_config_override_policy == OverridePolicy::kNone ? "None" : "Principal";
  for (auto [prefix, overrides] : {std::pair{"consumer.override.", &connector.consumer_overrides},
                                   std::pair{"producer.override.", &connector.producer_overrides},
                                   std::pair{"admin.override.", &connector.admin_overrides}}) {
    for (const auto& [key, value] : *overrides) {
      bool allowed =
          worker.client_config_override_policy == OverridePolicy::kPrincipal &&
          std::find(kPrincipalKeys.begin(), kPrincipalKeys.end(), key) != kPrincipalKeys.end();
      if (!allowed) {
        report.errors.push_back(
            {prefix + key,
             fmt::format("is not allowed by connector.client.config.override.policy {}", policy)});
      }
    }
  }
  return report;
}

}  // namespace sfpe::config
