#include "sink/publish_pipeline.h"

#include <exception>

#include <fmt/format.h>

namespace sfpe::sink {

PublishPipeline::PublishPipeline(std::vector<std::unique_ptr<EventPublisher>> publishers,
                                 std::function<void()> on_completion)
    : publishers_(std::move(publishers)), on_completion_(std::move(on_completion)) {
  threads_.reserve(publishers_.size());
  for (auto& publisher : publishers_) {
    threads_.emplace_back([this, p = publisher.get()] { run(*p); });
  }
}

PublishPipeline::~PublishPipeline() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  job_ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

size_t PublishPipeline::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

void PublishPipeline::submit(uint64_t batch_id, std::vector<Event> events) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back({batch_id, std::move(events)});
    ++in_flight_;
  }
  job_ready_.notify_one();
}

std::vector<PublishPipeline::Completion> PublishPipeline::take_completed(
    std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (completions_.empty() && in_flight_ > 0 && wait.count() > 0) {
    completed_.wait_for(lock, wait, [this] { return !completions_.empty(); });
  }
  std::vector<Completion> done;
  done.reserve(completions_.size());
  while (!completions_.empty()) {
    done.push_back(std::move(completions_.front()));
    completions_.pop_front();
    --in_flight_;
  }
  return done;
}

namespace {

// No exception leaves a publishing thread (it would end the process): one becomes the batch's
// fatal error, and the task fails with it, its records uncommitted.
Result<std::vector<PublishOutcome>> publish(EventPublisher& publisher,
                                            const std::vector<Event>& events) {
  try {
    return publisher.publish(events);
  } catch (const std::exception& e) {
    return Error::fatal("PUBLISH_EXCEPTION", fmt::format("publishing a batch of {} event(s) "
                                                         "failed: {}",
                                                         events.size(), e.what()));
  } catch (...) {
    return Error::fatal("PUBLISH_EXCEPTION", fmt::format("publishing a batch of {} event(s) "
                                                         "failed: unknown exception",
                                                         events.size()));
  }
}

}  // namespace

void PublishPipeline::run(EventPublisher& publisher) {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      job_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Completion completion{job.batch_id, publish(publisher, job.events), std::move(job.events)};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      completions_.push_back(std::move(completion));
    }
    completed_.notify_all();
    if (on_completion_) on_completion_();
  }
}

}  // namespace sfpe::sink
