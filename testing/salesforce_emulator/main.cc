// sfpe-salesforce-emulator: a local Salesforce org for tests and the demo; prints
// SALESFORCE_EMULATOR_URL=... (login URL and instance URL at once), then
// PUBSUB_ENDPOINT=127.0.0.1:PORT (its Pub/Sub API, plaintext gRPC), and serves until
// SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "lib/process.h"
#include "salesforce_emulator/emulator.h"

int main(int argc, char** argv) {
  sfpe::testing::block_termination_signals();  // before the server starts its threads

  CLI::App app{
      "Salesforce emulator: OAuth, REST discovery and platform-event publishing by REST and the "
      "Pub/Sub API"};
  std::string host = "127.0.0.1";
  int port = 0;
  std::string config_path;
  int latency_ms = 0;
  app.add_option("--host", host, "address to listen on");
  app.add_option("--port", port, "port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  app.add_option("--config", config_path,
                 "JSON file with the org's credentials and events (keys of EmulatorConfig)");
  app.add_option("--latency-ms", latency_ms, "latency added to every publish request")
      ->check(CLI::NonNegativeNumber);
  bool exit_with_parent = false;
  app.add_flag("--exit-with-parent", exit_with_parent,
               "stop when stdin closes, i.e. when the process that started this one dies");
  CLI11_PARSE(app, argc, argv);
  if (exit_with_parent) sfpe::testing::exit_when_stdin_closes();

  sfpe::testing::EmulatorConfig config;
  if (!config_path.empty()) {
    auto loaded = sfpe::testing::load_emulator_config(config_path);
    if (!loaded.ok()) {
      std::cerr << "sfpe-salesforce-emulator: --config: " << loaded.error().message << "\n";
      return 2;
    }
    config = std::move(loaded.value());
  }
  sfpe::testing::SalesforceEmulator emulator(std::move(config));
  sfpe::testing::Faults faults;
  faults.latency_ms = latency_ms;
  emulator.set_faults(faults);
  if (auto status = emulator.start(host, port); !status.ok()) {
    std::cerr << "sfpe-salesforce-emulator: " << status.error().message << "\n";
    return 1;
  }
  std::printf("SALESFORCE_EMULATOR_URL=%s\n", emulator.url().c_str());
  std::printf("PUBSUB_ENDPOINT=%s\n", emulator.pubsub_endpoint().c_str());
  std::fflush(stdout);
  sfpe::testing::wait_for_termination_signal();
  emulator.stop();
  return 0;
}
