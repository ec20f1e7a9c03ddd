// REST calls to Salesforce for one task (see rest_client.h): version discovery and describe
// (salesforce-api.md §2.5), publishing through sObject Collections (§2.2), outcomes classified by
// error_classifier.h.
#include "salesforce/rest_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "map/event_mapper.h"
#include "salesforce/json_fields.h"
#include "salesforce/save_results.h"

namespace sfpe::salesforce {
namespace {

constexpr std::string_view kEnqueuedCode = "OPERATION_ENQUEUED";
// The hourly publishing allocation is used up (§2.4, §7).
constexpr std::string_view kLimitExceededCode = "LIMIT_EXCEEDED";

bool is_success(long status) { return status >= 200 && status < 300; }

// Serialises without throwing: invalid UTF-8 is replaced rather than failing the whole batch.
template <typename Json>
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool parse_int(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The Error for a non-2xx answer that is not retried, classified by the table.
Error response_error(const HttpResponse& response, std::string_view what) {
  ApiError api = parse_api_error(response.body);
  return make_error(classify_response(response.status, api.code),
                    api.code.empty() ? fmt::format("HTTP_{}", response.status) : api.code,
                    fmt::format("{} failed: HTTP {}: {}", what, response.status, api.describe()));
}

// Severity for choosing among several errors on one record: whatever is worst decides.
int severity(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransient:
      return 0;
    case ErrorKind::kPermanent:
      return 1;
    case ErrorKind::kFatal:
      return 2;
  }
  return 1;
}

// One item of a collections answer (§2.1, §2.2), reduced to what decides its fate.
struct SaveResult {
  bool success = false;
  std::string id;
  std::string uuid;  // the EventUuid comes as an OPERATION_ENQUEUED "error" on success (§2.1)
  // When not successful: the worst of its errors decides; `detail` lists them all.
  std::string code;
  std::string detail;
  Classification classification;
};

SaveResult read_save_result(RawSaveResult raw) {
  SaveResult result;
  std::vector<ApiError> errors;
  for (ApiError& error : raw.errors) {
    if (error.code == kEnqueuedCode) {
      result.uuid = std::move(error.message);
    } else {
      errors.push_back(std::move(error));
    }
  }
  if (raw.success) {
    result.success = true;
    result.id = std::move(raw.id);
    return result;
  }
  if (errors.empty()) errors.push_back(ApiError{"UNKNOWN", "refused without an error", {}});
  size_t worst = 0;
  result.classification = classify_record_error(errors[0].code);
  for (size_t i = 1; i < errors.size(); ++i) {
    Classification c = classify_record_error(errors[i].code);
    if (severity(c.kind) > severity(result.classification.kind)) {
      result.classification = c;
      worst = i;
    }
  }
  result.code = errors[worst].code;
  result.detail = errors[worst].describe();
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i != worst) result.detail += "; " + errors[i].describe();
  }
  return result;
}

// {"allOrNone":false,"records":[{"attributes":{"type":"<Event>"}, <fields>}, ...]} (§2.2). Built
// by hand so "attributes" leads each record, as in Salesforce's own examples.
std::string collections_body(const std::string& event_name,
                             const std::vector<nlohmann::ordered_json>& events,
                             const std::vector<size_t>& indices) {
  const std::string attributes =
      R"({"attributes":{"type":)" + dump(nlohmann::json(event_name)) + "}";
  std::string body = R"({"allOrNone":false,"records":[)";
  body.reserve(body.size() + indices.size() * 256);
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i > 0) body += ',';
    // One serialisation per event (a serializer is costly to set up): {"a":1,"b":2} becomes
    // {"attributes":{...},"a":1,"b":2}. An "attributes" of the event's own is left out.
    const nlohmann::ordered_json& event = events[indices[i]];
    std::string fields;
    if (event.contains("attributes")) {
      nlohmann::ordered_json without = event;
      without.erase("attributes");
      fields = map::serialize_event(without);
    } else {
      fields = map::serialize_event(event);  // exact Number digits as they are (event_mapper.h)
    }
    body += attributes;
    if (fields.size() > 2) body.append(",").append(fields, 1, fields.size() - 2);
    body += '}';
  }
  body += "]}";
  return body;
}

}  // namespace

const EventField* EventDescription::field(std::string_view field_name) const {
  for (const EventField& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

std::optional<ApiUsage> parse_limit_info(std::string_view header) {
  constexpr std::string_view kKey = "api-usage=";
  auto at = header.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view value = header.substr(at + kKey.size());
  value = value.substr(0, value.find_first_of("; ,"));
  auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ApiUsage usage;
  if (!parse_int(value.substr(0, slash), usage.used) ||
      !parse_int(value.substr(slash + 1), usage.max)) {
    return std::nullopt;
  }
  return usage;
}

std::optional<std::string> normalize_version(std::string_view version) {
  if (!version.empty() && (version.front() == 'v' || version.front() == 'V')) {
    version.remove_prefix(1);
  }
  auto dot = version.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == version.size()) return std::nullopt;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  if (!digits(version.substr(0, dot)) || !digits(version.substr(dot + 1))) return std::nullopt;
  return std::string(version);
}

std::optional<std::string> highest_version(const nlohmann::json& versions) {
  if (!versions.is_array()) return std::nullopt;
  std::optional<std::string> best;
  std::pair<int64_t, int64_t> best_key{-1, -1};
  for (const auto& entry : versions) {
    if (!entry.is_object()) continue;
    std::optional<std::string> version = normalize_version(json_string(entry, "version"));
    if (!version) continue;
    auto dot = version->find('.');
    std::pair<int64_t, int64_t> key;
    // Numeric, so that "100.0" beats "99.0".
    if (!parse_int(std::string_view(*version).substr(0, dot), key.first) ||
        !parse_int(std::string_view(*version).substr(dot + 1), key.second)) {
      continue;
    }
    if (key > best_key) {
      best_key = key;
      best = version;
    }
  }
  return best;
}

RestClient::RestClient(std::shared_ptr<TokenProvider> tokens, Clock& clock, Random& random,
                       StopSignal* stop, std::shared_ptr<spdlog::logger> logger)
    : tokens_(std::move(tokens)),
      settings_(tokens_->settings()),
      clock_(clock),
      random_(random),
      stop_(stop),
      logger_(logger ? std::move(logger) : spdlog::default_logger()),
      http_(http_options(settings_, logger_)) {}

RestClient::~RestClient() = default;

Backoff request_backoff(const ClientSettings& settings, Clock& clock, Random& random,
                        StopSignal* stop) {
  const BackoffPolicy policy{Clock::Duration(settings.retry_backoff_base_ms),
                             Clock::Duration(settings.retry_backoff_max_ms),
                             Clock::Duration(settings.request_max_retries_time_ms)};
  return Backoff(policy, clock, random, stop);
}

Error retries_exhausted(const Backoff& backoff, const ClientSettings& settings,
                        std::string_view what, const Error& last) {
  if (backoff.stop_requested()) {
    return Error::transient("STOPPED", fmt::format("stopped while {}", what));
  }
  return Error::transient(last.code,
                          fmt::format("{} kept failing for {} ms over {} attempts "
                                      "(request.max.retries.time.ms={}); last error: {}",
                                      what, backoff.elapsed().count(), backoff.retries() + 1,
                                      settings.request_max_retries_time_ms, last.message));
}

Backoff RestClient::make_backoff() const {
  return request_backoff(settings_, clock_, random_, stop_);
}

void RestClient::note_limit_info(const HttpResponse& response) {
  auto usage = parse_limit_info(response.header("sforce-limit-info"));
  if (!usage) return;
  api_used_.store(usage->used);
  api_max_.store(usage->max);
  if (usage->max <= 0) return;
  // Warn once as the daily API request allocation passes 80% and once more at 90% (§2.5, §2.6):
  // at 100% every call is refused with REQUEST_LIMIT_EXCEEDED until the day's window moves.
  for (int percent : {90, 80}) {
    if (usage->used * 100 >= usage->max * percent && tokens_->claim_usage_warning(percent)) {
      logger_->warn("Salesforce daily API requests are {}% used ({} of {}, Sforce-Limit-Info)",
                    usage->used * 100 / usage->max, usage->used, usage->max);
      break;
    }
  }
}

void RestClient::sleep_keeping_alive(std::chrono::milliseconds duration) {
  const auto slice = std::chrono::milliseconds(1000);
  while (duration.count() > 0 && !(stop_ != nullptr && stop_->stop_requested())) {
    auto step = std::min(duration, slice);
    clock_.sleep_for(step);
    duration -= step;
    if (keep_alive_) keep_alive_();
  }
}

Result<PublishingAllocation> publishing_allocation_from(const nlohmann::json& limits) {
  // §2.5: every entry of /limits is {"Max": n, "Remaining": n}.
  auto hourly = limits.is_object() ? limits.find("HourlyPublishedPlatformEvents") : limits.end();
  if (!limits.is_object() || hourly == limits.end() || !hourly->is_object()) {
    return Error::fatal("UNEXPECTED_RESPONSE",
                        "the /limits answer has no HourlyPublishedPlatformEvents object");
  }
  auto max = hourly->find("Max");
  auto remaining = hourly->find("Remaining");
  if (max == hourly->end() || !max->is_number_integer() || remaining == hourly->end() ||
      !remaining->is_number_integer()) {
    return Error::fatal("UNEXPECTED_RESPONSE",
                        fmt::format("the /limits answer's HourlyPublishedPlatformEvents is not "
                                    "{{\"Max\": n, \"Remaining\": n}}: {}",
                                    dump(*hourly).substr(0, 200)));
  }
  return PublishingAllocation{max->get<int64_t>(), remaining->get<int64_t>()};
}

Result<PublishingAllocation> RestClient::publishing_allocation() {
  Result<nlohmann::json> answer = limits();
  if (!answer.ok()) return answer.error();
  return publishing_allocation_from(answer.value());
}

Status RestClient::wait_for_publishing_allocation(std::string_view what, int earlier_waits) {
  if (keep_alive_) keep_alive_();
  if (limits_unreadable_) return wait_for_allocation_blindly(what, earlier_waits);
  logger_->warn(
      "{}: the org's hourly platform event publishing allocation is used up (LIMIT_EXCEEDED); "
      "publishing and consumption are paused, and /limits is read every {} ms until it has room",
      what, settings_.limits_poll_interval_ms);
  for (;;) {
    sleep_keeping_alive(std::chrono::milliseconds(settings_.limits_poll_interval_ms));
    if (stop_ != nullptr && stop_->stop_requested()) {
      return Error::transient("STOPPED", fmt::format("{}: stopped while waiting for the "
                                                     "publishing allocation",
                                                     what));
    }
    Result<PublishingAllocation> allocation = publishing_allocation();
    if (!allocation.ok()) {
      if (allocation.error().kind == ErrorKind::kTransient) {
        logger_->warn("reading /limits failed ({}); still waiting", allocation.error().message);
        continue;
      }
      // Refused (403 without "View Setup and Configuration", §2.5) or unreadable: this client
      // stops asking. A poll interval has passed: resend now, and wait blindly from then on.
      limits_unreadable_ = true;
      logger_->warn(
          "reading /limits failed ({}: {}); the publishing allocation is waited for without it "
          "from now on: events are resent with a growing pause, at the latest at the top of each "
          "hour (grant the user \"View Setup and Configuration\" to wait by /limits instead)",
          allocation.error().code, allocation.error().message);
      return ok_status();
    }
    if (allocation->remaining > 0) {
      logger_->info(
          "the hourly publishing allocation has room again ({} of {} events); publishing "
          "resumed",
          allocation->remaining, allocation->max);
      return ok_status();
    }
  }
}

Status RestClient::wait_for_allocation_blindly(std::string_view what, int earlier_waits) {
  using std::chrono::milliseconds;
  // Full jitter over a doubling ceiling from the rate-limit floor up to kAllocationProbeCap: each
  // resend is one request (and one API call on REST), so probing stays cheap however long the
  // wait. The allocation counts the publishes of the last hour (§7), so room may come back any
  // time; the top of the hour is when an hourly counter surely has moved, so no pause goes past
  // it.
  milliseconds ceiling = kRateLimitMinBackoff;
  for (int i = 0; i < earlier_waits && ceiling < kAllocationProbeCap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, kAllocationProbeCap);
  milliseconds pause(static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(ceiling.count()))));
  pause = std::max(pause, kRateLimitMinBackoff);
  const auto since_epoch = std::chrono::duration_cast<milliseconds>(
      clock_.wall_now().time_since_epoch());
  const milliseconds hour = std::chrono::hours(1);
  const milliseconds to_next_hour = hour - since_epoch % hour;
  pause = std::min(pause, to_next_hour);
  logger_->warn(
      "{}: the org's hourly platform event publishing allocation is used up (LIMIT_EXCEEDED); "
      "publishing and consumption are paused for {} ms before the events are resent (/limits "
      "cannot be read)",
      what, pause.count());
  sleep_keeping_alive(pause);
  if (stop_ != nullptr && stop_->stop_requested()) {
    return Error::transient("STOPPED", fmt::format("{}: stopped while waiting for the "
                                                   "publishing allocation",
                                                   what));
  }
  return ok_status();
}

Result<HttpResponse> RestClient::send(const std::string& method, const std::string& path,
                                      const std::string& body) {
  Result<Session> session = tokens_->session();
  if (!session.ok()) return session.error();

  auto send_with = [&](const Session& s) -> Result<HttpResponse> {
    HttpRequest request;
    request.method = method;
    request.url = s.instance_url + path;
    request.headers = {{"Authorization", "Bearer " + s.access_token.reveal()},
                       {"Accept", "application/json"}};
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = body;
    }
    const auto start = clock_.now();
    Result<HttpResponse> response = http_.send(request);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start).count();
    // describe_for_log shows the URL and body size only: never the token or the payload.
    if (!response.ok()) {
      logger_->debug("{} {} -> {} after {} ms", method, describe_for_log(request),
                     response.error().message, elapsed);
      return response;
    }
    logger_->debug("{} {} -> {} in {} ms", method, describe_for_log(request), response->status,
                   elapsed);
    note_limit_info(response.value());
    return response;
  };

  // Whether a fresh token may help is the classifier's call (a 401, §4.4).
  auto needs_new_session = [](const Result<HttpResponse>& response) {
    return response.ok() && !is_success(response->status) &&
           classify_response(response->status, parse_api_error(response->body).code).reauthenticate;
  };
  Result<HttpResponse> first = send_with(session.value());
  if (!needs_new_session(first)) return first;

  // The session expired or was revoked: log in again (once for all tasks) and resend (§4.4).
  // The refused request was not processed, so resending cannot duplicate events.
  logger_->info("Salesforce refused the session ({}); logging in again",
                parse_api_error(first->body).describe());
  Result<Session> renewed = tokens_->refresh(session->access_token);
  if (!renewed.ok()) return renewed.error();
  Result<HttpResponse> second = send_with(renewed.value());
  if (!needs_new_session(second)) return second;
  ApiError refused = parse_api_error(second->body);
  return Error::fatal(
      refused.code.empty() ? "INVALID_SESSION_ID" : refused.code,
      fmt::format("{} {}{} was refused with HTTP {} ({}) even with a freshly "
                  "issued token; check the user's access and the connected "
                  "app's session policies",
                  method, renewed->instance_url, path, second->status, refused.describe()));
}

Result<HttpResponse> RestClient::send_with_retry(const std::string& method, const std::string& path,
                                                 const std::string& body, Backoff& backoff,
                                                 std::string_view what) {
  for (;;) {
    Result<HttpResponse> response = send(method, path, body);
    Classification classification;
    std::optional<Error> failure;
    if (!response.ok()) {
      if (response.error().kind != ErrorKind::kTransient) return response;
      // A transport failure on a POST may hide a request that did arrive: resending can
      // duplicate events, which at-least-once delivery allows (confluent-connector.md §6.5).
      classification = classify_transport_failure();
      failure = response.error();
    } else if (!is_success(response->status)) {
      ApiError api = parse_api_error(response->body);
      classification = classify_response(response->status, api.code);
      if (classification.kind != ErrorKind::kTransient) return response;
      // The publishing allocation (the single-record resource answers the per-record codes as
      // the request's error, §2.1, §2.4): publish_records waits for it, outside the budget.
      if (api.code == kLimitExceededCode) return response;
      failure = make_error(classification,
                           api.code.empty() ? fmt::format("HTTP_{}", response->status) : api.code,
                           fmt::format("HTTP {}: {}", response->status, api.describe()));
    } else {
      return response;
    }
    logger_->warn("{} failed ({}); retrying", what, failure->message);
    if (!backoff.wait(classification.min_backoff)) return gave_up(backoff, what, *failure);
  }
}

Error RestClient::gave_up(const Backoff& backoff, std::string_view what, const Error& last) const {
  return retries_exhausted(backoff, settings_, what, last);
}

Result<nlohmann::json> RestClient::get_json(const std::string& path, std::string_view what) {
  Backoff backoff = make_backoff();
  Result<HttpResponse> response = send_with_retry("GET", path, "", backoff, what);
  if (!response.ok()) return response.error();
  if (!is_success(response->status)) return response_error(response.value(), what);
  nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error::fatal("UNEXPECTED_RESPONSE", fmt::format("{}: the answer is not JSON ({} bytes)",
                                                           what, response->body.size()));
  }
  return parsed;
}

Result<std::string> RestClient::resolve_version() {
  if (version_) return *version_;
  std::string wanted = settings_.version;
  std::transform(wanted.begin(), wanted.end(), wanted.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (wanted != "latest") {
    std::optional<std::string> version = normalize_version(settings_.version);
    if (!version) {
      return Error::fatal("CONFIG", fmt::format("salesforce.version must be 'latest' or a "
                                                "version like '66.0', not '{}'",
                                                settings_.version));
    }
    version_ = *version;
    return *version_;
  }
  Result<nlohmann::json> versions = get_json("/services/data/", "listing Salesforce API versions");
  if (!versions.ok()) return versions.error();
  std::optional<std::string> latest = highest_version(versions.value());
  if (!latest) {
    return Error::fatal("UNEXPECTED_RESPONSE",
                        "GET /services/data/ listed no API version; set salesforce.version");
  }
  logger_->info("Using Salesforce API version {} (salesforce.version=latest)", *latest);
  version_ = *latest;
  return *version_;
}

Result<std::string> RestClient::versioned_path(std::string_view suffix) {
  Result<std::string> version = resolve_version();
  if (!version.ok()) return version.error();
  return fmt::format("/services/data/v{}{}", version.value(), suffix);
}

Result<EventDescription> RestClient::describe_event() {
  Result<std::string> path = versioned_path(
      fmt::format("/sobjects/{}/describe/", HttpClient::url_encode(settings_.event_name)));
  if (!path.ok()) return path.error();
  const std::string what = fmt::format("describing {}", settings_.event_name);
  Result<nlohmann::json> answer = get_json(path.value(), what);
  if (!answer.ok()) {
    // A misspelled or deleted object is 404 NOT_FOUND (§2.4).
    if (answer.error().code == "NOT_FOUND" || answer.error().code == "HTTP_404") {
      return Error::fatal("NOT_FOUND",
                          fmt::format("the platform event '{}' does not exist in the Salesforce "
                                      "org (or the user cannot see it); check "
                                      "salesforce.platform.event.name",
                                      settings_.event_name));
    }
    return answer.error();
  }
  const nlohmann::json& body = answer.value();
  auto fields = body.is_object() ? body.find("fields") : body.end();
  if (!body.is_object() || fields == body.end() || !fields->is_array()) {
    return Error::fatal("UNEXPECTED_RESPONSE",
                        fmt::format("{}: the answer has no fields list", what));
  }
  EventDescription description;
  description.name = json_string(body, "name");
  for (const auto& item : *fields) {
    if (!item.is_object()) continue;
    description.fields.push_back(EventField{json_string(item, "name"), json_string(item, "type"),
                                            json_int(item, "length"), json_bool(item, "createable"),
                                            json_bool(item, "custom"),
                                            static_cast<int>(json_int(item, "precision")),
                                            static_cast<int>(json_int(item, "scale"))});
  }
  return description;
}

Result<nlohmann::json> RestClient::limits() {
  Result<std::string> path = versioned_path("/limits/");
  if (!path.ok()) return path.error();
  return get_json(path.value(), "reading Salesforce limits");
}

Result<std::vector<RecordOutcome>> RestClient::publish(
    const std::vector<nlohmann::ordered_json>& events) {
  std::vector<RecordOutcome> outcomes(events.size());
  std::vector<size_t> sendable;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].is_object()) {
      sendable.push_back(i);
    } else {
      outcomes[i].error = Error::permanent(
          "INVALID_EVENT", fmt::format("the event for {} is a JSON {}, not an object",
                                       settings_.event_name, events[i].type_name()));
    }
  }
  const size_t per_request = single_record_requests_ ? 1 : kMaxRecordsPerRequest;
  for (size_t begin = 0; begin < sendable.size(); begin += per_request) {
    const size_t end = std::min(sendable.size(), begin + per_request);
    std::vector<size_t> chunk(sendable.begin() + static_cast<std::ptrdiff_t>(begin),
                              sendable.begin() + static_cast<std::ptrdiff_t>(end));
    Backoff backoff = make_backoff();  // request.max.retries.time.ms bounds each request
    Status status = publish_records(events, chunk, outcomes, backoff);
    if (!status.ok()) return status.error();
  }
  return outcomes;
}

Status RestClient::publish_records(const std::vector<nlohmann::ordered_json>& events,
                                   std::vector<size_t> pending,
                                   std::vector<RecordOutcome>& outcomes, Backoff& backoff) {
  const std::string& event = settings_.event_name;
  // The single-record resource answers with one SaveResult object (§2.1), Collections with an
  // array of them (§2.2).
  const bool single = single_record_requests_ && pending.size() == 1;
  Result<std::string> path =
      versioned_path(single ? fmt::format("/sobjects/{}/", HttpClient::url_encode(event))
                            : std::string("/composite/sobjects"));
  if (!path.ok()) return path.error();

  int allocation_waits = 0;  // for these records, in this call
  while (!pending.empty()) {
    const std::string what = fmt::format("publishing {} event(s) to {}", pending.size(), event);
    logger_->debug("{} in one request", what);
    Result<HttpResponse> sent = send_with_retry(
        "POST", path.value(),
        single ? map::serialize_event(events[pending.front()])
               : collections_body(event, events, pending),
        backoff, what);
    if (!sent.ok()) return sent.error();
    const HttpResponse& response = sent.value();

    if (!is_success(response.status)) {
      ApiError api = parse_api_error(response.body);
      if (api.code == kLimitExceededCode) {
        // As for per-record LIMIT_EXCEEDED below: wait for the allocation, then resend.
        Status waited = wait_for_publishing_allocation(what, allocation_waits++);
        if (!waited.ok()) return waited;
        backoff.restart();
        continue;
      }
      if (classify_response(response.status, api.code).kind != ErrorKind::kPermanent) {
        return response_error(response, what);
      }
      const std::string code =
          api.code.empty() ? fmt::format("HTTP_{}", response.status) : api.code;
      if (pending.size() == 1) {
        outcomes[pending.front()].error = Error::permanent(
            code, fmt::format("Salesforce refused the event for {}: {}", event, api.describe()));
        return ok_status();
      }
      // The whole request was refused (e.g. INVALID_FIELD, JSON_PARSER_ERROR) for what is
      // likely one record's content: bisect, so that only the bad record(s) fail, and one bad
      // record among 200 costs about 2·log2(200) requests instead of 200.
      logger_->warn(
          "{} was refused as a whole (HTTP {}: {}); sending each half alone to find the bad "
          "one(s)",
          what, response.status, api.describe());
      const auto middle = pending.begin() + static_cast<std::ptrdiff_t>(pending.size() / 2);
      std::vector<size_t> second_half(middle, pending.end());
      pending.erase(middle, pending.end());
      Status first = publish_records(events, std::move(pending), outcomes, backoff);
      if (!first.ok()) return first;
      return publish_records(events, std::move(second_half), outcomes, backoff);
    }

    std::optional<std::vector<RawSaveResult>> results = read_save_results(response.body, single);
    if (!results) {
      // Not the usual shape: read it as a document, with the same tolerance for odd items.
      nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
      if (single && parsed.is_object()) parsed = nlohmann::json::array({std::move(parsed)});
      if (parsed.is_array()) {
        results.emplace();
        for (const auto& item : parsed) results->push_back(raw_save_result(item));
      }
    }
    if (!results || results->size() != pending.size()) {
      // The answer cannot be matched to the records: none can be acknowledged or retried
      // safely (results come in request order, §2.2). Stop; a restart republishes from the last
      // committed offset (at-least-once).
      return Error::fatal(
          "UNEXPECTED_RESPONSE",
          fmt::format("{}: Salesforce answered HTTP {} with {} results for {} records", what,
                      response.status,
                      results ? std::to_string(results->size()) : "no list of",
                      pending.size()));
    }

    std::vector<size_t> retry;
    std::chrono::milliseconds retry_floor{0};
    std::optional<Error> last_transient;
    bool allocation_used_up = false;
    for (size_t i = 0; i < pending.size(); ++i) {
      SaveResult result = read_save_result(std::move((*results)[i]));
      RecordOutcome& outcome = outcomes[pending[i]];
      if (result.success) {
        outcome = RecordOutcome{true, std::move(result.id), std::move(result.uuid), std::nullopt};
        continue;
      }
      switch (result.classification.kind) {
        case ErrorKind::kFatal:
          return make_error(
              result.classification, result.code,
              fmt::format("{}: Salesforce refused an event: {}", what, result.detail));
        case ErrorKind::kPermanent:
          outcome.error = make_error(
              result.classification, result.code,
              fmt::format("Salesforce refused the event for {}: {}", event, result.detail));
          break;
        case ErrorKind::kTransient:
          allocation_used_up = allocation_used_up || result.code == kLimitExceededCode;
          retry.push_back(pending[i]);
          retry_floor = std::max(retry_floor, result.classification.min_backoff);
          last_transient = make_error(result.classification, result.code, result.detail);
          break;
      }
    }
    if (retry.empty()) return ok_status();

    if (allocation_used_up) {
      // Not a failure to budget: the allocation comes back with the hour. Wait for it, however
      // long, then resend these records with a fresh retry window.
      Status waited = wait_for_publishing_allocation(what, allocation_waits++);
      if (!waited.ok()) return waited;
      backoff.restart();
      pending = std::move(retry);
      continue;
    }

    Error failure = Error::transient(
        last_transient->code, fmt::format("{} of {} event(s) were refused for now: {}",
                                          retry.size(), pending.size(), last_transient->message));
    logger_->warn("{}: {}; retrying those", what, failure.message);
    if (!backoff.wait(retry_floor)) return gave_up(backoff, what, failure);
    pending = std::move(retry);
  }
  return ok_status();
}

}  // namespace sfpe::salesforce
