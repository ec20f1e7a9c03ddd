// Mapping of a decoded record value to the JSON body of one Platform Event: only the custom
// fields (names ending in "__c") are published, as the original connector does
// (confluent-connector.md §6.2), with values in the forms Salesforce's REST API takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "data/value.h"
#include "kafka/record.h"
#include "map/event_schema.h"

namespace sfpe::map {

// Stable codes of mapping errors, all permanent: the record can never be published as it is.
inline constexpr const char* kCodeTombstone = "TOMBSTONE";  // null value
inline constexpr const char* kCodeValueNotStruct = "VALUE_NOT_STRUCT";
inline constexpr const char* kCodeNoPublishableFields = "NO_PUBLISHABLE_FIELDS";
inline constexpr const char* kCodeUnknownEventField = "UNKNOWN_EVENT_FIELD";
inline constexpr const char* kCodeDuplicateEventField = "DUPLICATE_EVENT_FIELD";
inline constexpr const char* kCodeFieldTypeMismatch = "FIELD_TYPE_MISMATCH";
inline constexpr const char* kCodeValueTooLong = "VALUE_TOO_LONG";
inline constexpr const char* kCodeNumberOutOfRange = "NUMBER_OUT_OF_RANGE";
inline constexpr const char* kCodeDateOutOfRange = "DATE_OUT_OF_RANGE";
inline constexpr const char* kCodeNonFiniteNumber = "NON_FINITE_NUMBER";  // NaN, Infinity
inline constexpr const char* kCodeInvalidFieldValue = "INVALID_FIELD_VALUE";

inline constexpr const char* kCustomFieldSuffix = "__c";

// Fields keep the value schema's order, so bodies are deterministic and easy to read.
using EventJson = nlohmann::ordered_json;

// A Number value kept as its exact decimal text, because a double would round digits that
// Salesforce keeps (up to 18): a JSON binary value of this subtype holding the text of a valid
// JSON number. serialize_event() writes it as that number; the Pub/Sub encoder reads it as the
// nearest double, the type of its schema's Number fields (salesforce-api.md §3.5).
inline constexpr uint8_t kExactNumberSubtype = 0x4e;  // 'N'
EventJson exact_number_json(std::string_view number_text);
// The text of an exact number; nullopt for any other value.
std::optional<std::string_view> exact_number_text(const EventJson& value);
template <typename Json>
std::optional<std::string_view> exact_number_text_of(const Json& value) {
  if (!value.is_binary() || !value.get_binary().has_subtype() ||
      value.get_binary().subtype() != kExactNumberSubtype) {
    return std::nullopt;
  }
  const auto& bytes = value.get_binary();
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// The event body for `value`, e.g. {"TextField__c":"This is a Text field","NumberField__c":33.0},
// shaped by `event` (the describe). `where` is the record it came from, named in every error.
//  - The value must be a STRUCT. Fields whose names end in "__c" (any case) are matched to the
//    event's fields ignoring case and sent with the describe's spelling; all others
//    (ReplayId, CreatedDate, CreatedById, EventUuid, _ObjectType, _EventType, ...) are dropped.
//    A "__c" field the event does not define is UNKNOWN_EVENT_FIELD; two record fields for one
//    event field DUPLICATE_EVENT_FIELD; no "__c" field at all NO_PUBLISHABLE_FIELDS (never a
//    silent skip).
//  - Values are coerced to the event field's type; null stays null, and so does an empty string
//    on any field but Text and Long Text Area:
//    Number: integers, floats (NaN / Infinity: NON_FINITE_NUMBER), Decimal and numeric strings
//      (exact: an integer, or kExactNumberSubtype text); more integer digits than
//      precision - scale allow, or a magnitude beyond a double's: NUMBER_OUT_OF_RANGE.
//    Checkbox: boolean, or the strings "true" / "false" (any case).
//    Date: Date -> "yyyy-MM-dd"; a Timestamp at midnight UTC; a "yyyy-MM-dd" string.
//    Date/Time: Timestamp -> "yyyy-MM-ddTHH:mm:ss.SSSZ"; Date (midnight UTC); an ISO-8601
//      string with a zone, normalized to UTC with milliseconds.
//      Dates before 1700-01-01 or after 4000-12-31 (Date/Time: after 4000-12-31T00:00:00Z):
//      DATE_OUT_OF_RANGE.
//    Text, Long Text Area: strings as they are (invalid UTF-8 replaced by U+FFFD); numbers and
//      booleans as their JSON text; Date, Timestamp, Time ("HH:mm:ss.SSSZ") as ISO text;
//      Decimal as its exact text; bytes as base64; struct / array / map as compact JSON text.
//      More UTF-16 code units (an emoji counts 2) than the field's length: VALUE_TOO_LONG.
//    Anything else (a struct for a Number, text for a Checkbox, ...) is FIELD_TYPE_MISMATCH or,
//    for unreadable text, INVALID_FIELD_VALUE, naming the field and the event field's type.
Result<EventJson> map_to_event(const data::SchemaAndValue& value, const EventSchema& event,
                               const kafka::Record& where);

// The body as sent: compact JSON text, exact numbers written as their digits. Never throws
// (invalid UTF-8 is replaced).
std::string serialize_event(const EventJson& event);

// Bytes of serialize_event(event), for request size limits.
size_t serialized_size(const EventJson& event);

}  // namespace sfpe::map
