// Several batches in flight per task: one publishing thread per connection, each with its own
// EventPublisher (its own keep-alive HTTP connection or stream), fed by the task thread and
// reporting back through a completion queue. The task thread never blocks on Salesforce, so it
// keeps polling Kafka, settling outcomes and committing while requests are in flight
// (landscape.md: Vector's driver acknowledges each event as its response arrives).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sink/event_publisher.h"

namespace sfpe::sink {

class PublishPipeline {
 public:
  struct Completion {
    uint64_t batch_id = 0;
    Result<std::vector<PublishOutcome>> outcomes;
    // The batch's events, handed back so that the task thread that built them also frees them:
    // freed on the publishing thread, glibc's cross-thread frees took about a third of the
    // sink's CPU (the profiles in BENCHMARKS.md).
    std::vector<Event> events;
  };

  // One thread per publisher. `on_completion` runs on a publishing thread after a completion is
  // queued (the task uses it to wake its Kafka poll).
  PublishPipeline(std::vector<std::unique_ptr<EventPublisher>> publishers,
                  std::function<void()> on_completion);
  // Waits for the batches being published to finish; queued ones are dropped.
  ~PublishPipeline();
  PublishPipeline(const PublishPipeline&) = delete;
  PublishPipeline& operator=(const PublishPipeline&) = delete;

  size_t capacity() const { return threads_.size(); }
  // Batches submitted whose completion has not been taken yet.
  size_t in_flight() const;
  bool has_room() const { return in_flight() < capacity(); }

  void submit(uint64_t batch_id, std::vector<Event> events);
  // Completions ready now; waits up to `wait` for the first one when none is ready and some
  // batch is in flight.
  std::vector<Completion> take_completed(std::chrono::milliseconds wait);

 private:
  struct Job {
    uint64_t batch_id;
    std::vector<Event> events;
  };
  void run(EventPublisher& publisher);

  std::vector<std::unique_ptr<EventPublisher>> publishers_;
  std::function<void()> on_completion_;
  mutable std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable completed_;
  std::deque<Job> jobs_;
  std::deque<Completion> completions_;
  size_t in_flight_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sfpe::sink
