#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <mutex>

namespace sfpe {
namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e%z %-5l [%n] %v";

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

spdlog::sink_ptr shared_sink() {
  static spdlog::sink_ptr sink = [] {
    auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    s->set_pattern(kPattern);
    return s;
  }();
  return sink;
}

spdlog::level::level_enum& current_level() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}

}  // namespace

Status set_log_level(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  spdlog::level::level_enum level;
  if (lower == "trace") {
    level = spdlog::level::trace;
  } else if (lower == "debug") {
    level = spdlog::level::debug;
  } else if (lower == "info") {
    level = spdlog::level::info;
  } else if (lower == "warn" || lower == "warning") {
    level = spdlog::level::warn;
  } else if (lower == "error") {
    level = spdlog::level::err;
  } else if (lower == "off") {
    level = spdlog::level::off;
  } else {
    return Error::fatal("CONFIG", "log.level: unknown level \"" + name +
                                      "\" (expected TRACE, DEBUG, INFO, WARN, ERROR or OFF)");
  }
  std::lock_guard<std::mutex> lock(registry_mutex());
  current_level() = level;
  spdlog::apply_all([level](std::shared_ptr<spdlog::logger> logger) { logger->set_level(level); });
  return ok_status();
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, shared_sink());
  logger->set_level(current_level());
  logger->flush_on(spdlog::level::trace);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace sfpe
