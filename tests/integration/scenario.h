// A test scenario around the real sfpe-sink binary: the fixture programs (Kafka cluster, Schema
// Registry, Salesforce emulator), a topic of its own, configuration files, and the sink process.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafka/record.h"
#include "lib/eventually.h"
#include "lib/fixtures.h"
#include "lib/process.h"

#include <gtest/gtest.h>

namespace sfpe::itest {

// The value schema of the Platform Events source connector (confluent-connector.md §5.2) for
// the emulator's default event ConfluentEvent__e.
extern const char* const kEventSchema;

// A record as the Platform Events source connector writes it (kEventSchema), with every custom
// field set; TextField__c is "p<partition>-r<i>".
nlohmann::json source_record(int partition, int i);
// What Salesforce must receive for source_record(partition, i): only the __c fields.
nlohmann::json expected_event(int partition, int i);
// source_record(p, i) for i < per_partition and every partition, interleaved.
std::vector<std::pair<int, nlohmann::json>> records_for(int partitions, int per_partition);
// The emulator's default event with TextField__c shortened to 10 characters: an admin's edit
// after the sink described the event, so only Salesforce can refuse the longer values.
nlohmann::json event_with_short_text_field();
// Events of one partition (by their TextField__c prefix), in the order Salesforce accepted them.
std::vector<nlohmann::json> of_partition(const std::vector<nlohmann::json>& events, int p);

class Scenario {
 public:
  // Starts the fixtures; the topic and the connector name are unique to this scenario.
  explicit Scenario(int partitions = 3, const std::string& emulator_config_json = "");
  ~Scenario();

  const std::string& topic() const { return topic_; }
  const std::string& connector() const { return connector_; }
  // Topics the sink writes to, pre-created with one partition (the mock cluster refuses
  // CreateTopics): "<connector>-dlq", and the reporter's defaults "<connector>-success" and
  // "<connector>-error".
  std::string dlq_topic() const { return connector_ + "-dlq"; }
  std::string success_topic() const { return connector_ + "-success"; }
  std::string error_topic() const { return connector_ + "-error"; }
  // Every record of `topic` as it is now (sorted by partition and offset).
  std::vector<kafka::Record> read(const std::string& topic);
  // Awaits at least `count` records in `topic`, then reads it.
  std::vector<kafka::Record> read_at_least(const std::string& topic, size_t count,
                                           std::chrono::milliseconds timeout);
  int partitions() const { return partitions_; }
  const std::string& bootstrap() const { return kafka_.bootstrap_servers; }
  const std::string& registry_url() const { return registry_.url; }
  const std::string& salesforce_url() const { return salesforce_.url; }
  const std::string& pubsub_endpoint() const { return salesforce_.pubsub_endpoint; }
  testing::SalesforceEmulatorFixture& salesforce() { return salesforce_; }
  testing::SchemaRegistryFixture& registry() { return registry_; }

  // Registers `schema` for <topic>-value and returns its id.
  int32_t register_schema(const std::string& schema = kEventSchema);
  // Produces Avro records (JSON data as testing::encode_avro_json_datum takes them) to the
  // given partitions; waits for every acknowledgement.
  void produce(const std::vector<std::pair<int, nlohmann::json>>& records, int32_t schema_id);
  void produce_raw(int partition, const std::optional<std::string>& value,
                   const std::optional<std::string>& key = std::nullopt,
                   const std::vector<kafka::Header>& headers = {});
  // Produces raw values in order, one producer for all; waits for every acknowledgement.
  void produce_raw_batch(const std::vector<std::pair<int, std::optional<std::string>>>& values);

  // Writes the worker and connector files; `connector_overrides` replace or add properties
  // (an empty value removes one).
  std::string write_worker(const std::map<std::string, std::string>& overrides = {});
  std::string write_connector(const std::map<std::string, std::string>& overrides = {});
  std::map<std::string, std::string> connector_properties() const;

  // Starts `sfpe-sink standalone <worker> <connector>`; output teed to a log file.
  std::unique_ptr<testing::ChildProcess> start_sink(const std::string& worker,
                                                    const std::string& connector);
  // `sfpe-sink standalone <worker> <connectors...>`: several connectors in one process.
  std::unique_ptr<testing::ChildProcess> start_sink(const std::string& worker,
                                                    const std::vector<std::string>& connectors);
  // Runs `sfpe-sink <args...>` to completion and returns it (exited).
  std::unique_ptr<testing::ChildProcess> run_sink_command(const std::vector<std::string>& args);

  // Awaits at least `count` accepted events at the emulator.
  bool wait_for_events(size_t count, std::chrono::milliseconds timeout);
  // Every accepted event's fields, in acceptance order.
  std::vector<nlohmann::json> event_fields();
  nlohmann::json stats();

  std::vector<int64_t> committed_offsets();
  // The committed offsets of another connector's group (connect-<connector>) on this topic.
  std::vector<int64_t> committed_offsets_of(const std::string& connector);
  std::vector<int64_t> end_offsets();
  // Awaits committed offsets equal to the end offsets.
  bool wait_for_commits_to_reach_end(std::chrono::milliseconds timeout);

  std::filesystem::path dir() const { return dir_; }

 private:
  int partitions_;
  std::string topic_;
  std::string connector_;
  std::filesystem::path dir_;
  testing::KafkaClusterFixture kafka_;
  testing::SchemaRegistryFixture registry_;
  testing::SalesforceEmulatorFixture salesforce_;
  int sink_runs_ = 0;
};

std::string bin_dir();

}  // namespace sfpe::itest
