#include "demo/demo.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "config/connector_file.h"
#include "config/properties.h"
#include "config/worker_config.h"
#include "lib/avro_writer.h"
#include "lib/fixtures.h"
#include "lib/kafka_client.h"
#include "lib/seed_event.h"
#include "runtime/connector_runtime.h"
#include "runtime/signals.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::demo {
namespace {

constexpr const char* kTopic = "salesforce.confluentevent__e";
constexpr int kPartitions = 3;
constexpr const char* kConnector = "sfpe-demo";
constexpr const char* kDeadLetterTopic = "sfpe-demo-dlq";
constexpr const char* kSuccessTopic = "sfpe-demo-success";  // reporter.result.topic.name default
constexpr const char* kErrorTopic = "sfpe-demo-error";      // reporter.error.topic.name default

std::string bin_dir() {
  return std::filesystem::canonical("/proc/self/exe").parent_path().string();
}

// Bad record `j`: bytes without the Schema Registry framing, a frame naming a schema id the
// registry does not have, or a TextField__c longer than the event's 255 characters.
Result<std::string> bad_record(int j, int32_t schema_id) {
  switch (j % 3) {
    case 0:
      return std::string("not an Avro record");
    case 1: {
      auto datum = testing::encode_avro_json_datum(testing::kSeedEventSchema,
                                                   testing::seed_event_record(j));
      if (!datum.ok()) return datum.error();
      return testing::confluent_frame(schema_id + 1000, *datum);
    }
    default: {
      nlohmann::json record = testing::seed_event_record(j);
      record["TextField__c"] = std::string(300, 'x');
      auto datum = testing::encode_avro_json_datum(testing::kSeedEventSchema, record);
      if (!datum.ok()) return datum.error();
      return testing::confluent_frame(schema_id, *datum);
    }
  }
}

// `records` good samples with `bad` bad ones spread among them.
Status produce_samples(const std::string& bootstrap, int32_t schema_id, int records, int bad) {
  auto producer = testing::TestProducer::create(bootstrap);
  if (!producer.ok()) return producer.error();
  int next_bad = 0;
  for (int i = 0; i < records; ++i) {
    auto datum = testing::encode_avro_json_datum(testing::kSeedEventSchema,
                                                 testing::seed_event_record(i));
    if (!datum.ok()) return datum.error();
    Status sent = (*producer)->produce(kTopic, i % kPartitions, std::nullopt,
                                       testing::confluent_frame(schema_id, *datum));
    if (!sent.ok()) return sent;
    while (next_bad < bad && i + 1 >= (next_bad + 1) * records / (bad + 1)) {
      auto value = bad_record(next_bad, schema_id);
      if (!value.ok()) return value.error();
      sent = (*producer)->produce(kTopic, next_bad % kPartitions, std::nullopt, *value);
      if (!sent.ok()) return sent;
      ++next_bad;
    }
  }
  return (*producer)->flush();
}

std::string header_value(const kafka::Record& record, const std::string& name) {
  for (const auto& h : record.headers) {
    if (h.name == name) return h.value.value_or("(null)");
  }
  return "(none)";
}

// What the dead letter queue and the reporter topics hold after the run.
void show_side_topics(const std::string& bootstrap) {
  auto dead = testing::read_topic(bootstrap, kDeadLetterTopic);
  auto success = testing::read_topic(bootstrap, kSuccessTopic);
  auto errors = testing::read_topic(bootstrap, kErrorTopic);
  std::cout << fmt::format("\nDead letter queue {} ({} records, original bytes and Connect's "
                           "error headers):\n",
                           kDeadLetterTopic, dead.ok() ? dead->size() : 0);
  if (dead.ok()) {
    for (const auto& record : *dead) {
      std::cout << fmt::format(
          "  from {}-{}@{}  stage {}  {}\n", header_value(record, "__connect.errors.topic"),
          header_value(record, "__connect.errors.partition"),
          header_value(record, "__connect.errors.offset"),
          header_value(record, "__connect.errors.stage"),
          header_value(record, "__connect.errors.exception.message").substr(0, 110));
    }
  }
  std::cout << fmt::format("Reporter topics: {} has {} records, {} has {}\n", kSuccessTopic,
                           success.ok() ? success->size() : 0, kErrorTopic,
                           errors.ok() ? errors->size() : 0);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

int run_demo(const DemoOptions& options) {
  StopSignal stop;
  runtime::SignalWatcher signals(stop);
  (void)set_log_level("warn");  // the demo's own output tells the story; problems still show
  auto started = std::chrono::steady_clock::now();
  const std::string bin = bin_dir();

  std::cout << "sfpe-sink demo: starting a local Kafka cluster, Schema Registry and Salesforce "
               "emulator\n";
  // librdkafka's mock cluster refuses CreateTopics, so the sink's own topics are made here.
  auto kafka = testing::KafkaClusterFixture::start(
      bin, {fmt::format("{}:{}", kTopic, kPartitions), fmt::format("{}:1", kDeadLetterTopic),
            fmt::format("{}:1", kSuccessTopic), fmt::format("{}:1", kErrorTopic)});
  if (!kafka.ok()) {
    std::cerr << "demo: Kafka cluster: " << kafka.error().message << "\n";
    return 1;
  }
  auto registry = testing::SchemaRegistryFixture::start(bin);
  if (!registry.ok()) {
    std::cerr << "demo: Schema Registry: " << registry.error().message << "\n";
    return 1;
  }
  auto salesforce = testing::SalesforceEmulatorFixture::start(bin);
  if (!salesforce.ok()) {
    std::cerr << "demo: Salesforce emulator: " << salesforce.error().message << "\n";
    return 1;
  }
  if (options.latency_ms > 0) {
    (void)salesforce->set_faults({{"latency_ms", options.latency_ms}});
  }
  std::cout << "  Kafka            " << kafka->bootstrap_servers << "\n"
            << "  Schema Registry  " << registry->url << "\n"
            << "  Salesforce       " << salesforce->url << "\n";

  auto schema_id =
      registry->register_schema(fmt::format("{}-value", kTopic), testing::kSeedEventSchema);
  if (!schema_id.ok()) {
    std::cerr << "demo: " << schema_id.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format("Producing {} Avro records (schema id {}) and {} bad ones to {} ({} "
                           "partitions)\n",
                           options.records, *schema_id, options.bad_records, kTopic, kPartitions);
  Status produced = produce_samples(kafka->bootstrap_servers, *schema_id, options.records,
                                    options.bad_records);
  if (!produced.ok()) {
    std::cerr << "demo: producing samples: " << produced.error().message << "\n";
    return 1;
  }

  // The configuration a Kafka Connect user would write, in the same two files.
  auto dir = std::filesystem::temp_directory_path() / fmt::format("sfpe-demo-{}", getpid());
  std::filesystem::create_directories(dir);
  write_file(dir / "worker.properties",
             fmt::format("bootstrap.servers={}\n"
                         "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
                         "value.converter=io.confluent.connect.avro.AvroConverter\n"
                         "value.converter.schema.registry.url={}\n"
                         "offset.flush.interval.ms=1000\n"
                         "consumer.session.timeout.ms=6000\n",
                         kafka->bootstrap_servers, registry->url));
  const testing::EmulatorConfig creds;  // the emulator program runs with these defaults
  write_file(dir / "connector.properties",
             fmt::format("name={}\n"
                         "connector.class=io.confluent.salesforce.SalesforcePlatformEventSinkConnector\n"
                         "tasks.max={}\n"
                         "topics={}\n"
                         "salesforce.instance={}\n"
                         "salesforce.consumer.key={}\n"
                         "salesforce.consumer.secret={}\n"
                         "salesforce.username={}\n"
                         "salesforce.password={}\n"
                         "salesforce.password.token={}\n"
                         "salesforce.platform.event.name=ConfluentEvent__e\n"
                         "confluent.topic.bootstrap.servers={}\n"
                         "confluent.topic.replication.factor=1\n"
                         "errors.tolerance=all\n"
                         "errors.deadletterqueue.topic.name={}\n"
                         "errors.deadletterqueue.topic.replication.factor=1\n"
                         "errors.deadletterqueue.context.headers.enable=true\n"
                         "reporter.bootstrap.servers={}\n"
                         "reporter.result.topic.replication.factor=1\n"
                         "reporter.error.topic.replication.factor=1\n",
                         kConnector, options.tasks, kTopic, salesforce->url, creds.consumer_key,
                         creds.consumer_secret, creds.username, creds.password,
                         creds.security_token, kafka->bootstrap_servers, kDeadLetterTopic,
                         kafka->bootstrap_servers));
  std::cout << "Sink configuration written to " << dir.string() << "/{worker,connector}.properties\n";

  auto worker_properties = config::load_properties_file((dir / "worker.properties").string());
  auto connector_file = config::load_connector_file((dir / "connector.properties").string());
  if (!worker_properties.ok() || !connector_file.ok()) {
    std::cerr << "demo: could not read the generated configuration\n";
    return 1;
  }
  auto worker = config::WorkerConfig::from(*worker_properties);
  auto connector = config::ConnectorConfig::from(connector_file->config);
  if (!worker.ok() || !connector.ok()) {
    std::cerr << "demo: " << (worker.ok() ? connector.error().message : worker.error().message)
              << "\n";
    return 1;
  }

  runtime::ConnectorRuntime sink(*worker, std::move(connector.value()), stop);
  Status prepared = sink.prepare();
  if (!prepared.ok()) {
    std::cerr << "demo: the sink cannot start: " << prepared.error().message << "\n";
    return 1;
  }
  auto sink_started = std::chrono::steady_clock::now();
  sink.start();
  std::cout << "Sink running (" << options.tasks << " task(s)); waiting for the consumer group\n";

  const uint64_t all_records = static_cast<uint64_t>(options.records + options.bad_records);
  uint64_t last_shown = ~0ull;
  for (;;) {
    auto totals = sink.totals();
    uint64_t settled = totals.published + totals.dead_lettered + totals.skipped;
    if (settled != last_shown) {
      std::cout << fmt::format("  progress: {:>6} / {} records settled ({} published, {} "
                               "dead-lettered, {} skipped)\n",
                               settled, all_records, totals.published, totals.dead_lettered,
                               totals.skipped)
                << std::flush;
      last_shown = settled;
    }
    if (settled >= all_records || stop.stop_requested()) break;
    stop.wait_for(std::chrono::milliseconds(500));
  }
  auto sink_elapsed = std::chrono::steady_clock::now() - sink_started;
  stop.request_stop();
  sink.join();

  auto events = salesforce->events();
  auto stats = salesforce->stats();
  std::cout << "\nEvents Salesforce received (first 5 of " << (events.ok() ? events->size() : 0)
            << "):\n";
  if (events.ok()) {
    for (size_t i = 0; i < events->size() && i < 5; ++i) {
      std::cout << "  " << (*events)[i]["fields"].dump() << "\n";
    }
  }
  show_side_topics(kafka->bootstrap_servers);
  auto totals = sink.totals();
  double seconds = std::chrono::duration<double>(sink_elapsed).count();
  double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "\nSummary\n"
            << fmt::format("  consumed         {}\n", totals.consumed)
            << fmt::format("  published        {}\n", totals.published)
            << fmt::format("  dead-lettered    {}\n", totals.dead_lettered)
            << fmt::format("  skipped          {}\n", totals.skipped)
            << fmt::format("  failed           {}\n", totals.failed)
            << fmt::format("  uncommitted      {}\n", totals.uncommitted)
            << fmt::format("  sink elapsed     {:.2f} s (from start to the last record, "
                           "including the consumer group's first rebalance)\n",
                           seconds)
            << fmt::format("  throughput       {:.0f} events/s\n",
                           seconds > 0 ? totals.published / seconds : 0.0);
  if (stats.ok()) {
    std::cout << fmt::format("  Salesforce calls {} collections requests, {} logins\n",
                             (*stats)["requests"].value("collections", 0),
                             (*stats).value("tokens_issued", 0));
  }
  std::cout << fmt::format("  demo elapsed     {:.2f} s\n", total_seconds);
  std::filesystem::remove_all(dir);
  if (auto failure = sink.failure()) {
    std::cout << "The sink failed: " << failure->message << "\n";
    return 1;
  }
  bool all_accounted = totals.published == static_cast<uint64_t>(options.records) &&
                       totals.dead_lettered == static_cast<uint64_t>(options.bad_records) &&
                       totals.uncommitted == 0;
  return all_accounted ? 0 : 1;
}

}  // namespace sfpe::demo
