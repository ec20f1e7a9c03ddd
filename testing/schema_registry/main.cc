// sfpe-schema-registry: an in-memory Confluent Schema Registry for tests and the demo; prints
// SCHEMA_REGISTRY_URL=... and serves until SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "lib/process.h"
#include "schema_registry/server.h"

int main(int argc, char** argv) {
  sfpe::testing::block_termination_signals();  // before the server starts its threads

  CLI::App app{"In-memory Confluent Schema Registry (REST subset) for tests and the demo"};
  std::string host = "127.0.0.1";
  int port = 0;
  app.add_option("--host", host, "address to listen on");
  app.add_option("--port", port, "port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  bool exit_with_parent = false;
  app.add_flag("--exit-with-parent", exit_with_parent,
               "stop when stdin closes, i.e. when the process that started this one dies");
  CLI11_PARSE(app, argc, argv);
  if (exit_with_parent) sfpe::testing::exit_when_stdin_closes();

  sfpe::testing::SchemaRegistryServer server;
  if (auto status = server.start(host, port); !status.ok()) {
    std::cerr << "sfpe-schema-registry: " << status.error().message << "\n";
    return 1;
  }
  std::printf("SCHEMA_REGISTRY_URL=%s\n", server.url().c_str());
  std::fflush(stdout);
  sfpe::testing::wait_for_termination_signal();
  server.stop();
  return 0;
}
