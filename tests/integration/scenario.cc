#include "scenario.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "common/http_client.h"
#include "lib/avro_writer.h"
#include "lib/kafka_client.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::itest {
namespace {

template <typename T>
T must(Result<T> result, const char* what) {
  if (!result.ok()) throw std::runtime_error(std::string(what) + ": " + result.error().message);
  return std::move(result.value());
}

void must(const Status& status, const char* what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.error().message);
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return fmt::format("{}-{}", getpid(), counter++);
}

std::string test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? fmt::format("{}.{}", info->test_suite_name(), info->name()) : "scenario";
}

std::string with_partitions(const std::string& topic, int partitions) {
  return fmt::format("{}:{}", topic, partitions);
}

}  // namespace

const char* const kEventSchema =
    R"({"type":"record","name":"ConfluentEvent__e","namespace":"io.confluent.salesforce","fields":[)"
    R"({"name":"ReplayId","type":["null","string"],"default":null},)"
    R"({"name":"CreatedDate","type":["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],"default":null},)"
    R"({"name":"CreatedById","type":["null","string"],"default":null},)"
    R"({"name":"EventUuid","type":["null","string"],"default":null},)"
    R"({"name":"TextField__c","type":["null","string"],"default":null},)"
    R"({"name":"NumberField__c","type":["null","double"],"default":null},)"
    R"({"name":"BooleanField__c","type":["null","boolean"],"default":null},)"
    R"({"name":"DateField__c","type":["null",{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}],"default":null},)"
    R"({"name":"DateTimeField__c","type":["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],"default":null},)"
    R"({"name":"_ObjectType","type":["null","string"],"default":null},)"
    R"({"name":"_EventType","type":["null","string"],"default":null}]})";

std::string bin_dir() { return std::string(SFPE_BINARY_DIR) + "/bin"; }

Scenario::Scenario(int partitions, const std::string& emulator_config_json)
    : partitions_(partitions),
      topic_("sfpe-itest-" + unique_suffix()),
      connector_("sfpe-itest-" + unique_suffix()),
      dir_(std::filesystem::path(SFPE_BINARY_DIR) / "itest" / (test_name() + "-" + unique_suffix())),
      kafka_(must(testing::KafkaClusterFixture::start(
                      bin_dir(), {with_partitions(topic_, partitions), with_partitions(dlq_topic(), 1),
                                  with_partitions(success_topic(), 1),
                                  with_partitions(error_topic(), 1)}),
                  "Kafka cluster")),
      registry_(must(testing::SchemaRegistryFixture::start(bin_dir()), "Schema Registry")) {
  std::filesystem::create_directories(dir_);
  std::string config_path;
  if (!emulator_config_json.empty()) {
    config_path = (dir_ / "emulator.json").string();
    std::ofstream(config_path) << emulator_config_json;
  }
  salesforce_ = must(testing::SalesforceEmulatorFixture::start(bin_dir(), config_path),
                     "Salesforce emulator");
  if (kafka_.process == nullptr) {  // an external cluster: create the topic there
    must(testing::create_topic(kafka_.bootstrap_servers, topic_, partitions), "create topic");
    for (const auto& side : {dlq_topic(), success_topic(), error_topic()}) {
      must(testing::create_topic(kafka_.bootstrap_servers, side, 1), "create topic");
    }
  }
}

Scenario::~Scenario() = default;

int32_t Scenario::register_schema(const std::string& schema) {
  HttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}/subjects/{}-value/versions", registry_.url, topic_);
  request.headers = {{"Content-Type", "application/vnd.schemaregistry.v1+json"}};
  request.body = nlohmann::json{{"schema", schema}}.dump();
  auto response = must(http.send(request), "register schema");
  if (response.status != 200) throw std::runtime_error("register schema: " + response.body);
  return nlohmann::json::parse(response.body).at("id").get<int32_t>();
}

void Scenario::produce(const std::vector<std::pair<int, nlohmann::json>>& records,
                       int32_t schema_id) {
  auto producer = must(testing::TestProducer::create(kafka_.bootstrap_servers), "producer");
  for (const auto& [partition, datum] : records) {
    std::string payload = must(testing::encode_avro_json_datum(kEventSchema, datum), "encode");
    must(producer->produce(topic_, partition, std::nullopt,
                           testing::confluent_frame(schema_id, payload)),
         "produce");
  }
  must(producer->flush(), "flush");
}

void Scenario::produce_raw(int partition, const std::optional<std::string>& value,
                           const std::optional<std::string>& key,
                           const std::vector<kafka::Header>& headers) {
  auto producer = must(testing::TestProducer::create(kafka_.bootstrap_servers), "producer");
  must(producer->produce(topic_, partition, key, value, headers), "produce");
  must(producer->flush(), "flush");
}

void Scenario::produce_raw_batch(
    const std::vector<std::pair<int, std::optional<std::string>>>& values) {
  auto producer = must(testing::TestProducer::create(kafka_.bootstrap_servers), "producer");
  for (const auto& [partition, value] : values) {
    must(producer->produce(topic_, partition, std::nullopt, value), "produce");
  }
  must(producer->flush(), "flush");
}

std::vector<kafka::Record> Scenario::read(const std::string& topic) {
  return must(testing::read_topic(kafka_.bootstrap_servers, topic), "read topic");
}

std::vector<kafka::Record> Scenario::read_at_least(const std::string& topic, size_t count,
                                                   std::chrono::milliseconds timeout) {
  return must(testing::wait_for_topic_records(kafka_.bootstrap_servers, topic, count, timeout),
              "read topic");
}

std::string Scenario::write_worker(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> properties = {
      {"bootstrap.servers", kafka_.bootstrap_servers},
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
      {"value.converter.schema.registry.url", registry_.url},
      {"offset.flush.interval.ms", "500"},
      {"consumer.session.timeout.ms", "6000"},
      {"task.shutdown.graceful.timeout.ms", "20000"},
  };
  for (const auto& [k, v] : overrides) {
    if (v.empty()) {
      properties.erase(k);
    } else {
      properties[k] = v;
    }
  }
  auto path = dir_ / "worker.properties";
  std::ofstream out(path);
  for (const auto& [k, v] : properties) out << k << "=" << v << "\n";
  return path.string();
}

std::map<std::string, std::string> Scenario::connector_properties() const {
  const testing::EmulatorConfig creds;
  return {
      {"name", connector_},
      {"connector.class", "io.confluent.salesforce.SalesforcePlatformEventSinkConnector"},
      {"tasks.max", "1"},
      {"topics", topic_},
      {"salesforce.instance", salesforce_.url},
      {"salesforce.consumer.key", creds.consumer_key},
      {"salesforce.consumer.secret", creds.consumer_secret},
      {"salesforce.username", creds.username},
      {"salesforce.password", creds.password},
      {"salesforce.password.token", creds.security_token},
      {"salesforce.platform.event.name", "ConfluentEvent__e"},
      {"confluent.topic.bootstrap.servers", kafka_.bootstrap_servers},
      {"confluent.topic.replication.factor", "1"},
  };
}

std::string Scenario::write_connector(const std::map<std::string, std::string>& overrides) {
  auto properties = connector_properties();
  for (const auto& [k, v] : overrides) {
    if (v.empty()) {
      properties.erase(k);
    } else {
      properties[k] = v;
    }
  }
  auto path = dir_ / "connector.properties";
  std::ofstream out(path);
  for (const auto& [k, v] : properties) out << k << "=" << v << "\n";
  return path.string();
}

std::unique_ptr<testing::ChildProcess> Scenario::start_sink(const std::string& worker,
                                                            const std::string& connector) {
  return start_sink(worker, std::vector<std::string>{connector});
}

std::unique_ptr<testing::ChildProcess> Scenario::start_sink(
    const std::string& worker, const std::vector<std::string>& connectors) {
  auto log = dir_ / fmt::format("sink-{}.log", sink_runs_++);
  std::vector<std::string> argv = {bin_dir() + "/sfpe-sink", "standalone", worker};
  argv.insert(argv.end(), connectors.begin(), connectors.end());
  return must(testing::ChildProcess::spawn(argv, {}, log.string()), "start sfpe-sink");
}

std::unique_ptr<testing::ChildProcess> Scenario::run_sink_command(
    const std::vector<std::string>& args) {
  std::vector<std::string> argv = {bin_dir() + "/sfpe-sink"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto log = dir_ / fmt::format("command-{}.log", sink_runs_++);
  auto process = must(testing::ChildProcess::spawn(argv, {}, log.string()), "run sfpe-sink");
  if (!process->wait(std::chrono::seconds(60))) throw std::runtime_error("command did not exit");
  return process;
}

bool Scenario::wait_for_events(size_t count, std::chrono::milliseconds timeout) {
  // The emulator runs in another process: poll its control API until the condition holds.
  return testing::eventually(
      [&] {
        auto stats = salesforce_.stats();
        return stats.ok() && stats->value("events_accepted", 0) >= static_cast<int64_t>(count);
      },
      timeout, std::chrono::milliseconds(50));
}

std::vector<nlohmann::json> Scenario::event_fields() {
  auto events = must(salesforce_.events(), "emulator events");
  std::vector<nlohmann::json> fields;
  for (const auto& event : events) fields.push_back(event.at("fields"));
  return fields;
}

nlohmann::json Scenario::stats() { return must(salesforce_.stats(), "emulator stats"); }

std::vector<int64_t> Scenario::committed_offsets() {
  return must(testing::committed_offsets(kafka_.bootstrap_servers, "connect-" + connector_, topic_,
                                         partitions_),
              "committed offsets");
}

std::vector<int64_t> Scenario::committed_offsets_of(const std::string& connector) {
  return must(testing::committed_offsets(kafka_.bootstrap_servers, "connect-" + connector, topic_,
                                         partitions_),
              "committed offsets");
}

std::vector<int64_t> Scenario::end_offsets() {
  return must(testing::end_offsets(kafka_.bootstrap_servers, topic_, partitions_), "end offsets");
}

bool Scenario::wait_for_commits_to_reach_end(std::chrono::milliseconds timeout) {
  auto ends = end_offsets();
  return testing::eventually([&] { return committed_offsets() == ends; }, timeout,
                             std::chrono::milliseconds(100));
}

nlohmann::json event_with_short_text_field() {
  return nlohmann::json::parse(R"([{"name":"ConfluentEvent__e","fields":[
      {"name":"TextField__c","type":"string","length":10},
      {"name":"NumberField__c","type":"double","precision":18,"scale":2},
      {"name":"BooleanField__c","type":"boolean"},
      {"name":"DateField__c","type":"date"},
      {"name":"DateTimeField__c","type":"datetime"},
      {"name":"LongTextField__c","type":"textarea","length":131072}]}])");
}

nlohmann::json source_record(int partition, int i) {
  return {
      {"ReplayId", std::to_string(1000 + i)},
      {"CreatedDate", 1553542991336 + i},
      {"CreatedById", "0051U000004EE5wQAG"},
      {"EventUuid", fmt::format("uuid-{}-{}", partition, i)},
      {"TextField__c", fmt::format("p{}-r{}", partition, i)},
      {"NumberField__c", i * 1.5},
      {"BooleanField__c", i % 2 == 0},
      {"DateField__c", nullptr},
      {"DateTimeField__c", nullptr},
      {"_ObjectType", "ConfluentEvent__e"},
      {"_EventType", "VrdbV-4eqHB3hllFiCjIrw"},
  };
}

nlohmann::json expected_event(int partition, int i) {
  return {
      {"TextField__c", fmt::format("p{}-r{}", partition, i)},
      {"NumberField__c", i * 1.5},
      {"BooleanField__c", i % 2 == 0},
      {"DateField__c", nullptr},
      {"DateTimeField__c", nullptr},
  };
}

std::vector<std::pair<int, nlohmann::json>> records_for(int partitions, int per_partition) {
  std::vector<std::pair<int, nlohmann::json>> records;
  for (int i = 0; i < per_partition; ++i) {
    for (int p = 0; p < partitions; ++p) records.emplace_back(p, source_record(p, i));
  }
  return records;
}

std::vector<nlohmann::json> of_partition(const std::vector<nlohmann::json>& events, int p) {
  std::vector<nlohmann::json> result;
  std::string prefix = fmt::format("p{}-", p);
  for (const auto& e : events) {
    if (e.at("TextField__c").get<std::string>().starts_with(prefix)) result.push_back(e);
  }
  return result;
}

}  // namespace sfpe::itest
