// BENCHMARKS.md: the machine, how the numbers were taken, the results table, the targets, and
// the measurements that explain them (every run's details, CPU profiles).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "profile.h"
#include "sink_run.h"

namespace sfpe::bench {

// The sink's defaults the analysis uses (docs/configuration.md).
inline constexpr int kMaxInFlightRest = 4;    // salesforce.publish.max.in.flight with REST
inline constexpr int kMaxInFlightPubSub = 8;  // and with Pub/Sub
inline constexpr int kLingerMs = 20;    // salesforce.publish.linger.ms

struct Workload {
  int records = 200000;  // the backlog every throughput run reads
  int partitions = 6;
  int capped_records = 6000;  // REST one record a request with latency reads only these
  int rss_records = 1000000;  // the backlog of the peak-RSS run (0: no such run)
  int probe_rate = 2000;      // latency probes a second, at most
  int probe_seconds = 10;
  std::vector<int> latencies_ms = {0, 40};
  std::map<std::string, std::string> connector_overrides;  // --connector, for every run
};

struct Run {
  Run() = default;
  Run(std::string name, Method method, int latency_ms, int tasks, int records)
      : name(std::move(name)),
        method(method),
        latency_ms(latency_ms),
        tasks(tasks),
        records(records) {}

  std::string name;
  Method method = Method::kRestBatched;
  int latency_ms = 0;
  int tasks = 1;
  int records = 0;
  std::map<std::string, std::string> settings;  // connector settings changed from the defaults
  RunResult result;

  int max_in_flight() const {
    auto found = settings.find("salesforce.publish.max.in.flight");
    if (found != settings.end()) return std::stoi(found->second);
    return method == Method::kPubSub ? kMaxInFlightPubSub : kMaxInFlightRest;
  }
  bool partition_order() const {
    auto found = settings.find("salesforce.publish.preserve.partition.order");
    return found == settings.end() || found->second != "false";
  }
};

// One method at one emulated latency: the table's row.
struct Row {
  Method method = Method::kRestBatched;
  int latency_ms = 0;
  Run one_task;
  Run three_tasks;
  int probe_rate = 0;
  std::vector<double> latencies_ms;  // of the probes
};

struct Profile {
  std::string title;
  Run run;
  ProfileSummary summary;
};

struct Report {
  Workload workload;
  std::vector<Row> rows;
  double startup_cpu_seconds = 0;  // the sink's CPU from exec to its assignment, plus 1 s idle
  std::optional<Run> rss_run;
  // 1-task runs with a setting changed, to confirm what bounds a row (compare with its 1-task
  // run).
  std::vector<Run> setting_checks;
  std::vector<Profile> profiles;
  std::string profiles_skipped;  // why there are none, if so
  double total_seconds = 0;
  std::string command;        // how the benchmark was run
  std::string loadavg_start;  // /proc/loadavg when the benchmark started
};

// /proc/loadavg's three load averages.
std::string load_average();

std::string render_markdown(const Report& report);

}  // namespace sfpe::bench
