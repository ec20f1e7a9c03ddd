// Fixture programs: spawn, await the one "NAME=value" line each prints, keep the process.
#include "lib/fixtures.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cstdlib>

namespace sfpe::testing {
namespace {

struct Started {
  std::unique_ptr<ChildProcess> process;
  std::string value;
};

// Starts bin_dir/program and returns the value of the "<key>=value" line it prints.
Result<Started> start_program(const std::string& bin_dir, const std::string& program,
                              std::vector<std::string> args, const std::string& key) {
  args.insert(args.begin(), bin_dir + "/" + program);
  args.push_back("--exit-with-parent");  // no fixture outlives a test that crashed
  auto process = ChildProcess::spawn(args);
  if (!process.ok()) return process.error();
  auto line = (*process)->wait_for_line(key + "=", kFixtureStartTimeout);
  if (!line || !line->starts_with(key + "=")) {
    return Error::fatal("FIXTURE", fmt::format("{} did not print {}=...; stderr: {}", program, key,
                                               (*process)->stderr_text()));
  }
  return Started{std::move(process.value()), line->substr(key.size() + 1)};
}

Result<nlohmann::json> control_get(const std::string& url, const std::string& path) {
  httplib::Client client(url);
  auto response = client.Get(path);
  if (!response) {
    return Error::transient(
        "FIXTURE", fmt::format("GET {}{}: {}", url, path, httplib::to_string(response.error())));
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || body.is_discarded()) {
    return Error::permanent(
        "FIXTURE", fmt::format("GET {}{}: {} {}", url, path, response->status, response->body));
  }
  return body;
}

}  // namespace

Result<KafkaClusterFixture> KafkaClusterFixture::start(const std::string& bin_dir,
                                                       const std::vector<std::string>& topics,
                                                       const std::vector<std::string>& extra_args) {
  if (const char* external = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
      external != nullptr && *external != '\0') {
    return KafkaClusterFixture{nullptr, external};
  }
  std::vector<std::string> args;
  for (const std::string& topic : topics) {
    args.push_back("--topic");
    args.push_back(topic);
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto started = start_program(bin_dir, "sfpe-kafka-cluster", args, "BOOTSTRAP_SERVERS");
  if (!started.ok()) return started.error();
  return KafkaClusterFixture{std::move(started->process), started->value};
}

Result<SchemaRegistryFixture> SchemaRegistryFixture::start(const std::string& bin_dir) {
  auto started = start_program(bin_dir, "sfpe-schema-registry", {}, "SCHEMA_REGISTRY_URL");
  if (!started.ok()) return started.error();
  return SchemaRegistryFixture{std::move(started->process), started->value};
}

Result<int32_t> SchemaRegistryFixture::register_schema(const std::string& subject,
                                                       const std::string& schema_json) const {
  httplib::Client client(url);
  auto response = client.Post(fmt::format("/subjects/{}/versions", subject),
                              nlohmann::json{{"schema", schema_json}}.dump(),
                              "application/vnd.schemaregistry.v1+json");
  if (!response || response->status != 200) {
    return Error::permanent(
        "FIXTURE", fmt::format("registering a schema under {} at {} failed: {}", subject, url,
                               response ? response->body : httplib::to_string(response.error())));
  }
  return nlohmann::json::parse(response->body).at("id").get<int32_t>();
}

Status SchemaRegistryFixture::fail_next(int requests) const {
  httplib::Client client(url);
  auto response = client.Put("/__registry/faults",
                             nlohmann::json{{"unavailable_next", requests}}.dump(),
                             "application/json");
  if (!response || response->status != 200) {
    return Error::permanent("FIXTURE", fmt::format("PUT {}/__registry/faults failed", url));
  }
  return ok_status();
}

Result<SalesforceEmulatorFixture> SalesforceEmulatorFixture::start(
    const std::string& bin_dir, const std::string& config_json_path,
    const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = extra_args;
  if (!config_json_path.empty()) {
    args.push_back("--config");
    args.push_back(config_json_path);
  }
  auto started =
      start_program(bin_dir, "sfpe-salesforce-emulator", args, "SALESFORCE_EMULATOR_URL");
  if (!started.ok()) return started.error();
  // The program prints its Pub/Sub endpoint on the line after its URL.
  constexpr std::string_view kPubSubKey = "PUBSUB_ENDPOINT=";
  auto line = started->process->wait_for_line(kPubSubKey, kFixtureStartTimeout);
  if (!line || !line->starts_with(kPubSubKey)) {
    return Error::fatal("FIXTURE",
                        fmt::format("sfpe-salesforce-emulator did not print {}...; stderr: {}",
                                    kPubSubKey, started->process->stderr_text()));
  }
  return SalesforceEmulatorFixture{std::move(started->process), started->value,
                                   line->substr(kPubSubKey.size())};
}

Result<nlohmann::json> SalesforceEmulatorFixture::events() const {
  auto body = control_get(url, "/__emulator/events");
  if (!body.ok()) return body.error();
  return (*body)["events"];
}

Status SalesforceEmulatorFixture::clear_events() const {
  httplib::Client client(url);
  auto response = client.Delete("/__emulator/events");
  if (!response || response->status != 204) {
    return Error::permanent("FIXTURE", "DELETE " + url + "/__emulator/events failed");
  }
  return ok_status();
}

Result<nlohmann::json> SalesforceEmulatorFixture::stats() const {
  return control_get(url, "/__emulator/stats");
}

Status SalesforceEmulatorFixture::start_new_hour() const {
  httplib::Client client(url);
  auto response = client.Post("/__emulator/new-hour", "", "application/json");
  if (!response || response->status != 204) {
    return Error::permanent("FIXTURE", fmt::format("POST {}/__emulator/new-hour failed", url));
  }
  return ok_status();
}

Status SalesforceEmulatorFixture::set_event_definitions(const nlohmann::json& events) const {
  httplib::Client client(url);
  auto response = client.Put("/__emulator/definitions", nlohmann::json{{"events", events}}.dump(),
                             "application/json");
  if (!response) {
    return Error::transient("FIXTURE", fmt::format("PUT {}/__emulator/definitions: {}", url,
                                                   httplib::to_string(response.error())));
  }
  if (response->status != 204) {
    return Error::permanent("FIXTURE", fmt::format("PUT {}/__emulator/definitions: {} {}", url,
                                                   response->status, response->body));
  }
  return ok_status();
}

Status SalesforceEmulatorFixture::set_faults(const nlohmann::json& faults) const {
  httplib::Client client(url);
  auto response = client.Put("/__emulator/faults", faults.dump(), "application/json");
  if (!response) {
    return Error::transient("FIXTURE", fmt::format("PUT {}/__emulator/faults: {}", url,
                                                   httplib::to_string(response.error())));
  }
  if (response->status != 200) {
    return Error::permanent("FIXTURE", fmt::format("PUT {}/__emulator/faults: {} {}", url,
                                                   response->status, response->body));
  }
  return ok_status();
}

}  // namespace sfpe::testing
