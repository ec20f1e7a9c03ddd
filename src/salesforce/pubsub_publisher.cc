#include "salesforce/pubsub_publisher.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "common/tls_files.h"
#include "common/url.h"

namespace sfpe::salesforce {
namespace {

using namespace std::chrono_literals;

// §3.3: a stream idle for 70 s is closed by the server; close it ourselves well before. A stream
// is also renewed after a while, so that its deadline (which ends a stalled request) is far.
constexpr auto kIdleClose = 60s;
constexpr auto kStreamRenew = 90s;
constexpr auto kStreamDeadline = 150s;
constexpr auto kUnaryDeadline = 30s;
// How often the topic is asked for its schema id while publishing (§3.5: the id changes when the
// event's definition does).
constexpr auto kTopicRecheck = 5min;

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    default: return "UNKNOWN";
  }
}

bool is_transient(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::UNAUTHENTICATED:  // after a token refresh
      return true;
    default:
      return false;
  }
}

// The first field of `event` that `encoder`'s schema lacks, if any. Such an event cannot be
// encoded with that schema, whatever its other values.
std::optional<std::string> field_not_in_schema(const PubSubEncoder& encoder,
                                               const sink::Event& event) {
  if (!event.is_object()) return std::nullopt;
  for (const auto& [name, value] : event.items()) {
    if (!encoder.has_field(name)) return name;
  }
  return std::nullopt;
}

// A version 4 UUID (RFC 9562 §5.4): the ProducerEvent.id of every event sent, unique across
// requests, since results are matched to events by it (§3.2, §3.5) and Salesforce may keep it as
// the event's EventUuid (§6).
std::string random_uuid(std::mt19937_64& engine) {
  const uint64_t high = engine();
  const uint64_t low = engine();
  const uint64_t version_4 = (high & ~uint64_t{0xF000}) | uint64_t{0x4000};
  const uint64_t variant_10 = (low & ~(uint64_t{0x3} << 62)) | (uint64_t{0x2} << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", version_4 >> 32,
                     (version_4 >> 16) & 0xFFFF, version_4 & 0xFFFF, variant_10 >> 48,
                     variant_10 & 0xFFFFFFFFFFFFull);
}

// What Salesforce adds to a failed RPC (§3.7): its `error-code` trailer and the RPC ID, which it
// appends to the message after "rpcId:" (the trailer that carries it is unverified). "none" when
// absent. For the log and the Error, so that a failure can be traced with Salesforce support.
std::string failure_trace(const grpc::ClientContext& context, const grpc::Status& status) {
  std::string error_code = "none";
  const auto& trailers = context.GetServerTrailingMetadata();
  if (auto it = trailers.find("error-code"); it != trailers.end()) {
    error_code.assign(it->second.data(), it->second.size());
  }
  std::string rpc_id = "none";
  const std::string& message = status.error_message();
  if (auto at = message.rfind("rpcId:"); at != std::string::npos) {
    auto begin = message.find_first_not_of(' ', at + 6);
    if (begin != std::string::npos) {
      rpc_id = message.substr(begin, message.find_first_of(" ;,)", begin) - begin);
    }
  }
  return fmt::format("error-code {}, rpcId {}", error_code, rpc_id);
}

}  // namespace

Result<std::shared_ptr<grpc::Channel>> make_pubsub_channel(const ClientSettings& settings) {
  grpc::ChannelArguments args;
  // Like every other Salesforce request, never through a proxy of the environment.
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 16 * 1024 * 1024);
  std::string target = settings.pubsub_endpoint;
  if (is_cleartext_url(target)) {
    // The access token travels in every RPC's metadata (§3.4): in the clear only on this machine.
    if (!is_loopback_host(url_host(target))) {
      return Error::fatal("CONFIG_INVALID",
                          fmt::format("salesforce.pubsub.endpoint: \"{}\" is a plaintext endpoint "
                                      "on a host that is not a loopback address",
                                      target));
    }
    return grpc::CreateCustomChannel(target.substr(7), grpc::InsecureChannelCredentials(), args);
  }
  if (target.starts_with("https://")) target = target.substr(8);
  grpc::SslCredentialsOptions tls;
  // gRPC takes empty pem_root_certs as "use the system store": a CA file that cannot be read must
  // stop here, not end up trusting the system's authorities instead.
  if (!settings.ca_file.empty()) {
    auto certificates = read_ca_certificates(settings.ca_file, "salesforce.ssl.ca.location");
    if (!certificates.ok()) return certificates.error();
    tls.pem_root_certs = std::move(certificates.value());
  }
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), args);
}

PubSubPublisher::PubSubPublisher(std::shared_ptr<grpc::Channel> channel,
                                 std::shared_ptr<TokenProvider> tokens,
                                 std::unique_ptr<RestClient> rest, Clock& clock, Random& random,
                                 StopSignal* stop, std::shared_ptr<spdlog::logger> logger)
    : channel_(std::move(channel)),
      stub_(eventbus::v1::PubSub::NewStub(channel_)),
      tokens_(std::move(tokens)),
      rest_(std::move(rest)),
      settings_(tokens_->settings()),
      clock_(clock),
      random_(random),
      id_engine_(random.uniform(UINT64_MAX)),
      stop_(stop),
      logger_(logger ? std::move(logger) : spdlog::default_logger()),
      topic_("/event/" + settings_.event_name) {
  if (stop_ != nullptr) {
    stop_watcher_ = std::thread([this] {
      while (!watcher_done_.wait_for(50ms)) {
        if (!stop_->stop_requested()) continue;
        std::lock_guard<std::mutex> lock(cancel_mutex_);
        if (active_context_ != nullptr) active_context_->TryCancel();
      }
    });
  }
}

PubSubPublisher::~PubSubPublisher() {
  watcher_done_.request_stop();
  if (stop_watcher_.joinable()) stop_watcher_.join();
  close_stream();
}

void PubSubPublisher::add_metadata(grpc::ClientContext& context, const Session& session) const {
  // §3.4: every RPC carries the token, the instance URL and the org id.
  context.AddMetadata("accesstoken", session.access_token.reveal());
  context.AddMetadata("instanceurl", session.instance_url);
  context.AddMetadata("tenantid", session.org_id);
}

Error PubSubPublisher::rpc_error(const grpc::Status& status, std::string_view trace,
                                 std::string_view what) const {
  // The trace is part of the message, so that every failed RPC's is logged: by the retry loop
  // while it retries, by the task when the Error ends it.
  std::string message = fmt::format("{}: Pub/Sub API {}: {} ({})", what,
                                    code_name(status.error_code()), status.error_message(), trace);
  std::string code = fmt::format("PUBSUB_{}", code_name(status.error_code()));
  if (is_transient(status.error_code())) return Error::transient(code, message);
  return Error::fatal(code, message);
}

Status PubSubPublisher::refresh_schema(const Session& session,
                                       const std::string* forced_by_field) {
  if (forced_by_field == nullptr && encoder_ && clock_.now() - topic_checked_ < kTopicRecheck) {
    return ok_status();
  }
  grpc::ClientContext topic_context;
  add_metadata(topic_context, session);
  topic_context.set_deadline(std::chrono::system_clock::now() + kUnaryDeadline);
  eventbus::v1::TopicRequest topic_request;
  topic_request.set_topic_name(topic_);
  eventbus::v1::TopicInfo topic;
  grpc::Status status = stub_->GetTopic(&topic_context, topic_request, &topic);
  if (!status.ok()) {
    return rpc_error(status, failure_trace(topic_context, status), "reading topic " + topic_);
  }
  if (!topic.can_publish()) {
    return Error::fatal("PUBSUB_CANNOT_PUBLISH",
                        fmt::format("the Salesforce user may not publish to {} (TopicInfo "
                                    "can_publish is false)",
                                    topic_));
  }
  topic_checked_ = clock_.now();
  ++topic_reads_;
  if (encoder_ && encoder_->schema_id() == topic.schema_id()) {
    if (forced_by_field != nullptr) {
      logger_->debug("{} still has schema {}, which has no field {}", topic_,
                     topic.schema_id(), *forced_by_field);
    }
    return ok_status();
  }

  grpc::ClientContext schema_context;
  add_metadata(schema_context, session);
  schema_context.set_deadline(std::chrono::system_clock::now() + kUnaryDeadline);
  eventbus::v1::SchemaRequest schema_request;
  schema_request.set_schema_id(topic.schema_id());
  eventbus::v1::SchemaInfo schema;
  status = stub_->GetSchema(&schema_context, schema_request, &schema);
  if (!status.ok()) {
    return rpc_error(status, failure_trace(schema_context, status),
                     "reading schema " + topic.schema_id());
  }
  auto encoder = PubSubEncoder::from_schema(schema.schema_json(), topic.schema_id());
  if (!encoder.ok()) return encoder.error();
  if (encoder_ && forced_by_field != nullptr) {
    logger_->info("{} now has schema {} (was {}), asked at once for an event with field {}",
                  topic_, topic.schema_id(), encoder_->schema_id(), *forced_by_field);
  } else if (encoder_) {
    logger_->info("{} now has schema {} (was {})", topic_, topic.schema_id(), encoder_->schema_id());
  }
  encoder_ = std::move(encoder.value());
  return ok_status();
}

bool PubSubPublisher::may_force_topic_recheck(uint64_t topic_reads_at_start) {
  // The topic was asked during this call: the schema is as current as a recheck would make it.
  if (topic_reads_ != topic_reads_at_start) return false;
  // Rate-limited on the clock rather than allowed once per batch: records with a field the event
  // truly lacks may keep coming, batch after batch, and each would otherwise cost a GetTopic (a
  // unary call; Salesforce throttles a tenant's bursts of those, §3.7).
  const auto now = clock_.now();
  if (last_forced_recheck_ && now - *last_forced_recheck_ < kForcedTopicRecheck) return false;
  last_forced_recheck_ = now;
  return true;
}

void PubSubPublisher::close_stream() {
  if (!stream_) return;
  {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    active_context_ = nullptr;
  }
  stream_->context->TryCancel();
  (void)stream_->rpc->Finish();
  stream_.reset();
}

grpc::Status PubSubPublisher::round_trip(const Session& session,
                                         const eventbus::v1::PublishRequest& request,
                                         eventbus::v1::PublishResponse* response,
                                         std::string* trace) {
  const auto now = clock_.now();
  if (stream_ && (now - stream_->last_write >= kIdleClose || now - stream_->opened >= kStreamRenew)) {
    close_stream();
  }
  if (!stream_) {
    Stream stream;
    stream.context = std::make_unique<grpc::ClientContext>();
    add_metadata(*stream.context, session);
    stream.context->set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
    stream.rpc = stub_->PublishStream(stream.context.get());
    stream.opened = now;
    stream_ = std::move(stream);
  }
  {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    active_context_ = stream_->context.get();
  }
  if (stop_ != nullptr && stop_->stop_requested()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "stopping");
  }
  grpc::Status status = grpc::Status::OK;
  if (!stream_->rpc->Write(request)) {
    status = stream_->rpc->Finish();
    if (status.ok()) status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the stream was closed");
  } else {
    stream_->last_write = now;
    if (!stream_->rpc->Read(response)) {
      status = stream_->rpc->Finish();
      if (status.ok()) {
        status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              "the stream ended without a response to the request");
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    active_context_ = nullptr;
  }
  if (!status.ok()) {
    *trace = failure_trace(*stream_->context, status);
    stream_.reset();  // Finish() was called: the call is over
  }
  return status;
}

Result<std::vector<sink::PublishOutcome>> PubSubPublisher::publish(
    const std::vector<sink::Event>& events) {
  std::vector<sink::PublishOutcome> outcomes(events.size());
  std::vector<std::string> payloads(events.size());
  std::vector<size_t> pending(events.size());
  for (size_t i = 0; i < events.size(); ++i) pending[i] = i;
  // Events the schema of `encoded_with` could not encode: encoded again, with the events not yet
  // sent, if the schema changes during this call.
  std::vector<size_t> unencodable;
  std::string encoded_with;
  // An event named a field the cached schema lacks: the topic is asked again before anything
  // of the batch is sent (the field may just have been added to the event in Salesforce).
  std::optional<std::string> recheck_for_field;
  const uint64_t topic_reads_at_start = topic_reads_;
  Backoff backoff = request_backoff(settings_, clock_, random_, stop_);
  int allocation_waits = 0;  // for wait_for_publishing_allocation
  const std::string what = fmt::format("publishing to {}", topic_);

  while (!pending.empty() || recheck_for_field) {
    auto session = tokens_->session();
    if (!session.ok()) return session.error();
    if (stop_ != nullptr && stop_->stop_requested()) {
      return Error::transient("STOPPED", what + ": interrupted by shutdown");
    }
    // A forced recheck that fails is retried like any other (backoff, then the call fails).
    Status schema = refresh_schema(*session, recheck_for_field ? &*recheck_for_field : nullptr);
    if (!schema.ok()) {
      if (schema.error().code == "PUBSUB_UNAUTHENTICATED") (void)tokens_->refresh(session->access_token);
      if (schema.error().kind != ErrorKind::kTransient) return schema.error();
      logger_->warn("{}; retrying", schema.error().message);
      if (!backoff.wait()) return retries_exhausted(backoff, settings_, what, schema.error());
      continue;
    }
    recheck_for_field.reset();
    if (encoded_with != encoder_->schema_id()) {
      // Every event not yet sent is encoded with the current schema: at first, and again when
      // the schema changed during this call, those the previous schema could not encode included
      // (in their original order).
      if (!unencodable.empty()) {
        pending.insert(pending.end(), unencodable.begin(), unencodable.end());
        std::sort(pending.begin(), pending.end());
        unencodable.clear();
      }
      // §3.5: CreatedDate is required (its value is not checked) and CreatedById is the
      // authenticated user.
      const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      std::optional<std::string> lacked_field;
      std::vector<size_t> sendable;
      for (size_t index : pending) {
        outcomes[index] = sink::PublishOutcome{};
        auto payload = encoder_->encode(events[index], now_ms, session->user_id);
        if (!payload.ok()) {
          // Permanent unless a newer schema encodes it (see below).
          outcomes[index].error = payload.error();
          unencodable.push_back(index);
          if (!lacked_field) lacked_field = field_not_in_schema(*encoder_, events[index]);
          continue;
        }
        if (payload->size() > kMaxEventBytes) {
          // §3.6: an event over 1 MB would fail in its own result; it is not sent at all.
          outcomes[index].error = Error::permanent(
              "EVENT_TOO_LARGE", fmt::format("the event is {} bytes as Avro, over the Pub/Sub "
                                             "API's 1 MB limit",
                                             payload->size()));
          continue;
        }
        payloads[index] = std::move(payload.value());
        sendable.push_back(index);
      }
      pending = std::move(sendable);
      encoded_with = encoder_->schema_id();
      // At most one forced recheck per call (this call then has asked the topic), and at most
      // one per kForcedTopicRecheck. Without it the event fails as encoded above: permanently,
      // naming the field.
      if (lacked_field && may_force_topic_recheck(topic_reads_at_start)) {
        recheck_for_field = std::move(lacked_field);
        continue;
      }
    }
    if (pending.empty()) break;

    // One request: at most 200 events and 3 MB (§3.6).
    eventbus::v1::PublishRequest request;
    request.set_topic_name(topic_);
    size_t bytes = 0;
    size_t count = 0;
    // Each event's fresh id, which its result carries back as the correlation key (§3.2), and
    // the index of the event it was given to.
    std::map<std::string, size_t> sent_ids;
    for (; count < pending.size() && count < kMaxEventsPerRequest; ++count) {
      const std::string& payload = payloads[pending[count]];
      if (count > 0 && bytes + payload.size() > kMaxRequestBytes) break;
      bytes += payload.size();
      auto* event = request.add_events();
      std::string id = random_uuid(id_engine_);
      event->set_id(id);
      event->set_schema_id(encoded_with);
      event->set_payload(payload);
      sent_ids.emplace(std::move(id), pending[count]);
    }

    eventbus::v1::PublishResponse response;
    std::string trace;
    grpc::Status status = round_trip(*session, request, &response, &trace);
    if (!status.ok()) {
      if (stop_ != nullptr && stop_->stop_requested()) {
        return Error::transient("STOPPED", what + ": interrupted by shutdown");
      }
      Error failure = rpc_error(status, trace, what);
      if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
        // §4.4: the session expired; log in again and resend the same events.
        logger_->info("{}; refreshing the access token", failure.message);
        (void)tokens_->refresh(session->access_token);
      }
      if (failure.kind != ErrorKind::kTransient) return failure;
      logger_->warn("{}; reconnecting", failure.message);
      if (!backoff.wait()) return retries_exhausted(backoff, settings_, what, failure);
      continue;
    }
    if (static_cast<size_t>(response.results_size()) != count) {
      return Error::fatal("UNEXPECTED_RESPONSE",
                          fmt::format("{}: {} results for {} events", what,
                                      response.results_size(), count));
    }
    // Every result must name an event of the request, each once (§3.5): anything else cannot be
    // matched to the records, so none can be acknowledged or retried safely. Stop; a restart
    // republishes from the last committed offset (at-least-once).
    std::vector<const eventbus::v1::PublishResult*> results_by_event(events.size(), nullptr);
    for (const auto& result : response.results()) {
      auto sent = sent_ids.find(result.correlation_key());
      if (sent == sent_ids.end() || results_by_event[sent->second] != nullptr) {
        return Error::fatal(
            "UNEXPECTED_RESPONSE",
            fmt::format("{}: a result for the event id '{}', which the request {}", what,
                        result.correlation_key(),
                        sent == sent_ids.end() ? "did not contain" : "had answered already"));
      }
      results_by_event[sent->second] = &result;
    }
    std::vector<size_t> retry;
    bool allocation_used_up = false;
    std::chrono::milliseconds retry_floor{0};
    std::optional<Error> last_transient;
    for (size_t k = 0; k < count; ++k) {
      const size_t index = pending[k];
      const eventbus::v1::PublishResult& result = *results_by_event[index];
      if (!result.has_error()) {
        outcomes[index] = sink::PublishOutcome{true, std::nullopt};
        continue;
      }
      // Classified in the one table, as REST's per-record errors are (error_classifier.h).
      const std::string& msg = result.error().msg();
      PubSubEventError failed = classify_pubsub_event_error(msg);
      const std::string code =
          failed.code.empty()
              ? fmt::format("PUBSUB_{}", eventbus::v1::ErrorCode_Name(result.error().code()))
              : failed.code;
      switch (failed.classification.kind) {
        case ErrorKind::kFatal:
          return make_error(failed.classification, code,
                            fmt::format("{}: Salesforce refused an event: {}", what, msg));
        case ErrorKind::kPermanent:
          outcomes[index].error = make_error(
              failed.classification, code,
              fmt::format("Salesforce refused the event for {}: {}", topic_, msg));
          break;
        case ErrorKind::kTransient:
          retry.push_back(index);
          allocation_used_up = allocation_used_up || code == "LIMIT_EXCEEDED";
          retry_floor = std::max(retry_floor, failed.classification.min_backoff);
          last_transient = make_error(failed.classification, code, msg);
          break;
      }
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(count));
    pending.insert(pending.begin(), retry.begin(), retry.end());
    if (allocation_used_up) {
      // The hourly publishing allocation is used up (§7): wait for room, however long, then
      // resend only the events refused for now, with a fresh retry window.
      Status waited = rest_->wait_for_publishing_allocation(what, allocation_waits++);
      if (!waited.ok()) return waited.error();
    } else if (!retry.empty()) {
      // Refused for now (e.g. PLATFORM_EVENT_PUBLISHING_UNAVAILABLE): resent within the retry
      // window, as REST resends its per-record transient failures.
      Error failure = Error::transient(
          last_transient->code,
          fmt::format("{} of {} event(s) were refused for now: {}", retry.size(), count,
                      last_transient->message));
      logger_->warn("{}: {}; retrying those", what, failure.message);
      if (!backoff.wait(retry_floor)) return retries_exhausted(backoff, settings_, what, failure);
      continue;
    }
    backoff.restart();
  }
  return outcomes;
}

}  // namespace sfpe::salesforce
