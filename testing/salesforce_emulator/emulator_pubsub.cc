// The Pub/Sub half of SalesforceEmulator (salesforce-api.md §3): authentication metadata, topics,
// schemas and publishing, decided on the same org state as REST, under the same mutex. The gRPC
// plumbing (servers, streams, statuses, trailers) is pubsub_server.cc.
#include <fmt/format.h>

#include "eventbus/v1/pubsub_api.pb.h"
#include "salesforce_emulator/emulator.h"
#include "salesforce_emulator/pubsub_schema.h"

namespace sfpe::testing {
namespace {

// §3.7: the error-code trailer values Salesforce sends with these statuses.
constexpr const char* kAuthErrorCode = "sfdc.platform.eventbus.grpc.service.auth.error";
constexpr const char* kUnavailableErrorCode = "sfdc.platform.eventbus.grpc.service.unavailable";
// §3.4: a custom platform event's topic.
constexpr std::string_view kEventTopicPrefix = "/event/";
// §3.6: the hard size of a PublishRequest (gRPC's 4 MB) and of one event (also §7).
constexpr size_t kMaxRequestBytes = 4 * 1024 * 1024;
constexpr size_t kMaxEventBytes = 1024 * 1024;

PubSubFailure failure(grpc::StatusCode code, std::string message, std::string error_code = "") {
  return PubSubFailure{code, std::move(message), std::move(error_code), false};
}

// §3.7: Salesforce appends the call's RPC id to its messages.
std::string with_rpc_id(const std::string& message, const std::string& rpc_id) {
  return fmt::format("{} rpcId: {}", message, rpc_id);
}

// The org as Salesforce names it in Pub/Sub messages (§3.7: "org CORE/prod/00D...").
std::string org_name(const std::string& org_id) { return "CORE/prod/" + org_id; }

// "/event/Name__e" -> the event definition (names are case-insensitive); null otherwise.
const EventDef* topic_event(const std::vector<EventDef>& events, std::string_view topic) {
  if (!topic.starts_with(kEventTopicPrefix)) return nullptr;
  topic.remove_prefix(kEventTopicPrefix.size());
  return find_event(events, topic);
}

std::string topic_not_found(const std::string& org_id, const std::string& topic,
                            const std::string& rpc_id) {
  // §3.7, the NOT_FOUND text seen from a real org.
  return with_rpc_id(fmt::format("The topic information for org {} and topic {} not found. Ensure "
                                 "the topic name is correct and that the topic exists.",
                                 org_name(org_id), topic),
                     rpc_id);
}

// §3.5: replay ids are opaque bytes; these are the event's number as 8 big-endian bytes, the form
// Salesforce's Java sample converts replay ids to and from.
std::string replay_id_of(long number) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, number >>= 8) {
    bytes[static_cast<size_t>(i)] = static_cast<char>(number & 0xFF);
  }
  return bytes;
}

void fail_event(eventbus::v1::PublishResult* result, std::string message) {
  result->mutable_error()->set_code(eventbus::v1::PUBLISH);
  result->mutable_error()->set_msg(std::move(message));
}

}  // namespace

std::optional<PubSubFailure> SalesforceEmulator::pubsub_authenticate_locked(const PubSubAuth& auth,
                                                                            bool rpc_start) {
  // §3.4: the three metadata keys must name this org, its instance, and a token it issued that
  // is still live (shared with REST, expire_token_every included). §3.7 for the answer.
  bool refused;
  if (rpc_start && faults_.pubsub_unauthenticated_next > 0) {
    --faults_.pubsub_unauthenticated_next;
    refused = true;
  } else {
    std::string_view instance_url = auth.instance_url;
    if (instance_url.ends_with('/')) instance_url.remove_suffix(1);
    refused = instance_url != url() || auth.tenant_id != config_.org_id ||
              !use_token_locked(auth.access_token);
  }
  if (!refused) return std::nullopt;
  return failure(grpc::StatusCode::UNAUTHENTICATED,
                 with_rpc_id("An authentication exception occurred. Provide valid authentication "
                             "via metadata headers.",
                             random_uuid()),
                 kAuthErrorCode);
}

std::string SalesforceEmulator::register_schema_locked(const EventDef& event) {
  CompactSchema schema = compact_schema(event);
  schemas_.try_emplace(schema.id, ServedSchema{schema.json, event});
  return schema.id;
}

std::optional<PubSubFailure> SalesforceEmulator::pubsub_get_topic(
    const PubSubAuth& auth, const eventbus::v1::TopicRequest& request,
    eventbus::v1::TopicInfo* info) {
  auto defs = event_defs();
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_["pubsub_get_topic"];
  if (auto refused = pubsub_authenticate_locked(auth, true)) return refused;
  const std::string rpc_id = random_uuid();
  const EventDef* event = topic_event(*defs, request.topic_name());
  if (event == nullptr) {
    return failure(grpc::StatusCode::NOT_FOUND,
                   topic_not_found(config_.org_id, request.topic_name(), rpc_id));
  }
  // §3.2 TopicInfo. The integration user may publish and subscribe to every event.
  info->set_topic_name(std::string(kEventTopicPrefix) + event->name);
  info->set_tenant_guid(config_.org_id);
  info->set_can_publish(true);
  info->set_can_subscribe(true);
  info->set_schema_id(register_schema_locked(*event));
  info->set_rpc_id(rpc_id);
  return std::nullopt;
}

std::optional<PubSubFailure> SalesforceEmulator::pubsub_get_schema(
    const PubSubAuth& auth, const eventbus::v1::SchemaRequest& request,
    eventbus::v1::SchemaInfo* info) {
  auto defs = event_defs();
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_["pubsub_get_schema"];
  if (auto refused = pubsub_authenticate_locked(auth, true)) return refused;
  const std::string rpc_id = random_uuid();
  auto served = schemas_.find(request.schema_id());
  if (served == schemas_.end()) {
    // A client may ask for a current schema before any GetTopic served it.
    for (const EventDef& event : *defs) register_schema_locked(event);
    served = schemas_.find(request.schema_id());
  }
  if (served == schemas_.end()) {
    // Code and text are unverified: modelled on the topic's NOT_FOUND (§3.7).
    return failure(grpc::StatusCode::NOT_FOUND,
                   with_rpc_id(fmt::format("The schema information for org {} and schema ID {} "
                                           "not found. Ensure the schema ID is correct.",
                                           org_name(config_.org_id), request.schema_id()),
                               rpc_id));
  }
  info->set_schema_json(served->second.json);
  info->set_schema_id(served->first);
  info->set_rpc_id(rpc_id);
  return std::nullopt;
}

std::optional<PubSubFailure> SalesforceEmulator::pubsub_open_stream(const PubSubAuth& auth) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_["pubsub_streams"];
  return pubsub_authenticate_locked(auth, true);
}

std::optional<PubSubFailure> SalesforceEmulator::pubsub_publish(
    const PubSubAuth& auth, const eventbus::v1::PublishRequest& request, std::string* stream_topic,
    eventbus::v1::PublishResponse* response) {
  const bool stream = stream_topic != nullptr;
  int latency_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[stream ? "pubsub_stream_requests" : "pubsub_publish"];
    // A stream authenticated when it opened; a unary call does so now.
    if (!stream) {
      if (auto refused = pubsub_authenticate_locked(auth, true)) return refused;
    }
    latency_ms = faults_.latency_ms;
  }
  if (latency_ms > 0) stopping_->wait_for(std::chrono::milliseconds(latency_ms));

  auto defs = event_defs();
  std::lock_guard<std::mutex> lock(mutex_);
  if (stream && faults_.pubsub_drop_stream_next > 0) {
    --faults_.pubsub_drop_stream_next;
    PubSubFailure reset;
    reset.reset = true;
    return reset;
  }
  const std::string rpc_id = random_uuid();
  if (faults_.pubsub_unavailable_next > 0) {
    --faults_.pubsub_unavailable_next;
    // §3.7: UNAVAILABLE with its error-code; the message text is unverified.
    return failure(grpc::StatusCode::UNAVAILABLE,
                   with_rpc_id("The service is temporarily unavailable. Try again later.", rpc_id),
                   kUnavailableErrorCode);
  }
  if (stream) {
    // Each request on a stream uses the stream's token again, so a session that expires while
    // the stream is open ends it (unverified: how often a real org re-checks is unknown).
    if (auto refused = pubsub_authenticate_locked(auth, false)) return refused;
  }
  if (request.ByteSizeLong() > kMaxRequestBytes) {
    // §3.6: what a client sees past 4 MB (a proxy's reset, hence no rpcId and no error-code).
    return failure(grpc::StatusCode::UNAVAILABLE,
                   "upstream connect error or disconnect/reset before headers. reset reason: "
                   "remote reset");
  }
  if (stream) {
    if (stream_topic->empty()) {
      *stream_topic = request.topic_name();
    } else if (request.topic_name() != *stream_topic) {
      // §3.3: documented code; the text is ours (unverified). A later request must repeat the
      // topic: an empty topic_name counts as a different one (unverified).
      return failure(grpc::StatusCode::INVALID_ARGUMENT,
                     with_rpc_id(fmt::format("The topic of a PublishStream is fixed by its first "
                                             "request: {} cannot be published on a stream for {}.",
                                             request.topic_name(), *stream_topic),
                                 rpc_id));
    }
  }
  const EventDef* event = topic_event(*defs, request.topic_name());
  if (event == nullptr) {
    return failure(grpc::StatusCode::NOT_FOUND,
                   topic_not_found(config_.org_id, request.topic_name(), rpc_id));
  }
  const std::string current_schema_id = register_schema_locked(*event);

  // §3.5, §3.6: one result per event, in order; a failed event does not stop the others.
  for (const eventbus::v1::ProducerEvent& producer_event : request.events()) {
    eventbus::v1::PublishResult* result = response->add_results();
    // §3.2: the id echoes back; when the publisher gave none the server makes one (unverified).
    result->set_correlation_key(producer_event.id().empty() ? random_uuid() : producer_event.id());
    if (faults_.pubsub_event_errors_next > 0) {
      --faults_.pubsub_event_errors_next;
      fail_event(result,
                 "The event could not be published (emulator fault "
                 "pubsub_event_errors_next).");
      continue;
    }
    if (faults_.pubsub_publishing_unavailable_next > 0) {
      --faults_.pubsub_publishing_unavailable_next;
      // PE Guide status codes (§2.4); how a real org words it in a PublishResult is unverified
      // (§3.7): written as the LIMIT_EXCEEDED one below.
      fail_event(result,
                 "PLATFORM_EVENT_PUBLISHING_UNAVAILABLE: Publishing platform events is temporarily "
                 "unavailable. Try again later.");
      continue;
    }
    if (producer_event.payload().size() > kMaxEventBytes) {
      // §3.6: an oversized event fails alone. The text is unverified.
      fail_event(result, fmt::format("The event payload of {} bytes exceeds the maximum event "
                                     "message size of 1 MB ({} bytes).",
                                     producer_event.payload().size(), kMaxEventBytes));
      continue;
    }
    auto served = schemas_.find(producer_event.schema_id());
    if (served == schemas_.end() || served->second.event.name != event->name) {
      // Unverified: which code a real org gives for a schema id that is not the topic's.
      fail_event(result, fmt::format("The schema ID {} is not a schema of topic {}.",
                                     producer_event.schema_id(), request.topic_name()));
      continue;
    }
    // §3.5: Salesforce does not validate the payload; an event that does not decode is still
    // published (and counted, for tests), but there are no fields to record.
    auto decoded = decode_event_datum(served->second.event, producer_event.payload());
    auto* event_fields = std::get_if<DecodedEvent>(&decoded);
    if (event_fields != nullptr && event_fields->created_by_id.empty()) {
      // §3.5: CreatedDate and CreatedById are required. In the compact schema neither can be
      // null, so an empty CreatedById is the one way a decodable datum can lack one. Text
      // unverified, modelled on REST's REQUIRED_FIELD_MISSING.
      fail_event(result, "Required fields are missing: [CreatedById]");
      continue;
    }
    if (faults_.limit_exceeded_next > 0 || hour_published_ >= config_.hourly_published_events_max) {
      // §7: one hourly allocation for every publish method. Text unverified (§10).
      if (faults_.limit_exceeded_next > 0) --faults_.limit_exceeded_next;
      fail_event(result,
                 "LIMIT_EXCEEDED: The number of platform event messages published "
                 "exceeded the hourly publishing allocation.");
      continue;
    }
    const long number = next_id_++;
    result->set_replay_id(replay_id_of(number));
    ++events_published_;
    ++hour_published_;
    if (event_fields == nullptr) {
      ++pubsub_invalid_payloads_;
      continue;
    }
    events_.push_back(RecordedEvent{served->second.event.name, std::move(event_fields->fields),
                                    fmt::format("e00xx{:010d}AAA", number), random_uuid(),
                                    wall_clock_us(), producer_event.id()});
  }
  if (faults_.pubsub_unknown_result_id_next > 0 && response->results_size() > 0) {
    --faults_.pubsub_unknown_result_id_next;
    response->mutable_results(0)->set_correlation_key("not-an-id-of-this-request");
  }
  response->set_schema_id(request.events().empty() ? current_schema_id
                                                   : request.events(0).schema_id());
  response->set_rpc_id(rpc_id);
  return std::nullopt;
}

}  // namespace sfpe::testing
