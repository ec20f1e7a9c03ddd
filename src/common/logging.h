// Logging: one line an event, timestamped and leveled, with the connector and task in each line
// (the logger's name is "<connector>-<task>" or "<connector>" or "worker"). Everything goes to
// stderr through one shared sink, so stdout stays free for command output.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "common/result.h"

namespace sfpe {

// Sets the level of every logger, present and future; "TRACE", "DEBUG", "INFO", "WARN", "ERROR"
// (case-insensitive). An unknown name is an Error naming it.
Status set_log_level(const std::string& level);

// A logger sharing the process-wide sink and level; cheap to call repeatedly with one name.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

}  // namespace sfpe
