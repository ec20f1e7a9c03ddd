// The classification table for Salesforce outcomes (see error_classifier.h). Codes and their
// meaning come from salesforce-api.md §2.4 (REST status codes, platform-event status codes) and
// §4.1 (OAuth errors); confluent-connector.md §6.3 and §7 explain why permanent errors must never
// be retried (the original retried STRING_TOO_LONG for 15 minutes).
#include "salesforce/error_classifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "salesforce/json_fields.h"

namespace sfpe::salesforce {
namespace {

using std::chrono::milliseconds;

struct CodeRule {
  std::string_view code;
  ErrorKind kind;
  milliseconds min_backoff;
};

constexpr milliseconds kNoFloor{0};

// Salesforce codes, the same at request level (errorCode) and per record (statusCode).
constexpr std::array kCodeTable = {
    // Transient: the service says "later".
    // Documented as "temporarily unavailable; try again later" (§2.4).
    CodeRule{"PLATFORM_EVENT_PUBLISHING_UNAVAILABLE", ErrorKind::kTransient, kNoFloor},
    // Not documented for REST; follows the 503 semantics (§2.4, unverified).
    CodeRule{"SERVER_UNAVAILABLE", ErrorKind::kTransient, kNoFloor},
    // Record-lock contention inside Salesforce; it clears by itself.
    CodeRule{"UNABLE_TO_LOCK_ROW", ErrorKind::kTransient, kNoFloor},
    // Hourly publishing allocation exhausted; events neither published nor queued (§2.4, §7).
    // Retried with a long floor; pausing the consumer until the window frees is left to the sink.
    CodeRule{"LIMIT_EXCEEDED", ErrorKind::kTransient, kRateLimitMinBackoff},
    // Daily API requests or concurrent long-running requests exhausted (§2.4).
    CodeRule{"REQUEST_LIMIT_EXCEEDED", ErrorKind::kTransient, kRateLimitMinBackoff},
    // Salesforce's own internal error, the per-record face of a 500 (unverified).
    CodeRule{"UNKNOWN_EXCEPTION", ErrorKind::kTransient, kNoFloor},
    // The record itself was valid; another one in an allOrNone request failed (§2.2).
    CodeRule{"ALL_OR_NONE_OPERATION_ROLLED_BACK", ErrorKind::kTransient, kNoFloor},

    // Permanent: this record's content is refused, and will be refused again (§2.4).
    CodeRule{"STRING_TOO_LONG", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"INVALID_FIELD", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"JSON_PARSER_ERROR", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"REQUIRED_FIELD_MISSING", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"INVALID_TYPE", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"FIELD_INTEGRITY_EXCEPTION", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"MALFORMED_ID", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"NUMBER_OUTSIDE_VALID_RANGE", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"PLATFORM_EVENT_ENCRYPTION_ERROR", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"INVALID_FIELD_FOR_INSERT_UPDATE", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"INVALID_TYPE_ON_FIELD_IN_RECORD", ErrorKind::kPermanent, kNoFloor},
    CodeRule{"FIELD_CUSTOM_VALIDATION_EXCEPTION", ErrorKind::kPermanent, kNoFloor},

    // Fatal: no record can be published until someone changes the org or the configuration.
    // The event object is missing (a misspelled object gives 404 NOT_FOUND, §2.4).
    CodeRule{"NOT_FOUND", ErrorKind::kFatal, kNoFloor},
    // The user lost Create on the event (PE Guide: takes effect within 10 minutes, §3/§6).
    CodeRule{"INSUFFICIENT_ACCESS_OR_READONLY", ErrorKind::kFatal, kNoFloor},
    CodeRule{"INSUFFICIENT_ACCESS", ErrorKind::kFatal, kNoFloor},
    CodeRule{"API_DISABLED_FOR_ORG", ErrorKind::kFatal, kNoFloor},
    CodeRule{"API_CURRENTLY_DISABLED", ErrorKind::kFatal, kNoFloor},
};

// OAuth token-endpoint `error` values (§4.1, §4.2; RFC 6749 §5.2).
constexpr std::array kOAuthTable = {
    CodeRule{"invalid_grant", ErrorKind::kFatal, kNoFloor},  // bad password/token, flow disabled
    CodeRule{"invalid_client_id", ErrorKind::kFatal, kNoFloor},
    CodeRule{"invalid_client", ErrorKind::kFatal, kNoFloor},
    CodeRule{"invalid_client_credentials", ErrorKind::kFatal, kNoFloor},
    CodeRule{"unauthorized_client", ErrorKind::kFatal, kNoFloor},
    CodeRule{"unsupported_grant_type", ErrorKind::kFatal, kNoFloor},
    CodeRule{"invalid_request", ErrorKind::kFatal, kNoFloor},
    CodeRule{"inactive_user", ErrorKind::kFatal, kNoFloor},
    CodeRule{"inactive_org", ErrorKind::kFatal, kNoFloor},
    // Login rate limit (community list, §4.1): it frees up with time.
    CodeRule{"rate_limit_exceeded", ErrorKind::kTransient, kRateLimitMinBackoff},
};

template <size_t N>
const CodeRule* find_rule(const std::array<CodeRule, N>& table, std::string_view code) {
  if (code.empty()) return nullptr;
  for (const CodeRule& rule : table) {
    if (rule.code == code) return &rule;
  }
  return nullptr;
}

Classification from_rule(const CodeRule& rule) { return {rule.kind, false, rule.min_backoff}; }

// Statuses that mean "try again later" whatever the body says (RFC 9110: 408, 429, 5xx; §2.4:
// 500, 502, 503).
bool is_retryable_status(long status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace

Classification classify_transport_failure() { return {ErrorKind::kTransient, false, kNoFloor}; }

Classification classify_response(long http_status, std::string_view error_code) {
  // INVALID_SESSION_ID, INVALID_AUTH_HEADER, or no body at all: a new token may fix it (§4.4).
  if (http_status == 401) return {ErrorKind::kFatal, true, kNoFloor};
  // Per record, INVALID_TYPE is about a value; for a whole request it means the sObject type in
  // attributes.type is unknown ("sObject type '...' is not supported"). Every record carries the
  // configured event as its type, so the event is missing for all of them (unverified on
  // /composite/sobjects, salesforce-api.md §10): stop rather than dead-letter every record.
  if (error_code == "INVALID_TYPE") return {ErrorKind::kFatal, false, kNoFloor};
  if (const CodeRule* rule = find_rule(kCodeTable, error_code)) return from_rule(*rule);
  if (is_retryable_status(http_status)) return {ErrorKind::kTransient, false, kNoFloor};
  // 400: "usually a JSON body error" (§2.4); 413: too large. The payload is at fault.
  if (http_status == 400 || http_status == 413) return {ErrorKind::kPermanent, false, kNoFloor};
  // Anything else (403 without a rate-limit code, 404, 405, 409 version conflict, 410 retired,
  // 414/431, 415, 420, redirects) is about the endpoint, version, permissions or org, not one
  // record: it would fail for every record alike, and dead-lettering them all would silently
  // drain the topic. Stop and let an operator look.
  return {ErrorKind::kFatal, false, kNoFloor};
}

Classification classify_record_error(std::string_view status_code) {
  // Not expected per record (a dead session fails the whole request with 401); if it happens,
  // retrying those records lets the next request meet the 401 and renew the session.
  if (status_code == "INVALID_SESSION_ID") return {ErrorKind::kTransient, false, kNoFloor};
  if (const CodeRule* rule = find_rule(kCodeTable, status_code)) return from_rule(*rule);
  return {ErrorKind::kPermanent, false, kNoFloor};
}

PubSubEventError classify_pubsub_event_error(std::string_view message) {
  // The words of the msg made of A-Z, 0-9 and '_' only: a whole word, so that
  // REQUEST_LIMIT_EXCEEDED is not read as LIMIT_EXCEEDED.
  auto is_code_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (size_t at = 0; at < message.size();) {
    if (!is_code_char(message[at])) {
      ++at;
      continue;
    }
    size_t end = at;
    while (end < message.size() && is_code_char(message[end])) ++end;
    auto letter_or_digit = [&](size_t i) {
      return std::isalnum(static_cast<unsigned char>(message[i])) != 0;
    };
    const bool whole_word =
        (at == 0 || !letter_or_digit(at - 1)) && (end == message.size() || !letter_or_digit(end));
    const std::string_view word = message.substr(at, end - at);
    if (whole_word) {
      if (const CodeRule* rule = find_rule(kCodeTable, word)) {
        return {from_rule(*rule), std::string(word)};
      }
    }
    at = end;
  }
  std::string lower(message);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("try again later") != std::string::npos) {
    return {{ErrorKind::kTransient, false, kNoFloor}, {}};
  }
  return {{ErrorKind::kPermanent, false, kNoFloor}, {}};
}

Classification classify_token_error(long http_status, std::string_view oauth_error) {
  if (const CodeRule* rule = find_rule(kOAuthTable, oauth_error)) return from_rule(*rule);
  if (is_retryable_status(http_status)) return {ErrorKind::kTransient, false, kNoFloor};
  return {ErrorKind::kFatal, false, kNoFloor};
}

std::string ApiError::describe() const {
  std::string text = code.empty() ? message : (message.empty() ? code : code + ": " + message);
  if (!fields.empty()) text += fmt::format(" (fields: {})", fmt::join(fields, ", "));
  return text;
}

ApiError api_error_from_json(const nlohmann::json& item) {
  ApiError error;
  if (!item.is_object()) return error;
  error.code = json_string(item, "errorCode");
  if (error.code.empty()) error.code = json_string(item, "statusCode");
  error.message = json_string(item, "message");
  auto fields = item.find("fields");
  if (fields != item.end() && fields->is_array()) {
    for (const auto& field : *fields) {
      if (field.is_string()) error.fields.push_back(field.get<std::string>());
    }
  }
  return error;
}

ApiError parse_api_error(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array() && !parsed.empty()) return api_error_from_json(parsed.front());
  if (parsed.is_object()) return api_error_from_json(parsed);
  constexpr size_t kMaxText = 300;  // an HTML error page from a proxy can be long
  ApiError error;
  error.message = std::string(body.substr(0, kMaxText));
  if (body.size() > kMaxText) error.message += "...";
  return error;
}

Error make_error(const Classification& classification, std::string code, std::string message) {
  return Error{classification.kind, std::move(code), std::move(message)};
}

}  // namespace sfpe::salesforce
