#include "workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "lib/avro_writer.h"
#include "lib/kafka_client.h"
#include "lib/seed_event.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::bench {
namespace {

constexpr std::string_view kSentAtKey = "sent_at_us=";
constexpr std::string_view kWarmUp = "warm-up #";
// Backlogs are compressed as a producer would: uncompressed, 200,000 seed-shaped records over 6
// partitions outgrow the 5 MB a partition librdkafka's mock cluster keeps (see preload()), and
// a million outgrow it with lz4 too.
constexpr const char* kPreloadCompression = "zstd";

Result<std::string> framed(const Topic& topic, const nlohmann::json& record) {
  auto datum = testing::encode_avro_json_datum(testing::kSeedEventSchema, record);
  if (!datum.ok()) return datum.error();
  return testing::confluent_frame(topic.schema_id, *datum);
}

}  // namespace

Status preload(const Topic& topic, int records) {
  auto producer = testing::TestProducer::create(
      topic.bootstrap_servers, {{"compression.type", kPreloadCompression}, {"linger.ms", "50"}});
  if (!producer.ok()) return producer.error();
  for (int i = 0; i < records; ++i) {
    auto value = framed(topic, testing::seed_event_record(i));
    if (!value.ok()) return value.error();
    Status sent = (*producer)->produce(topic.name, i % topic.partitions, std::nullopt, *value);
    if (!sent.ok()) return sent;
  }
  Status flushed = (*producer)->flush(std::chrono::minutes(5));
  if (!flushed.ok()) return flushed;
  // librdkafka's mock cluster keeps at most 5 MB and 100,000 message sets a partition and
  // deletes the oldest beyond that (rdkafka_mock.c, rd_kafka_mock_partition_log_append).
  auto starts = testing::start_offsets(topic.bootstrap_servers, topic.name, topic.partitions);
  if (!starts.ok()) return starts.error();
  for (int p = 0; p < topic.partitions; ++p) {
    if ((*starts)[p] != 0) {
      return Error::fatal(
          "BENCH", fmt::format("the mock cluster deleted the first {} records of {}-{} (it keeps "
                               "5 MB a partition): fewer records or more partitions",
                               (*starts)[p], topic.name, p));
    }
  }
  return ok_status();
}

Status produce_probes(const Topic& topic, int rate, int seconds,
                      const std::function<Status()>& warmed_up) {
  auto producer = testing::TestProducer::create(topic.bootstrap_servers, {{"linger.ms", "0"}});
  if (!producer.ok()) return producer.error();
  auto send = [&](int i, const std::string& text) -> Status {
    nlohmann::json record = testing::seed_event_record(i);
    record["TextField__c"] = text;
    auto value = framed(topic, record);
    if (!value.ok()) return value.error();
    return (*producer)->produce(topic.name, i % topic.partitions, std::nullopt, *value);
  };
  for (int partition = 0; partition < topic.partitions; ++partition) {
    Status sent = send(partition, fmt::format("{}{}", kWarmUp, partition));
    if (!sent.ok()) return sent;
  }
  Status flushed = (*producer)->flush();
  if (!flushed.ok()) return flushed;
  Status ready = warmed_up();
  if (!ready.ok()) return ready;

  const auto start = std::chrono::steady_clock::now();
  const int total = rate * seconds;
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(int64_t{1000000} * i / rate));
    Status sent =
        send(i, fmt::format("latency probe #{} {}{}", i, kSentAtKey, testing::wall_clock_us()));
    if (!sent.ok()) return sent;
  }
  return (*producer)->flush();
}

Result<std::vector<double>> probe_latencies_ms(const nlohmann::json& accepted_events) {
  std::vector<double> latencies;
  for (const auto& event : accepted_events) {
    const std::string text = event["fields"].value("TextField__c", "");
    if (text.starts_with(kWarmUp)) continue;
    const auto at = text.find(kSentAtKey);
    if (at == std::string::npos) {
      return Error::fatal("BENCH", "an accepted event is not a latency probe: " + text);
    }
    const int64_t sent_us = std::stoll(text.substr(at + kSentAtKey.size()));
    latencies.push_back(static_cast<double>(event.value("accepted_at_us", int64_t{0}) - sent_us) /
                        1000.0);
  }
  return latencies;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace sfpe::bench
