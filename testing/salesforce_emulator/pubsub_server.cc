// PubSubServer: the unary methods run on gRPC's synchronous thread pool (a latency fault may
// sleep there); PublishStream is a callback reactor with a thread of its own, so the server can
// read ahead while it works, answer in order, and close an idle stream on time.
#include "salesforce_emulator/pubsub_server.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <thread>

#include "eventbus/v1/pubsub_api.grpc.pb.h"
#include "salesforce_emulator/emulator.h"

namespace sfpe::testing {
namespace {

using eventbus::v1::PublishRequest;
using eventbus::v1::PublishResponse;
using std::chrono::steady_clock;

// Well above the 4 MB a PublishRequest may have (§3.6), so that the org, not gRPC's default
// limit, decides what a larger request gets.
constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;

// §3.4: the metadata every call carries (gRPC delivers keys in lower case).
PubSubAuth auth_of(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto value = [&metadata](const char* key) {
    auto found = metadata.find(key);
    return found == metadata.end() ? std::string()
                                   : std::string(found->second.data(), found->second.size());
  };
  return PubSubAuth{value("accesstoken"), value("instanceurl"), value("tenantid")};
}

// The status of a failed call, with Salesforce's error-code trailer when it has one (§3.7).
// Trailers go through the context, so call this before the status is sent.
grpc::Status status_of(grpc::ServerContextBase& context,
                       const std::optional<PubSubFailure>& failure) {
  if (!failure) return grpc::Status::OK;
  if (!failure->error_code.empty()) context.AddTrailingMetadata("error-code", failure->error_code);
  return grpc::Status(failure->code, failure->message);
}

// 70000 -> "70", 1800000 -> "1,800", 500 -> "0.5": seconds as the observed message writes them.
std::string seconds_text(int millis) {
  if (millis % 1000 != 0) return fmt::format("{:g}", millis / 1000.0);
  const std::string digits = std::to_string(millis / 1000);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped;
}

}  // namespace

class PubSubServer::Service final
    : public eventbus::v1::PubSub::WithCallbackMethod_PublishStream<eventbus::v1::PubSub::Service> {
 public:
  explicit Service(PubSubServer& server) : server_(server) {}

  grpc::Status GetTopic(grpc::ServerContext* context, const eventbus::v1::TopicRequest* request,
                        eventbus::v1::TopicInfo* info) override {
    return status_of(*context, server_.org_.pubsub_get_topic(auth_of(*context), *request, info));
  }

  grpc::Status GetSchema(grpc::ServerContext* context, const eventbus::v1::SchemaRequest* request,
                         eventbus::v1::SchemaInfo* info) override {
    return status_of(*context, server_.org_.pubsub_get_schema(auth_of(*context), *request, info));
  }

  grpc::Status Publish(grpc::ServerContext* context, const PublishRequest* request,
                       PublishResponse* response) override {
    return status_of(*context, server_.org_.pubsub_publish(auth_of(*context), *request,
                                                           /*stream_topic=*/nullptr, response));
  }

  using WithCallbackMethod_PublishStream::PublishStream;
  grpc::ServerBidiReactor<PublishRequest, PublishResponse>* PublishStream(
      grpc::CallbackServerContext* context) override;

 private:
  PubSubServer& server_;
};

// One PublishStream (§3.3). gRPC's reactions only queue what arrives; the stream's own thread
// (run()) handles requests one at a time, in arrival order, and writes one response per request
// in that order, while reads continue, so a client may have several requests in flight. The
// thread deletes the reactor once gRPC is done with it (OnDone).
class PubSubServer::StreamReactor final
    : public grpc::ServerBidiReactor<PublishRequest, PublishResponse> {
 public:
  StreamReactor(PubSubServer& server, grpc::CallbackServerContext* context)
      : server_(server),
        context_(context),
        auth_(auth_of(*context)),
        idle_timeout_(
            std::chrono::milliseconds(server.org_.config_.pubsub_stream_idle_timeout_ms)) {
    server_.stream_opened();
    StartRead(&incoming_);
    std::thread([this] { run(); }).detach();
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ok) {
      pending_.push_back(std::move(incoming_));
      incoming_.Clear();
      // gRPC runs no reaction inline in a Start* call, so these may be made under mutex_; doing
      // so keeps them from racing with finish().
      if (!finished_) StartRead(&incoming_);
    } else {
      read_closed_ = true;  // the client half-closed, or the call ended
    }
    changed_.notify_all();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (!ok || finished_) unsent_.clear();  // the call is over: nothing more can be written
    if (!unsent_.empty()) start_next_write_locked();
    changed_.notify_all();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

  void OnDone() override {
    // Notified under the lock: run() deletes this reactor as soon as it sees done_.
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

 private:
  SalesforceEmulator& org() { return server_.org_; }

  void run() {
    std::optional<PubSubFailure> failure = org().pubsub_open_stream(auth_);
    std::string topic;  // fixed by the first request (§3.3)
    auto idle_deadline = steady_clock::now() + idle_timeout_;
    bool client_done = false;
    while (!failure) {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_until(lock, idle_deadline,
                          [this] { return !pending_.empty() || read_closed_ || cancelled_; });
      if (cancelled_) break;  // nobody listens any more
      if (!pending_.empty()) {
        PublishRequest request = std::move(pending_.front());
        pending_.pop_front();
        lock.unlock();
        // §3.3: only a request with at least one event keeps the stream alive.
        if (request.events_size() > 0) idle_deadline = steady_clock::now() + idle_timeout_;
        PublishResponse response;
        failure = org().pubsub_publish(auth_, request, &topic, &response);
        if (!failure) write(std::move(response));
        continue;
      }
      if (read_closed_) {
        client_done = true;
        break;
      }
      // §3.3: no request with an event within the idle timeout. The proto's comments only say
      // the server closes the stream and notifies the client; the status and text are those
      // observed from a real org (with its 1,800 s), here with this org's timeout (unverified).
      failure = PubSubFailure{
          grpc::StatusCode::CANCELLED,
          fmt::format("No publish request was received during the timeout period of {} seconds",
                      seconds_text(static_cast<int>(idle_timeout_.count()))),
          "", false};
    }
    if (failure && failure->reset) {
      // A fault: the stream goes down without a response or a status of the server's making.
      context_->TryCancel();
      finish(grpc::Status::CANCELLED, /*drain=*/false);
    } else if (failure) {
      finish(status_of(*context_, failure), /*drain=*/true);
    } else {
      // The client half-closed and has every response, or it cancelled and gets none.
      finish(client_done ? grpc::Status::OK : grpc::Status::CANCELLED, /*drain=*/client_done);
    }

    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return done_; });
    lock.unlock();
    PubSubServer& server = server_;
    delete this;
    server.stream_closed();
  }

  void write(PublishResponse response) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return;
    unsent_.push_back(std::move(response));
    if (!writing_) start_next_write_locked();
  }

  void start_next_write_locked() {
    in_flight_ = std::move(unsent_.front());
    unsent_.pop_front();
    writing_ = true;
    StartWrite(&in_flight_);
  }

  // Ends the call with `status`; with `drain`, after the responses already decided are out.
  void finish(const grpc::Status& status, bool drain) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (drain) changed_.wait(lock, [this] { return cancelled_ || (!writing_ && unsent_.empty()); });
    finished_ = true;
    Finish(status);
  }

  PubSubServer& server_;
  grpc::CallbackServerContext* const context_;
  const PubSubAuth auth_;
  const std::chrono::milliseconds idle_timeout_;

  std::mutex mutex_;
  std::condition_variable changed_;
  PublishRequest incoming_;             // the read in progress
  std::deque<PublishRequest> pending_;  // read, not yet handled
  std::deque<PublishResponse> unsent_;  // decided, waiting for the write in flight
  PublishResponse in_flight_;           // the write in flight, when writing_
  bool writing_ = false;
  bool read_closed_ = false;
  bool cancelled_ = false;
  bool finished_ = false;  // Finish() called: no new reads
  bool done_ = false;      // OnDone(): gRPC is done with this reactor
};

grpc::ServerBidiReactor<PublishRequest, PublishResponse>* PubSubServer::Service::PublishStream(
    grpc::CallbackServerContext* context) {
  return new StreamReactor(server_, context);
}

PubSubServer::PubSubServer(SalesforceEmulator& org)
    : org_(org), service_(std::make_unique<Service>(*this)) {}

PubSubServer::~PubSubServer() { stop(); }

Status PubSubServer::start(const std::string& host) {
  if (server_) return Error::fatal("EMULATOR", "the Pub/Sub server is already started");
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(host + ":0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  server_ = builder.BuildAndStart();
  if (!server_ || port <= 0) {
    server_.reset();
    return Error::fatal("EMULATOR", fmt::format("cannot listen for gRPC on {}:0", host));
  }
  host_ = host;
  port_ = port;
  return ok_status();
}

std::string PubSubServer::endpoint() const {
  return fmt::format("{}:{}", host_ == "0.0.0.0" ? "127.0.0.1" : host_, port_);
}

void PubSubServer::stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now());  // cancels every call still in flight
  {
    std::unique_lock<std::mutex> lock(streams_mutex_);
    streams_changed_.wait(lock, [this] { return open_streams_ == 0; });
  }
  server_.reset();
}

void PubSubServer::stream_opened() {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  ++open_streams_;
}

void PubSubServer::stream_closed() {
  // Notified under the lock: stop() may destroy this server as soon as it sees zero.
  std::lock_guard<std::mutex> lock(streams_mutex_);
  --open_streams_;
  streams_changed_.notify_all();
}

}  // namespace sfpe::testing
