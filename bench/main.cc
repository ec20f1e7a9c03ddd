// sfpe-bench: starts the fixtures, preloads the workload, runs the real sfpe-sink for every
// method at every emulated Salesforce latency, and writes BENCHMARKS.md (report.h). Run it
// through bench/run.sh, which builds the Release tree first. Exits 1 with the reason, and the
// failed run's log, when a run does not complete.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "lib/fixtures.h"
#include "lib/seed_event.h"
#include "profile.h"
#include "report.h"
#include "sink_run.h"
#include "workload.h"

namespace sfpe::bench {
namespace {

constexpr const char* kBacklogTopic = "bench.backlog";
constexpr const char* kCappedTopic = "bench.capped";
constexpr const char* kRssTopic = "bench.rss";
constexpr const char* kIdleTopic = "bench.idle";  // stays empty
constexpr Method kMethods[] = {Method::kRestBatched, Method::kPubSub, Method::kRestPerRecord};
// The latency of the target numbers, at which the CPU profiles are taken.
constexpr int kTargetLatencyMs = 40;

// A 1-task run with settings changed, to test what bounds a row: a task buffer above the whole
// backlog (consumption paused at 20,000 buffered records and resumed at 10,000), twice the REST
// batches in flight, and Pub/Sub batches of one partition overlapping (the in-flight bounds at
// 40 ms).
struct SettingCheck {
  Method method;
  int latency_ms;
  const char* suffix;
  std::map<std::string, std::string> settings;
};
const std::vector<SettingCheck> kSettingChecks = {
    {Method::kRestBatched, 0, "buffer", {{"salesforce.publish.buffer.max.records", "400000"}}},
    {Method::kPubSub, 0, "buffer", {{"salesforce.publish.buffer.max.records", "400000"}}},
    {Method::kRestBatched,
     kTargetLatencyMs,
     "8inflight",
     {{"salesforce.publish.max.in.flight", "8"}}},
    {Method::kPubSub,
     kTargetLatencyMs,
     "unordered",
     {{"salesforce.publish.preserve.partition.order", "false"}}},
};

const char* method_key(Method method) {
  switch (method) {
    case Method::kRestBatched:
      return "rest";
    case Method::kPubSub:
      return "pubsub";
    case Method::kRestPerRecord:
      return "rest1";
  }
  return "?";
}

std::string probe_topic(Method method, int latency_ms) {
  return fmt::format("bench.probe.{}.{}ms", method_key(method), latency_ms);
}

std::string run_name(Method method, int latency_ms, int tasks) {
  return fmt::format("bench-{}-{}ms-{}t", method_key(method), latency_ms, tasks);
}

// A step that failed ends the benchmark: thrown to main(), so that on the way every child
// process (fixtures, a running sink) is stopped by its owner's destructor.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
T must(Result<T> result, const std::string& what) {
  if (!result.ok()) throw Failure(what + ": " + result.error().message);
  return std::move(result.value());
}

void log(const std::string& line) { std::cout << line << std::endl; }

class Bench {
 public:
  Bench(Workload workload, std::chrono::seconds run_timeout, bool profile, bool keep_work_dir)
      : workload_(std::move(workload)), profile_(profile), keep_work_dir_(keep_work_dir) {
    env_.bin_dir = std::filesystem::canonical("/proc/self/exe").parent_path().string();
    env_.work_dir = std::filesystem::temp_directory_path() / fmt::format("sfpe-bench-{}", getpid());
    env_.partitions = workload_.partitions;
    env_.run_timeout = run_timeout;
    env_.connector_overrides = workload_.connector_overrides;
    std::filesystem::create_directories(env_.work_dir);
  }

  Report run(const std::string& command) {
    const auto started = std::chrono::steady_clock::now();
    Report report;
    report.workload = workload_;
    report.command = command;
    report.loadavg_start = load_average();
    start_fixtures();
    preload_topics();
    report.startup_cpu_seconds = startup_cpu();
    for (int latency_ms : workload_.latencies_ms) {
      must(salesforce_.set_faults({{"latency_ms", latency_ms}}), "setting the latency");
      for (Method method : kMethods) report.rows.push_back(measure_row(method, latency_ms));
      for (const SettingCheck& check : kSettingChecks) {
        if (check.latency_ms != latency_ms) continue;
        Run run(fmt::format("{}-{}", run_name(check.method, latency_ms, 1), check.suffix),
                check.method, latency_ms, 1, workload_.records);
        run.settings = check.settings;
        report.setting_checks.push_back(throughput_run(run, kBacklogTopic));
      }
    }
    must(salesforce_.set_faults({{"latency_ms", 0}}), "setting the latency");
    if (workload_.rss_records > 0) {
      report.rss_run = throughput_run(
          Run("bench-rss-1t", Method::kRestBatched, 0, 1, workload_.rss_records), kRssTopic,
          /*list_events=*/false);  // a million: too many to list
    }
    profile(report);
    report.total_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (keep_work_dir_) {
      log("configuration, logs and probe latencies kept in " + env_.work_dir.string());
    } else {
      std::filesystem::remove_all(env_.work_dir);  // kept when a run fails, for its logs
    }
    return report;
  }

 private:
  void start_fixtures() {
    std::vector<std::string> topics;
    auto topic = [&](const std::string& name) {
      topics.push_back(fmt::format("{}:{}", name, workload_.partitions));
    };
    topic(kBacklogTopic);
    topic(kCappedTopic);
    topic(kRssTopic);
    topic(kIdleTopic);
    for (int latency_ms : workload_.latencies_ms) {
      for (Method method : kMethods) topic(probe_topic(method, latency_ms));
    }
    kafka_ = must(testing::KafkaClusterFixture::start(env_.bin_dir, topics), "Kafka cluster");
    registry_ = must(testing::SchemaRegistryFixture::start(env_.bin_dir), "Schema Registry");
    // Limits far above what the benchmark publishes, so that no run waits for a new hour.
    const auto org_path = env_.work_dir / "org.json";
    std::ofstream(org_path) << R"({"daily_api_requests_max": 1000000000,
                                   "hourly_published_events_max": 1000000000})";
    salesforce_ = must(testing::SalesforceEmulatorFixture::start(env_.bin_dir, org_path.string()),
                       "Salesforce emulator");
    env_.kafka = &kafka_;
    env_.registry = &registry_;
    env_.salesforce = &salesforce_;
    // The sink decodes by the framing's schema id, so one registration serves every topic.
    schema_id_ = must(registry_.register_schema(fmt::format("{}-value", kBacklogTopic),
                                                testing::kSeedEventSchema),
                      "registering the schema");
  }

  Topic topic(const std::string& name) const {
    return Topic{kafka_.bootstrap_servers, name, workload_.partitions, schema_id_};
  }

  void preload_topics() {
    auto load = [this](const char* name, int records) {
      if (records <= 0) return;
      const auto started = std::chrono::steady_clock::now();
      must(preload(topic(name), records), std::string("preloading ") + name);
      log(fmt::format(
          "preloaded {} records into {} in {:.1f} s", records, name,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
    };
    load(kBacklogTopic, workload_.records);
    load(kCappedTopic, workload_.capped_records);
    load(kRssTopic, workload_.rss_records);
  }

  // Runs `run` (without its result) on the preloaded `topic_name`.
  Run throughput_run(Run run, const std::string& topic_name, bool list_events = true) {
    RunSpec spec(run.name, run.method, run.tasks, topic_name);
    spec.list_events = list_events;
    spec.connector_overrides = run.settings;
    run.result = must(run_sink(env_, spec), "run " + run.name);
    run.result.accepted = nullptr;  // only the counts are kept
    log(
        fmt::format("  {:<22} {:>8.0f} events/s  {:>5} REST requests  {:.2f} µs/event  "
                    "{:.1f} MB  (others' CPU {:.0f}%)",
                    run.name, run.result.events_per_second(), run.result.rest_requests,
                    1e6 * run.result.cpu_seconds / static_cast<double>(run.result.events),
                    static_cast<double>(run.result.peak_rss_bytes) / 1048576.0,
                    100 * run.result.others_cpu_share));
    return run;
  }

  Row measure_row(Method method, int latency_ms) {
    log(fmt::format("{} at {} ms", method_name(method), latency_ms));
    Row row;
    row.method = method;
    row.latency_ms = latency_ms;
    const bool capped = method == Method::kRestPerRecord && latency_ms > 0;
    const std::string topic_name = capped ? kCappedTopic : kBacklogTopic;
    const int records = capped ? workload_.capped_records : workload_.records;
    for (int tasks : {1, 3}) {
      (tasks == 1 ? row.one_task : row.three_tasks) = throughput_run(
          Run(run_name(method, latency_ms, tasks), method, latency_ms, tasks, records), topic_name);
    }
    // Probes well below capacity, so that they measure latency rather than a queue.
    row.probe_rate = std::clamp(static_cast<int>(row.one_task.result.events_per_second() / 4), 1,
                                workload_.probe_rate);
    row.latencies_ms = probe_latencies(method, latency_ms, row.probe_rate);
    log(fmt::format("  latency at {} probes/s: p50 {:.1f} ms, p99 {:.1f} ms", row.probe_rate,
                    percentile(row.latencies_ms, 50), percentile(row.latencies_ms, 99)));
    return row;
  }

  std::vector<double> probe_latencies(Method method, int latency_ms, int rate) {
    const std::string name = fmt::format("bench-{}-{}ms-probe", method_key(method), latency_ms);
    const std::string topic_name = probe_topic(method, latency_ms);
    // librdkafka's mock broker holds a fetch that found no data for all of fetch.wait.max.ms
    // (default 500 ms), even when records arrive meanwhile (rdkafka_mock_handlers.c: "we should
    // cut the wait short ... but that is too much of a hassle"); a real broker answers as soon
    // as data arrives. 5 ms keeps that artefact out of the latencies.
    RunSpec spec(name, method, 1, topic_name);
    spec.worker_overrides["consumer.fetch.wait.max.ms"] = "5";
    auto sink = must(SinkRun::start(env_, spec), "run " + name);
    must(produce_probes(topic(topic_name), rate, workload_.probe_seconds,
                        [this] { return wait_for_accepted(workload_.partitions); }),
         "run " + name + ": latency probes");
    auto result = must(sink->measure(), "run " + name);
    auto latencies = must(probe_latencies_ms(result.accepted), "run " + name);
    std::ofstream csv(env_.work_dir / name / "latencies.csv");
    csv << "accepted_at_us,latency_ms\n";
    for (size_t i = 0; i < latencies.size(); ++i) {
      csv << result.accepted[i].value("accepted_at_us", int64_t{0}) << "," << latencies[i] << "\n";
    }
    return latencies;
  }

  // The sink's CPU time for start-up (login, describe, joining the group) and one idle second,
  // on an empty topic: the part of a run's CPU that does not depend on its events.
  double startup_cpu() {
    auto sink =
        must(SinkRun::start(env_, RunSpec("bench-startup", Method::kRestBatched, 1, kIdleTopic)),
             "run bench-startup");
    must(sink->wait_for_log("partitions assigned"), "run bench-startup");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double cpu = must(cpu_seconds(sink->pid()), "run bench-startup");
    must(sink->stop(), "run bench-startup");
    log(fmt::format("start-up and an idle second: {:.3f} s of CPU", cpu));
    return cpu;
  }

  // Waits until the emulator has accepted `events` events since they were last cleared.
  Status wait_for_accepted(int events) {
    const auto deadline = std::chrono::steady_clock::now() + env_.run_timeout;
    for (;;) {
      auto accepted = salesforce_.events();
      if (!accepted.ok()) return accepted.error();
      if (static_cast<int>(accepted->size()) >= events) return ok_status();
      if (std::chrono::steady_clock::now() >= deadline) {
        return Error::fatal("BENCH",
                            fmt::format("Salesforce accepted {} of {} events within {} s",
                                        accepted->size(), events, env_.run_timeout.count()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void profile(Report& report) {
    if (!profile_) {
      report.profiles_skipped = "Not taken (`--no-profile`).";
      return;
    }
    if (!perf_available()) {
      report.profiles_skipped = "Not taken: `perf` is not installed (Debian: `linux-perf`).";
      return;
    }
    if (std::find(workload_.latencies_ms.begin(), workload_.latencies_ms.end(), kTargetLatencyMs) ==
        workload_.latencies_ms.end()) {
      report.profiles_skipped = "Not taken: the targets' 40 ms latency was not measured.";
      return;
    }
    must(salesforce_.set_faults({{"latency_ms", kTargetLatencyMs}}), "setting the latency");
    for (Method method : {Method::kRestBatched, Method::kPubSub}) {
      const std::string name =
          fmt::format("bench-{}-{}ms-profile", method_key(method), kTargetLatencyMs);
      log(fmt::format("profiling {} at {} ms", method_name(method), kTargetLatencyMs));
      auto sink =
          must(SinkRun::start(env_, RunSpec(name, method, 1, kBacklogTopic)), "run " + name);
      auto profiler =
          must(Profiler::attach(sink->pid(), env_.work_dir / (name + ".perf")), "perf record");
      Result<ProfileSummary> summary = Error::fatal("PROFILE", "not stopped");
      Profile profile;
      profile.title = fmt::format("{}, {} ms, 1 task", method_name(method), kTargetLatencyMs);
      profile.run = Run(name, method, kTargetLatencyMs, 1, workload_.records);
      profile.run.result =
          must(sink->measure([&] { summary = profiler->stop_and_summarise(15); }), "run " + name);
      profile.run.result.accepted = nullptr;
      profile.summary = must(std::move(summary), "perf");
      report.profiles.push_back(std::move(profile));
    }
    must(salesforce_.set_faults({{"latency_ms", 0}}), "setting the latency");
  }

  Workload workload_;
  bool profile_;
  bool keep_work_dir_;
  Environment env_;
  testing::KafkaClusterFixture kafka_;
  testing::SchemaRegistryFixture registry_;
  testing::SalesforceEmulatorFixture salesforce_;
  int32_t schema_id_ = 0;
};

}  // namespace
}  // namespace sfpe::bench

int main(int argc, char** argv) {
  using sfpe::bench::Workload;
  CLI::App app{
      "sfpe-bench: throughput, API requests, CPU, memory and latency of sfpe-sink against the "
      "local fixtures; writes BENCHMARKS.md. Run it through bench/run.sh."};
  Workload workload;
  std::string output = "BENCHMARKS.md";
  int run_timeout_s = 900;
  bool no_profile = false;
  bool keep_work_dir = false;
  app.add_option("--records", workload.records, "backlog of every throughput run")
      ->capture_default_str()
      ->check(CLI::Range(1000, 100000000));
  app.add_option("--capped-records", workload.capped_records,
                 "backlog of REST one-record-a-request runs with latency")
      ->capture_default_str()
      ->check(CLI::Range(60, 100000000));
  app.add_option("--rss-records", workload.rss_records,
                 "backlog of the peak-RSS run; 0 leaves the run out")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  app.add_option("--probe-rate", workload.probe_rate, "latency probes a second, at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--probe-seconds", workload.probe_seconds, "how long probes are sent")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--latencies", workload.latencies_ms,
                 "emulated Salesforce latencies in ms (the targets are at 40)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_option("--run-timeout", run_timeout_s,
                 "seconds a run may take before the benchmark fails")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  std::vector<std::string> connector_settings;
  app.add_option("--connector", connector_settings,
                 "KEY=VALUE added to every run's connector configuration (repeatable), to see "
                 "what a setting changes");
  app.add_flag("--no-profile", no_profile, "leave out the perf CPU profiles");
  app.add_flag("--keep-work-dir", keep_work_dir,
               "keep every run's configuration, sink log and probe latencies (a failed run's are "
               "always kept)");
  app.add_option("--output", output, "where to write the report")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  for (const std::string& setting : connector_settings) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::cerr << "sfpe-bench: --connector takes KEY=VALUE, got " << setting << "\n";
      return 2;
    }
    workload.connector_overrides[setting.substr(0, equals)] = setting.substr(equals + 1);
  }
  std::string command = "bench/run.sh";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with("--output")) {
      if (std::string_view(argv[i]) == "--output") ++i;  // its value is the next argument
      continue;
    }
    command += std::string(" ") + argv[i];
  }
  try {
    sfpe::bench::Bench bench(workload, std::chrono::seconds(run_timeout_s), !no_profile,
                             keep_work_dir);
    const std::string markdown = sfpe::bench::render_markdown(bench.run(command));
    std::ofstream(output) << markdown;
    std::cout << "\n" << markdown << "\nwritten to " << output << "\n";
    return 0;
  } catch (const sfpe::bench::Failure& failure) {
    std::cerr << "sfpe-bench: FAILED: " << failure.what() << "\n";
    return 1;
  }
}
