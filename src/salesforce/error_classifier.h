// The one table that turns every Salesforce outcome (transport failure, HTTP status, REST
// errorCode, per-record statusCode, OAuth error) into an ErrorKind: retry, route the record, or
// stop the task. Every retry decision in src/salesforce/ asks this file.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sfpe::salesforce {

// Minimum pause before retrying after an API-request or publishing allocation was exhausted
// (REQUEST_LIMIT_EXCEEDED, LIMIT_EXCEEDED): those windows are hourly or daily, or a count of
// concurrent long requests (salesforce-api.md §2.4, §7), so retrying within the usual first
// sub-second delays only burns more API calls.
inline constexpr std::chrono::milliseconds kRateLimitMinBackoff{10000};

struct Classification {
  ErrorKind kind = ErrorKind::kPermanent;
  // 401: the session expired or was revoked (salesforce-api.md §4.4). Get a new token and resend
  // once; `kind` (fatal) applies if the fresh token is refused too.
  bool reauthenticate = false;
  // Raises the backoff's jittered delay for this failure (see kRateLimitMinBackoff).
  std::chrono::milliseconds min_backoff{0};
};

// A connection refused or reset, a timeout, a TLS failure: the request may not have arrived.
Classification classify_transport_failure();

// A non-2xx response from a REST resource, with the body's errorCode (empty if none). A known code
// decides (INVALID_TYPE of a whole request is fatal: the event type is unknown); otherwise the
// status does: 5xx, 408 and 429 are transient; 400 and 413 are permanent
// (the payload is at fault, and a multi-record request is then split to find the record); 401
// re-authenticates; any other status (403, 404, 405, 409, 410, 415, ...) is fatal.
Classification classify_response(long http_status, std::string_view error_code);

// One statusCode from a per-record SaveResult's errors[] (salesforce-api.md §2.2). Unknown codes
// are permanent: the record was refused for a reason of its own that retrying is not known to
// fix, and routing it (DLQ / error topic) keeps the partition moving instead of blocking it.
Classification classify_record_error(std::string_view status_code);

// A failed event of a Pub/Sub PublishResponse (salesforce-api.md §3.7): the RPC succeeded, and the
// event's PublishResult.error says little in its `code` (PUBLISH, COMMIT, UNKNOWN) while its
// `msg` text is unverified. A Salesforce status code named in the msg as a word (e.g.
// "LIMIT_EXCEEDED: The number of ...") is classified as classify_record_error() does for REST;
// without one, a msg that says to try again later has PLATFORM_EVENT_PUBLISHING_UNAVAILABLE's
// meaning ("temporarily unavailable; try again later", §2.4) and is transient; anything else is
// permanent. `code` is the status code found, else empty.
struct PubSubEventError {
  Classification classification;
  std::string code;
};
PubSubEventError classify_pubsub_event_error(std::string_view message);

// A failed call to the OAuth token endpoint: HTTP status and the body's `error`
// (salesforce-api.md §4.1). Credentials and client errors are fatal; 5xx and rate limits are
// transient; an unknown 4xx is fatal, since the same login will be refused again.
Classification classify_token_error(long http_status, std::string_view oauth_error);

// One Salesforce error: a top-level REST error uses `errorCode`, a per-record one `statusCode`
// (salesforce-api.md §2.2, §2.4); both carry `message` and `fields`.
struct ApiError {
  std::string code;
  std::string message;
  std::vector<std::string> fields;

  // "STRING_TOO_LONG: Value too long for field (fields: TextField__c)"
  std::string describe() const;

  bool operator==(const ApiError&) const = default;
};

// Reads one error object; tolerates missing or mistyped keys.
ApiError api_error_from_json(const nlohmann::json& item);

// The first error of a non-2xx REST body: normally a JSON array of errors, sometimes a single
// object; anything else becomes an ApiError whose message is the (shortened) body text.
ApiError parse_api_error(std::string_view body);

// Builds the Error for a classified failure.
Error make_error(const Classification& classification, std::string code, std::string message);

}  // namespace sfpe::salesforce
