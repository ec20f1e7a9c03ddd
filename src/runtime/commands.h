// The sub-commands of sfpe-sink, each returning the process exit code.
#pragma once

#include <string>
#include <vector>

namespace sfpe::runtime {

// connect-standalone style: one worker file, one or more connector files (.properties or .json).
// Runs until SIGTERM/SIGINT (exit 0) or a task failure (exit 1); bad configuration exits 2, also
// when only start-up finds it (a converter, Schema Registry, TLS or keystore setting).
int run_standalone(const std::string& worker_path, const std::vector<std::string>& connector_paths);

// Lists every problem of every connector file at once; exit 0 if none has an error, else 1.
int run_validate(const std::vector<std::string>& connector_paths);

// Writes the generated configuration reference (docs/configuration.md) to stdout.
int run_print_config_docs();

}  // namespace sfpe::runtime
