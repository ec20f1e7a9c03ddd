// sfpe-sink: the command line, in the manner of Kafka's connect-standalone.
#include <CLI/CLI.hpp>
#include <signal.h>

#include <iostream>
#include <string>
#include <vector>

#include "demo/demo.h"
#include "runtime/commands.h"
#include "version.h"

int main(int argc, char** argv) {
  // A peer closing a socket or pipe must be an error code on that write, never a dead process.
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{"sfpe-sink: publishes Kafka records to Salesforce as Platform Events.\n"
               "A drop-in for Confluent's Salesforce Platform Events Sink connector configuration.",
               "sfpe-sink"};
  app.set_version_flag("--version", std::string("sfpe-sink ") + sfpe::kVersion);
  app.require_subcommand(1);

  std::string worker_path;
  std::vector<std::string> connector_paths;
  auto* standalone = app.add_subcommand(
      "standalone", "Run connectors: WORKER.properties CONNECTOR.properties|CONNECTOR.json [...]. "
                    "Stops cleanly on SIGTERM or SIGINT.");
  standalone->add_option("worker", worker_path, "Worker properties file")->required();
  standalone->add_option("connectors", connector_paths, "Connector files (.properties or .json)")
      ->required();

  std::vector<std::string> validate_paths;
  auto* validate = app.add_subcommand(
      "validate", "List every configuration problem of the connector files; exit 1 if any.");
  validate->add_option("connectors", validate_paths, "Connector files")->required();

  sfpe::demo::DemoOptions demo_options;
  auto* demo = app.add_subcommand(
      "demo", "Start a local Kafka cluster, Schema Registry and Salesforce emulator, send sample "
              "events through the sink and show what Salesforce received.");
  demo->add_option("--records", demo_options.records, "Sample records to produce")
      ->capture_default_str();
  demo->add_option("--bad-records", demo_options.bad_records,
                   "Bad records mixed in, which end in the dead letter queue")
      ->capture_default_str();
  demo->add_option("--tasks", demo_options.tasks, "tasks.max")->capture_default_str();
  demo->add_option("--latency-ms", demo_options.latency_ms,
                   "Emulated Salesforce latency per publish request")
      ->capture_default_str();

  auto* docs = app.add_subcommand("config-docs",
                                  "Print the configuration reference (docs/configuration.md).");

  CLI11_PARSE(app, argc, argv);

  if (standalone->parsed()) return sfpe::runtime::run_standalone(worker_path, connector_paths);
  if (validate->parsed()) return sfpe::runtime::run_validate(validate_paths);
  if (demo->parsed()) return sfpe::demo::run_demo(demo_options);
  if (docs->parsed()) return sfpe::runtime::run_print_config_docs();
  return 0;
}
