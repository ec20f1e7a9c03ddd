#include "runtime/connector_runtime.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "common/tls_files.h"
#include "convert/converter.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "map/event_mapper.h"
#include "salesforce/pubsub_publisher.h"
#include "salesforce/rest_client.h"
#include "salesforce/rest_publisher.h"

namespace sfpe::runtime {
namespace {

// http.proxy and http.proxy.auth.* (confluent-connector.md §3.1); the NTLM user is
// DOMAIN\user when http.proxy.auth.ntlm.domain is set.
HttpProxy http_proxy(const config::ProxySettings& p) {
  HttpProxy proxy;
  proxy.host_port = p.host_port;
  switch (p.auth_scheme) {
    case config::ProxyAuthScheme::kNone:
      return proxy;
    case config::ProxyAuthScheme::kBasic:
      proxy.auth = ProxyAuth::kBasic;
      proxy.user = p.user;
      break;
    case config::ProxyAuthScheme::kNtlm:
      proxy.auth = ProxyAuth::kNtlm;
      proxy.user = HttpProxy::ntlm_user(p.ntlm_domain, p.user);
      break;
  }
  proxy.password = p.password;
  return proxy;
}

}  // namespace

// salesforce.grant.type as config resolved it: a set keystore path already selected JWT_BEARER
// (confluent-connector.md §3.2).
salesforce::OAuthGrant oauth_grant(config::GrantType grant) {
  switch (grant) {
    case config::GrantType::kPassword:
      return salesforce::OAuthGrant::kPassword;
    case config::GrantType::kJwtBearer:
      return salesforce::OAuthGrant::kJwtBearer;
    case config::GrantType::kClientCredentials:
      return salesforce::OAuthGrant::kClientCredentials;
  }
  return salesforce::OAuthGrant::kPassword;
}

salesforce::ClientSettings client_settings(const config::ConnectorConfig& c) {
  salesforce::ClientSettings s;
  s.login_url = c.salesforce.instance;
  s.consumer_key = c.salesforce.consumer_key;
  s.consumer_secret = c.salesforce.consumer_secret;
  s.username = c.salesforce.username;
  s.password = c.salesforce.password;
  s.password_token = c.salesforce.password_token;
  s.grant = oauth_grant(c.salesforce.grant_type);
  s.jwt_keystore_path = c.salesforce.jwt_keystore_path;
  s.jwt_keystore_password = c.salesforce.jwt_keystore_password;
  s.jwt_audience = c.salesforce.jwt_audience;
  s.version = c.salesforce.version;
  s.event_name = c.event_name;
  s.connect_timeout_ms = c.salesforce.connection_timeout.count();
  s.request_max_retries_time_ms = c.salesforce.request_max_retries_time.count();
  s.auth_retries_time_ms = c.salesforce.auth_retries_time.count();
  s.proxy = http_proxy(c.salesforce.proxy);
  s.ca_file = c.salesforce.ca_location;
  s.curl_logging = c.salesforce.curl_logging;
  s.limits_poll_interval_ms = c.salesforce.limits_poll_interval.count();
  s.pubsub_endpoint = c.publish.pubsub_endpoint;
  return s;
}

namespace {

std::string join_names(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// Settings for librdkafka: Java-only names (key.serializer, max.block.ms, ...) are dropped, and
// said so once, for connector task 0.
std::map<std::string, std::string> for_librdkafka(std::map<std::string, std::string> properties,
                                                  const char* client, spdlog::logger* log) {
  for (const auto& name : kafka::drop_unknown_properties(properties)) {
    if (log != nullptr) log->warn("{} property {} is not a librdkafka property; ignored", client, name);
  }
  return properties;
}

sink::ReportFormat report_format(const config::ReportTopicSettings& topic) {
  return {topic.value_format.type != "string", topic.value_format.schemas_enable};
}

// Creates a topic the sink writes to unless it exists. A cluster that refuses (librdkafka's mock
// cluster does; a real one may lack the brokers for the replication factor) is not fatal here:
// the first write then either auto-creates the topic or fails the task naming it.
void ensure_topic(const std::map<std::string, std::string>& admin, const kafka::TopicSpec& topic,
                  const char* what, spdlog::logger& log) {
  // A healthy cluster answers in well under a second; librdkafka's mock cluster never answers
  // CreateTopics, so the wait is kept short.
  Status created = kafka::create_topic_if_missing(admin, topic, std::chrono::seconds(10));
  if (!created.ok()) {
    log.warn("{} topic: {}; relying on the cluster to create it on first write", what,
             created.error().message);
  }
}

}  // namespace

ConnectorRuntime::ConnectorRuntime(config::WorkerConfig worker, config::ConnectorConfig connector,
                                   StopSignal& stop)
    : worker_(std::move(worker)), connector_(std::move(connector)), stop_(stop), clock_(&stop) {}

ConnectorRuntime::~ConnectorRuntime() {
  stop_.request_stop();
  join();
}

Status ConnectorRuntime::prepare() {
  auto log = make_logger(connector_.name);
  converters_ = config::merge_converters(worker_, connector_);
  if (converters_.value.class_name.empty()) {
    return Error::fatal("CONFIG", "value.converter is not set, neither in the worker nor in the "
                                  "connector configuration");
  }
  // Only the converters that look schemas up by id need a registry; JsonConverter carries its
  // schema in every record (kafka-connect.md §4.4) and runs without schema.registry.url.
  if (convert::uses_schema_registry(converters_.value.class_name)) {
    auto registry = convert::SchemaRegistryClient::create(converters_.value.settings);
    if (!registry.ok()) return registry.error();
    registry_ = std::move(registry.value());
  }
  // A trust store that cannot be read stops the start, whichever API it would have served: curl
  // and gRPC would otherwise fail at each request, or trust the system store instead.
  if (!connector_.salesforce.ca_location.empty()) {
    auto certificates =
        read_ca_certificates(connector_.salesforce.ca_location, "salesforce.ssl.ca.location");
    if (!certificates.ok()) return certificates.error();
  }
  // Build one converter now so that an unsupported class fails at start-up, not per record.
  auto probe = convert::make_value_converter(converters_.value.class_name,
                                             converters_.value.settings, registry_);
  if (!probe.ok()) return probe.error();

  tokens_ = std::make_shared<salesforce::TokenProvider>(client_settings(connector_), clock_,
                                                        random_, &stop_, log);
  salesforce::RestClient rest(tokens_, clock_, random_, &stop_, log);
  auto session = tokens_->session();
  if (!session.ok()) {
    return Error{session.error().kind, session.error().code,
                 "could not authenticate to Salesforce: " + session.error().message};
  }
  auto version = rest.resolve_version();
  if (!version.ok()) return version.error();
  auto described = rest.describe_event();
  if (!described.ok()) return described.error();
  std::vector<std::string> custom;
  std::vector<map::EventFieldDef> defs;
  for (const auto& field : described->fields) {
    if (!field.custom) continue;
    custom.push_back(field.name);
    defs.push_back({field.name, map::field_type_from_describe(field.type), field.length,
                    field.precision, field.scale});
  }
  // Fields added to the event after start-up are unknown until a restart.
  event_schema_ = std::make_shared<const map::EventSchema>(
      described->name.empty() ? connector_.event_name : described->name, std::move(defs));
  log->info("Salesforce API v{} at {}; event {} has fields [{}]", *version,
            session->instance_url, described->name, join_names(custom, ", "));
  create_topics(*log);
  if (connector_.publish.pubsub) {
    auto channel = salesforce::make_pubsub_channel(tokens_->settings());
    if (!channel.ok()) return channel.error();
    pubsub_channel_ = std::move(channel.value());
    log->info("publishing through the Pub/Sub API at {}", connector_.publish.pubsub_endpoint);
  }
  return ok_status();
}

void ConnectorRuntime::create_topics(spdlog::logger& log) {
  // kafka-connect.md §2.4: the DLQ topic has 1 partition and the configured replication factor.
  std::string dlq = connector_.errors.dlq_topic;
  if (!dlq.empty()) {
    auto admin = config::admin_settings_for(worker_, connector_);
    ensure_topic(for_librdkafka(admin, "admin", &log),
                 {dlq, 1, connector_.errors.dlq_replication_factor}, "dead letter queue", log);
  }
  const auto& reporter = connector_.reporter;
  if (reporter.bootstrap_servers.empty()) {
    if (!reporter.result.name.empty() || !reporter.error.name.empty()) {
      log.info("reporter.bootstrap.servers is empty: result and error reports are off");
    }
    return;
  }
  auto admin = for_librdkafka(config::reporter_admin_settings_for(connector_), "reporter admin",
                              &log);
  for (const auto* topic : {&reporter.result, &reporter.error}) {
    const std::string& name = topic->name;
    if (name.empty()) continue;
    ensure_topic(admin, {name, topic->partitions, topic->replication_factor}, "reporter", log);
  }
}

Result<std::unique_ptr<sink::SinkTask>> ConnectorRuntime::make_task(int task_id, TaskSlot& slot) {
  auto log = make_logger(fmt::format("{}-{}", connector_.name, task_id));
  sink::TaskSettings settings;
  settings.connector = connector_.name;
  settings.task_id = task_id;
  // The worker's security settings (security.protocol, sasl.*, ssl.*) first, so that
  // consumer.* and consumer.override.* can still change them.
  for (const auto& [key, value] : worker_.security) settings.consumer.properties[key] = value;
  // librdkafka's prefetch is bounded to what the task's own buffer allows, so a backlog of
  // millions of records does not sit in memory twice (its defaults prefetch 100000 messages a
  // partition). consumer.* and consumer.override.* still win.
  const auto& publish = connector_.publish;
  settings.consumer.properties["queued.min.messages"] =
      std::to_string(std::max<int64_t>(1000, std::min<int64_t>(publish.buffer_max_records, 100000)));
  settings.consumer.properties["queued.max.messages.kbytes"] =
      std::to_string(std::max<int64_t>(1024, std::min<int64_t>(publish.buffer_max_bytes / 1024, 65536)));
  for (const auto& [key, value] : config::consumer_settings_for(worker_, connector_, task_id)) {
    settings.consumer.properties[key] = value;
  }
  // Java-client-only settings (max.poll.records, key.deserializer, ...) mean nothing to
  // librdkafka: say so once and leave them out instead of failing.
  for (const auto& name : kafka::drop_unknown_properties(settings.consumer.properties)) {
    if (task_id == 0) log->warn("consumer property {} is not a librdkafka property; ignored", name);
  }
  settings.consumer.topics = connector_.topics;
  settings.consumer.topics_regex = connector_.topics_regex;
  settings.offset_flush_interval = worker_.offset_flush_interval;
  settings.offset_flush_timeout = worker_.offset_flush_timeout;
  settings.shutdown_grace = worker_.task_shutdown_graceful_timeout;
  settings.group_leave = group_leave_;
  // One failed task stops the worker (docs/architecture.md, Stopping): at once, so that the
  // other tasks stop with it and they leave the group together.
  settings.on_failure = [this](const Error&) { stop_.request_stop(); };
  settings.max_batch_records = static_cast<size_t>(publish.batch_size);
  settings.linger = publish.linger;
  settings.preserve_partition_order = publish.preserve_partition_order;
  settings.buffer_max_records = static_cast<size_t>(publish.buffer_max_records);
  settings.buffer_max_bytes = static_cast<size_t>(publish.buffer_max_bytes);
  settings.tolerance = connector_.errors.tolerance == config::ErrorTolerance::kAll
                           ? sink::ErrorTolerance::kAll
                           : sink::ErrorTolerance::kNone;
  settings.value_converter_class = converters_.value.class_name;
  settings.reporting = reporting_settings(task_id, *log);
  switch (connector_.behavior_on_api_errors) {
    case config::ApiErrorBehavior::kFail: settings.api_errors = sink::ApiErrorBehavior::kFail; break;
    case config::ApiErrorBehavior::kLog: settings.api_errors = sink::ApiErrorBehavior::kLog; break;
    case config::ApiErrorBehavior::kIgnore:
      settings.api_errors = sink::ApiErrorBehavior::kIgnore;
      break;
  }
  settings.fail_on_null_values = connector_.fail_on_null_values;
  settings.conversion_retry_timeout_ms = connector_.errors.retry_timeout.count();
  settings.conversion_retry_max_delay_ms = connector_.errors.retry_delay_max.count();

  auto converter = convert::make_value_converter(converters_.value.class_name,
                                                 converters_.value.settings, registry_);
  if (!converter.ok()) return converter.error();
  std::shared_ptr<convert::Converter> shared_converter = std::move(converter.value());
  sink::RecordPreparer preparer = [shared_converter, event_schema = event_schema_](
                                       const kafka::Record& record,
                                       sink::Stage* failed_stage) -> Result<sink::Event> {
    *failed_stage = sink::Stage::kValueConverter;
    auto decoded = shared_converter->to_connect(record);
    if (!decoded.ok()) return decoded.error();
    // Mapping onto the event is the task's work in Connect terms: put() (kafka-connect.md §2.3).
    *failed_stage = sink::Stage::kTaskPut;
    auto event = map::map_to_event(*decoded, *event_schema, record);
    if (!event.ok()) return event.error();
    return std::move(event.value());
  };
  // One publisher, with its own connection and random source, per batch in flight.
  std::vector<std::unique_ptr<sink::EventPublisher>> publishers;
  for (int i = 0; i < publish.max_in_flight; ++i) {
    slot.publisher_randoms.push_back(std::make_unique<SystemRandom>());
    SystemRandom& random = *slot.publisher_randoms.back();
    auto rest = std::make_unique<salesforce::RestClient>(tokens_, slot.publish_clock, random,
                                                         &slot.publishers_stop, log);
    if (publish.pubsub) {
      // The REST client only reads /limits while the publishing allocation is used up.
      publishers.push_back(std::make_unique<salesforce::PubSubPublisher>(
          pubsub_channel_, tokens_, std::move(rest), slot.publish_clock, random,
          &slot.publishers_stop, log));
      continue;
    }
    rest->set_single_record_requests(publish.batch_size == 1);
    publishers.push_back(std::make_unique<salesforce::RestPublisher>(std::move(rest)));
  }
  return std::make_unique<sink::SinkTask>(std::move(settings), std::move(preparer),
                                          std::move(publishers), log, stop_, slot.clock,
                                          slot.random, &slot.publishers_stop);
}

sink::ReportingSettings ConnectorRuntime::reporting_settings(int task_id,
                                                            spdlog::logger& log) const {
  spdlog::logger* warn_to = task_id == 0 ? &log : nullptr;
  sink::ReportingSettings r;
  r.errors_log_enable = connector_.errors.log_enable;
  r.errors_log_include_messages = connector_.errors.log_include_messages;
  r.dlq_topic = connector_.errors.dlq_topic;
  r.dlq_context_headers = connector_.errors.dlq_context_headers_enable;
  if (!r.dlq_topic.empty()) {
    // The worker's security settings first, as for the consumer, so producer.* and
    // producer.override.* can still change them (kafka-connect.md §1.4, DLQ clients).
    std::map<std::string, std::string> producer(worker_.security.begin(), worker_.security.end());
    for (const auto& [key, value] : config::producer_settings_for(worker_, connector_, task_id)) {
      producer[key] = value;
    }
    r.dlq_producer = for_librdkafka(std::move(producer), "dead letter queue producer", warn_to);
  }
  const auto& reporter = connector_.reporter;
  if (!reporter.bootstrap_servers.empty()) {
    r.result_topic = reporter.result.name;
    r.error_topic = reporter.error.name;
    r.result_format = report_format(reporter.result);
    r.error_format = report_format(reporter.error);
    r.reporter_producer = for_librdkafka(config::reporter_producer_settings_for(connector_, task_id),
                                         "reporter producer", warn_to);
  }
  return r;
}

void ConnectorRuntime::start() {
  group_leave_ = std::make_shared<sink::GroupLeave>(connector_.tasks_max);
  for (int id = 0; id < connector_.tasks_max; ++id) {
    auto slot = std::make_unique<TaskSlot>(stop_);
    auto task = make_task(id, *slot);
    if (!task.ok()) {
      slot->failure = task.error();
      make_logger(connector_.name)->error("task {} could not start: {}", id, task.error().message);
      stop_.request_stop();
      // Neither this task nor the ones after it will come to leave the group.
      for (int rest = id; rest < connector_.tasks_max; ++rest) group_leave_->task_gone();
      std::lock_guard<std::mutex> lock(mutex_);
      slots_.push_back(std::move(slot));
      return;
    }
    slot->task = std::move(task.value());
    TaskSlot* raw = slot.get();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slots_.push_back(std::move(slot));
    }
    raw->thread = std::thread([this, raw, id] {
      // No exception leaves the task thread (it would end the process): one fails the task.
      Status status = ok_status();
      try {
        status = raw->task->run();
      } catch (const std::exception& e) {
        status = Error::fatal("TASK_EXCEPTION", fmt::format("the task thread threw: {}", e.what()));
      } catch (...) {
        status = Error::fatal("TASK_EXCEPTION", "the task thread threw an unknown exception");
      }
      if (!status.ok()) {
        make_logger(fmt::format("{}-{}", connector_.name, id))
            ->error("task failed: {}", status.error().message);
        std::lock_guard<std::mutex> lock(mutex_);
        raw->failure = status.error();
        stop_.request_stop();  // one failed task stops the worker (see docs/architecture.md)
      }
    });
  }
}

void ConnectorRuntime::join() {
  for (auto& slot : slots_) {
    if (slot->thread.joinable()) slot->thread.join();
  }
}

ConnectorTotals ConnectorRuntime::totals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  ConnectorTotals totals;
  for (const auto& slot : slots_) {
    if (!slot->task) continue;
    const auto& c = slot->task->counters();
    totals.consumed += c.consumed.load();
    totals.published += c.published.load();
    totals.failed += c.failed.load();
    totals.skipped += c.skipped.load();
    totals.dead_lettered += c.dead_lettered.load();
    totals.uncommitted += c.uncommitted.load();
  }
  return totals;
}

std::optional<Error> ConnectorRuntime::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& slot : slots_) {
    if (slot->failure) return slot->failure;
  }
  return std::nullopt;
}

}  // namespace sfpe::runtime
