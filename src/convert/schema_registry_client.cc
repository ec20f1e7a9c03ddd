// Schema Registry REST client: URL failover, basic/bearer auth, classification of statuses and
// caching (kafka-connect.md §5.2).
#include "convert/schema_registry_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "common/base64.h"
#include "common/tls_files.h"
#include "convert/error_codes.h"

namespace sfpe::convert {
namespace {

constexpr const char* kUrlProperty = "schema.registry.url";
constexpr const char* kCredentialsSourceProperty = "basic.auth.credentials.source";
constexpr const char* kUserInfoProperty = "basic.auth.user.info";
constexpr const char* kDeprecatedUserInfoProperty = "schema.registry.basic.auth.user.info";
constexpr const char* kBearerSourceProperty = "bearer.auth.credentials.source";
constexpr const char* kBearerTokenProperty = "bearer.auth.token";
constexpr const char* kConnectTimeoutProperty = "http.connect.timeout.ms";
constexpr const char* kReadTimeoutProperty = "http.read.timeout.ms";
// TLS, named as the Java client names them (schema.registry.ssl.*); PEM and PKCS12 stores.
constexpr const char* kTruststoreLocation = "schema.registry.ssl.truststore.location";
constexpr const char* kTruststorePassword = "schema.registry.ssl.truststore.password";
constexpr const char* kTruststoreType = "schema.registry.ssl.truststore.type";
constexpr const char* kKeystoreLocation = "schema.registry.ssl.keystore.location";
constexpr const char* kKeystorePassword = "schema.registry.ssl.keystore.password";
constexpr const char* kKeystoreType = "schema.registry.ssl.keystore.type";
constexpr const char* kKeyPassword = "schema.registry.ssl.key.password";
constexpr const char* kAcceptHeader = "application/vnd.schemaregistry.v1+json";
constexpr size_t kMaxIdleClients = 8;

Error config_error(std::string message) {
  return Error::fatal(kCodeConfigInvalid, std::move(message));
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

const std::string* find_setting(const std::map<std::string, std::string>& settings,
                                const std::string& key) {
  auto it = settings.find(key);
  return it == settings.end() ? nullptr : &it->second;
}

Result<RegistryEndpoint> parse_endpoint(const std::string& url) {
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : upper(url.substr(0, scheme_end));
  if (scheme != "HTTP" && scheme != "HTTPS") {
    // Only the scheme is named: the URL may carry a password.
    return config_error(
        fmt::format("{}: each URL must start with http:// or https://", kUrlProperty));
  }
  RegistryEndpoint endpoint;
  std::string rest = url.substr(scheme_end + 3);
  auto authority_end = rest.find('/');
  auto at = rest.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  if (at != std::string::npos && (authority_end == std::string::npos || at < authority_end)) {
    endpoint.url_user_info = Secret(HttpClient::url_decode(rest.substr(0, at)));
    rest.erase(0, at + 1);
  }
  if (rest.empty() || rest.front() == '/') {
    return config_error(fmt::format("{}: a URL has no host", kUrlProperty));
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  endpoint.base_url = url.substr(0, scheme_end + 3) + rest;
  return endpoint;
}

Result<int64_t> parse_millis(const std::map<std::string, std::string>& settings,
                             const char* property, int64_t fallback) {
  const std::string* text = find_setting(settings, property);
  if (text == nullptr) return fallback;
  std::string value = trim(*text);
  int64_t parsed = 0;
  bool digits = !value.empty() && std::all_of(value.begin(), value.end(),
                                              [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits && value.size() <= 12) parsed = std::stoll(value);
  if (!digits || value.size() > 12 || parsed <= 0) {
    return config_error(
        fmt::format("{}: expected a positive number of milliseconds, got \"{}\"", property, value));
  }
  return parsed;
}

// The registry's error body is {"error_code": 40403, "message": "..."} (kafka-connect.md §5.2).
struct RegistryErrorBody {
  int error_code = 0;
  std::string message;
};

RegistryErrorBody parse_error_body(const std::string& body) {
  RegistryErrorBody parsed;
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    auto code = json.find("error_code");
    if (code != json.end() && code->is_number_integer()) parsed.error_code = code->get<int>();
    auto message = json.find("message");
    if (message != json.end() && message->is_string()) parsed.message = message->get<std::string>();
  }
  if (parsed.message.empty()) {
    parsed.message = body.size() > 200 ? body.substr(0, 200) + "..." : body;
  }
  return parsed;
}

Result<std::shared_ptr<const RegisteredSchema>> parse_schema_body(const std::string& body,
                                                                  const std::string& origin) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  auto invalid = [&origin](std::string_view why) {
    // Transient: a 200 with a body we cannot read comes from a broken server or proxy, not from
    // the record, so the record must not be routed away for it.
    return Error::transient(kCodeRegistryUnavailable,
                            fmt::format("{}: invalid response: {}", origin, why));
  };
  if (!json.is_object()) return invalid("not a JSON object");
  auto schema = std::make_shared<RegisteredSchema>();
  auto text = json.find("schema");
  if (text == json.end() || !text->is_string()) return invalid("no \"schema\" string");
  schema->schema = text->get<std::string>();
  schema->schema_type = "AVRO";  // absent means AVRO (kafka-connect.md §5.2)
  auto type = json.find("schemaType");
  if (type != json.end() && type->is_string()) schema->schema_type = type->get<std::string>();
  auto references = json.find("references");
  if (references != json.end() && !references->is_null()) {
    if (!references->is_array()) return invalid("\"references\" is not an array");
    for (const auto& ref : *references) {
      if (!ref.is_object() || !ref.contains("name") || !ref["name"].is_string() ||
          !ref.contains("subject") || !ref["subject"].is_string() || !ref.contains("version") ||
          !ref["version"].is_number_integer()) {
        return invalid("a reference lacks name, subject or version");
      }
      schema->references.push_back({ref["name"].get<std::string>(),
                                    ref["subject"].get<std::string>(), ref["version"].get<int>()});
    }
  }
  return std::shared_ptr<const RegisteredSchema>(std::move(schema));
}

std::string setting_or_empty(const std::map<std::string, std::string>& settings,
                             const char* name) {
  const std::string* value = find_setting(settings, name);
  return value == nullptr ? std::string() : trim(*value);
}

// schema.registry.ssl.truststore.* and .keystore.*: the trust bundle for https registries and
// a client certificate for mutual TLS. A JKS store is refused with the keytool command that
// converts it.
Status apply_tls_settings(const std::map<std::string, std::string>& settings,
                          HttpClientOptions& http) {
  auto jks_error = [](const char* property, const std::string& path) {
    return config_error(fmt::format(
        "{}: {} is a JKS store, which only Java reads; convert it with keytool -importkeystore "
        "-srckeystore {} -destkeystore store.p12 -deststoretype PKCS12, or use a PEM file",
        property, path, path));
  };
  std::string trust_path = setting_or_empty(settings, kTruststoreLocation);
  if (!trust_path.empty()) {
    auto type = store_type(setting_or_empty(settings, kTruststoreType), trust_path,
                           kTruststoreType);
    if (!type.ok()) return type.error();
    if (*type == StoreType::kJks) return jks_error(kTruststoreLocation, trust_path);
    if (*type == StoreType::kPkcs12) {
      auto pem = pkcs12_certificates_pem(
          trust_path, Secret(setting_or_empty(settings, kTruststorePassword)),
          kTruststoreLocation);
      if (!pem.ok()) return pem.error();
      http.ca_pem = std::move(pem.value());
    } else {
      std::ifstream file(trust_path);
      if (!file) {
        return config_error(fmt::format("{}: cannot read {}", kTruststoreLocation, trust_path));
      }
      http.ca_file = trust_path;
    }
  }
  std::string key_path = setting_or_empty(settings, kKeystoreLocation);
  if (!key_path.empty()) {
    auto type = store_type(setting_or_empty(settings, kKeystoreType), key_path, kKeystoreType);
    if (!type.ok()) return type.error();
    if (*type == StoreType::kJks) return jks_error(kKeystoreLocation, key_path);
    http.client_cert_file = key_path;
    if (*type == StoreType::kPkcs12) {
      Secret password(setting_or_empty(settings, kKeystorePassword));
      auto checked = check_pkcs12_keystore(key_path, password, kKeystoreLocation);
      if (!checked.ok()) return checked;
      http.client_cert_type = "P12";
      http.client_key_password = password;
    } else {
      std::ifstream file(key_path);
      if (!file) {
        return config_error(fmt::format("{}: cannot read {}", kKeystoreLocation, key_path));
      }
      // A PEM keystore holds the certificate and its key; the key may be encrypted.
      http.client_cert_type = "PEM";
      http.client_key_file = key_path;
      http.client_key_password = Secret(setting_or_empty(settings, kKeyPassword));
    }
  }
  return ok_status();
}

}  // namespace

Result<SchemaRegistryConfig> SchemaRegistryConfig::from_settings(
    const std::map<std::string, std::string>& settings) {
  SchemaRegistryConfig config;
  const std::string* urls = find_setting(settings, kUrlProperty);
  if (urls == nullptr || trim(*urls).empty()) {
    return config_error(fmt::format("{} is required", kUrlProperty));
  }
  std::string_view rest = *urls;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string url = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (url.empty()) continue;
    auto endpoint = parse_endpoint(url);
    if (!endpoint.ok()) return endpoint.error();
    config.endpoints.push_back(std::move(endpoint.value()));
  }

  // basic.auth.credentials.source: URL (default) or USER_INFO; SASL_INHERIT needs a Kafka SASL
  // login this service does not share with the registry client (kafka-connect.md §5.2).
  const std::string* source = find_setting(settings, kCredentialsSourceProperty);
  std::string source_value = source == nullptr ? "URL" : upper(trim(*source));
  const std::string* user_info = find_setting(settings, kUserInfoProperty);
  if (user_info == nullptr) user_info = find_setting(settings, kDeprecatedUserInfoProperty);
  if (source_value == "URL") {
    config.user_info_from_url = true;
  } else if (source_value == "USER_INFO") {
    if (user_info == nullptr || user_info->empty()) {
      return config_error(fmt::format("{} is required when {} is USER_INFO", kUserInfoProperty,
                                      kCredentialsSourceProperty));
    }
    config.authorization = Secret("Basic " + base64_encode(*user_info));
  } else {
    return config_error(fmt::format("{}: unsupported value \"{}\" (supported: URL, USER_INFO)",
                                    kCredentialsSourceProperty, source_value));
  }

  const std::string* bearer_source = find_setting(settings, kBearerSourceProperty);
  const std::string* bearer_token = find_setting(settings, kBearerTokenProperty);
  if (bearer_source != nullptr || bearer_token != nullptr) {
    std::string value = bearer_source == nullptr ? "STATIC_TOKEN" : upper(trim(*bearer_source));
    if (value != "STATIC_TOKEN") {
      return config_error(fmt::format("{}: unsupported value \"{}\" (supported: STATIC_TOKEN)",
                                      kBearerSourceProperty, value));
    }
    if (bearer_token == nullptr || bearer_token->empty()) {
      return config_error(fmt::format("{} is required when {} is STATIC_TOKEN",
                                      kBearerTokenProperty, kBearerSourceProperty));
    }
    if (source_value == "USER_INFO") {
      return config_error(
          fmt::format("{} and {} cannot both be set", kUserInfoProperty, kBearerTokenProperty));
    }
    config.user_info_from_url = false;
    config.authorization = Secret("Bearer " + *bearer_token);
  }

  // Defaults as in the Java client: 60 s each (kafka-connect.md §5.2).
  auto connect_timeout = parse_millis(settings, kConnectTimeoutProperty, 60000);
  if (!connect_timeout.ok()) return connect_timeout.error();
  auto read_timeout = parse_millis(settings, kReadTimeoutProperty, 60000);
  if (!read_timeout.ok()) return read_timeout.error();
  config.http.connect_timeout_ms = *connect_timeout;
  config.http.request_timeout_ms = *connect_timeout + *read_timeout;
  auto tls = apply_tls_settings(settings, config.http);
  if (!tls.ok()) return tls.error();
  return config;
}

// Borrows an idle HttpClient (or makes one) and gives it back when done.
class SchemaRegistryClient::ClientLease {
 public:
  explicit ClientLease(SchemaRegistryClient& owner) : owner_(owner) {
    std::lock_guard<std::mutex> lock(owner_.mutex_);
    if (!owner_.idle_clients_.empty()) {
      client_ = std::move(owner_.idle_clients_.back());
      owner_.idle_clients_.pop_back();
    }
    if (client_ == nullptr) client_ = std::make_unique<HttpClient>(owner_.config_.http);
  }
  ~ClientLease() {
    std::lock_guard<std::mutex> lock(owner_.mutex_);
    if (owner_.idle_clients_.size() < kMaxIdleClients) {
      owner_.idle_clients_.push_back(std::move(client_));
    }
  }
  ClientLease(const ClientLease&) = delete;
  ClientLease& operator=(const ClientLease&) = delete;
  HttpClient& client() { return *client_; }

 private:
  SchemaRegistryClient& owner_;
  std::unique_ptr<HttpClient> client_;
};

SchemaRegistryClient::SchemaRegistryClient(SchemaRegistryConfig config)
    : config_(std::move(config)) {}

SchemaRegistryClient::~SchemaRegistryClient() = default;

Result<std::shared_ptr<SchemaRegistryClient>> SchemaRegistryClient::create(
    const std::map<std::string, std::string>& settings) {
  auto config = SchemaRegistryConfig::from_settings(settings);
  if (!config.ok()) return config.error();
  return std::make_shared<SchemaRegistryClient>(std::move(config.value()));
}

Result<std::shared_ptr<const RegisteredSchema>> SchemaRegistryClient::schema_by_id(int32_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_id_.find(id);
    if (it != by_id_.end()) return it->second;
  }
  // Two tasks missing the same id at once may both fetch it; both get the same answer.
  auto fetched = fetch(fmt::format("/schemas/ids/{}", id), fmt::format("schema id {}", id));
  if (!fetched.ok()) return fetched.error();
  std::lock_guard<std::mutex> lock(mutex_);
  return by_id_.emplace(id, fetched.value()).first->second;
}

Result<std::shared_ptr<const RegisteredSchema>> SchemaRegistryClient::schema_by_subject_version(
    const std::string& subject, int version) {
  auto key = std::make_pair(subject, version);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_subject_.find(key);
    if (it != by_subject_.end()) return it->second;
  }
  auto fetched =
      fetch(fmt::format("/subjects/{}/versions/{}", HttpClient::url_encode(subject), version),
            fmt::format("subject \"{}\" version {}", subject, version));
  if (!fetched.ok()) return fetched.error();
  std::lock_guard<std::mutex> lock(mutex_);
  return by_subject_.emplace(key, fetched.value()).first->second;
}

Result<std::shared_ptr<const RegisteredSchema>> SchemaRegistryClient::fetch(
    const std::string& path, const std::string& what) {
  if (config_.endpoints.empty()) {
    return config_error(fmt::format("{} lists no URL", kUrlProperty));
  }
  ClientLease lease(*this);
  const size_t count = config_.endpoints.size();
  const size_t first = current_endpoint_.load();
  std::vector<std::string> failures;
  for (size_t attempt = 0; attempt < count; ++attempt) {
    const size_t index = (first + attempt) % count;
    const RegistryEndpoint& endpoint = config_.endpoints[index];
    HttpRequest request;
    request.url = endpoint.base_url + path;
    request.headers.emplace_back("Accept", kAcceptHeader);
    if (config_.user_info_from_url && endpoint.url_user_info.has_value()) {
      request.headers.emplace_back("Authorization",
                                   "Basic " + base64_encode(endpoint.url_user_info->reveal()));
    } else if (!config_.authorization.empty()) {
      request.headers.emplace_back("Authorization", config_.authorization.reveal());
    }
    auto response = lease.client().send(request);
    if (!response.ok()) {
      // Only transport failures move on to the next URL, as the Java client does.
      failures.push_back(response.error().message);
      current_endpoint_.store((index + 1) % count);
      continue;
    }
    const std::string origin = fmt::format("Schema Registry {}", endpoint.base_url);
    const long status = response->status;
    if (status == 200) return parse_schema_body(response->body, origin);
    RegistryErrorBody body = parse_error_body(response->body);
    std::string detail = fmt::format("{}: {} failed: HTTP {} (error_code {}): {}", origin, what,
                                     status, body.error_code, body.message);
    if (status == 404 && body.error_code == 40403) {
      return Error::permanent(kCodeSchemaNotFound,
                              fmt::format("{}: {} not found: {}", origin, what, body.message));
    }
    if (status >= 500 || status == 408 || status == 429) {
      return Error::transient(kCodeRegistryUnavailable, detail);
    }
    if (status == 401 || status == 403) {
      // Bad credentials fail every record alike: stop the task rather than route them all away.
      return Error::fatal(kCodeRegistryAuth, detail);
    }
    return Error::permanent(kCodeRegistryError, detail);
  }
  std::string joined;
  for (const auto& failure : failures) joined += (joined.empty() ? "" : "; ") + failure;
  return Error::transient(kCodeRegistryUnavailable,
                          fmt::format("Schema Registry unreachable for {}: {}", what, joined));
}

}  // namespace sfpe::convert

namespace sfpe::convert {
namespace {

constexpr int kMaxReferenceDepth = 16;

struct ReferenceWalk {
  SchemaRegistryClient& registry;
  const char* invalid_code;
  std::vector<std::pair<std::string, int>> path;  // subject versions being resolved
  std::set<std::pair<std::string, int>> seen;
  std::vector<ResolvedReference> resolved;

  Status walk(const RegisteredSchema& schema) {
    if (path.size() >= static_cast<size_t>(kMaxReferenceDepth)) {
      return Error::permanent(invalid_code, fmt::format("schema references nested deeper than {}",
                                                        kMaxReferenceDepth));
    }
    for (const auto& reference : schema.references) {
      auto key = std::make_pair(reference.subject, reference.version);
      if (std::find(path.begin(), path.end(), key) != path.end()) {
        return Error::permanent(invalid_code,
                                fmt::format("schema references form a cycle through {} "
                                            "(subject {} version {})",
                                            reference.name, reference.subject, reference.version));
      }
      if (!seen.insert(key).second) continue;
      auto fetched = registry.schema_by_subject_version(reference.subject, reference.version);
      if (!fetched.ok()) return fetched.error();
      path.push_back(key);
      auto nested = walk(**fetched);
      path.pop_back();
      if (!nested.ok()) return nested;
      resolved.push_back({reference.name, std::move(fetched.value())});
    }
    return ok_status();
  }
};

}  // namespace

Result<std::vector<ResolvedReference>> SchemaRegistryClient::resolve_references(
    const RegisteredSchema& schema, const char* invalid_code) {
  ReferenceWalk walk{*this, invalid_code, {}, {}, {}};
  auto walked = walk.walk(schema);
  if (!walked.ok()) return walked.error();
  return std::move(walk.resolved);
}

}  // namespace sfpe::convert
