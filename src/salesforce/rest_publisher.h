// Adapts the REST client to the task's EventPublisher: sObject Collections, per-record outcomes.
#pragma once

#include <memory>
#include <vector>

#include "salesforce/rest_client.h"
#include "sink/event_publisher.h"

namespace sfpe::salesforce {

class RestPublisher : public sink::EventPublisher {
 public:
  explicit RestPublisher(std::unique_ptr<RestClient> client) : client_(std::move(client)) {}

  Result<std::vector<sink::PublishOutcome>> publish(
      const std::vector<sink::Event>& events) override {
    auto outcomes = client_->publish(events);
    if (!outcomes.ok()) return outcomes.error();
    std::vector<sink::PublishOutcome> result;
    result.reserve(outcomes->size());
    for (auto& outcome : *outcomes) {
      result.push_back({outcome.accepted, std::move(outcome.error)});
    }
    return result;
  }

  void set_keep_alive(std::function<void()> keep_alive) override {
    client_->set_keep_alive(std::move(keep_alive));
  }

  RestClient& client() { return *client_; }

 private:
  std::unique_ptr<RestClient> client_;
};

}  // namespace sfpe::salesforce
