// A tiny in-process Schema Registry for unit tests: cpp-httplib on 127.0.0.1, port chosen by the
// OS, answering GET /schemas/ids/{id} and GET /subjects/{subject}/versions/{version} from what
// the test registered, and recording every request it saw.
#pragma once

#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sfpe::convert::test {

class FakeRegistry {
 public:
  struct SeenRequest {
    std::string path;
    std::string accept;
    std::string authorization;
  };

  FakeRegistry() {
    server_.Get(R"(/schemas/ids/(\d+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  record(req);
                  answer(bodies_by_id_, req.matches[1], res);
                });
    server_.Get(R"(/subjects/(.+)/versions/(\d+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  record(req);
                  answer(bodies_by_subject_,
                         std::string(req.matches[1]) + "/" + std::string(req.matches[2]), res);
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return;  // requests will fail to connect, and the test with them
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it before anything can stop it.
    while (!server_.is_running()) std::this_thread::yield();
  }

  ~FakeRegistry() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  FakeRegistry(const FakeRegistry&) = delete;
  FakeRegistry& operator=(const FakeRegistry&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Registers schema `id`; an empty `schema_type` leaves "schemaType" out, as the registry does
  // for Avro.
  void add_schema(int id, const std::string& schema, const std::string& schema_type = "",
                  const nlohmann::json& references = nullptr) {
    nlohmann::json body = {{"schema", schema}};
    if (!schema_type.empty()) body["schemaType"] = schema_type;
    if (!references.is_null()) body["references"] = references;
    set_response(bodies_by_id_, std::to_string(id), 200, body.dump());
  }

  // A subject version; an empty `schema_type` leaves "schemaType" out (Avro), and `references`
  // (an array of {"name","subject","version"}) lets referenced schemas have references too.
  void add_subject_version(const std::string& subject, int version, const std::string& schema,
                           const std::string& schema_type = "",
                           const nlohmann::json& references = nullptr) {
    nlohmann::json body = {
        {"subject", subject}, {"version", version}, {"id", 1000 + version}, {"schema", schema}};
    if (!schema_type.empty()) body["schemaType"] = schema_type;
    if (!references.is_null()) body["references"] = references;
    set_response(bodies_by_subject_, subject + "/" + std::to_string(version), 200, body.dump());
  }

  // Any status and body for schema `id`, e.g. 500 or 401.
  void respond_for_id(int id, int status, const std::string& body) {
    set_response(bodies_by_id_, std::to_string(id), status, body);
  }

  std::vector<SeenRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  using Responses = std::map<std::string, std::pair<int, std::string>>;

  void set_response(Responses& responses, const std::string& key, int status,
                    const std::string& body) {
    std::lock_guard<std::mutex> lock(mutex_);
    responses[key] = {status, body};
  }

  void record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(
        {req.path, req.get_header_value("Accept"), req.get_header_value("Authorization")});
  }

  void answer(const Responses& responses, const std::string& key, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = responses.find(key);
    if (it == responses.end()) {
      res.status = 404;
      res.set_content(R"({"error_code":40403,"message":"Schema )" + key + R"( not found"})",
                      "application/vnd.schemaregistry.v1+json");
      return;
    }
    res.status = it->second.first;
    res.set_content(it->second.second, "application/vnd.schemaregistry.v1+json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  Responses bodies_by_id_;
  Responses bodies_by_subject_;
  std::vector<SeenRequest> requests_;
};

}  // namespace sfpe::convert::test
