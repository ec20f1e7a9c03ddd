// Publishes events through the Pub/Sub API (salesforce-api.md §3): GetTopic and GetSchema for
// /event/<Name>__e, each event encoded as an Avro datum of that schema, batches of at most 200
// events and 3 MB written to a long-lived PublishStream, one request in flight per stream (a
// task runs several publishers for several in flight). The stream is closed deliberately before
// the 70 s idle limit (§3.3) and reopened with backoff after any failure; UNAUTHENTICATED
// refreshes the token and resends.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/stop_signal.h"
#include "eventbus/v1/pubsub_api.grpc.pb.h"
#include "salesforce/auth.h"
#include "salesforce/pubsub_encoder.h"
#include "salesforce/rest_client.h"
#include "sink/event_publisher.h"

namespace sfpe::salesforce {

// The channel every publisher of a connector shares (gRPC multiplexes their streams over one
// HTTP/2 connection). TLS against `settings.ca_file` or the system store, except for an
// "http://" endpoint (a local emulator).
std::shared_ptr<grpc::Channel> make_pubsub_channel(const ClientSettings& settings);

class PubSubPublisher : public sink::EventPublisher {
 public:
  // `rest` is used only to wait for the publishing allocation (/limits, §2.5) after a
  // LIMIT_EXCEEDED result; `clock`, `random` and `stop` must outlive the publisher.
  PubSubPublisher(std::shared_ptr<grpc::Channel> channel, std::shared_ptr<TokenProvider> tokens,
                  std::unique_ptr<RestClient> rest, Clock& clock, Random& random,
                  StopSignal* stop, std::shared_ptr<spdlog::logger> logger);
  ~PubSubPublisher() override;

  Result<std::vector<sink::PublishOutcome>> publish(
      const std::vector<nlohmann::json>& events) override;
  void set_keep_alive(std::function<void()> keep_alive) override {
    rest_->set_keep_alive(std::move(keep_alive));
  }

  // Largest event and request the API takes (§3.6).
  static constexpr size_t kMaxEventBytes = 1024 * 1024;
  static constexpr size_t kMaxRequestBytes = 3 * 1024 * 1024;
  static constexpr size_t kMaxEventsPerRequest = 200;

 private:
  struct Stream {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReaderWriter<eventbus::v1::PublishRequest,
                                             eventbus::v1::PublishResponse>>
        rpc;
    Clock::TimePoint opened;
    Clock::TimePoint last_write;
  };

  // The topic's current schema, fetched again when the topic reports another id.
  Status refresh_schema(const Session& session);
  void add_metadata(grpc::ClientContext& context, const Session& session) const;
  // Sends one request on the stream (opening it first if needed) and reads its response.
  grpc::Status round_trip(const Session& session, const eventbus::v1::PublishRequest& request,
                          eventbus::v1::PublishResponse* response);
  void close_stream();
  Error rpc_error(const grpc::Status& status, std::string_view what) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<eventbus::v1::PubSub::Stub> stub_;
  std::shared_ptr<TokenProvider> tokens_;
  std::unique_ptr<RestClient> rest_;
  const ClientSettings& settings_;
  Clock& clock_;
  Random& random_;
  StopSignal* stop_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string topic_;
  std::optional<PubSubEncoder> encoder_;
  Clock::TimePoint topic_checked_;
  std::optional<Stream> stream_;
  // A stop cancels the call in flight, so that a stalled stream cannot hold up shutdown.
  std::mutex cancel_mutex_;
  grpc::ClientContext* active_context_ = nullptr;
  StopSignal watcher_done_;
  std::thread stop_watcher_;
};

}  // namespace sfpe::salesforce
