// sfpe-kafka-cluster: hosts a mock Kafka cluster in its own process, so several clients (the
// sink, test producers, kcat) can share it; prints BOOTSTRAP_SERVERS=... and runs until
// SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "kafka_cluster/mock_cluster.h"
#include "lib/process.h"

namespace {

// "name" or "name:partitions"; Kafka topic names cannot contain ':'.
bool parse_topic(const std::string& spec, int default_partitions, std::string* name,
                 int* partitions) {
  auto colon = spec.rfind(':');
  *name = spec.substr(0, colon);
  *partitions = default_partitions;
  if (colon == std::string::npos) return !name->empty();
  try {
    size_t used = 0;
    *partitions = std::stoi(spec.substr(colon + 1), &used);
    return !name->empty() && used == spec.size() - colon - 1 && *partitions > 0;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  sfpe::testing::block_termination_signals();  // before librdkafka starts its threads

  CLI::App app{"Mock Kafka cluster (librdkafka's rdkafka_mock) for tests and the demo"};
  int brokers = 1;
  int partitions = 1;
  std::vector<std::string> topics;
  app.add_option("--brokers", brokers, "number of mock brokers")->check(CLI::PositiveNumber);
  app.add_option("--topic", topics, "pre-created topic NAME[:PARTITIONS] (repeatable)");
  app.add_option("--partitions", partitions,
                 "partitions of a --topic given without a count (auto-created topics get the "
                 "mock's built-in default: librdkafka 2.0.2 offers no way to change it)")
      ->check(CLI::PositiveNumber);
  int rtt_ms = 0;
  app.add_option("--rtt-ms", rtt_ms, "delay every broker response by this many milliseconds")
      ->check(CLI::NonNegativeNumber);
  bool exit_with_parent = false;
  app.add_flag("--exit-with-parent", exit_with_parent,
               "stop when stdin closes, i.e. when the process that started this one dies");
  CLI11_PARSE(app, argc, argv);
  if (exit_with_parent) sfpe::testing::exit_when_stdin_closes();

  auto cluster = sfpe::testing::MockKafkaCluster::create(brokers);
  if (!cluster.ok()) {
    std::cerr << "sfpe-kafka-cluster: " << cluster.error().message << "\n";
    return 1;
  }
  for (const auto& spec : topics) {
    std::string name;
    int count = 0;
    if (!parse_topic(spec, partitions, &name, &count)) {
      std::cerr << "sfpe-kafka-cluster: --topic '" << spec
                << "' is not NAME or NAME:PARTITIONS with PARTITIONS >= 1\n";
      return 2;
    }
    if (auto status = (*cluster)->create_topic(name, count); !status.ok()) {
      std::cerr << "sfpe-kafka-cluster: " << status.error().message << "\n";
      return 1;
    }
  }
  if (auto status = (*cluster)->set_rtt(rtt_ms); !status.ok()) {
    std::cerr << "sfpe-kafka-cluster: " << status.error().message << "\n";
    return 1;
  }
  std::printf("BOOTSTRAP_SERVERS=%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  sfpe::testing::wait_for_termination_signal();
  return 0;
}
