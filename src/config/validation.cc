// Table-driven checks (required, type, validator, unknown keys) and the connector's cross-key
// rules. A key that failed its own check is left out of the cross-key rules, so one mistake is
// reported once.
#include "config/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>

#include "common/url.h"
#include "config/config_def.h"
#include "config/connector_config.h"
#include "config/masking.h"
#include "config/pattern.h"

namespace sfpe::config {

std::vector<std::string> ValidationReport::errors_for(std::string_view property) const {
  std::vector<std::string> messages;
  for (const ConfigProblem& problem : errors) {
    if (problem.property == property) messages.push_back(problem.message);
  }
  return messages;
}

std::string ValidationReport::to_string() const {
  std::string out;
  for (const ConfigProblem& problem : errors) out += problem.to_string() + "\n";
  for (const ConfigProblem& problem : warnings) out += "warning: " + problem.to_string() + "\n";
  return out;
}

Error ValidationReport::to_error(std::string_view subject) const {
  std::string message =
      fmt::format("{} configuration is invalid and contains the following {} error(s):", subject,
                  errors.size());
  for (const ConfigProblem& problem : errors) message += "\n" + problem.to_string();
  return Error::fatal("CONFIG_INVALID", std::move(message));
}

namespace {

class Checker {
 public:
  Checker(const ConfigTable& table, const Properties& properties)
      : table_(table), properties_(properties), view_(table, properties) {}

  // Required keys, types and validators of every key in the table; unknown keys.
  void check_table() {
    for (const ConfigKey& key : table_.keys()) {
      auto it = properties_.find(key.name);
      std::string_view value = it == properties_.end() ? "" : trim(it->second);
      if (it == properties_.end() || (key.required && value.empty())) {
        if (key.required) {
          error(key.name, "is required and has no default value");
          invalid_.insert(key.name);
        }
        continue;
      }
      std::optional<std::string> reason = type_error(key.type, value);
      if (!reason) reason = key.validator.check(value);
      if (reason) {
        error(key.name,
              fmt::format("\"{}\" {}", displayable_value(key.name, value, table_), *reason));
        invalid_.insert(key.name);
      }
    }
    for (const auto& [name, value] : properties_) {
      if (table_.find(name) == nullptr && table_.find_prefix(name) == nullptr) {
        warning(name, "is not a known property and is ignored");
      }
    }
  }

  void check_connector_rules() {
    check_topics();
    check_grant_type();
    check_cleartext();
    check_pubsub_proxy();
    check_aliases("transforms");
    check_aliases("predicates");
    check_transform_predicates();
    check_proxy();
    check_converter_settings();
    check_not_applied_yet({"transforms", "predicates", "header.converter"});
  }

  // Properties the table accepts that the sink does not apply yet (docs/configuration.md marks
  // them "Accepted, no effect yet"): said at validation, so nobody relies on them unawares.
  void check_not_applied_yet(std::initializer_list<const char*> names) {
    static const std::map<std::string, std::string, std::less<>> kWhy = {
        {"transforms", "transformations are not run; records are mapped as the converter "
                       "decoded them"},
        {"predicates", "predicates are not evaluated (transformations are not run)"},
        {"header.converter", "record headers are not converted; the sink reads no header"},
        {"listeners", "this worker serves no REST API"},
        {"rest.advertised.host.name", "this worker serves no REST API"},
    };
    for (const char* name : names) {
      if (!has_value(name) || !ok(name)) continue;
      warning(name, fmt::format("has no effect yet ({})", kWhy.at(name)));
    }
  }

  void check_worker_rules() {
    check_not_applied_yet({"listeners", "rest.advertised.host.name", "header.converter"});
  }

  ValidationReport take() { return std::move(report_); }

 private:
  void error(std::string property, std::string message) {
    report_.errors.push_back({std::move(property), std::move(message)});
  }
  void warning(std::string property, std::string message) {
    report_.warnings.push_back({std::move(property), std::move(message)});
  }
  bool ok(const std::string& name) const { return !invalid_.contains(name); }
  // Like ConfigView::is_set, for keys outside the table (transforms.<alias>.type, ...).
  bool has_value(const std::string& name) const {
    auto it = properties_.find(name);
    return it != properties_.end() && !trim(it->second).empty();
  }

  // Exactly one of topics and topics.regex; the DLQ topic is neither consumed topic
  // (kafka-connect.md §1.4, RT/SinkConnectorConfig.java).
  void check_topics() {
    bool has_topics = view_.is_set("topics");
    bool has_regex = view_.is_set("topics.regex");
    if (has_topics && has_regex) {
      error("topics", "must not be set together with topics.regex: set exactly one of them");
    } else if (!has_topics && !has_regex) {
      error("topics", "is required: set exactly one of topics and topics.regex");
    } else if (has_topics && parse_topics(view_.string("topics")).empty()) {
      error("topics", "lists no topic");
    }

    std::string dlq = view_.string("errors.deadletterqueue.topic.name");
    if (dlq.empty()) return;
    std::vector<std::string> topics = parse_topics(view_.string("topics"));
    if (std::find(topics.begin(), topics.end(), dlq) != topics.end()) {
      error(
          "errors.deadletterqueue.topic.name",
          fmt::format("\"{}\" must not be one of the topics the connector consumes (topics)", dlq));
    }
    Result<Pattern> regex = Pattern::compile(view_.string("topics.regex"));
    if (has_regex && regex.ok() && regex->full_match(dlq)) {
      error("errors.deadletterqueue.topic.name",
            fmt::format("\"{}\" must not match topics.regex, the topics the connector consumes",
                        dlq));
    }
  }

  // Without TLS the login form (password, consumer secret, JWT assertion) and every access token
  // cross the network in the clear: only a loopback host, where the emulator runs, may be spoken
  // to that way (salesforce-api.md §3.4: Salesforce's own Go sample uses plaintext only for
  // localhost; §9).
  void check_cleartext() {
    constexpr std::string_view kLoopbackOnly =
        "(http:// is accepted only for a loopback host such as 127.0.0.1, ::1 or localhost)";
    for (const char* name : {"salesforce.instance", "salesforce.pubsub.endpoint"}) {
      if (!ok(name)) continue;
      const std::string value = view_.string(name);
      if (!is_cleartext_url(value) || is_loopback_host(url_host(value))) continue;
      error(name, std::string_view(name) == "salesforce.instance"
                      ? fmt::format("\"{}\" uses http://, which would send the credentials and "
                                    "access tokens unencrypted; use https:// {}",
                                    value, kLoopbackOnly)
                      : fmt::format("\"{}\" is a plaintext endpoint, which would send the "
                                    "access token unencrypted; give host:port for TLS {}",
                                    value, kLoopbackOnly));
    }
  }

  // The Pub/Sub publisher's gRPC channel cannot go through http.proxy (gRPC 1.51 takes a proxy
  // only from the environment, which sfpe-sink ignores by design): refuse the combination rather
  // than bypass a proxy the network may require.
  void check_pubsub_proxy() {
    if (!ok("salesforce.publish.api") || !view_.is_set("http.proxy")) return;
    if (to_lower(view_.string("salesforce.publish.api")) != "pubsub") return;
    if (view_.string("http.proxy").empty()) return;
    error("salesforce.publish.api",
          "pubsub cannot be used with http.proxy: the Pub/Sub API connection does not go "
          "through a proxy; use rest, or reach the Pub/Sub endpoint directly");
  }

  // The credentials each grant type needs (confluent-connector.md §3.2). The security token is
  // optional for PASSWORD: orgs that trust the caller's IP range issue none.
  void check_grant_type() {
    if (!ok("salesforce.grant.type")) return;
    std::string declared = to_upper(view_.string("salesforce.grant.type"));
    bool keystore = view_.is_set("salesforce.jwt.keystore.path");
    if (keystore && declared == "CLIENT_CREDENTIALS") {
      error("salesforce.jwt.keystore.path",
            "is set, which selects JWT_BEARER, but salesforce.grant.type is CLIENT_CREDENTIALS");
      return;
    }
    GrantType grant = effective_grant_type(view_);
    std::string because =
        grant == GrantType::kJwtBearer && declared != "JWT_BEARER"
            ? "the JWT_BEARER grant type (selected by salesforce.jwt.keystore.path)"
            : fmt::format("salesforce.grant.type {}", to_string(grant));
    auto require = [&](const char* name) {
      if (!view_.is_set(name)) error(name, "is required by " + because);
    };
    switch (grant) {
      case GrantType::kPassword:
        require("salesforce.username");
        require("salesforce.password");
        require("salesforce.consumer.secret");
        break;
      case GrantType::kJwtBearer:
        require("salesforce.username");
        require("salesforce.jwt.keystore.path");
        require("salesforce.jwt.keystore.password");
        break;
      case GrantType::kClientCredentials: {
        require("salesforce.consumer.secret");
        if (!ok("salesforce.instance")) break;
        std::string instance = view_.string("salesforce.instance");
        std::string host = url_host(instance);
        if (host == "login.salesforce.com" || host == "test.salesforce.com") {
          error("salesforce.instance",
                fmt::format("\"{}\" is a generic login URL: {} needs the org's My Domain URL",
                            instance, because));
        }
        break;
      }
    }
  }

  // Every alias in `transforms` / `predicates` is unique and has its `<list>.<alias>.type`.
  void check_aliases(const std::string& list) {
    if (!ok(list)) return;
    std::set<std::string> seen;
    for (const std::string& alias : view_.list(list)) {
      if (alias.empty()) {
        error(list, "must not contain an empty alias");
        continue;
      }
      if (!seen.insert(alias).second) {
        error(list, fmt::format("lists alias \"{}\" more than once", alias));
        continue;
      }
      std::string type_key = fmt::format("{}.{}.type", list, alias);
      if (!has_value(type_key)) {
        error(type_key, fmt::format("is required by the {} alias \"{}\"", list, alias));
      }
    }
  }

  // transforms.<alias>.predicate must name a declared predicate (RT/ConnectorConfig.java).
  void check_transform_predicates() {
    if (!ok("transforms") || !ok("predicates")) return;
    std::vector<std::string> predicates = view_.list("predicates");
    std::set<std::string> checked;
    for (const std::string& alias : view_.list("transforms")) {
      if (!checked.insert(alias).second) continue;
      std::string key = fmt::format("transforms.{}.predicate", alias);
      auto it = properties_.find(key);
      if (it == properties_.end()) continue;
      std::string predicate(trim(it->second));
      if (std::find(predicates.begin(), predicates.end(), predicate) == predicates.end()) {
        error(key, fmt::format("\"{}\" is not listed in predicates", predicate));
      }
    }
  }

  void check_proxy() {
    if (!ok("http.proxy.auth.scheme")) return;
    std::string scheme = to_upper(view_.string("http.proxy.auth.scheme"));
    if (scheme == "NONE") return;
    for (const char* name : {"http.proxy", "http.proxy.user"}) {
      if (!view_.is_set(name)) {
        error(name, fmt::format("is required by http.proxy.auth.scheme {}", scheme));
      }
    }
  }

  // Connect configures a connector-level converter only when the connector names its class;
  // otherwise the worker's converter and settings apply, and these settings are dropped
  // (Plugins.getConverter; kafka-connect.md §4.4).
  void check_converter_settings() {
    for (const std::string converter : {"key.converter", "value.converter", "header.converter"}) {
      if (properties_.contains(converter) || view_.with_prefix(converter + ".").empty()) continue;
      warning(converter, fmt::format("is not set, so the connector's {}.* settings are ignored "
                                     "and the worker's converter and settings apply",
                                     converter));
    }
  }

  const ConfigTable& table_;
  const Properties& properties_;
  ConfigView view_;
  std::set<std::string> invalid_;
  ValidationReport report_;
};

}  // namespace

ValidationReport validate_connector(const Properties& properties) {
  Checker checker(connector_table(), properties);
  checker.check_table();
  checker.check_connector_rules();
  return checker.take();
}

ValidationReport validate_worker(const Properties& properties) {
  Checker checker(worker_table(), properties);
  checker.check_table();
  checker.check_worker_rules();
  return checker.take();
}

}  // namespace sfpe::config
