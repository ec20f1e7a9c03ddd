// The standalone worker: configuration in, connectors running, a clean stop on a signal.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "common/logging.h"
#include "config/config_docs.h"
#include "config/connector_file.h"
#include "config/masking.h"
#include "config/validation.h"
#include "config/worker_config.h"
#include "runtime/commands.h"
#include "runtime/connector_runtime.h"
#include "runtime/signals.h"

namespace sfpe::runtime {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadConfig = 2;

const char* level_name(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kTrace: return "trace";
    case config::LogLevel::kDebug: return "debug";
    case config::LogLevel::kInfo: return "info";
    case config::LogLevel::kWarn: return "warn";
    case config::LogLevel::kError: return "error";
  }
  return "info";
}

// One log line a property ("one line an event"), secrets masked by render_for_log.
void log_properties(spdlog::logger& log, const char* what, const std::string& rendered) {
  size_t start = 0;
  while (start < rendered.size()) {
    size_t end = rendered.find('\n', start);
    if (end == std::string::npos) end = rendered.size();
    if (end > start) log.info("{} {}", what, rendered.substr(start, end - start));
    start = end + 1;
  }
}

// A start-up failure the configuration causes (a converter, Schema Registry, TLS or keystore
// setting that the validation rules cannot judge alone; their codes are CONFIG, CONFIG_INVALID,
// CONFIG_FILE), as opposed to a service refusing or failing: it exits kExitBadConfig like every
// other configuration problem.
bool is_configuration_error(const Error& error) { return error.code.starts_with("CONFIG"); }

void print_report(const std::string& origin, const config::ValidationReport& report) {
  for (const auto& error : report.errors) {
    std::cerr << origin << ": error: " << error.to_string() << "\n";
  }
  for (const auto& warning : report.warnings) {
    std::cerr << origin << ": warning: " << warning.to_string() << "\n";
  }
}

}  // namespace

int run_standalone(const std::string& worker_path,
                   const std::vector<std::string>& connector_paths) {
  StopSignal stop;
  SignalWatcher signals(stop);  // before any other thread exists
  auto log = make_logger("worker");

  auto worker_properties = config::load_properties_file(worker_path);
  if (!worker_properties.ok()) {
    std::cerr << worker_properties.error().message << "\n";
    return kExitBadConfig;
  }
  auto worker_report = config::validate_worker(*worker_properties);
  print_report(worker_path, worker_report);
  if (!worker_report.ok()) return kExitBadConfig;
  auto worker = config::WorkerConfig::from(*worker_properties);
  if (!worker.ok()) {
    std::cerr << worker_path << ": " << worker.error().message << "\n";
    return kExitBadConfig;
  }
  (void)set_log_level(level_name(worker->log_level));

  std::vector<config::ConnectorConfig> connectors;
  bool bad = false;
  for (const auto& path : connector_paths) {
    auto file = config::load_connector_file(path);
    if (!file.ok()) {
      std::cerr << file.error().message << "\n";
      bad = true;
      continue;
    }
    auto report = config::validate_connector(file->config);
    print_report(path, report);
    if (!report.ok()) {
      bad = true;
      continue;
    }
    auto connector = config::ConnectorConfig::from(file->config);
    if (!connector.ok()) {
      std::cerr << path << ": " << connector.error().message << "\n";
      bad = true;
      continue;
    }
    auto overrides = config::check_client_overrides(*worker, *connector);
    print_report(path, overrides);
    if (!overrides.ok()) {
      bad = true;
      continue;
    }
    connectors.push_back(std::move(connector.value()));
  }
  if (bad) return kExitBadConfig;

  log->info("sfpe-sink standalone worker starting with {} connector(s)", connectors.size());
  log_properties(*log, "worker config",
                 config::render_for_log(worker->raw, config::worker_table()));
  std::vector<std::unique_ptr<ConnectorRuntime>> runtimes;
  for (auto& connector : connectors) {
    log_properties(*make_logger(connector.name), "connector config",
                   config::render_for_log(connector.raw, config::connector_table()));
    auto runtime = std::make_unique<ConnectorRuntime>(*worker, std::move(connector), stop);
    Status prepared = runtime->prepare();
    if (!prepared.ok()) {
      make_logger(runtime->name())->error("cannot start: {}", prepared.error().message);
      return is_configuration_error(prepared.error()) ? kExitBadConfig : kExitFailed;
    }
    runtimes.push_back(std::move(runtime));
  }
  for (auto& runtime : runtimes) runtime->start();

  while (!stop.stop_requested()) stop.wait_for(std::chrono::seconds(1));
  if (signals.received() != 0) {
    log->info("signal {} received: stopping tasks (grace {} ms)", signals.received(),
              worker->task_shutdown_graceful_timeout.count());
  }

  // Tasks finish the batch they are publishing, commit and leave their groups. A task still busy
  // after the grace period is abandoned: its uncommitted records are read again next time.
  StopSignal joined;
  std::thread joiner([&] {
    for (auto& runtime : runtimes) runtime->join();
    joined.request_stop();
  });
  bool in_time = joined.wait_for(worker->task_shutdown_graceful_timeout);
  if (!in_time) {
    log->warn("tasks did not stop within task.shutdown.graceful.timeout.ms={} ms; exiting without "
              "committing their in-flight records",
              worker->task_shutdown_graceful_timeout.count());
    std::fflush(nullptr);
    std::_Exit(kExitFailed);
  }
  joiner.join();

  int exit_code = 0;
  for (auto& runtime : runtimes) {
    ConnectorTotals totals = runtime->totals();
    make_logger(runtime->name())
        ->info("summary: consumed {}, published {}, dead-lettered {}, skipped {}, failed {}, "
               "uncommitted {}",
               totals.consumed, totals.published, totals.dead_lettered, totals.skipped,
               totals.failed, totals.uncommitted);
    if (auto failure = runtime->failure()) {
      make_logger(runtime->name())->error("connector failed: {}", failure->message);
      exit_code = kExitFailed;
    }
  }
  log->info("sfpe-sink stopped");
  return exit_code;
}

int run_validate(const std::vector<std::string>& connector_paths) {
  bool any_error = false;
  for (const auto& path : connector_paths) {
    auto file = config::load_connector_file(path);
    if (!file.ok()) {
      std::cout << path << ": error: " << file.error().message << "\n";
      any_error = true;
      continue;
    }
    auto report = config::validate_connector(file->config);
    for (const auto& error : report.errors) {
      std::cout << path << ": error: " << error.to_string() << "\n";
    }
    for (const auto& warning : report.warnings) {
      std::cout << path << ": warning: " << warning.to_string() << "\n";
    }
    if (report.ok()) {
      std::cout << path << ": connector " << file->name << " is valid ("
                << report.warnings.size() << " warning(s))\n";
    } else {
      std::cout << path << ": " << report.errors.size() << " error(s)\n";
      any_error = true;
    }
  }
  return any_error ? 1 : 0;
}

int run_print_config_docs() {
  std::cout << config::render_configuration_markdown();
  return 0;
}

}  // namespace sfpe::runtime
