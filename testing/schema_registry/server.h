// An in-memory Confluent Schema Registry: the REST subset that serializers and the sink's
// converters use (kafka-connect.md §5.2), with the registry's error bodies and media type.
// Control: PUT /__registry/faults {"unavailable_next": N} makes the next N requests fail with the
// registry's backend error (HTTP 500, error_code 50001), as during a store outage.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sfpe::testing {

class SchemaRegistryServer {
 public:
  SchemaRegistryServer();
  ~SchemaRegistryServer();  // stops
  SchemaRegistryServer(const SchemaRegistryServer&) = delete;
  SchemaRegistryServer& operator=(const SchemaRegistryServer&) = delete;

  // Binds (port 0 = ephemeral) and serves on background threads until stop().
  Status start(const std::string& host = "127.0.0.1", int port = 0);
  int port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  void stop();

 private:
  struct StoredSchema {
    std::string schema;
    std::string type;           // AVRO, JSON or PROTOBUF
    nlohmann::json references;  // array of {"name","subject","version"}
    bool operator==(const StoredSchema&) const = default;
  };
  struct Reply {
    int status = 200;
    nlohmann::json body;
    bool raw = false;  // body is a string to send as is (GET /schemas/ids/{id}/schema)
  };

  void handle(const httplib::Request& request, httplib::Response& response);
  Reply route(const std::string& method, const std::string& target, const std::string& body);
  Reply list_subjects() const;
  Reply register_schema(const std::string& subject, const std::string& body);
  Reply lookup_schema(const std::string& subject, const std::string& body);
  Reply schema_by_id(const std::string& id_text, bool raw);
  Reply subject_versions(const std::string& subject);
  Reply subject_version(const std::string& subject, const std::string& version_text);
  // Parses a registration/lookup body; an error Reply when it is not a valid schema.
  bool parse_schema_body(const std::string& body, StoredSchema* schema, Reply* error) const;
  nlohmann::json version_body(const std::string& subject, int version, int id) const;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;

  mutable std::mutex mutex_;
  int unavailable_next_ = 0;  // PUT /__registry/faults: answer this many requests with 500
  std::vector<StoredSchema> schemas_;                 // id - 1 -> schema (ids are global)
  std::map<std::string, std::vector<int>> subjects_;  // subject -> ids of versions 1..n
};

}  // namespace sfpe::testing
