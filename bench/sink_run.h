// One measured run of the real `sfpe-sink standalone` binary as a child process: a fresh
// connector (so a new consumer group `connect-<name>` reads its topic from the beginning), the
// process's CPU time and peak RSS read from /proc just before SIGTERM, and what the Salesforce
// emulator counted and accepted meanwhile.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "lib/fixtures.h"
#include "lib/process.h"

namespace sfpe::bench {

enum class Method { kRestBatched, kPubSub, kRestPerRecord };
const char* method_name(Method method);

// What every run shares: where the programs and fixtures are, where files go.
struct Environment {
  std::string bin_dir;
  std::filesystem::path work_dir;  // configuration files and sink logs, a directory per run
  const testing::KafkaClusterFixture* kafka = nullptr;
  const testing::SchemaRegistryFixture* registry = nullptr;
  const testing::SalesforceEmulatorFixture* salesforce = nullptr;
  int partitions = 6;
  std::chrono::seconds run_timeout{900};
  std::map<std::string, std::string> connector_overrides;  // every run's, before its own
};

struct RunSpec {
  RunSpec(std::string name, Method method, int tasks, std::string topic)
      : name(std::move(name)), method(method), tasks(tasks), topic(std::move(topic)) {}

  std::string name;  // the connector name: unique per run
  Method method = Method::kRestBatched;
  int tasks = 1;
  std::string topic;
  std::map<std::string, std::string> worker_overrides;     // added to worker.properties
  std::map<std::string, std::string> connector_overrides;  // added to connector.properties
  // Whether measure() lists the accepted events to check each record's and time the window;
  // false: it checks only their count, and leaves the window (events/s) unmeasured.
  bool list_events = true;
};

// /proc/<pid>/stat utime + stime, in seconds.
Result<double> cpu_seconds(pid_t pid);
// /proc/<pid>/status VmHWM (peak resident set), in bytes.
Result<int64_t> peak_rss_bytes(pid_t pid);
// Busy and total CPU time of the whole machine (/proc/stat), in seconds.
struct MachineCpu {
  double busy = 0;
  double total = 0;
};
Result<MachineCpu> machine_cpu();

struct RunResult {
  int64_t events = 0;            // events the emulator accepted during the run
  int64_t records = 0;           // distinct records among them: every record of the topic
  int64_t duplicates = 0;        // events - records: published again after a rebalance
  int64_t rest_requests = 0;     // REST requests of every kind (token, versions, describe, limits,
                                 // sobject, collections)
  int64_t publish_requests = 0;  // requests that carried events: sobject + collections, or
                                 // Pub/Sub Publish calls + PublishStream requests
  int64_t rest_publish_requests = 0;  // sobject + collections
  double window_seconds = 0;   // first acceptance after the group's last rebalance to the last
                               // acceptance
  int64_t window_events = 0;   // events accepted in that window
  double wall_seconds = 0;     // start of the process to commits at the end offsets
  double cpu_seconds = 0;      // the sink's utime + stime, start-up included
  int64_t peak_rss_bytes = 0;  // the sink's VmHWM
  double emulator_cpu_seconds = 0;
  double others_cpu_share = 0;  // share of the machine's CPU used by processes other than the
                                // sink and the fixtures during the run (contention)
  nlohmann::json accepted;      // the accepted events ("fields", "accepted_at_us", ...), if
                                // listed

  double events_per_second() const {
    return window_seconds > 0 ? static_cast<double>(window_events) / window_seconds : 0;
  }
};

// A started sink. `measure()` waits for its group to commit `topic`'s end offsets, then reads
// the numbers and stops it (SIGTERM; a non-zero exit is an error).
class SinkRun {
 public:
  // Writes the worker and connector files, clears the emulator's events and starts the sink.
  static Result<std::unique_ptr<SinkRun>> start(const Environment& env, const RunSpec& spec);

  pid_t pid() const { return process_->pid(); }
  // Waits up to the run timeout for a line of the sink's log containing `text`.
  Status wait_for_log(const std::string& text);
  // Stops the sink (SIGTERM); an Error unless it exits 0.
  Status stop();
  // Waits for the commits, measures and stops the sink. `before_stop` runs just before SIGTERM
  // (after the measurements), e.g. to stop a profiler attached to the sink.
  Result<RunResult> measure(const std::function<void()>& before_stop = {});

 private:
  SinkRun(const Environment& env, RunSpec spec) : env_(env), spec_(std::move(spec)) {}
  Status wait_for_commits();
  void measure_window(RunResult* result) const;
  Error failure(const std::string& what) const;  // names the run and shows its log's tail

  const Environment& env_;
  RunSpec spec_;
  std::filesystem::path log_path_;
  std::unique_ptr<testing::ChildProcess> process_;
  nlohmann::json stats_before_;
  std::chrono::steady_clock::time_point started_;
  MachineCpu machine_before_;
  double fixtures_cpu_before_ = 0;
  double emulator_cpu_before_ = 0;
  int64_t records_ = 0;  // in the topic when the commits were awaited
};

// Runs `spec` start to end with nothing else to do meanwhile.
Result<RunResult> run_sink(const Environment& env, const RunSpec& spec);

}  // namespace sfpe::bench
