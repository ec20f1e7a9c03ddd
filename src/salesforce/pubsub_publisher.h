// Publishes events through the Pub/Sub API (salesforce-api.md §3): GetTopic and GetSchema for
// /event/<Name>__e, each event encoded as an Avro datum of that schema, batches of at most 200
// events and 3 MB written to a long-lived PublishStream, one request in flight per stream (a
// task runs several publishers for several in flight). The stream is closed deliberately before
// the 70 s idle limit (§3.3) and reopened with backoff after any failure; UNAUTHENTICATED
// refreshes the token and resends.
//
// The topic's schema id is checked every few minutes; in between, an event naming a field the
// cached schema lacks (a field just added to the event in Salesforce) makes the publisher ask the
// topic again at once, at most once per publish() call and once per kForcedTopicRecheck, and
// encode the batch again if the schema changed (see publish()).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
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
// HTTP/2 connection). TLS against the certificates of `settings.ca_file` or, when it is empty,
// the system store; plaintext only for an "http://" endpoint on a loopback host (a local
// emulator). An unreadable CA file or a plaintext endpoint elsewhere is a fatal CONFIG_INVALID
// error, never a channel that trusts something else.
Result<std::shared_ptr<grpc::Channel>> make_pubsub_channel(const ClientSettings& settings);

class PubSubPublisher : public sink::EventPublisher {
 public:
  // `rest` is used only to wait for the publishing allocation (/limits, §2.5) after a
  // LIMIT_EXCEEDED result; `clock`, `random` and `stop` must outlive the publisher.
  PubSubPublisher(std::shared_ptr<grpc::Channel> channel, std::shared_ptr<TokenProvider> tokens,
                  std::unique_ptr<RestClient> rest, Clock& clock, Random& random,
                  StopSignal* stop, std::shared_ptr<spdlog::logger> logger);
  ~PubSubPublisher() override;

  Result<std::vector<sink::PublishOutcome>> publish(
      const std::vector<sink::Event>& events) override;
  void set_keep_alive(std::function<void()> keep_alive) override {
    rest_->set_keep_alive(std::move(keep_alive));
  }

  // Largest event and request the API takes (§3.6).
  static constexpr size_t kMaxEventBytes = 1024 * 1024;
  static constexpr size_t kMaxRequestBytes = 3 * 1024 * 1024;
  static constexpr size_t kMaxEventsPerRequest = 200;
  // Least time between two rechecks of the topic forced by an event with a field the schema
  // lacks. A stream of records with a field the event truly lacks then costs at most one
  // GetTopic per interval, whatever the batch rate. The price: a record using a field just added
  // to the event still fails if it comes less than this long after such a recheck.
  static constexpr std::chrono::seconds kForcedTopicRecheck{5};

 private:
  struct Stream {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReaderWriter<eventbus::v1::PublishRequest,
                                             eventbus::v1::PublishResponse>>
        rpc;
    Clock::TimePoint opened;
    Clock::TimePoint last_write;
  };

  // The topic's current schema, fetched again when the topic reports another id. The topic is
  // asked when it was last asked kTopicRecheck ago or more, or at once when `forced_by_field` is
  // set: the name of an event's field the current schema lacks, for the log.
  Status refresh_schema(const Session& session, const std::string* forced_by_field = nullptr);
  // Whether an event with a field the current schema lacks may have the topic asked again now:
  // not when this publish() call already asked it (`topic_reads_at_start` is topic_reads_ when
  // the call began), nor within kForcedTopicRecheck of the last forced recheck. When it may,
  // the recheck is counted as done now.
  bool may_force_topic_recheck(uint64_t topic_reads_at_start);
  void add_metadata(grpc::ClientContext& context, const Session& session) const;
  // Sends one request on the stream (opening it first if needed) and reads its response. When
  // the RPC failed, `trace` is what Salesforce added to it (error-code trailer, rpcId; §3.7).
  grpc::Status round_trip(const Session& session, const eventbus::v1::PublishRequest& request,
                          eventbus::v1::PublishResponse* response, std::string* trace);
  void close_stream();
  // The Error of a failed RPC; `trace` names its error-code trailer and rpcId (§3.7).
  Error rpc_error(const grpc::Status& status, std::string_view trace, std::string_view what) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<eventbus::v1::PubSub::Stub> stub_;
  std::shared_ptr<TokenProvider> tokens_;
  std::unique_ptr<RestClient> rest_;
  const ClientSettings& settings_;
  Clock& clock_;
  Random& random_;
  // Event ids: seeded once from `random_`, so that they differ from request to request even
  // under a fake source, and are reproducible under one.
  std::mt19937_64 id_engine_;
  StopSignal* stop_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string topic_;
  std::optional<PubSubEncoder> encoder_;
  Clock::TimePoint topic_checked_;
  uint64_t topic_reads_ = 0;  // GetTopic calls answered
  std::optional<Clock::TimePoint> last_forced_recheck_;
  std::optional<Stream> stream_;
  // A stop cancels the call in flight, so that a stalled stream cannot hold up shutdown.
  std::mutex cancel_mutex_;
  grpc::ClientContext* active_context_ = nullptr;
  StopSignal watcher_done_;
  std::thread stop_watcher_;
};

}  // namespace sfpe::salesforce
