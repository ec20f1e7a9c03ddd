// Starts the fixture PROGRAMS (sfpe-kafka-cluster, sfpe-schema-registry,
// sfpe-salesforce-emulator) from a bin directory and reads the address each prints; plus small
// clients for the emulator's control API. Each fixture stops its process when destroyed.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "lib/process.h"

namespace sfpe::testing {

// How long a fixture program may take to print its address.
inline constexpr std::chrono::milliseconds kFixtureStartTimeout{30000};

struct KafkaClusterFixture {
  std::unique_ptr<ChildProcess> process;  // null when an external cluster is used
  std::string bootstrap_servers;

  // Runs sfpe-kafka-cluster with the topics ("name" or "name:partitions") pre-created. When the
  // environment names a cluster in KAFKA_BOOTSTRAP_SERVERS, returns that address and starts
  // nothing (the topics must then exist or be auto-created there).
  // `extra_args` go to sfpe-kafka-cluster as they are (e.g. {"--rtt-ms", "1500"}).
  static Result<KafkaClusterFixture> start(const std::string& bin_dir,
                                           const std::vector<std::string>& topics,
                                           const std::vector<std::string>& extra_args = {});
};

struct SchemaRegistryFixture {
  std::unique_ptr<ChildProcess> process;
  std::string url;  // "http://127.0.0.1:PORT"

  static Result<SchemaRegistryFixture> start(const std::string& bin_dir);
  // Registers `schema_json` (Avro) under `subject`; returns the schema id.
  Result<int32_t> register_schema(const std::string& subject, const std::string& schema_json) const;
  // The next `requests` requests fail with the registry's backend error (HTTP 500).
  Status fail_next(int requests) const;
};

struct SalesforceEmulatorFixture {
  std::unique_ptr<ChildProcess> process;
  std::string url;              // login URL and instance URL
  std::string pubsub_endpoint;  // "127.0.0.1:PORT": the Pub/Sub API, plaintext gRPC

  // `config_json_path`: an EmulatorConfig JSON file ("" = the default org); `extra_args` are
  // passed on (e.g. {"--latency-ms", "50"}).
  static Result<SalesforceEmulatorFixture> start(const std::string& bin_dir,
                                                 const std::string& config_json_path = "",
                                                 const std::vector<std::string>& extra_args = {});

  // The control API (/__emulator): accepted events as
  // [{"event","fields","id","uuid","accepted_at_us"}...] (emulator.h's RecordedEvent),
  // the stats object, fault injection (Faults fields; missing keys = defaults).
  Result<nlohmann::json> events() const;
  Status clear_events() const;
  Result<nlohmann::json> stats() const;
  Status set_faults(const nlohmann::json& faults) const;
  // Replaces the org's event definitions ([{"name","fields":[...]}], emulator_config.h's form),
  // as an admin editing the event after the sink described it.
  Status set_event_definitions(const nlohmann::json& events) const;
  // Starts a new hour: the hourly publishing allocation is whole again.
  Status start_new_hour() const;
};

}  // namespace sfpe::testing
