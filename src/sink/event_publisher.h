// What the task needs from the Salesforce side: publish a batch of event bodies and learn, for
// each one in order, whether Salesforce accepted it. REST Collections implement it today.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sfpe::sink {

// One event body: field name -> JSON value in the record's field order, as mapping makes it
// (map::EventJson). Kept in that form from mapping to the request, never copied.
using Event = nlohmann::ordered_json;

struct PublishOutcome {
  bool accepted = false;
  std::optional<Error> error;  // set when not accepted: always permanent for this record
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // One outcome per event, in order. An Error means the whole call failed: transient failures
  // that outlived the retry window, or a fatal condition; no outcome is known then.
  virtual Result<std::vector<PublishOutcome>> publish(const std::vector<Event>& events) = 0;

  // Called at least once a second while publish() waits for long (an exhausted publishing
  // allocation), so that the task can pause its partitions and keep serving its consumer group.
  virtual void set_keep_alive(std::function<void()> keep_alive) { (void)keep_alive; }
};

}  // namespace sfpe::sink
