// The REST side of Salesforce for one task: API version discovery, the event's describe, and
// publishing events through sObject Collections (salesforce-api.md §2.2) with per-record
// outcomes, re-authentication on 401 and classified, budgeted retries.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/http_client.h"
#include "common/result.h"
#include "common/stop_signal.h"
#include "salesforce/auth.h"
#include "salesforce/error_classifier.h"

namespace sfpe::salesforce {

struct EventField {
  std::string name;
  std::string type;  // describe type: string, double, boolean, date, datetime, textarea, ...
  int64_t length = 0;
  bool createable = false;
  bool custom = false;
  int precision = 0;  // double fields
  int scale = 0;
};

struct EventDescription {
  std::string name;
  std::vector<EventField> fields;

  const EventField* field(std::string_view field_name) const;
};

// The fate of one event given to publish(), at the same index.
struct RecordOutcome {
  bool accepted = false;
  std::string id;              // SaveResult id; not unique, not the event's identity (§2.1)
  std::string uuid;            // EventUuid, from the OPERATION_ENQUEUED entry (§2.1); may be empty
  std::optional<Error> error;  // set when not accepted: permanent (route it) or fatal
};

// HourlyPublishedPlatformEvents of GET /limits (salesforce-api.md §2.5).
struct PublishingAllocation {
  int64_t max = 0;
  int64_t remaining = 0;
};

// Reads HourlyPublishedPlatformEvents from a /limits answer. Anything but an object holding it as
// {"Max": n, "Remaining": n} is a fatal UNEXPECTED_RESPONSE, never an exception.
Result<PublishingAllocation> publishing_allocation_from(const nlohmann::json& limits);

// The longest blind wait between two resends while the publishing allocation is used up and
// /limits cannot be read (see RestClient::wait_for_publishing_allocation).
inline constexpr std::chrono::milliseconds kAllocationProbeCap{300000};

// Last `Sforce-Limit-Info: api-usage=<used>/<max>` seen (§2.5); -1 before any.
struct ApiUsage {
  int64_t used = -1;
  int64_t max = -1;
};

// One per task; not thread-safe (it owns one HttpClient). The TokenProvider is shared.
class RestClient {
 public:
  // sObject Collections accepts at most 200 records a call (§2.2).
  static constexpr size_t kMaxRecordsPerRequest = 200;

  // `clock`, `random` and `stop` (may be null) must outlive the client; a null logger logs to
  // spdlog's default logger. Settings come from tokens->settings().
  RestClient(std::shared_ptr<TokenProvider> tokens, Clock& clock, Random& random,
             StopSignal* stop = nullptr, std::shared_ptr<spdlog::logger> logger = nullptr);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // The API version to use, as "66.0": settings.version as given ("66.0" or "v66.0"), or for
  // "latest" the highest one listed by GET {instance_url}/services/data/ (§2.5). Cached.
  Result<std::string> resolve_version();

  // GET /services/data/vXX.X/sobjects/{event}/describe/. A 404 is a fatal Error naming the event.
  Result<EventDescription> describe_event();

  // Publishes `events` (objects of field name -> JSON value, without "attributes") as the
  // configured event, at most 200 a request, and returns one outcome per event, in order.
  // Transient failures are retried (only the records that failed) within
  // request_max_retries_time_ms, after which the call fails with a transient Error; permanent
  // per-record errors come back in the outcomes at once; a fatal condition fails the call.
  Result<std::vector<RecordOutcome>> publish(const std::vector<nlohmann::ordered_json>& events);

  // GET /services/data/vXX.X/limits/ (§2.5), as returned.
  Result<nlohmann::json> limits();

  // HourlyPublishedPlatformEvents from /limits; errors as limits() and
  // publishing_allocation_from() give them.
  Result<PublishingAllocation> publishing_allocation();

  // LIMIT_EXCEEDED: the org's hourly publishing allocation is used up (§2.4, §7); nothing is
  // dropped or dead-lettered meanwhile, and the wait is not bounded by the retry budget. While
  // /limits can be read, waits (reading it every limits_poll_interval_ms) until
  // HourlyPublishedPlatformEvents has room again. /limits needs "View Setup and Configuration"
  // (§2.5), which a least-privilege user lacks: once it was refused (or answered something
  // unreadable), each call waits one step of a backoff instead, never past the top of the next
  // hour, after which the caller resends. `earlier_waits` counts this caller's waits for the same
  // records so far (0 at the first); it sets the step. An Error only on shutdown.
  Status wait_for_publishing_allocation(std::string_view what, int earlier_waits = 0);

  ApiUsage api_usage() const { return {api_used_.load(), api_max_.load()}; }

  // Called at least once a second while publish() waits for the publishing allocation.
  void set_keep_alive(std::function<void()> keep_alive) { keep_alive_ = std::move(keep_alive); }

  // One POST /sobjects/{event}/ per event (§2.1) instead of sObject Collections: the original
  // connector's one-call-per-record method (salesforce.publish.batch.size=1).
  void set_single_record_requests(bool single) { single_record_requests_ = single; }

 private:
  // One request with the current session's token; a 401 refreshes the token and resends once.
  // Errors: transport failures (transient) and login failures. Any HTTP status is a response.
  Result<HttpResponse> send(const std::string& method, const std::string& path,
                            const std::string& body);
  // send() again while the outcome is transient (transport, 5xx, rate limits), within `backoff`.
  // Returns the first non-transient response, or an Error when the budget or the task ends.
  Result<HttpResponse> send_with_retry(const std::string& method, const std::string& path,
                                       const std::string& body, Backoff& backoff,
                                       std::string_view what);
  // GET of a JSON resource, with retries; non-2xx statuses become classified Errors.
  Result<nlohmann::json> get_json(const std::string& path, std::string_view what);

  // Publishes events[pending] (≤ 200) in one request, filling outcomes[index] for each; retries
  // the records that failed transiently, and bisects a request refused as a whole (400) until
  // the bad records stand alone. All retries draw on `backoff`.
  Status publish_records(const std::vector<nlohmann::ordered_json>& events,
                         std::vector<size_t> pending, std::vector<RecordOutcome>& outcomes,
                         Backoff& backoff);
  Result<std::string> versioned_path(std::string_view suffix);
  Error gave_up(const Backoff& backoff, std::string_view what, const Error& last) const;
  Backoff make_backoff() const;
  void note_limit_info(const HttpResponse& response);
  // Sleeps `duration` in slices of at most a second, calling keep_alive_ after each.
  void sleep_keeping_alive(std::chrono::milliseconds duration);
  // One blind step of wait_for_publishing_allocation (see there).
  Status wait_for_allocation_blindly(std::string_view what, int earlier_waits);

  std::shared_ptr<TokenProvider> tokens_;
  const ClientSettings& settings_;
  Clock& clock_;
  Random& random_;
  StopSignal* stop_;
  std::shared_ptr<spdlog::logger> logger_;
  HttpClient http_;
  std::optional<std::string> version_;
  std::atomic<int64_t> api_used_{-1};
  std::atomic<int64_t> api_max_{-1};
  std::function<void()> keep_alive_;
  bool single_record_requests_ = false;
  bool limits_unreadable_ = false;  // /limits was refused or unreadable: wait without it
};

// The retry sequence of one Salesforce request: settings' backoff shape within
// request.max.retries.time.ms. Shared by the REST client and the Pub/Sub publisher.
Backoff request_backoff(const ClientSettings& settings, Clock& clock, Random& random,
                        StopSignal* stop);
// The transient Error once `backoff` has given up on `what` (or a stop ended it).
Error retries_exhausted(const Backoff& backoff, const ClientSettings& settings,
                        std::string_view what, const Error& last);

// Parses "api-usage=10018/100000; api-bursts=1/750" (§2.5); nullopt if absent or malformed.
std::optional<ApiUsage> parse_limit_info(std::string_view header);

// "66.0" from "66.0" or "v66.0"; nullopt unless it is <digits>.<digits>.
std::optional<std::string> normalize_version(std::string_view version);

// The highest "version" in a GET /services/data/ answer, compared numerically.
std::optional<std::string> highest_version(const nlohmann::json& versions);

}  // namespace sfpe::salesforce
