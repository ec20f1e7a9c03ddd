// The connector and worker property tables. Every default, range and valid-value list comes from
// ../shared/reference (section cited per group); documentation strings quote it where it quotes
// Confluent or Kafka.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_def.h"

namespace sfpe::config {

// --- The tables ---------------------------------------------------------------------------------

namespace {

// Appends keys to a table, one group at a time, with chained setters for the optional attributes.
class TableBuilder {
 public:
  class KeyRef {
   public:
    explicit KeyRef(ConfigKey& key) : key_(key) {}
    KeyRef& def(std::string value) {
      key_.default_value = std::move(value);
      return *this;
    }
    KeyRef& required() {
      key_.required = true;
      return *this;
    }
    KeyRef& valid(Validator validator) {
      key_.validator = std::move(validator);
      return *this;
    }
    KeyRef& ignored() {
      key_.ignored = true;
      return *this;
    }

   private:
    ConfigKey& key_;
  };

  void group(std::string name) { group_ = std::move(name); }

  KeyRef add(std::string name, ConfigType type, Importance importance, std::string doc) {
    ConfigKey& key = keys_.emplace_back();
    key.name = std::move(name);
    key.type = type;
    key.importance = importance;
    key.group = group_;
    key.documentation = std::move(doc);
    return KeyRef(key);
  }

  void prefix(std::string prefix, std::string doc, bool ignored = false) {
    prefixes_.push_back({std::move(prefix), group_, std::move(doc), ignored});
  }

  ConfigTable build(std::string title) {
    return ConfigTable(std::move(title), std::move(keys_), std::move(prefixes_));
  }

 private:
  std::string group_;
  std::vector<ConfigKey> keys_;
  std::vector<ConfigPrefix> prefixes_;
};

constexpr ConfigType kString = ConfigType::kString;
constexpr ConfigType kInt = ConfigType::kInt;
constexpr ConfigType kShort = ConfigType::kShort;
constexpr ConfigType kLong = ConfigType::kLong;
constexpr ConfigType kBoolean = ConfigType::kBoolean;
constexpr ConfigType kList = ConfigType::kList;
constexpr ConfigType kClass = ConfigType::kClass;
constexpr ConfigType kPassword = ConfigType::kPassword;
constexpr Importance kHigh = Importance::kHigh;
constexpr Importance kMedium = Importance::kMedium;
constexpr Importance kLow = Importance::kLow;

// The class sfpe-sink stands in for, and the aliases Connect resolves to it (the simple name, and
// the simple name without its "Connector" suffix: Plugins.connectorClass).
Validator connector_class_validator() {
  static const std::vector<std::string> kAccepted = {
      "io.confluent.salesforce.SalesforcePlatformEventSinkConnector",
      "SalesforcePlatformEventSinkConnector", "SalesforcePlatformEventSink"};
  return Validator(fmt::format("{}", fmt::join(kAccepted, ", ")),
                   [](std::string_view value) -> std::optional<std::string> {
                     if (std::find(kAccepted.begin(), kAccepted.end(), value) != kAccepted.end()) {
                       return std::nullopt;
                     }
                     return "is another connector: sfpe-sink runs only "
                            "io.confluent.salesforce.SalesforcePlatformEventSinkConnector";
                   });
}

void add_connector_common(TableBuilder& t) {
  // Connect's connector-level keys (RT/ConnectorConfig.java, RT/SinkConnectorConfig.java).
  t.group("Common");
  t.add("name", kString, kHigh, "Globally unique name to use for this connector.")
      .required()
      .valid(non_empty_without_control_chars());
  t.add("connector.class", kClass, kHigh,
        "Name or alias of the class for this connector. sfpe-sink runs only the Salesforce "
        "Platform Events sink, so any other class is an error.")
      .def("io.confluent.salesforce.SalesforcePlatformEventSinkConnector")
      .valid(connector_class_validator());
  t.add("tasks.max", kInt, kHigh, "Maximum number of tasks to use for this connector.")
      .def("1")
      .valid(at_least(1));
  t.add("topics", kList, kHigh,
        "One or more Kafka topics to use as data sources for SObjects or Events. Exactly one of "
        "`topics` and `topics.regex` must be set.");
  t.add("topics.regex", kString, kLow,
        "A Java regex or regular expression to use for matching data source topics. sfpe-sink "
        "compiles it as an ECMAScript regular expression (std::regex), which agrees with Java for "
        "common patterns; it must match the whole topic name.")
      .valid(compiles_as_regex());
  t.add("key.converter", kClass, kLow,
        "Converter class for record keys. Unset: the worker's `key.converter` and its settings "
        "apply. Set: this class with this connector's `key.converter.*` settings.");
  t.add("value.converter", kClass, kLow,
        "Converter class for record values. Unset: the worker's `value.converter` and its "
        "settings apply. Set: this class with this connector's `value.converter.*` settings.");
  t.add("header.converter", kClass, kLow,
        "Accepted, no effect yet: record headers are not converted (the sink reads none). "
        "HeaderConverter class for record headers. Unset: the worker's `header.converter` "
        "applies.");
  t.add("transforms", kList, kLow,
        "Accepted, no effect yet: transformations are not run. Aliases for the transformations "
        "to be applied to records, in order. Each alias needs `transforms.<alias>.type`.")
      .def("");
  t.add("predicates", kList, kLow,
        "Accepted, no effect yet: predicates are not evaluated. Aliases for the predicates used "
        "by transformations. Each alias needs `predicates.<alias>.type`.")
      .def("");
  t.prefix("key.converter.", "Settings of the connector's key converter (prefix stripped).");
  t.prefix("value.converter.", "Settings of the connector's value converter (prefix stripped).");
  t.prefix("header.converter.", "Settings of the connector's header converter (prefix stripped).");
  t.prefix("transforms.",
           "Per-alias transformation settings: `transforms.<alias>.type` and its "
           "keys, `transforms.<alias>.predicate`, `transforms.<alias>.negate`.");
  t.prefix("predicates.", "Per-alias predicate settings: `predicates.<alias>.type` and its keys.");
  t.prefix("consumer.override.",
           "Consumer settings for this connector, applied last over the worker's `consumer.*`; "
           "subject to `connector.client.config.override.policy`.");
  t.prefix("producer.override.",
           "Producer settings for this connector's dead letter queue producer, over the worker's "
           "`producer.*`.");
  t.prefix("admin.override.",
           "Admin client settings for this connector's dead letter queue topic creation, over "
           "the worker's `admin.*`.");
}

void add_connector_connection(TableBuilder& t) {
  // confluent-connector.md §3.1 and §3.2.
  t.group("Connection");
  t.add("salesforce.consumer.key", kString, kHigh, "The consumer key for the OAuth application.")
      .required();
  t.add("salesforce.consumer.secret", kPassword, kHigh,
        "The consumer secret for the OAuth application. Required by the PASSWORD and "
        "CLIENT_CREDENTIALS grant types.");
  t.add("salesforce.username", kString, kHigh,
        "The Salesforce username the connector should use. Required by the PASSWORD and "
        "JWT_BEARER grant types.");
  t.add("salesforce.password", kPassword, kHigh,
        "The Salesforce password the connector should use. Required by the PASSWORD grant type.");
  t.add("salesforce.password.token", kPassword, kHigh,
        "The Salesforce security token associated with the username.");
  t.add("salesforce.instance", kString, kHigh,
        "The URL of the Salesforce endpoint to use. With CLIENT_CREDENTIALS it must be the org's "
        "My Domain URL, not login.salesforce.com or test.salesforce.com. `http://` is refused "
        "unless the host is a loopback address (127.0.0.0/8, ::1, localhost), such as a local "
        "emulator: it would send credentials and tokens unencrypted.")
      .def("https://login.salesforce.com")
      .valid(http_url());
  t.add("salesforce.grant.type", kString, kHigh,
        "The OAuth 2.0 flow: PASSWORD (username, password, consumer key and secret; deprecated by "
        "Salesforce), JWT_BEARER (username, consumer key, keystore path and password) or "
        "CLIENT_CREDENTIALS (consumer key and secret, My Domain URL as `salesforce.instance`). "
        "Setting `salesforce.jwt.keystore.path` selects JWT_BEARER even when this property "
        "remains at its default.")
      .def("PASSWORD")
      .valid(one_of({"PASSWORD", "JWT_BEARER", "CLIENT_CREDENTIALS"}));
  t.add("salesforce.jwt.keystore.path", kString, kMedium,
        "Path to keystore containing key to use in OAuth JWT token bearer flow.");
  t.add("salesforce.jwt.keystore.password", kPassword, kMedium,
        "Keystore password to enable OAuth JWT token bearer flow.");
  // salesforce-api.md §4.2: aud names the authorization server, never the host posted to.
  t.add("salesforce.jwt.audience", kString, kLow,
        "The `aud` claim of the JWT bearer assertion, which Salesforce requires to name the "
        "org's authorization server whichever host the assertion is posted to: "
        "`https://login.salesforce.com` (production and Developer Edition orgs), "
        "`https://test.salesforce.com` (sandboxes) or an Experience Cloud site URL. A My Domain "
        "URL is refused with `invalid_grant: audience is invalid`. Empty: derived from "
        "`salesforce.instance`: `https://test.salesforce.com` for `test.salesforce.com` and "
        "`*.sandbox.my.salesforce.com`, the URL itself for an Experience Cloud site "
        "(`*.my.site.com`, `*.force.com`), `https://login.salesforce.com` for any other host. "
        "sfpe-sink's own setting.")
      .valid(http_url());
  // The regex comes from a third-party summary (unverified); a number like 58.0 or `latest`.
  t.add("salesforce.version", kString, kLow, "The version of the Salesforce API to use.")
      .def("latest")
      .valid(matches(R"((latest|[0-9]+(\.[0-9]+)?))", "latest, or a version such as 58.0",
                     "must be latest or an API version such as 58.0", true));
  t.add("salesforce.limits.poll.interval.ms", kLong, kLow,
        "How often, in milliseconds, the Salesforce `/limits` resource is read while the org's "
        "hourly platform event publishing allocation is used up (per-record `LIMIT_EXCEEDED`). "
        "Publishing and consumption stay paused until the allocation has room again; nothing is "
        "dropped or dead-lettered. sfpe-sink's own setting: the original connector has none.")
      .def("60000")
      .valid(at_least(1000));
  t.add("salesforce.auth.retries.time.ms", kLong, kLow,
        "The maximum time in milliseconds connector retries for retriable errors during "
        "authentication phase.")
      .def("30000")
      .valid(at_least(0));
  t.add("request.max.retries.time.ms", kLong, kLow,
        "The maximum time in milliseconds that the connector continues to retry requests to "
        "Salesforce that fail because of network issues (once authentication succeeds). If the "
        "total time spent retrying the request exceeds this duration, retries stop and the "
        "request fails. This results in task failure.")
      .def("900000")
      .valid(at_least(1));
  // Whether the Confluent sink uses it for its REST client is unverified (§8); sfpe-sink uses it
  // as the connect timeout of its Salesforce HTTP requests.
  t.add("connection.timeout", kLong, kLow,
        "The amount of time to wait while connecting to the Salesforce streaming endpoint. "
        "sfpe-sink applies it as the connect timeout of its requests to Salesforce.")
      .def("30000")
      .valid(between(5000, 600000));
  t.add("connection.max.message.size", kInt, kLow,
        "The maximum message size in bytes that is accepted during a long poll on the Salesforce "
        "streaming endpoint. A CometD setting: the sink makes no long polls.")
      .valid(at_least(0))
      .ignored();
  t.add("curl.logging", kBoolean, kLow,
        "If enabled, the logs output the equivalent curl commands. This is a security risk "
        "because your authorization header is displayed in the log file. Use at your own risk. "
        "sfpe-sink logs each Salesforce request as a curl command at INFO but never shows a "
        "secret: the Authorization header, the consumer secret, the password and its security "
        "token, the JWT assertion, access tokens and the proxy password appear as `[hidden]`.")
      .def("false");
  t.add("http.proxy", kString, kMedium,
        "The HTTP(S) proxy host and port the connector should use when communicating with "
        "Salesforce. This defaults to a blank string, which corresponds to not using a proxy. "
        "sfpe-sink opens a CONNECT tunnel through it for every Salesforce request, and ignores "
        "the `http_proxy`, `https_proxy` and `no_proxy` environment variables for Salesforce.")
      .valid(host_port());
  // Valid values come from a third-party summary (unverified).
  t.add("http.proxy.auth.scheme", kString, kMedium,
        "Authentication scheme to be used when authenticate the connector towards HTTP(s) proxy.")
      .def("NONE")
      .valid(one_of({"NONE", "BASIC", "NTLM"}));
  t.add("http.proxy.user", kString, kMedium, "The HTTP(S) proxy user name.").def("");
  t.add("http.proxy.password", kPassword, kMedium, "The HTTP(S) proxy password.");
  t.add("http.proxy.auth.ntlm.domain", kString, kMedium,
        "The domain to authenticate within, when NTLM scheme is used.");
  // No Confluent property exists for this: the Java connector trusts the JVM's truststore.
  t.add("salesforce.ssl.ca.location", kString, kMedium,
        "Path of a PEM file of CA certificates to trust for the connections to Salesforce, "
        "instead of the system's store: for a TLS-intercepting proxy or a private endpoint. "
        "Certificates and host names are always verified. sfpe-sink's own setting: the original "
        "connector uses the JVM's truststore.")
      .valid(Validator("the path of a readable PEM file", [](std::string_view path)
                                                            -> std::optional<std::string> {
        if (path.empty()) return std::nullopt;
        std::ifstream in{std::string(path)};
        if (!in) return "cannot be read";
        std::ostringstream text;
        text << in.rdbuf();
        if (text.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
          return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
        }
        return std::nullopt;
      }));
}

void add_connector_event(TableBuilder& t) {
  // confluent-connector.md §3.3.
  t.group("Salesforce Streaming");
  t.add("salesforce.platform.event.name", kString, kHigh,
        "The Salesforce platform event name to publish to. The Event name should end with `__e` "
        "suffix. For example: `LoginEvent__e`. The event definition must already exist in "
        "Salesforce.")
      .required()
      .valid(matches(R"(.*__e)", "a name ending in `__e`", "must end in __e"));
}

void add_connector_publishing(TableBuilder& t) {
  // sfpe-sink's own settings: the original connector sends one record per request and has no
  // batching knob (confluent-connector.md §3.5, §7).
  t.group("Publishing");
  t.add("salesforce.publish.api", kString, kMedium,
        "How events reach Salesforce: `rest` (sObject Collections, salesforce-api §2.2) or "
        "`pubsub` (the Pub/Sub API's PublishStream over gRPC, which spends no daily API "
        "requests). sfpe-sink's own setting.")
      .def("rest")
      .valid(one_of({"rest", "pubsub"}));
  t.add("salesforce.pubsub.endpoint", kString, kLow,
        "The Pub/Sub API endpoint, `host:port` over TLS (`api.pubsub.salesforce.com:443` also "
        "works, and `api.deu.pubsub.salesforce.com` serves Europe). `http://host:port` connects "
        "without TLS and is refused unless the host is a loopback address (127.0.0.0/8, ::1, "
        "localhost), such as a local emulator. sfpe-sink's own setting.")
      .def("api.pubsub.salesforce.com:7443");
  t.add("salesforce.publish.batch.size", kInt, kMedium,
        "The most events one publish request carries (sObject Collections takes up to 200). 1 "
        "sends each record in its own request, as the original connector does. sfpe-sink's own "
        "setting.")
      .def("200")
      .valid(between(1, 200));
  t.add("salesforce.publish.linger.ms", kLong, kLow,
        "How long, in milliseconds, a record may wait for more records to fill its batch before "
        "the batch is sent anyway. sfpe-sink's own setting.")
      .def("20")
      .valid(between(0, 60000));
  t.add("salesforce.publish.max.in.flight", kInt, kMedium,
        "The most batches a task has in flight at once, each on its own connection (REST) or "
        "stream (Pub/Sub). Unset, it is 4 with `rest` and 8 with `pubsub`, whose requests "
        "spend no API allocation. sfpe-sink's own setting.")
      .def("4")
      .valid(between(1, 64));
  t.add("salesforce.publish.preserve.partition.order", kBoolean, kMedium,
        "Whether each partition's records are published in order: a partition never has two "
        "batches in flight. `false` lets batches of one partition overlap, for more throughput "
        "from few partitions; Salesforce may then accept them out of order. sfpe-sink's own "
        "setting.")
      .def("true");
  t.add("salesforce.publish.buffer.max.records", kInt, kLow,
        "The most records a task holds (polled and not yet published, dead-lettered or "
        "skipped). Past it the task pauses its partitions, and resumes below half of it. "
        "sfpe-sink's own setting.")
      .def("20000")
      .valid(between(1, 10000000));
  t.add("salesforce.publish.buffer.max.bytes", kLong, kLow,
        "The most bytes of record keys and values a task holds; past it the task pauses its "
        "partitions, and resumes below half of it. sfpe-sink's own setting.")
      .def("33554432")
      .valid(between(1024, 1LL << 34));
}

void add_connector_reporter(TableBuilder& t) {
  // confluent-connector.md §3.6. Format values and the cache range come from a third-party
  // summary (unverified).
  t.group("Reporter");
  t.add("reporter.bootstrap.servers", kList, kMedium,
        "A list of host/port pairs to use for establishing the initial connection to the Kafka "
        "cluster used for the result and error reports.")
      .def("")
      .valid(each_element(host_port(), false));
  struct Side {
    const char* name;
    const char* doc;
  };
  const Side sides[] = {
      {"result",
       "The name of the topic to produce records to after successfully processing a sink "
       "record. Use `${connector}` within the pattern to specify the current connector name. "
       "Leave blank to disable error reporting behavior."},
      {"error",
       "The name of the topic to produce records to after each unsuccessful record sink "
       "attempt. Use `${connector}` within the pattern to specify the current connector name. "
       "Leave blank to disable error reporting behavior."},
  };
  for (const Side& side : sides) {
    std::string base = fmt::format("reporter.{}.topic", side.name);
    t.add(base + ".name", kString, kMedium, side.doc)
        .def(fmt::format("${{connector}}-{}",
                         side.name == std::string("result") ? "success" : "error"));
    t.add(base + ".replication.factor", kShort, kMedium,
          fmt::format("The replication factor of the {} topic when it is auto-created. It should "
                      "be 1 in development environments and ALWAYS at least 3 in production.",
                      side.name))
        .def("3");
    t.add(base + ".partitions", kInt, kMedium,
          fmt::format("The number of partitions of the {} topic when it is auto-created.",
                      side.name))
        .def("1");
    for (const char* part : {"key", "value"}) {
      t.add(fmt::format("{}.{}.format", base, part), kString, kMedium,
            fmt::format("The format of the {} report's {}.", side.name, part))
          .def("json")
          .valid(one_of({"string", "json"}));
      t.add(fmt::format("{}.{}.format.schemas.cache.size", base, part), kInt, kMedium,
            fmt::format("The schema cache size of the {} report's JSON {} formatter.", side.name,
                        part))
          .def("128")
          .valid(between(0, 2048));
      t.add(fmt::format("{}.{}.format.schemas.enable", base, part), kBoolean, kMedium,
            fmt::format("Whether the {} report's JSON {} includes its schema.", side.name, part))
          .def("false");
    }
  }
  t.prefix("reporter.",
           "Client settings of the reporter's producer and admin client: "
           "`reporter.{,producer.,admin.}security.protocol`, `reporter.{,producer.,admin.}sasl.*`, "
           "`reporter.{,producer.,admin.}ssl.*`.");
}

void add_connector_errors(TableBuilder& t) {
  // confluent-connector.md §3.7 (behavior.on.api.errors, third-party default) and kafka-connect.md
  // §2.1 (errors.*).
  t.group("Error Handling");
  t.add("behavior.on.api.errors", kString, kLow,
        "Error handling behavior config for any Salesforce API errors: `fail` stops the task, "
        "`log` logs the error and skips the record, `ignore` skips the record.")
      .def("fail")
      .valid(one_of({"fail", "log", "ignore"}));
  t.add("behavior.on.null.values", kString, kLow,
        "What to do with a record whose value is null (a tombstone): `ignore` counts it as "
        "skipped and commits its offset; `fail` stops the task at that record, naming its topic, "
        "partition and offset, without committing it. sfpe-sink's own setting: the original "
        "connector has none.")
      .def("ignore")
      .valid(one_of({"ignore", "fail"}));
  t.add("errors.retry.timeout", kLong, kMedium,
        "The maximum duration in milliseconds that a failed operation will be reattempted. The "
        "default is 0, which means no retries will be attempted. Use -1 for infinite retries.")
      .def("0")
      .valid(at_least(-1));
  t.add("errors.retry.delay.max.ms", kLong, kMedium,
        "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be "
        "added to the delay once this limit is reached.")
      .def("60000")
      .valid(at_least(0));
  t.add("errors.tolerance", kString, kMedium,
        "Behavior for tolerating errors during connector operation. `none` is the default value "
        "and signals that any error will result in an immediate connector task failure; `all` "
        "changes the behavior to skip over problematic records.")
      .def("none")
      .valid(one_of({"none", "all"}));
  t.add("errors.log.enable", kBoolean, kMedium,
        "If true, write each error and the details of the failed operation and problematic "
        "record to the application log.")
      .def("false");
  t.add("errors.log.include.messages", kBoolean, kMedium,
        "Whether to include in the log the topic, partition, offset and timestamp of the record "
        "that caused a failure.")
      .def("false");
  t.add("errors.deadletterqueue.topic.name", kString, kMedium,
        "The name of the topic to be used as the dead letter queue (DLQ) for records that cause "
        "an error. Blank disables the DLQ. It must not be one of `topics` nor match "
        "`topics.regex`.")
      .def("");
  t.add("errors.deadletterqueue.topic.replication.factor", kShort, kMedium,
        "Replication factor used to create the dead letter queue topic when it doesn't already "
        "exist.")
      .def("3");
  t.add("errors.deadletterqueue.context.headers.enable", kBoolean, kMedium,
        "If true, add headers containing error context (`__connect.errors.*`) to the messages "
        "written to the dead letter queue.")
      .def("false");
}

void add_connector_licensing(TableBuilder& t) {
  // confluent-connector.md §3.9: accepted so that existing configs still validate, then ignored.
  t.group("Confluent Licensing");
  t.add("confluent.license", kString, kHigh, "Confluent license key. sfpe-sink needs no license.")
      .def("")
      .ignored();
  t.add("confluent.topic.bootstrap.servers", kList, kHigh,
        "Bootstrap servers of the Kafka cluster holding the Confluent license topic.")
      .ignored();
  t.add("confluent.topic", kString, kLow, "Name of the Confluent license topic.")
      .def("_confluent-command")
      .ignored();
  t.add("confluent.topic.replication.factor", kInt, kLow,
        "Replication factor of the Confluent license topic.")
      .def("3")
      .ignored();
  t.prefix("confluent.topic.",
           "Client settings for the Confluent license topic (`confluent.topic.ssl.*`, "
           "`confluent.topic.security.protocol`, `confluent.topic.sasl.*`).",
           true);
}

ConfigTable make_connector_table() {
  TableBuilder t;
  add_connector_common(t);
  add_connector_event(t);
  add_connector_connection(t);
  add_connector_publishing(t);
  add_connector_errors(t);
  add_connector_reporter(t);
  add_connector_licensing(t);
  return t.build("connector");
}

ConfigTable make_worker_table() {
  // kafka-connect.md §1.4 (consumer and offset settings), §3 (REST), §4.3 (standalone), §4.4.
  TableBuilder t;
  t.group("Worker");
  t.add("bootstrap.servers", kList, kHigh,
        "A list of host/port pairs to use for establishing the initial connection to the Kafka "
        "cluster.")
      .def("localhost:9092")
      .valid(each_element(host_port(), true));
  t.add("key.converter", kClass, kHigh,
        "Converter class for record keys, unless a connector sets its own. Its settings are the "
        "`key.converter.*` properties.")
      .required();
  t.add("value.converter", kClass, kHigh,
        "Converter class for record values, unless a connector sets its own. Its settings are "
        "the `value.converter.*` properties.")
      .required();
  t.add("header.converter", kClass, kLow,
        "Accepted, no effect yet: record headers are not converted. HeaderConverter class for "
        "record headers, unless a connector sets its own.")
      .def("org.apache.kafka.connect.storage.SimpleHeaderConverter");
  t.add("offset.flush.interval.ms", kLong, kLow,
        "Interval at which to try committing offsets for tasks.")
      .def("60000")
      .valid(at_least(0));
  t.add("offset.flush.timeout.ms", kLong, kLow,
        "Maximum number of milliseconds to wait for records to flush and offsets to be "
        "committed before cancelling the process and restoring the offset data to be committed "
        "in a future attempt.")
      .def("5000")
      .valid(at_least(0));
  t.add("task.shutdown.graceful.timeout.ms", kLong, kLow,
        "Amount of time to wait for tasks to shutdown gracefully.")
      .def("5000")
      .valid(at_least(0));
  t.add("connector.client.config.override.policy", kString, kMedium,
        "Which `consumer.override.*`, `producer.override.*` and `admin.override.*` connector "
        "settings are allowed: All, None, or Principal (only `security.protocol`, "
        "`sasl.jaas.config` and `sasl.mechanism`).")
      .def("All")
      .valid(one_of({"All", "None", "Principal",
                     "org.apache.kafka.connect.connector.policy."
                     "AllConnectorClientConfigOverridePolicy",
                     "org.apache.kafka.connect.connector.policy."
                     "NoneConnectorClientConfigOverridePolicy",
                     "org.apache.kafka.connect.connector.policy."
                     "PrincipalConnectorClientConfigOverridePolicy"}));
  t.add("log.level", kString, kMedium, "sfpe-sink's log level.")
      .def("INFO")
      .valid(one_of({"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}));
  t.add("plugin.path", kList, kLow,
        "Directories of Connect plugins. sfpe-sink has its connector and converters built in.")
      .ignored();
  t.add("offset.storage.file.filename", kString, kLow,
        "File for source connector offsets. Sink offsets live in the Kafka consumer group.")
      .ignored();
  t.prefix("consumer.", "Settings of the connectors' consumers (prefix stripped).");
  t.prefix("producer.", "Settings of the dead letter queue producers (prefix stripped).");
  t.prefix("admin.", "Settings of the admin clients (prefix stripped).");
  t.prefix("key.converter.", "Settings of the worker's key converter (prefix stripped).");
  t.prefix("value.converter.", "Settings of the worker's value converter (prefix stripped).");
  t.prefix("header.converter.", "Settings of the worker's header converter (prefix stripped).");

  t.group("REST");
  t.add("listeners", kList, kLow,
        "Accepted, no effect yet: this worker serves no REST API. Comma-separated URIs the REST "
        "API will listen on: http://host:port or https://host:port; an empty host binds all "
        "interfaces.")
      .def("http://:8083")
      .valid(each_element(matches(R"(https?://(\[[0-9a-f:.]+\]|[^\s:/\[\]]*):[0-9]{1,5}/?)",
                                  "`http://<host>:<port>` or `https://<host>:<port>`",
                                  "must be http://<host>:<port> or https://<host>:<port>", true),
                          true));
  t.add("rest.advertised.host.name", kString, kLow,
        "Accepted, no effect yet: this worker serves no REST API. The host name given to other "
        "workers and clients; the worker ID is `<advertised host>:<port>`.");

  t.group("Security");
  t.add("security.protocol", kString, kMedium,
        "Protocol used to communicate with brokers; passed to librdkafka.")
      .def("PLAINTEXT")
      .valid(one_of({"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}));
  t.prefix("sasl.", "SASL settings, passed to librdkafka.");
  t.prefix("ssl.", "TLS settings, passed to librdkafka.");
  return t.build("worker");
}

}  // namespace

const ConfigTable& connector_table() {
  static const ConfigTable table = make_connector_table();
  return table;
}

const ConfigTable& worker_table() {
  static const ConfigTable table = make_worker_table();
  return table;
}

}  // namespace sfpe::config
