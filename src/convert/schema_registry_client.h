// Client for the Confluent Schema Registry calls the decoders need (kafka-connect.md §5.2):
// schema by id, and subject versions for schema references. One client is shared by every task
// of a connector, so it is thread-safe and caches what it fetched.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/http_client.h"
#include "common/result.h"
#include "common/secret.h"

namespace sfpe::convert {

// An entry of a schema's "references" list: the named schema `name` is registered under
// `subject` at `version`.
struct SchemaReference {
  std::string name;
  std::string subject;
  int version = 0;
};

struct RegisteredSchema {
  std::string schema_type;  // "AVRO" (also when the registry omits it), "JSON" or "PROTOBUF"
  std::string schema;       // the schema text
  std::vector<SchemaReference> references;
};

// A referenced schema, fetched: `name` is what the referring schema uses (an Avro type name, a
// JSON Schema $ref, a Protobuf import path).
struct ResolvedReference {
  std::string name;
  std::shared_ptr<const RegisteredSchema> schema;
};

// One registry endpoint; user info from "http://user:pass@host" is moved out of the URL.
struct RegistryEndpoint {
  std::string base_url;                 // no user info, no trailing '/'
  std::optional<Secret> url_user_info;  // "user:password", percent-decoded
};

struct SchemaRegistryConfig {
  std::vector<RegistryEndpoint> endpoints;  // tried in order; the next one on transport failure
  // The value of the Authorization header, e.g. "Basic dXNlcjpwYXNz"; empty = none. For
  // basic.auth.credentials.source=URL it is derived per endpoint instead.
  Secret authorization;
  bool user_info_from_url = false;
  HttpClientOptions http;

  // Reads the converter's settings, prefix already stripped: schema.registry.url,
  // basic.auth.credentials.source (URL | USER_INFO), basic.auth.user.info (or the deprecated
  // schema.registry.basic.auth.user.info), bearer.auth.credentials.source (STATIC_TOKEN),
  // bearer.auth.token, http.connect.timeout.ms, http.read.timeout.ms, and TLS:
  // schema.registry.ssl.truststore.{location,password,type} and
  // schema.registry.ssl.keystore.{location,password,type} with schema.registry.ssl.key.password
  // (types PEM or PKCS12; JKS is refused with the command that converts it). Errors are fatal
  // CONFIG_INVALID naming the property.
  static Result<SchemaRegistryConfig> from_settings(
      const std::map<std::string, std::string>& settings);
};

class SchemaRegistryClient {
 public:
  explicit SchemaRegistryClient(SchemaRegistryConfig config);
  ~SchemaRegistryClient();
  SchemaRegistryClient(const SchemaRegistryClient&) = delete;
  SchemaRegistryClient& operator=(const SchemaRegistryClient&) = delete;

  static Result<std::shared_ptr<SchemaRegistryClient>> create(
      const std::map<std::string, std::string>& settings);

  // GET /schemas/ids/{id}, cached by id. Unknown id (404, error_code 40403): permanent
  // SCHEMA_NOT_FOUND with the registry's message; transport failure, 5xx, 408, 429: transient
  // SCHEMA_REGISTRY_UNAVAILABLE; 401/403: fatal SCHEMA_REGISTRY_AUTH; other statuses:
  // permanent SCHEMA_REGISTRY_ERROR.
  Result<std::shared_ptr<const RegisteredSchema>> schema_by_id(int32_t id);

  // GET /subjects/{subject}/versions/{version}, cached; used to resolve schema references.
  Result<std::shared_ptr<const RegisteredSchema>> schema_by_subject_version(
      const std::string& subject, int version);

  // Every schema `schema` references, directly or through other references (kafka-connect.md
  // §5.2), each subject version fetched once, dependencies before the schemas that use them. A
  // cycle, or references nested deeper than 16, is a permanent error with `invalid_code`.
  Result<std::vector<ResolvedReference>> resolve_references(const RegisteredSchema& schema,
                                                            const char* invalid_code);

 private:
  class ClientLease;

  Result<std::shared_ptr<const RegisteredSchema>> fetch(const std::string& path,
                                                        const std::string& what);

  const SchemaRegistryConfig config_;
  std::atomic<size_t> current_endpoint_{0};

  std::mutex mutex_;  // guards the caches and the idle HTTP clients
  std::unordered_map<int32_t, std::shared_ptr<const RegisteredSchema>> by_id_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const RegisteredSchema>> by_subject_;
  std::vector<std::unique_ptr<HttpClient>> idle_clients_;  // HttpClient is not thread-safe
};

}  // namespace sfpe::convert
