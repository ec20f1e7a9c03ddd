#include "sink_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "lib/kafka_client.h"
#include "salesforce_emulator/emulator_config.h"

namespace sfpe::bench {
namespace {

// The emulator's REST request kinds (its stats "requests"); the pubsub_* keys are gRPC calls.
constexpr const char* kRestRequestKinds[] = {"token",  "versions", "describe",
                                             "limits", "sobject",  "collections"};
constexpr const char* kRestPublishKinds[] = {"sobject", "collections"};
constexpr const char* kPublishKinds[] = {"sobject", "collections", "pubsub_publish",
                                         "pubsub_stream_requests"};

Error bench_error(const std::string& message) { return Error::fatal("BENCH", message); }

template <typename T>
T value_or(Result<T> result, T fallback) {
  return result.ok() ? std::move(result.value()) : std::move(fallback);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return bench_error("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_properties(const std::filesystem::path& path,
                      const std::map<std::string, std::string>& properties) {
  std::ofstream out(path);
  for (const auto& [name, value] : properties) out << name << "=" << value << "\n";
}

int64_t request_count(const nlohmann::json& stats, const char* kind) {
  return stats.value("requests", nlohmann::json::object()).value(kind, int64_t{0});
}

template <size_t N>
int64_t requests_delta(const nlohmann::json& before, const nlohmann::json& after,
                       const char* const (&kinds)[N]) {
  int64_t total = 0;
  for (const char* kind : kinds) total += request_count(after, kind) - request_count(before, kind);
  return total;
}

std::string offsets_text(const std::vector<int64_t>& offsets) {
  return fmt::format("[{}]", fmt::join(offsets, ", "));
}

// CPU seconds of the fixture programs (the Kafka cluster is null when external) and of this
// process, which polls the group's commits.
double fixtures_cpu(const Environment& env) {
  double total = value_or(cpu_seconds(getpid()), 0.0);
  for (const testing::ChildProcess* process :
       {env.kafka->process.get(), env.registry->process.get(), env.salesforce->process.get()}) {
    if (process != nullptr) total += value_or(cpu_seconds(process->pid()), 0.0);
  }
  return total;
}

double emulator_cpu(const Environment& env) {
  const testing::ChildProcess* process = env.salesforce->process.get();
  return process == nullptr ? 0 : value_or(cpu_seconds(process->pid()), 0.0);
}

// The time of a sink log line ("2024-05-01T12:00:00.123+02:00 info ..."), in microseconds
// since the Unix epoch; nullopt for a line that does not start with one.
std::optional<int64_t> log_line_time_us(const std::string& line) {
  std::tm tm{};
  int millis = 0;
  char sign = '+';
  int offset_hours = 0;
  int offset_minutes = 0;
  if (std::sscanf(line.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c%2d:%2d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis, &sign, &offset_hours,
                  &offset_minutes) != 10) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const int64_t offset_s = (sign == '-' ? -1 : 1) * (offset_hours * 3600 + offset_minutes * 60);
  return (static_cast<int64_t>(timegm(&tm)) - offset_s) * 1000000 + millis * 1000;
}

}  // namespace

const char* method_name(Method method) {
  switch (method) {
    case Method::kRestBatched:
      return "REST batched (200 a request)";
    case Method::kPubSub:
      return "Pub/Sub PublishStream";
    case Method::kRestPerRecord:
      return "REST one record a request";
  }
  return "?";
}

Result<double> cpu_seconds(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text.ok()) return text.error();
  // proc(5): the command name in parentheses may hold spaces; fields 14 and 15 (utime, stime)
  // count after it, the state being field 3.
  std::istringstream fields(text->substr(text->rfind(')') + 2));
  std::string field;
  uint64_t utime = 0;
  uint64_t stime = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stoull(field);
    if (number == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Result<int64_t> peak_rss_bytes(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/status", pid));
  if (!text.ok()) return text.error();
  auto at = text->find("VmHWM:");
  if (at == std::string::npos) return bench_error(fmt::format("no VmHWM for process {}", pid));
  return std::stoll(text->substr(at + 6)) * 1024;  // "VmHWM:   12345 kB"
}

Result<MachineCpu> machine_cpu() {
  auto text = read_file("/proc/stat");
  if (!text.ok()) return text.error();
  // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks.
  std::istringstream line(text->substr(0, text->find('\n')));
  std::string label;
  line >> label;
  MachineCpu cpu;
  uint64_t ticks = 0;
  for (int column = 0; line >> ticks; ++column) {
    cpu.total += static_cast<double>(ticks);
    if (column != 3 && column != 4) cpu.busy += static_cast<double>(ticks);  // idle, iowait
  }
  const auto hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  cpu.busy /= hz;
  cpu.total /= hz;
  return cpu;
}

Result<std::unique_ptr<SinkRun>> SinkRun::start(const Environment& env, const RunSpec& spec) {
  std::unique_ptr<SinkRun> run(new SinkRun(env, spec));
  auto dir = env.work_dir / spec.name;
  std::filesystem::create_directories(dir);
  std::map<std::string, std::string> worker = {
      {"bootstrap.servers", env.kafka->bootstrap_servers},
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "io.confluent.connect.avro.AvroConverter"},
      {"value.converter.schema.registry.url", env.registry->url},
      {"offset.flush.interval.ms", "1000"},
      {"consumer.session.timeout.ms", "6000"},
      {"log.level", "INFO"}};
  for (const auto& [name, value] : spec.worker_overrides) worker[name] = value;
  write_properties(dir / "worker.properties", worker);
  const testing::EmulatorConfig org;  // the credentials; bench.cc only raises the limits
  std::map<std::string, std::string> connector = {
      {"name", spec.name},
      {"connector.class", "io.confluent.salesforce.SalesforcePlatformEventSinkConnector"},
      {"tasks.max", std::to_string(spec.tasks)},
      {"topics", spec.topic},
      {"salesforce.instance", env.salesforce->url},
      {"salesforce.consumer.key", org.consumer_key},
      {"salesforce.consumer.secret", org.consumer_secret},
      {"salesforce.username", org.username},
      {"salesforce.password", org.password},
      {"salesforce.password.token", org.security_token},
      {"salesforce.platform.event.name", "ConfluentEvent__e"}};
  if (spec.method == Method::kPubSub) {
    connector["salesforce.publish.api"] = "pubsub";
    connector["salesforce.pubsub.endpoint"] = "http://" + env.salesforce->pubsub_endpoint;
  } else if (spec.method == Method::kRestPerRecord) {
    connector["salesforce.publish.batch.size"] = "1";
  }
  for (const auto& [name, value] : env.connector_overrides) connector[name] = value;
  for (const auto& [name, value] : spec.connector_overrides) connector[name] = value;
  write_properties(dir / "connector.properties", connector);

  Status cleared = env.salesforce->clear_events();
  if (!cleared.ok()) return cleared.error();
  auto stats = env.salesforce->stats();
  if (!stats.ok()) return stats.error();
  run->stats_before_ = std::move(stats.value());
  auto machine = machine_cpu();
  if (!machine.ok()) return machine.error();
  run->machine_before_ = *machine;
  run->fixtures_cpu_before_ = fixtures_cpu(env);
  run->emulator_cpu_before_ = emulator_cpu(env);

  run->log_path_ = dir / "sink.log";
  run->started_ = std::chrono::steady_clock::now();
  auto process = testing::ChildProcess::spawn(
      {env.bin_dir + "/sfpe-sink", "standalone", (dir / "worker.properties").string(),
       (dir / "connector.properties").string()},
      {}, run->log_path_.string());
  if (!process.ok()) return process.error();
  run->process_ = std::move(process.value());
  return run;
}

Error SinkRun::failure(const std::string& what) const {
  auto log = value_or(read_file(log_path_.string()), std::string());
  constexpr size_t kTail = 3000;
  if (log.size() > kTail) log = "..." + log.substr(log.size() - kTail);
  return bench_error(fmt::format("run {} ({}, {} task(s), topic {}): {}\nlast lines of {}:\n{}",
                                 spec_.name, method_name(spec_.method), spec_.tasks, spec_.topic,
                                 what, log_path_.string(), log));
}

Status SinkRun::wait_for_log(const std::string& text) {
  if (process_->wait_for_output(text, env_.run_timeout)) return ok_status();
  return failure(
      fmt::format("the sink did not log \"{}\" within {} s", text, env_.run_timeout.count()));
}

Status SinkRun::stop() {
  const int exit_code = process_->terminate(std::chrono::seconds(60));
  if (exit_code != 0) return failure(fmt::format("the sink exited with code {}", exit_code));
  return ok_status();
}

Status SinkRun::wait_for_commits() {
  const std::string group = "connect-" + spec_.name;
  auto ends = testing::end_offsets(env_.kafka->bootstrap_servers, spec_.topic, env_.partitions);
  if (!ends.ok()) return ends.error();
  records_ = 0;
  for (int64_t end : *ends) records_ += end;
  const auto deadline = started_ + env_.run_timeout;
  std::vector<int64_t> committed;
  for (;;) {
    if (auto code = process_->wait(std::chrono::milliseconds(0))) {
      return failure(
          fmt::format("the sink exited with code {} before committing the end "
                      "offsets {}",
                      *code, offsets_text(*ends)));
    }
    auto read = testing::committed_offsets(env_.kafka->bootstrap_servers, group, spec_.topic,
                                           env_.partitions);
    if (read.ok()) {
      committed = std::move(read.value());
      if (committed == *ends) return ok_status();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return failure(fmt::format("group {} committed {}, not the end offsets {}, within {} s",
                                 group, offsets_text(committed), offsets_text(*ends),
                                 env_.run_timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

Result<RunResult> SinkRun::measure(const std::function<void()>& before_stop) {
  Status committed = wait_for_commits();
  if (!committed.ok()) return committed.error();
  RunResult result;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  auto cpu = cpu_seconds(pid());
  auto rss = peak_rss_bytes(pid());
  auto machine = machine_cpu();
  if (!cpu.ok() || !rss.ok() || !machine.ok()) return failure("cannot read /proc");
  result.cpu_seconds = *cpu;
  result.peak_rss_bytes = *rss;
  const double fixtures = fixtures_cpu(env_) - fixtures_cpu_before_;
  const double machine_total = machine->total - machine_before_.total;
  if (machine_total > 0) {
    result.others_cpu_share =
        std::max(0.0, machine->busy - machine_before_.busy - fixtures - *cpu) / machine_total;
  }
  result.emulator_cpu_seconds = emulator_cpu(env_) - emulator_cpu_before_;
  if (before_stop) before_stop();
  Status stopped = stop();
  if (!stopped.ok()) return stopped.error();

  auto stats = env_.salesforce->stats();
  if (!stats.ok()) return stats.error();
  result.events = stats->value("events_accepted", int64_t{0}) -
                  stats_before_.value("events_accepted", int64_t{0});
  result.rest_requests = requests_delta(stats_before_, *stats, kRestRequestKinds);
  result.publish_requests = requests_delta(stats_before_, *stats, kPublishKinds);
  result.rest_publish_requests = requests_delta(stats_before_, *stats, kRestPublishKinds);
  if (!spec_.list_events) {
    result.records = result.events;
    if (result.events == records_) return result;
    return failure(fmt::format("Salesforce accepted {} events for the topic's {} records",
                               result.events, records_));
  }
  auto events = env_.salesforce->events();
  if (!events.ok()) return events.error();
  result.accepted = std::move(events.value());
  // Every record's event (TextField__c differs from record to record) accepted at least once.
  std::set<std::string> texts;
  for (const auto& event : result.accepted) texts.insert(event["fields"].value("TextField__c", ""));
  result.records = static_cast<int64_t>(texts.size());
  result.duplicates = static_cast<int64_t>(result.accepted.size()) - result.records;
  if (result.records != records_ || result.events != static_cast<int64_t>(result.accepted.size())) {
    const auto listed = log_path_.parent_path() / "accepted.txt";
    std::ofstream out(listed);
    for (const std::string& text : texts) out << text << "\n";
    return failure(fmt::format(
        "Salesforce accepted {} events ({} listed, {} distinct; their TextField__c in {}) for "
        "the topic's {} records",
        result.events, result.accepted.size(), result.records, listed.string(), records_));
  }
  measure_window(&result);
  return result;
}

void SinkRun::measure_window(RunResult* result) const {
  // The window starts at the first acceptance, or at the last rebalance if one ended later (the
  // tasks of a group do not always join its first generation).
  int64_t start = INT64_MAX;
  int64_t last = 0;
  for (const auto& event : result->accepted) {
    const int64_t at = event.value("accepted_at_us", int64_t{0});
    start = std::min(start, at);
    last = std::max(last, at);
  }
  std::istringstream log(value_or(read_file(log_path_.string()), std::string()));
  for (std::string line; std::getline(log, line);) {
    if (line.find("partitions assigned") == std::string::npos) continue;
    if (auto at = log_line_time_us(line); at && *at > start) start = *at;
  }
  for (const auto& event : result->accepted) {
    if (event.value("accepted_at_us", int64_t{0}) >= start) ++result->window_events;
  }
  result->window_seconds = static_cast<double>(last - start) / 1e6;
}

Result<RunResult> run_sink(const Environment& env, const RunSpec& spec) {
  auto run = SinkRun::start(env, spec);
  if (!run.ok()) return run.error();
  return (*run)->measure();
}

}  // namespace sfpe::bench
