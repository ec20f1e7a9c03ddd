// The benchmark's records: seed-shaped ConfluentEvent__e records (lib/seed_event.h), Avro with
// Schema Registry framing, produced round robin over a topic's partitions, either all at once
// (a backlog) or at a steady rate with their send time inside (latency probes).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace sfpe::bench {

struct Topic {
  std::string bootstrap_servers;
  std::string name;
  int partitions = 6;
  int32_t schema_id = 0;  // of lib/seed_event.h's schema, registered for <name>-value
};

// Produces records 0..records-1 (zstd-compressed batches) and waits for every acknowledgement;
// an Error if the cluster did not keep them all.
Status preload(const Topic& topic, int records);

// Sends latency probes from one producer (librdkafka's linger.ms=0, so each record is appended
// as it is produced): first one warm-up record a partition (TextField__c "warm-up #<partition>"),
// acknowledged, then `warmed_up()` (which waits for the sink to publish them, so that neither the
// producer's nor the sink's start-up is timed), then `rate` probes a second for `seconds`
// seconds, each TextField__c carrying the wall-clock time of its produce() call.
Status produce_probes(const Topic& topic, int rate, int seconds,
                      const std::function<Status()>& warmed_up);

// The latency of each accepted probe in milliseconds: its acceptance by Salesforce
// ("accepted_at_us") minus the send time its TextField__c carries; warm-up records are left
// out. An Error if another event is not a probe.
Result<std::vector<double>> probe_latencies_ms(const nlohmann::json& accepted_events);

// The nearest-rank percentile `p` (0 < p <= 100) of `values`; 0 when empty.
double percentile(std::vector<double> values, double p);

}  // namespace sfpe::bench
