// `sfpe-sink demo`: the main job on an embedded default. Starts the fixtures (Kafka cluster,
// Schema Registry, Salesforce emulator), produces sample records shaped like the seed's
// ConfluentEvent__e, runs the sink, and shows what Salesforce received.
#pragma once

namespace sfpe::demo {

struct DemoOptions {
  int records = 2000;
  int bad_records = 3;  // undecodable, unknown schema id, too long for the event: to the DLQ
  int tasks = 1;
  int latency_ms = 0;
};

int run_demo(const DemoOptions& options);

}  // namespace sfpe::demo
