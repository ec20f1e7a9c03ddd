// The limits a real org applies to a platform event's custom field values when it saves a
// record, each with Salesforce's error (salesforce-api.md §2.4, §5). Written apart from the
// sink's own checks (src/map) on purpose: the emulator is the oracle they are tested against.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "salesforce_emulator/emulator_config.h"
#include "salesforce_emulator/event_model.h"

namespace sfpe::testing {

// A Text field's length unit: UTF-16 code units, as Java strings count (an emoji outside the
// Basic Multilingual Plane is 2). `utf8` is valid UTF-8 (the JSON parser checked it).
size_t utf16_length(std::string_view utf8);

// Digits before the point of a JSON number's text, leading zeros not counted, exponent applied:
// "0.5" -> 0, "-123.4" -> 3, "1.5E3" -> 4. nullopt when `number` is not JSON number text.
std::optional<int64_t> integer_digits(std::string_view number);

// Salesforce stores dates from 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z (SOQL and SOSL
// Reference, "Minimum and Maximum Dates"). `date` passed is_valid_date, `datetime`
// is_valid_datetime (event_model.h).
bool date_in_range(std::string_view date);
bool datetime_in_range(std::string_view datetime);

// The save's check of one custom field's non-null value; nullopt when it can be saved.
//  - string, textarea: more UTF-16 units than `length`: STRING_TOO_LONG (§2.4 "400 too long").
//  - double: more integer digits than precision - scale (counted on `number_text`, the value as
//    the request wrote it, so no double rounding decides): NUMBER_OUTSIDE_VALID_RANGE. Extra
//    decimals are rounded by Salesforce, not refused.
//  - date, datetime: outside the range above: FIELD_INTEGRITY_EXCEPTION.
// Messages follow Salesforce's usual forms; those for numbers and dates are unverified for
// platform events.
std::optional<ApiError> check_field_limits(const EventFieldDef& field,
                                           const nlohmann::ordered_json& value,
                                           std::string_view number_text);

}  // namespace sfpe::testing
