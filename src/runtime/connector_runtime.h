// One running connector: the pieces its tasks share (token, schema registry client), the
// start-up checks (login, API version, the event's describe), and its task threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/stop_signal.h"
#include "config/connector_config.h"
#include "config/worker_config.h"
#include "convert/schema_registry_client.h"
#include "map/event_schema.h"
#include "salesforce/auth.h"
#include "sink/task.h"

namespace grpc {
class Channel;
}

namespace sfpe::runtime {

// The Salesforce side of `connector`: login, event, retries, timeouts, and the network settings
// (http.proxy*, salesforce.ssl.ca.location, curl.logging).
salesforce::ClientSettings client_settings(const config::ConnectorConfig& connector);

struct ConnectorTotals {
  uint64_t consumed = 0;
  uint64_t published = 0;
  uint64_t dead_lettered = 0;
  uint64_t skipped = 0;
  uint64_t failed = 0;       // records that failed a task
  uint64_t uncommitted = 0;  // open when the tasks stopped (known once they have)
};

class ConnectorRuntime {
 public:
  ConnectorRuntime(config::WorkerConfig worker, config::ConnectorConfig connector,
                   StopSignal& stop);
  ~ConnectorRuntime();

  // Builds the shared pieces and checks Salesforce (login, version, describe). A failure here
  // means the connector cannot run; its message names the cause.
  Status prepare();
  // Starts tasks.max task threads. When one fails it requests the process-wide stop.
  void start();
  // Waits for every task thread to return.
  void join();

  const std::string& name() const { return connector_.name; }
  ConnectorTotals totals() const;
  // The first task failure, if any.
  std::optional<Error> failure() const;

 private:
  struct TaskSlot {
    explicit TaskSlot(StopSignal& stop) : clock(&stop), publish_clock(&publishers_stop) {}
    SystemClock clock;  // each task thread has its own clock and random source
    // Raised by the task when it stops or fails: its publishers' retries and waits end at once.
    StopSignal publishers_stop;
    SystemClock publish_clock;  // the publishers' waits end on publishers_stop
    SystemRandom random;
    std::vector<std::unique_ptr<SystemRandom>> publisher_randoms;  // one per publishing thread
    std::unique_ptr<sink::SinkTask> task;
    std::thread thread;
    std::optional<Error> failure;
  };

  Result<std::unique_ptr<sink::SinkTask>> make_task(int task_id, TaskSlot& slot);
  sink::ReportingSettings reporting_settings(int task_id, spdlog::logger& log) const;
  // The dead letter queue and reporter topics, created when missing.
  void create_topics(spdlog::logger& log);

  config::WorkerConfig worker_;
  config::ConnectorConfig connector_;
  StopSignal& stop_;
  SystemClock clock_;
  SystemRandom random_;  // main thread only (start-up checks)
  std::shared_ptr<salesforce::TokenProvider> tokens_;
  // Null unless the value converter reads Schema Registry ids (convert::uses_schema_registry).
  std::shared_ptr<convert::SchemaRegistryClient> registry_;
  config::EffectiveConverters converters_;
  std::shared_ptr<const map::EventSchema> event_schema_;  // from the describe, at prepare()
  std::shared_ptr<grpc::Channel> pubsub_channel_;  // salesforce.publish.api=pubsub: shared
  std::vector<std::unique_ptr<TaskSlot>> slots_;
  std::shared_ptr<sink::GroupLeave> group_leave_;  // the tasks leave their group together
  mutable std::mutex mutex_;
};

}  // namespace sfpe::runtime
