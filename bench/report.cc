#include "report.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lib/process.h"
#include "workload.h"

#ifndef SFPE_BUILD_TYPE
#define SFPE_BUILD_TYPE "unknown"
#endif

namespace sfpe::bench {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The value of the first "key<spaces>: value" line of a /proc file.
std::string proc_value(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(key)) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "unknown";
}

// 12345.6 -> "12,346"
std::string grouped(double value) {
  std::string digits = fmt::format("{:.0f}", value);
  size_t sign = digits[0] == '-' ? 1 : 0;
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Events a second, "—" when the run's events were not listed (no acceptance window).
std::string rate(const RunResult& result) {
  return result.window_seconds > 0 ? grouped(result.events_per_second()) : "—";
}

std::string megabytes(int64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

double per_thousand(int64_t requests, int64_t events) {
  return events > 0 ? 1000.0 * static_cast<double>(requests) / static_cast<double>(events) : 0;
}

double micros_per_event(const RunResult& result) {
  return result.events > 0 ? 1e6 * result.cpu_seconds / static_cast<double>(result.events) : 0;
}

std::string latency_label(int latency_ms) { return fmt::format("{} ms", latency_ms); }

// Batches a run can have in flight: each task publishes at most max.in.flight batches, and
// never two of one partition unless salesforce.publish.preserve.partition.order=false.
int in_flight_slots(const Run& run, int partitions) {
  if (!run.partition_order()) return run.tasks * run.max_in_flight();
  const int partitions_per_task = (partitions + run.tasks - 1) / run.tasks;
  return run.tasks * std::min(run.max_in_flight(), partitions_per_task);
}

// "commit 1a2b3c4" of the tree the benchmark was built from, and whether it had changes.
std::string source_version() {
  const std::string root = std::filesystem::path(SFPE_BENCH_SOURCE_DIR).parent_path().string();
  auto git = [&root](std::vector<std::string> args) -> std::string {
    args.insert(args.begin(), {"git", "-C", root});
    auto process = testing::ChildProcess::spawn(args);
    if (!process.ok() || (*process)->wait(std::chrono::seconds(30)) != 0) return "";
    return (*process)->stdout_text();
  };
  std::string commit = git({"rev-parse", "--short", "HEAD"});
  if (commit.empty()) return "unknown (not a git checkout)";
  commit.erase(commit.find_last_not_of('\n') + 1);
  const bool changed = !git({"status", "--porcelain", "--untracked-files=no"}).empty();
  return fmt::format("commit {}{}", commit, changed ? " with uncommitted changes" : "");
}

std::string machine_section(const Report& report) {
  const std::string cpuinfo = read_text("/proc/cpuinfo");
  const bool virtual_machine = proc_value(cpuinfo, "flags").find("hypervisor") != std::string::npos;
  const double ram_gib = std::stod(proc_value(read_text("/proc/meminfo"), "MemTotal")) /
                         (1024.0 * 1024.0);  // "24683584 kB"
  utsname host{};
  uname(&host);
  std::string out = "## Machine\n\n";
  out += fmt::format(
      "- CPU: {}, {} cores{}\n", proc_value(cpuinfo, "model name"),
      std::thread::hardware_concurrency(),
      virtual_machine ? " (a virtual machine: /proc/cpuinfo has the hypervisor flag)" : "");
  out += fmt::format("- RAM: {:.1f} GiB\n", ram_gib);
  out += fmt::format("- Kernel: {} {} {}\n", host.sysname, host.release, host.machine);
  out += fmt::format("- Compiler: {} {}, build type {} (`bench/run.sh`)\n",
#ifdef __clang__
                     "clang",
#else
                     "GCC",
#endif
                     __VERSION__, SFPE_BUILD_TYPE);
  out += fmt::format("- Source: {}\n", source_version());
  out += fmt::format("- librdkafka {}\n", rd_kafka_version_str());
  out += fmt::format("- Date: {:%Y-%m-%d %H:%M} UTC; the whole benchmark took {:.1f} minutes\n",
                     fmt::gmtime(std::time(nullptr)), report.total_seconds / 60.0);
  double others_max = 0;
  auto note_others = [&](const Run& run) {
    others_max = std::max(others_max, run.result.others_cpu_share);
  };
  for (const Row& row : report.rows) {
    note_others(row.one_task);
    note_others(row.three_tasks);
  }
  if (report.rss_run) note_others(*report.rss_run);
  out += fmt::format(
      "- Contention: the sink, the three fixtures and the driver share these cores. Load average "
      "(1, 5, 15 min) {} at the start, {} at the end; processes other than the benchmark's took "
      "up to {:.0f}% of the machine's CPU during a run (column \"others' CPU\" below).\n",
      report.loadavg_start, load_average(), 100 * others_max);
  return out;
}

std::string method_section(const Report& report) {
  const Workload& w = report.workload;
  std::string out = "## How the numbers were taken\n\n";
  out += fmt::format(
      "- Command: `{}`. The driver (`bench/`) starts the fixture programs once (Kafka "
      "on librdkafka's mock cluster, the Schema Registry, the Salesforce emulator with its hourly "
      "and daily limits raised out of the way), registers the seed's ConfluentEvent__e Avro "
      "schema and preloads {} records shaped like the seed's event (`testing/lib/seed_event.h`) "
      "round robin over {} partitions, in zstd-compressed batches (librdkafka's mock cluster "
      "keeps only 5 MB a partition).\n",
      report.command, grouped(w.records), w.partitions);
  out +=
      "- Each run is the real `sfpe-sink standalone worker.properties connector.properties` as a "
      "child process with a connector name of its own (so a new consumer group "
      "`connect-<name>` reads the topic from the beginning), `offset.flush.interval.ms=1000`, "
      "`consumer.session.timeout.ms=6000`, and the sink's defaults otherwise "
      "(`salesforce.publish.batch.size=200`, `max.in.flight=4` with REST and 8 with Pub/Sub, "
      "`linger.ms=20`, partition order "
      "preserved). REST batched is the default; Pub/Sub sets `salesforce.publish.api=pubsub`; "
      "REST one record a request sets `salesforce.publish.batch.size=1`.\n";
  for (const auto& [name, value] : w.connector_overrides) {
    out += fmt::format("- **Every run also sets `{}={}`** (`--connector`).\n", name, value);
  }
  out +=
      "- A run ends when the group's committed offsets reach the topic's end offsets. Just "
      "before SIGTERM the driver reads the sink's `/proc/<pid>/stat` (utime + stime) and "
      "`/proc/<pid>/status` (VmHWM). The run must exit 0 and Salesforce must have accepted "
      "every record's event (told apart by TextField__c; for the peak-RSS run, only their "
      "count), or the benchmark fails.\n";
  out +=
      "- **events/s** = events ÷ (last acceptance − first acceptance), from the emulator's "
      "`accepted_at_us` of each event, so the consumer group's first rebalance (about 3 s) and "
      "the start-up do not count. When a task missed the group's first generation, the window "
      "starts at the last rebalance instead (the time of the sink's last \"partitions "
      "assigned\" log line) and counts only the events accepted after it. \"1 task\" is "
      "`tasks.max=1`; \"3 tasks\" is `tasks.max=3` in one process, the total of the three.\n";
  out += fmt::format(
      "- **REST one record a request at a latency above 0** reads a topic of its own with only "
      "the first {} records ({} a partition): at 40 ms it manages about 25 events/s a "
      "connection, and the whole backlog would take hours.\n",
      grouped(w.capped_records), grouped(w.capped_records / w.partitions));
  out +=
      "- **REST requests / 1000 events**: every REST request the emulator counted during the "
      "1-task run (token, versions, describe, limits, sObject, sObject Collections; not the "
      "Pub/Sub gRPC calls) ÷ events × 1000. Start-up requests (token, versions, describe) are "
      "included.\n";
  out +=
      "- **CPU µs/event**: the sink process's utime + stime over the whole 1-task run, start-up "
      "and the rebalance wait included, ÷ events. **Peak RSS**: the 1-task run's VmHWM.\n";
  out += fmt::format(
      "- **Latency p50 / p99**: a separate steady phase per row, 1 task, on a topic of its own: "
      "the sink starts first; the probe producer (`linger.ms=0`) sends one warm-up record to "
      "each partition, and once Salesforce has accepted them (the producer's and the sink's "
      "start-up and the first rebalance are over) it sends probes at a fixed rate for {} s: {} "
      "events/s, or a quarter of the row's measured "
      "1-task throughput when that is lower. Each probe's TextField__c carries the wall-clock "
      "time of its produce() call; latency = the emulator's `accepted_at_us` − that time (same "
      "machine, same clock). It includes the sink's `linger.ms` ({} ms) batching wait and the "
      "emulated latency. These runs set `consumer.fetch.wait.max.ms=5`: librdkafka's mock "
      "broker holds a fetch that found nothing for the whole fetch.wait.max.ms (500 ms by "
      "default) even when records arrive meanwhile (`rdkafka_mock_handlers.c`, Fetch), where a "
      "real broker answers at once.\n",
      w.probe_seconds, grouped(w.probe_rate), kLingerMs);
  if (w.rss_records > 0) {
    out += fmt::format(
        "- **Peak RSS with a backlog of {} records**: one more run, REST batched, 0 ms, 1 task, "
        "on a topic of its own preloaded with {} records.\n",
        grouped(w.rss_records), grouped(w.rss_records));
  }
  return out;
}

std::string results_section(const Report& report) {
  std::string out =
      "## Results\n\n"
      "| Method | Salesforce latency | events/s, 1 task | events/s, 3 tasks | REST requests / "
      "1000 events | CPU µs/event | Peak RSS | Latency p50 | Latency p99 |\n"
      "|---|---|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const Row& row : report.rows) {
    const RunResult& one = row.one_task.result;
    out += fmt::format("| {} | {} | {}{} | {} | {:.2f} | {:.1f} | {} | {:.1f} ms | {:.1f} ms |\n",
                       method_name(row.method), latency_label(row.latency_ms),
                       grouped(one.events_per_second()),
                       row.one_task.records < report.workload.records
                           ? fmt::format(" ({} records)", grouped(row.one_task.records))
                           : "",
                       grouped(row.three_tasks.result.events_per_second()),
                       per_thousand(one.rest_requests, one.events), micros_per_event(one),
                       megabytes(one.peak_rss_bytes), percentile(row.latencies_ms, 50),
                       percentile(row.latencies_ms, 99));
  }
  out += fmt::format(
      "\nStart-up (login, describe, joining the consumer group) and one idle second cost the sink "
      "{:.3f} s of CPU (REST, 1 task, an empty topic): {:.2f} µs an event over {} events, "
      "included in the CPU column.\n",
      report.startup_cpu_seconds, 1e6 * report.startup_cpu_seconds / report.workload.records,
      grouped(report.workload.records));
  if (report.rss_run) {
    out += fmt::format(
        "\nPeak RSS with a backlog of {} records (REST batched, 0 ms, 1 task): **{}** ({:.1f} s "
        "from the start to the last commit, {:.2f} CPU µs/event).\n",
        grouped(report.rss_run->records), megabytes(report.rss_run->result.peak_rss_bytes),
        report.rss_run->result.wall_seconds, micros_per_event(report.rss_run->result));
  }
  return out;
}

const Row* find_row(const Report& report, Method method, int latency_ms) {
  for (const Row& row : report.rows) {
    if (row.method == method && row.latency_ms == latency_ms) return &row;
  }
  return nullptr;
}

std::string targets_section(const Report& report) {
  std::string out =
      "## Targets (40 ms of Salesforce latency)\n\n| Target | Measured | Met |\n|---|---|---|\n";
  auto line = [&out](const std::string& target, const std::string& measured, bool met) {
    out += fmt::format("| {} | {} | {} |\n", target, measured, met ? "yes" : "**no**");
  };
  const Row* rest = find_row(report, Method::kRestBatched, 40);
  const Row* pubsub = find_row(report, Method::kPubSub, 40);
  if (rest != nullptr) {
    const RunResult& r = rest->one_task.result;
    line("REST batched ≥ 10,000 events/s per task", grouped(r.events_per_second()),
         r.events_per_second() >= 10000);
    line("REST batched ≤ 6 API requests / 1000 events",
         fmt::format("{:.2f}", per_thousand(r.rest_requests, r.events)),
         per_thousand(r.rest_requests, r.events) <= 6);
    line("REST batched ≤ 3 µs CPU / event", fmt::format("{:.1f}", micros_per_event(r)),
         micros_per_event(r) <= 3);
  }
  if (pubsub != nullptr) {
    const RunResult& r = pubsub->one_task.result;
    line("Pub/Sub ≥ 20,000 events/s per task", grouped(r.events_per_second()),
         r.events_per_second() >= 20000);
    line("Pub/Sub: no REST request per event",
         fmt::format("{} REST requests for {} events, none of them a publish", r.rest_requests,
                     grouped(static_cast<double>(r.events))),
         r.rest_publish_requests == 0);
    line("Pub/Sub ≤ 3 µs CPU / event", fmt::format("{:.1f}", micros_per_event(r)),
         micros_per_event(r) <= 3);
  }
  if (report.rss_run) {
    const int64_t rss = report.rss_run->result.peak_rss_bytes;
    line(fmt::format("Peak RSS < 100 MB with a backlog of {} records",
                     grouped(report.rss_run->records)),
         megabytes(rss), rss < int64_t{100} * 1024 * 1024);
  }
  if (rest == nullptr && pubsub == nullptr && !report.rss_run) out += "| (none measured) | | |\n";
  return out;
}

// How close each run with latency came to what its in-flight batches allow.
std::string in_flight_section(const Report& report) {
  std::string out =
      "### Throughput against the in-flight bound\n\n"
      "With Salesforce answering after L ms, a run cannot exceed slots × events a request ÷ L, "
      "where slots = tasks × min(`salesforce.publish.max.in.flight` (default 4 with REST, 8 with "
      "Pub/Sub), the task's partitions), as a task never has two batches of one partition in "
      "flight (without that rule, slots = tasks × max.in.flight). \"Slot time "
      "waiting\" is publish requests × L ÷ (slots × the run's acceptance window): near 100% "
      "means the publishing threads spent the run waiting for Salesforce, i.e. the run is "
      "latency-bound.\n\n"
      "| Run | max.in.flight | events / request | slots | bound | measured | slot time waiting "
      "|\n|---|--:|--:|--:|--:|--:|--:|\n";
  std::vector<const Run*> runs;
  for (const Row& row : report.rows) {
    if (row.latency_ms == 0) continue;
    runs.push_back(&row.one_task);
    runs.push_back(&row.three_tasks);
  }
  for (const Run& run : report.setting_checks) {
    if (run.latency_ms > 0) runs.push_back(&run);
  }
  bool any = false;
  for (const Run* run : runs) {
    const RunResult& r = run->result;
    if (r.publish_requests == 0 || r.window_seconds <= 0) continue;
    any = true;
    const double per_request =
        static_cast<double>(r.events) / static_cast<double>(r.publish_requests);
    const int slots = in_flight_slots(*run, report.workload.partitions);
    const double latency_s = run->latency_ms / 1000.0;
    // The window's share of the requests, as it has that share of the events.
    const double window_requests = static_cast<double>(r.window_events) / per_request;
    out += fmt::format("| {} | {} | {:.1f} | {} | {} | {} | {:.0f}% |\n", run->name,
                       run->max_in_flight(), per_request, slots,
                       grouped(slots * per_request / latency_s), grouped(r.events_per_second()),
                       100.0 * window_requests * latency_s / (slots * r.window_seconds));
  }
  return any ? out : "";
}

std::string settings_section(const Report& report) {
  if (report.setting_checks.empty()) return "";
  std::string out =
      "### Runs with a setting changed\n\n"
      "1-task runs of the same backlog with connector settings changed from the defaults, "
      "beside the row's own 1-task run: what changes when a bound is lifted.\n\n"
      "| Run | settings | events/s | default settings | peak RSS | CPU µs/event |\n"
      "|---|---|--:|--:|--:|--:|\n";
  for (const Run& run : report.setting_checks) {
    std::string settings;
    for (const auto& [name, value] : run.settings) {
      settings += fmt::format("{}`{}={}`", settings.empty() ? "" : ", ", name, value);
    }
    const Row* row = find_row(report, run.method, run.latency_ms);
    out += fmt::format("| {} | {} | {} | {} | {} | {:.2f} |\n", run.name, settings,
                       rate(run.result), row != nullptr ? rate(row->one_task.result) : "—",
                       megabytes(run.result.peak_rss_bytes), micros_per_event(run.result));
  }
  return out;
}

std::string runs_section(const Report& report) {
  std::string out =
      "### Every run\n\n"
      "\"window\" runs from the first acceptance, or from the group's last rebalance when the "
      "tasks did not all join its first generation, to the last acceptance; events/s counts the "
      "events accepted in it. \"duplicates\" are records published again after such a "
      "rebalance (at least once: their commit failed with the rebalance in progress). CPU "
      "columns are seconds of CPU time during the run; \"others' CPU\" is the share of the "
      "whole machine used meanwhile by processes that are not the benchmark's (another build, "
      "say): above a few percent, the numbers of that run are depressed by contention.\n\n"
      "| Run | records | duplicates | events/s | window | wall | REST requests | publish "
      "requests | sink CPU | µs/event | peak RSS | emulator CPU | others' CPU |\n"
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  auto line = [&out](const Run& run) {
    const RunResult& r = run.result;
    out += fmt::format(
        "| {} | {} | {} | {} | {:.1f} s | {:.1f} s | {} | {} | {:.2f} s | {:.2f} | {} | {:.2f} s "
        "| {:.0f}% |\n",
        run.name, grouped(run.records), r.duplicates, rate(r), r.window_seconds, r.wall_seconds,
        r.rest_requests, r.publish_requests, r.cpu_seconds, micros_per_event(r),
        megabytes(r.peak_rss_bytes), r.emulator_cpu_seconds, 100 * r.others_cpu_share);
  };
  for (const Row& row : report.rows) {
    line(row.one_task);
    line(row.three_tasks);
  }
  if (report.rss_run) line(*report.rss_run);
  for (const Run& run : report.setting_checks) line(run);
  out +=
      "\nLatency probes (1 task):\n\n| Row | probes/s | probes | p50 | p99 | max |\n"
      "|---|--:|--:|--:|--:|--:|\n";
  for (const Row& row : report.rows) {
    out +=
        fmt::format("| {}, {} | {} | {} | {:.1f} ms | {:.1f} ms | {:.1f} ms |\n",
                    method_name(row.method), latency_label(row.latency_ms), grouped(row.probe_rate),
                    row.latencies_ms.size(), percentile(row.latencies_ms, 50),
                    percentile(row.latencies_ms, 99), percentile(row.latencies_ms, 100));
  }
  return out;
}

std::string profiles_section(const Report& report) {
  std::string out = "### CPU profiles\n\n";
  if (report.profiles.empty()) return out + report.profiles_skipped + "\n";
  out +=
      "A separate run of the same workload (1 task) under `perf record -a -F 999`, started "
      "right after the sink process, stopped just before its SIGTERM; `perf report --pid <sink> "
      "--percentage relative`: shares of the sink's own samples (all its threads, user and "
      "kernel). A component is a shared library, or within the sink's binary the namespace of "
      "the function (inlined code counts where it was inlined).\n";
  for (const Profile& profile : report.profiles) {
    const RunResult& r = profile.run.result;
    out +=
        fmt::format("\n#### {}\n\n{} events, {:.2f} s of CPU ({:.2f} µs/event).\n\n", profile.title,
                    grouped(static_cast<double>(r.events)), r.cpu_seconds, micros_per_event(r));
    out += "| Component | share |\n|---|--:|\n";
    for (const ProfileEntry& entry : profile.summary.components) {
      if (entry.percent < 0.5) break;
      out += fmt::format("| {} | {:.1f}% |\n", entry.name, entry.percent);
    }
    out += "\n| Hottest functions | share |\n|---|--:|\n";
    for (const ProfileEntry& entry : profile.summary.symbols) {
      std::string name = entry.name;
      if (name.size() > 140) name = name.substr(0, 137) + "...";
      std::replace(name.begin(), name.end(), '|', '/');
      out += fmt::format("| `{}` | {:.1f}% |\n", name, entry.percent);
    }
  }
  return out;
}

}  // namespace

std::string load_average() {
  std::istringstream fields(read_text("/proc/loadavg"));
  std::string one, five, fifteen;
  fields >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

std::string render_markdown(const Report& report) {
  std::string out =
      "# Benchmarks\n\n"
      "Written by `bench/run.sh` (the `sfpe-bench` driver); every number below comes from the "
      "run described here. Rerun it rather than editing the numbers.\n\n";
  out += machine_section(report) + "\n";
  out += results_section(report) + "\n";
  out += targets_section(report) + "\n";
  const std::string findings = read_text(std::string(SFPE_BENCH_SOURCE_DIR) + "/findings.md");
  if (!findings.empty()) out += findings + "\n";
  out += method_section(report) + "\n";
  out += "## Measurements behind the analysis\n\n";
  const std::string in_flight = in_flight_section(report);
  if (!in_flight.empty()) out += in_flight + "\n";
  const std::string settings = settings_section(report);
  if (!settings.empty()) out += settings + "\n";
  out += runs_section(report) + "\n";
  out += profiles_section(report);
  return out;
}

}  // namespace sfpe::bench
