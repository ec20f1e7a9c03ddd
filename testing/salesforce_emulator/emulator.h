// An in-process Salesforce org for tests and the demo: OAuth token endpoint, REST discovery,
// describe, limits and platform-event publishing (single and sObject Collections) with
// Salesforce's status codes and bodies (salesforce-api.md §2, §4), the Pub/Sub API over plaintext
// gRPC (§3; its gRPC side is pubsub_server.h, its decisions emulator_pubsub.cc), fault injection,
// and a control API under /__emulator for tests that run it as a program. REST and Pub/Sub share
// one org: tokens, event definitions, the hourly allocation, recorded events and stats.
#pragma once

#include <grpcpp/support/status_code_enum.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "common/stop_signal.h"
#include "salesforce_emulator/emulator_config.h"
#include "salesforce_emulator/event_model.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace eventbus::v1 {
class TopicRequest;
class TopicInfo;
class SchemaRequest;
class SchemaInfo;
class PublishRequest;
class PublishResponse;
}  // namespace eventbus::v1

namespace sfpe::testing {

class PubSubServer;

// An event the emulator accepted (enqueued), as the publisher sent it: by REST, or by the Pub/Sub
// API with a payload that decoded (pubsub_schema.h gives its fields the REST path's forms).
struct RecordedEvent {
  std::string event;      // the event's defined API name
  nlohmann::json fields;  // the record's fields under their defined names
  std::string id;         // the SaveResult id (Pub/Sub: the same numbering, its replay id)
  std::string uuid;       // the EventUuid returned in errors[0].message (§2.1); Pub/Sub: a new
                          // one, which the publisher never sees (§6)
  int64_t accepted_at_us = 0;  // when the emulator accepted it: wall clock, microseconds since
                               // the Unix epoch (after any latency fault), so a benchmark can
                               // time a record from its Kafka append to Salesforce's acceptance
  std::string producer_id;     // Pub/Sub: the ProducerEvent.id it came with (§3.2); REST: empty
};

struct Faults {
  int latency_ms = 0;  // added to every publish request (single and collections)
  int fail_next = 0;   // the next N publish requests answer fail_status with
                       // Salesforce's body for it
  int fail_status = 503;
  int drop_next = 0;            // the next N publish requests: connection dropped, no complete
                                // HTTP response
  int expire_token_every = 0;   // after every N authenticated requests the current tokens become
                                // invalid (401 INVALID_SESSION_ID) until a new one is issued
  int limit_exceeded_next = 0;  // the next N published records fail per record with
                                // LIMIT_EXCEEDED (PE Guide error codes); REST and Pub/Sub alike,
                                // as they share the hourly allocation (§7)
  // Pub/Sub API (§3.7):
  int pubsub_unavailable_next = 0;      // the next N Publish calls / PublishStream requests end
                                        // the RPC with UNAVAILABLE (error-code trailer
                                        // sfdc.platform.eventbus.grpc.service.unavailable)
  int pubsub_event_errors_next = 0;     // the next N published events fail in their
                                        // PublishResult (code PUBLISH) for a reason of their own
  int pubsub_publishing_unavailable_next = 0;  // the next N published events fail in their
                                               // PublishResult with
                                               // PLATFORM_EVENT_PUBLISHING_UNAVAILABLE (§2.4)
  int pubsub_unknown_result_id_next = 0;  // the next N PublishResponses give their first result
                                          // a correlation key no event of the request had
  int pubsub_drop_stream_next = 0;      // the next N PublishStream requests: the server cancels
                                        // the stream without answering (the client sees gRPC's
                                        // CANCELLED "Cancelled on the server side")
  int pubsub_unauthenticated_next = 0;  // the next N RPCs (any method) are UNAUTHENTICATED
};

// A Pub/Sub call (or PublishStream request) that ends the RPC: its gRPC status and the
// `error-code` trailer Salesforce adds (§3.7).
struct PubSubFailure {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::string error_code;  // the error-code trailer; empty: none
  bool reset = false;      // instead of a status, cancel the stream (a fault: a dropped stream)
};

// The authentication metadata of a Pub/Sub call (§3.4).
struct PubSubAuth {
  std::string access_token;  // "accesstoken"
  std::string instance_url;  // "instanceurl"
  std::string tenant_id;     // "tenantid"
};

// The wall clock in microseconds since the Unix epoch: RecordedEvent::accepted_at_us.
int64_t wall_clock_us();

nlohmann::json faults_to_json(const Faults& faults);
// Missing keys keep their defaults; an unknown key or a non-integer value is an Error naming it.
Result<Faults> faults_from_json(const nlohmann::json& json);

class SalesforceEmulator {
 public:
  explicit SalesforceEmulator(EmulatorConfig config = {});
  ~SalesforceEmulator();  // stops
  SalesforceEmulator(const SalesforceEmulator&) = delete;
  SalesforceEmulator& operator=(const SalesforceEmulator&) = delete;

  // Binds (port 0 = ephemeral) and serves on background threads until stop().
  // The Pub/Sub API listens on the same host, on an ephemeral port of its own.
  Status start(const std::string& host = "127.0.0.1", int port = 0);
  int port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT": login URL and instance_url at once
  std::string pubsub_endpoint() const;  // "127.0.0.1:PORT": plaintext gRPC, the Pub/Sub API
  void stop();

  // Accepted events, in acceptance order. The control API lists them as
  // {"events":[{"event","fields","id","uuid","accepted_at_us"}...]}.
  std::vector<RecordedEvent> events() const;
  void clear_events();
  // {"requests":{"token","versions","describe","limits","sobject","collections",
  //              "pubsub_get_topic","pubsub_get_schema","pubsub_publish","pubsub_streams",
  //              "pubsub_stream_requests"},
  //  "events_accepted" (REST and Pub/Sub), "tokens_issued", "api_usage",
  //  "pubsub_invalid_payloads" (accepted Pub/Sub events whose payload did not decode)}
  nlohmann::json stats() const;
  void set_faults(const Faults& faults);
  // Replaces the org's event definitions, as an admin editing an event in Setup would: later
  // describes and publishes see the new fields (a sink that described the event before keeps
  // its old view until it describes again).
  void set_event_definitions(std::vector<EventDef> events);
  // A new hour: the hourly publishing allocation is whole again (§7).
  void start_new_hour();

 private:
  friend class PubSubServer;  // calls the pubsub_* methods below

  std::shared_ptr<const std::vector<EventDef>> event_defs() const;

  struct Reply {
    Reply() = default;
    Reply(int status, nlohmann::json body) : status(status), body(std::move(body)) {}
    int status = 200;
    nlohmann::json body;           // null: no body
    bool with_limit_info = false;  // add Sforce-Limit-Info (§2.5)
    bool drop = false;             // break the connection instead of answering
    std::vector<std::pair<std::string, std::string>> headers;
  };
  // The SaveResult of one record of a publish call.
  struct Outcome {
    bool success = false;
    std::vector<ApiError> errors;
    RecordedEvent event;
  };

  void handle(const httplib::Request& request, httplib::Response& response);
  Reply route(const httplib::Request& request);
  Reply control(const std::string& method, const std::string& path, const std::string& body);
  Reply token(const httplib::Request& request);
  // The success response of §4.1 (with "scope" when not empty, §4.2) with a new valid token.
  Reply issue_token(const std::string& scope);
  Reply versions() const;
  Reply data_api(const httplib::Request& request, const std::string& path);
  Reply describe(const std::string& event_name, int api_version) const;
  Reply limits() const;
  Reply publish_single(const std::string& event_name, const std::string& body);
  Reply publish_collection(const std::string& body);
  // Takes a publish fault, if one is due: latency first, then a drop, then a failure.
  std::optional<Reply> publish_fault();
  // nullopt when the request carries a valid token; else the 401 to send.
  std::optional<Reply> authenticate(const httplib::Request& request);
  // Saves deserialized records in order (limits, allOrNone); accepted ones are recorded.
  // Call with mutex_ held.
  std::vector<Outcome> save_locked(const std::vector<EventRecord>& records, bool all_or_none);

  // Whether `token` is live; counts the request for the expire_token_every fault. Call with
  // mutex_ held.
  bool use_token_locked(const std::string& token);

  // The Pub/Sub API (emulator_pubsub.cc), called by PubSubServer with each call's metadata;
  // nullopt: answer OK with the message filled in. Each counts itself in the stats.
  std::optional<PubSubFailure> pubsub_get_topic(const PubSubAuth& auth,
                                                const eventbus::v1::TopicRequest& request,
                                                eventbus::v1::TopicInfo* info);
  std::optional<PubSubFailure> pubsub_get_schema(const PubSubAuth& auth,
                                                 const eventbus::v1::SchemaRequest& request,
                                                 eventbus::v1::SchemaInfo* info);
  // The start of a PublishStream: its authentication.
  std::optional<PubSubFailure> pubsub_open_stream(const PubSubAuth& auth);
  // One Publish call (`stream_topic` null) or one PublishStream request (`stream_topic`: the
  // topic the stream's first request fixed, "" before it; the token is checked again).
  std::optional<PubSubFailure> pubsub_publish(const PubSubAuth& auth,
                                              const eventbus::v1::PublishRequest& request,
                                              std::string* stream_topic,
                                              eventbus::v1::PublishResponse* response);
  // §3.4: UNAUTHENTICATED unless the metadata names this org and a live token. `rpc_start`: a new
  // RPC, which the pubsub_unauthenticated_next fault may refuse. Call with mutex_ held.
  std::optional<PubSubFailure> pubsub_authenticate_locked(const PubSubAuth& auth, bool rpc_start);
  // The org's schema id for `event` now; remembers the schema so GetSchema and Publish know it
  // after the definition changes. Call with mutex_ held.
  std::string register_schema_locked(const EventDef& event);

  std::string random_token();
  std::string random_uuid();

  const EmulatorConfig config_;
  const int latest_version_;

  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<PubSubServer> pubsub_;
  std::unique_ptr<StopSignal> stopping_;  // wakes requests sleeping out a latency fault
  std::thread thread_;
  std::string host_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<EventDef>> event_defs_;  // guarded by mutex_
  std::mt19937_64 random_;
  std::set<std::string> valid_tokens_;
  Faults faults_;
  int requests_since_expiry_ = 0;
  std::map<std::string, int> requests_;
  int tokens_issued_ = 0;
  int api_usage_ = 0;
  int events_published_ = 0;  // since start
  int hour_published_ = 0;    // in the current hour, against the hourly allocation
  long next_id_ = 1;          // numbers every accepted event (its id, and its Pub/Sub replay id)
  std::vector<RecordedEvent> events_;
  // Every compact schema the org has had since it started, by schema id, with the definition
  // it was built from: Pub/Sub payloads decode with the schema their schema_id names.
  struct ServedSchema {
    std::string json;
    EventDef event;
  };
  std::map<std::string, ServedSchema> schemas_;
  int pubsub_invalid_payloads_ = 0;
};

}  // namespace sfpe::testing
