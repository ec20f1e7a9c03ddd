// SchemaRegistryServer: routes on the raw request target (so an encoded '/' in a subject
// survives), keeps schemas in memory under one mutex.
#include "schema_registry/server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>
#include <future>
#include <limits>

namespace sfpe::testing {
namespace {

using nlohmann::json;

// kafka-connect.md §5.2: the registry's media type, used for every response.
constexpr const char* kContentType = "application/vnd.schemaregistry.v1+json";

json error_body(int code, const std::string& message) {
  return {{"error_code", code}, {"message", message}};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// "/subjects/a%2Fb/versions?x=1" -> {"subjects", "a/b", "versions"}.
std::vector<std::string> path_segments(const std::string& target) {
  std::string_view path(target);
  path = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(percent_decode(path.substr(start, end - start)));
    start = end + 1;
  }
  return segments;
}

std::optional<int> parse_int(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

SchemaRegistryServer::SchemaRegistryServer() = default;

SchemaRegistryServer::~SchemaRegistryServer() { stop(); }

Status SchemaRegistryServer::start(const std::string& host, int port) {
  if (server_) return Error::fatal("SCHEMA_REGISTRY", "the schema registry is already started");
  server_ = std::make_unique<httplib::Server>();
  // listen_after_bind() creates its task queue right after it starts accepting: the one moment
  // httplib 0.11 lets us observe, so start() returns only when stop() can end the loop.
  auto running = std::make_shared<std::promise<void>>();
  server_->new_task_queue = [running] {
    running->set_value();
    return new httplib::ThreadPool(8);
  };
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  };
  server_->Get(".*", handler).Post(".*", handler).Put(".*", handler).Delete(".*", handler);
  int bound = port == 0                           ? server_->bind_to_any_port(host)
              : server_->bind_to_port(host, port) ? port
                                                  : -1;
  if (bound <= 0) {
    server_.reset();
    return Error::fatal("SCHEMA_REGISTRY", fmt::format("cannot listen on {}:{}", host, port));
  }
  host_ = host;
  port_ = bound;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  running->get_future().wait();
  return ok_status();
}

std::string SchemaRegistryServer::url() const {
  return fmt::format("http://{}:{}", host_ == "0.0.0.0" ? "127.0.0.1" : host_, port_);
}

void SchemaRegistryServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void SchemaRegistryServer::handle(const httplib::Request& request, httplib::Response& response) {
  Reply reply = route(request.method, request.target, request.body);
  response.status = reply.status;
  response.set_content(reply.raw ? reply.body.get<std::string>()
                                 : reply.body.dump(-1, ' ', false, json::error_handler_t::replace),
                       kContentType);
}

SchemaRegistryServer::Reply SchemaRegistryServer::route(const std::string& method,
                                                        const std::string& target,
                                                        const std::string& body) {
  // Jersey's answers for unknown paths and methods, which the registry passes through.
  const Reply not_found{404, error_body(404, "HTTP 404 Not Found")};
  const Reply not_allowed{405, error_body(405, "HTTP 405 Method Not Allowed")};
  std::vector<std::string> s = path_segments(target);
  if (s.size() == 2 && s[0] == "__registry" && s[1] == "faults") {
    if (method != "PUT") return not_allowed;
    json faults = json::parse(body, nullptr, false);
    if (!faults.is_object() || !faults.value("unavailable_next", json(0)).is_number_integer()) {
      return {400, error_body(400, "faults: expected {\"unavailable_next\": N}")};
    }
    std::lock_guard<std::mutex> lock(mutex_);
    unavailable_next_ = faults.value("unavailable_next", 0);
    return {200, json::object()};
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (unavailable_next_ > 0) {
      --unavailable_next_;
      return {500, error_body(50001, "Error in the backend data store")};
    }
  }
  if (!s.empty() && s[0] == "subjects") {
    if (s.size() == 1) return method == "GET" ? list_subjects() : not_allowed;
    if (s.size() == 2) return method == "POST" ? lookup_schema(s[1], body) : not_allowed;
    if (s[2] != "versions" || s.size() > 4) return not_found;
    if (s.size() == 3) {
      if (method == "POST") return register_schema(s[1], body);
      return method == "GET" ? subject_versions(s[1]) : not_allowed;
    }
    return method == "GET" ? subject_version(s[1], s[3]) : not_allowed;
  }
  if (s.size() >= 3 && s.size() <= 4 && s[0] == "schemas" && s[1] == "ids") {
    if (s.size() == 4 && s[3] != "schema") return not_found;
    return method == "GET" ? schema_by_id(s[2], s.size() == 4) : not_allowed;
  }
  return not_found;
}

bool SchemaRegistryServer::parse_schema_body(const std::string& body, StoredSchema* schema,
                                             Reply* error) const {
  // The registry answers an unusable request body, like an invalid schema, with 422 42201.
  *error = Reply{422, error_body(42201, "Invalid schema")};
  json request = json::parse(body, nullptr, false);
  if (request.is_discarded() || !request.is_object() || !request.contains("schema") ||
      !request["schema"].is_string()) {
    return false;
  }
  schema->schema = request["schema"].get<std::string>();
  schema->type = "AVRO";
  if (request.contains("schemaType") && !request["schemaType"].is_null()) {
    if (!request["schemaType"].is_string()) return false;
    schema->type = request["schemaType"].get<std::string>();
  }
  if (schema->type != "AVRO" && schema->type != "JSON" && schema->type != "PROTOBUF") {
    // Unverified wording; the code is the registry's "invalid schema" one.
    *error = Reply{422, error_body(42201, "Invalid schema type " + schema->type)};
    return false;
  }
  schema->references = json::array();
  if (request.contains("references") && !request["references"].is_null()) {
    if (!request["references"].is_array()) return false;
    schema->references = request["references"];
  }
  if (schema->type == "PROTOBUF") return !schema->schema.empty();
  // AVRO and JSON schemas are JSON documents; an Avro schema is an object, a union (array) or
  // a type name (string). Deeper validation is not this fixture's job.
  json parsed = json::parse(schema->schema, nullptr, false);
  if (parsed.is_discarded()) return false;
  return schema->type == "JSON" || parsed.is_object() || parsed.is_array() || parsed.is_string();
}

SchemaRegistryServer::Reply SchemaRegistryServer::register_schema(const std::string& subject,
                                                                  const std::string& body) {
  StoredSchema schema;
  Reply error;
  if (!parse_schema_body(body, &schema, &error)) return error;
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int>& versions = subjects_[subject];
  for (int id : versions) {
    if (schemas_[id - 1] == schema) return Reply{200, {{"id", id}}};  // no new version
  }
  // Ids are global: the same schema under another subject keeps its id.
  int id = 0;
  for (size_t i = 0; i < schemas_.size() && id == 0; ++i) {
    if (schemas_[i] == schema) id = static_cast<int>(i) + 1;
  }
  if (id == 0) {
    schemas_.push_back(std::move(schema));
    id = static_cast<int>(schemas_.size());
  }
  versions.push_back(id);
  return Reply{200, {{"id", id}}};
}

SchemaRegistryServer::Reply SchemaRegistryServer::list_subjects() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json names = json::array();
  for (const auto& [name, versions] : subjects_) names.push_back(name);
  return Reply{200, names};
}

SchemaRegistryServer::Reply SchemaRegistryServer::lookup_schema(const std::string& subject,
                                                                const std::string& body) {
  // Like the registry, the schema is parsed before the subject is looked at.
  StoredSchema schema;
  Reply error;
  if (!parse_schema_body(body, &schema, &error)) return error;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = subjects_.find(subject);
  if (found == subjects_.end()) {
    return Reply{404, error_body(40401, fmt::format("Subject '{}' not found.", subject))};
  }
  const std::vector<int>& versions = found->second;
  for (size_t i = 0; i < versions.size(); ++i) {
    if (schemas_[versions[i] - 1] == schema) {
      return Reply{200, version_body(subject, static_cast<int>(i) + 1, versions[i])};
    }
  }
  return Reply{404, error_body(40403, "Schema not found")};
}

SchemaRegistryServer::Reply SchemaRegistryServer::schema_by_id(const std::string& id_text,
                                                               bool raw) {
  std::optional<int> id = parse_int(id_text);
  // A non-numeric id does not match the registry's route: Jersey's plain 404.
  if (!id) return Reply{404, error_body(404, "HTTP 404 Not Found")};
  std::lock_guard<std::mutex> lock(mutex_);
  if (*id < 1 || *id > static_cast<int>(schemas_.size())) {
    return Reply{404, error_body(40403, fmt::format("Schema {} not found", *id))};
  }
  const StoredSchema& stored = schemas_[*id - 1];
  if (raw) return Reply{200, stored.schema, true};
  // kafka-connect.md §5.2: SchemaString is serialized NON_EMPTY, and an absent schemaType
  // means AVRO.
  json body = {{"schema", stored.schema}};
  if (stored.type != "AVRO") body["schemaType"] = stored.type;
  if (!stored.references.empty()) body["references"] = stored.references;
  return Reply{200, body};
}

SchemaRegistryServer::Reply SchemaRegistryServer::subject_versions(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = subjects_.find(subject);
  if (found == subjects_.end()) {
    return Reply{404, error_body(40401, fmt::format("Subject '{}' not found.", subject))};
  }
  json versions = json::array();
  for (size_t i = 1; i <= found->second.size(); ++i) versions.push_back(i);
  return Reply{200, versions};
}

SchemaRegistryServer::Reply SchemaRegistryServer::subject_version(const std::string& subject,
                                                                  const std::string& version_text) {
  // "latest" and -1 both mean the newest version; anything else must be 1..2^31-1 (the
  // registry's 42202 text; unverified).
  std::optional<int> version = version_text == "latest" ? -1 : parse_int(version_text);
  if (!version || *version == 0 || *version < -1) {
    return Reply{422, error_body(42202, fmt::format("The specified version '{}' is not a valid "
                                                    "version id. Allowed values are between "
                                                    "[1, 2^31-1] and the string \"latest\"",
                                                    version_text))};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = subjects_.find(subject);
  if (found == subjects_.end()) {
    return Reply{404, error_body(40401, fmt::format("Subject '{}' not found.", subject))};
  }
  const std::vector<int>& versions = found->second;
  int index = *version == -1 ? static_cast<int>(versions.size()) : *version;
  if (index < 1 || index > static_cast<int>(versions.size())) {
    return Reply{404, error_body(40402, fmt::format("Version {} not found.", version_text))};
  }
  return Reply{200, version_body(subject, index, versions[index - 1])};
}

json SchemaRegistryServer::version_body(const std::string& subject, int version, int id) const {
  const StoredSchema& stored = schemas_[id - 1];
  json body = {{"subject", subject}, {"version", version}, {"id", id}};
  if (stored.type != "AVRO") body["schemaType"] = stored.type;
  if (!stored.references.empty()) body["references"] = stored.references;
  body["schema"] = stored.schema;
  return body;
}

}  // namespace sfpe::testing
