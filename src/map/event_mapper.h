// Mapping of a decoded record value to the JSON body of one Platform Event: only the custom
// fields (names ending in "__c") are published, as the original connector does
// (confluent-connector.md §6.2), with values in the forms Salesforce's REST API takes.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "data/value.h"
#include "kafka/record.h"

namespace sfpe::map {

// Stable codes of mapping errors, all permanent: the record can never be published as it is.
inline constexpr const char* kCodeTombstone = "TOMBSTONE";  // null value
inline constexpr const char* kCodeValueNotStruct = "VALUE_NOT_STRUCT";
inline constexpr const char* kCodeNoPublishableFields = "NO_PUBLISHABLE_FIELDS";
inline constexpr const char* kCodeNonFiniteNumber = "NON_FINITE_NUMBER";  // NaN, Infinity
inline constexpr const char* kCodeInvalidFieldValue = "INVALID_FIELD_VALUE";

inline constexpr const char* kCustomFieldSuffix = "__c";

// Fields keep the value schema's order, so bodies are deterministic and easy to read.
using EventJson = nlohmann::ordered_json;

// The event body for `value`, e.g. {"TextField__c":"This is a Text field","NumberField__c":33.0}.
// `where` is the record it came from, named in every error.
//  - The value must be a STRUCT; fields whose names end in "__c" (case-sensitive) are kept,
//    all others (ReplayId, CreatedDate, CreatedById, EventUuid, _ObjectType, _EventType, ...)
//    dropped. No "__c" field at all is NO_PUBLISHABLE_FIELDS, never a silent skip.
//  - string -> string (invalid UTF-8 replaced by U+FFFD); int8..int64 -> integer; float32 /
//    float64 -> number (NaN / Infinity: NON_FINITE_NUMBER); boolean; Date -> "yyyy-MM-dd";
//    Timestamp -> "yyyy-MM-ddTHH:mm:ss.SSSZ"; Time -> "HH:mm:ss.SSSZ"; Decimal -> number;
//    bytes -> base64 string; null -> null; struct / array / map -> compact JSON text.
Result<EventJson> map_to_event(const data::SchemaAndValue& value, const kafka::Record& where);

// The body as sent: compact JSON text.
std::string serialize_event(const EventJson& event);

// Bytes of serialize_event(event), for request size limits.
size_t serialized_size(const EventJson& event);

}  // namespace sfpe::map
