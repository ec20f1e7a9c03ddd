// The Salesforce emulator's Pub/Sub API endpoint (salesforce-api.md §3): plaintext gRPC serving
// eventbus.v1.PubSub's GetTopic, GetSchema, Publish and PublishStream. It only carries calls:
// metadata in, statuses and trailers out, PublishStream's ordering and idle timeout. What each
// call means is decided by the SalesforceEmulator that owns it (emulator_pubsub.cc).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace sfpe::testing {

class SalesforceEmulator;

class PubSubServer {
 public:
  // `org` must outlive this server.
  explicit PubSubServer(SalesforceEmulator& org);
  ~PubSubServer();  // stops
  PubSubServer(const PubSubServer&) = delete;
  PubSubServer& operator=(const PubSubServer&) = delete;

  // Listens on an ephemeral port of `host`.
  Status start(const std::string& host);
  std::string endpoint() const;  // "127.0.0.1:PORT"
  // Cancels the calls in flight and waits until every stream has ended. Call after the org's
  // stop signal, so no call still sleeps out a latency fault.
  void stop();

 private:
  class Service;
  class StreamReactor;

  void stream_opened();
  void stream_closed();

  SalesforceEmulator& org_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string host_;
  int port_ = 0;

  std::mutex streams_mutex_;
  std::condition_variable streams_changed_;
  int open_streams_ = 0;  // StreamReactors alive (each owns a thread until it is deleted)
};

}  // namespace sfpe::testing
