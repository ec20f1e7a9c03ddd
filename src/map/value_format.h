// Text forms of Connect values in a Platform Event body: ISO dates and times as Salesforce's REST
// API takes them (salesforce-api.md §5), exact decimals, base64, valid UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "data/value.h"

namespace sfpe::map {

// Milliseconds since the epoch -> "2019-03-25T19:43:11.336Z" (UTC, always milliseconds).
// Negative values are before 1970. Years outside 0000..9999 are written "+10000" / "-0001".
std::string to_iso8601_millis(int64_t epoch_ms);

// Days since 1970-01-01 -> "yyyy-MM-dd"; negative values are before 1970.
std::string to_iso_date(int64_t days);

// Milliseconds after midnight, in [0, 86400000) -> "HH:mm:ss.SSSZ"; nullopt when out of range.
std::optional<std::string> to_iso_time(int64_t millis_of_day);

// "yyyy-MM-dd" (four-digit year, a real calendar day) -> days since 1970-01-01; nullopt otherwise.
std::optional<int64_t> parse_iso_date(std::string_view text);

// ISO-8601 date-time -> milliseconds since the epoch: "yyyy-MM-ddTHH:mm[:ss[.fraction]]" then
// "Z", "+HH:mm", "+HHmm" or "+HH" (or '-'); a space may stand for 'T'. Fractions beyond
// milliseconds are truncated. A zone is required: a local time names no instant.
std::optional<int64_t> parse_iso_datetime(std::string_view text);

// A JSON-style decimal number ("-12", "3.50", "1e-3"): true when `text` is exactly one.
bool is_decimal_number_text(std::string_view text);

// A decimal number's exact text, read without rounding, for Salesforce's Number checks.
struct DecimalText {
  std::string json;            // the same value as a valid JSON number: "+.50" -> "0.50"
  int64_t integer_digits = 0;  // digits before the point, leading zeros not counted:
                               // "0.5" -> 0, "-12.3" -> 2, "1.5e3" -> 4
  std::optional<int64_t> as_int64;  // the value, when it is an integer that fits int64
  bool exceeds_double = false;      // its magnitude is beyond the largest finite double
};

// nullopt unless is_decimal_number_text(text).
std::optional<DecimalText> read_decimal_text(std::string_view text);

// Length in UTF-16 code units, as Salesforce (Java strings) counts a Text field's characters:
// U+10000 and above (most emoji) count 2. `text` is valid UTF-8.
size_t utf16_length(std::string_view text);

// Whether `text` is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Connect Decimal: big-endian two's-complement unscaled value and scale -> plain decimal text,
// e.g. ({0x30, 0x39}, 2) -> "123.45", ({0xff}, 0) -> "-1", ({0x01}, -2) -> "100". nullopt for
// an empty or oversized (> 1024 bytes) unscaled value.
std::optional<std::string> decimal_to_string(const data::Bytes& unscaled, int scale);

// Standard base64 with padding (RFC 4648 §4).
std::string to_base64(const data::Bytes& bytes);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so any JSON writer accepts it.
std::string to_valid_utf8(std::string_view text);

}  // namespace sfpe::map
