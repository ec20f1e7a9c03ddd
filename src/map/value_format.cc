// Date, time, decimal, base64 and UTF-8 helpers for event bodies.
#include "map/value_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <system_error>
#include <cstdlib>
#include <vector>

#include "common/base64.h"

namespace sfpe::map {
namespace {

constexpr int64_t kMillisPerDay = 86400000;
constexpr size_t kMaxDecimalBytes = 1024;
constexpr int kMaxDecimalScale = 10000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days (proleptic Gregorian calendar), valid for every int64 day.
CivilDate civil_from_days(int64_t days) {
  const __int128 z = static_cast<__int128>(days) + 719468;
  const __int128 era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<int64_t>(z - era * 146097);                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const auto year = static_cast<int64_t>(yoe + era * 400) + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

// Howard Hinnant's days_from_civil, the inverse of civil_from_days.
int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;                                         // [0, 399]
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    // [0, 146096]
  return era * 146097 + doe - 719468;
}

// `count` ASCII digits of `text` at `at` into *value.
bool read_digits(std::string_view text, size_t at, size_t count, int* value) {
  if (at + count > text.size()) return false;
  int result = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

// ISO 8601 years: four digits, a sign beyond 0000..9999 (as java.time prints them).
std::string format_year(int64_t year) {
  if (year > 9999) return fmt::format("+{}", year);
  if (year < 0) return fmt::format("-{:04}", -year);  // |year| < 3e16: no overflow
  return fmt::format("{:04}", year);
}

// `value` as exactly `width` digits (0 <= value < 10^width), appended. Dates and times are
// formatted for every event that has them, so by hand rather than through a format string.
void append_digits(std::string& out, int64_t value, int width) {
  char digits[8];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<size_t>(width));
}

std::string format_date(int64_t days) {
  CivilDate date = civil_from_days(days);
  std::string text;
  text.reserve(24);
  if (date.year >= 0 && date.year <= 9999) {
    append_digits(text, date.year, 4);
  } else {
    text = format_year(date.year);
  }
  text += '-';
  append_digits(text, date.month, 2);
  text += '-';
  append_digits(text, date.day, 2);
  return text;
}

void append_time(std::string& out, int64_t millis_of_day) {
  append_digits(out, millis_of_day / 3600000, 2);
  out += ':';
  append_digits(out, millis_of_day / 60000 % 60, 2);
  out += ':';
  append_digits(out, millis_of_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, millis_of_day % 1000, 3);
  out += 'Z';
}

std::string format_time(int64_t millis_of_day) {
  std::string text;
  append_time(text, millis_of_day);
  return text;
}

}  // namespace

std::string to_iso8601_millis(int64_t epoch_ms) {
  const int64_t days = floor_div(epoch_ms, kMillisPerDay);
  int64_t millis_of_day = epoch_ms % kMillisPerDay;  // no days * kMillisPerDay: it can overflow
  if (millis_of_day < 0) millis_of_day += kMillisPerDay;
  std::string text = format_date(days);
  text += 'T';
  append_time(text, millis_of_day);
  return text;
}

std::string to_iso_date(int64_t days) { return format_date(days); }

std::optional<std::string> to_iso_time(int64_t millis_of_day) {
  if (millis_of_day < 0 || millis_of_day >= kMillisPerDay) return std::nullopt;
  return format_time(millis_of_day);
}

std::optional<int64_t> parse_iso_date(std::string_view text) {
  int year, month, day;
  if (text.size() != 10 || !read_digits(text, 0, 4, &year) || text[4] != '-' ||
      !read_digits(text, 5, 2, &month) || text[7] != '-' || !read_digits(text, 8, 2, &day)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return days_from_civil(year, month, day);
}

std::optional<int64_t> parse_iso_datetime(std::string_view text) {
  if (text.size() < 16) return std::nullopt;
  auto days = parse_iso_date(text.substr(0, 10));
  int hour, minute, second = 0, millis = 0;
  if (!days || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_digits(text, 11, 2, &hour) || text[13] != ':' || !read_digits(text, 14, 2, &minute) ||
      hour > 23 || minute > 59) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(16);
  if (rest.starts_with(':')) {
    if (!read_digits(rest, 1, 2, &second) || second > 59) return std::nullopt;
    rest.remove_prefix(3);
    if (rest.starts_with('.') || rest.starts_with(',')) {
      size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      if (digits == 1 || digits > 10) return std::nullopt;  // 1 to 9 fraction digits
      for (size_t i = 1; i <= 3; ++i) {
        millis = millis * 10 + (i < digits ? rest[i] - '0' : 0);
      }
      rest.remove_prefix(digits);
    }
  }
  int offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    int zone_hours, zone_minutes = 0;
    if (!read_digits(rest, 1, 2, &zone_hours)) return std::nullopt;
    if (rest.size() == 6 && rest[3] == ':') {
      if (!read_digits(rest, 4, 2, &zone_minutes)) return std::nullopt;
    } else if (rest.size() == 5) {
      if (!read_digits(rest, 3, 2, &zone_minutes)) return std::nullopt;
    } else if (rest.size() != 3) {
      return std::nullopt;
    }
    if (zone_hours > 18 || zone_minutes > 59) return std::nullopt;
    offset_minutes = (zone_hours * 60 + zone_minutes) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const int64_t local_ms = *days * kMillisPerDay + hour * 3600000LL + minute * 60000LL +
                           second * 1000LL + millis;
  return local_ms - offset_minutes * 60000LL;
}

bool is_decimal_number_text(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  bool whole = digits();
  bool fraction = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (!whole && !fraction) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::optional<DecimalText> read_decimal_text(std::string_view text) {
  if (!is_decimal_number_text(text)) return std::nullopt;
  DecimalText result;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') ++i;
  const size_t whole_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const std::string_view whole = text.substr(whole_begin, i - whole_begin);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const size_t fraction_begin = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    fraction = text.substr(fraction_begin, i - fraction_begin);
  }
  const std::string_view exponent_text = text.substr(i);  // "" or "e[+-]digits"
  int64_t exponent = 0;
  if (!exponent_text.empty()) {
    size_t k = 1;
    const bool exponent_negative = exponent_text[k] == '-';
    if (exponent_text[k] == '-' || exponent_text[k] == '+') ++k;
    for (; k < exponent_text.size(); ++k) {
      // Clamped: beyond 10^12 every value is out of any range anyway.
      exponent = std::min<int64_t>(exponent * 10 + (exponent_text[k] - '0'), 1000000000000);
    }
    if (exponent_negative) exponent = -exponent;
  }

  // The JSON form: no '+', no leading zeros, a digit on both sides of any point.
  if (negative) result.json += '-';
  const size_t first_whole = whole.find_first_not_of('0');
  result.json += first_whole == std::string_view::npos ? "0" : whole.substr(first_whole);
  if (!fraction.empty()) result.json.append(".").append(fraction);
  result.json += exponent_text;

  // The digits as one string with the point after `point` of them.
  std::string digits;
  digits.reserve(whole.size() + fraction.size());
  digits.append(whole).append(fraction);
  const int64_t point = static_cast<int64_t>(whole.size()) + exponent;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {  // zero
    result.as_int64 = 0;
    return result;
  }
  const size_t last = digits.find_last_not_of('0');
  result.integer_digits = std::max<int64_t>(0, point - static_cast<int64_t>(first));
  if (static_cast<int64_t>(last) < point && result.integer_digits <= 19) {
    std::string integer = negative ? "-" : "";
    integer.append(digits, first, static_cast<size_t>(std::min<int64_t>(
                                      point, static_cast<int64_t>(digits.size()))) -
                                      first);
    if (point > static_cast<int64_t>(digits.size())) {
      integer.append(static_cast<size_t>(point - static_cast<int64_t>(digits.size())), '0');
    }
    int64_t value = 0;
    auto parsed = std::from_chars(integer.data(), integer.data() + integer.size(), value);
    if (parsed.ec == std::errc() && parsed.ptr == integer.data() + integer.size()) {
      result.as_int64 = value;
    }
  }
  // The largest double, 1.797...e308, has 309 integer digits.
  if (result.integer_digits > 310) {
    result.exceeds_double = true;
  } else if (result.integer_digits >= 309) {
    double nearest = 0;
    auto parsed =
        std::from_chars(result.json.data(), result.json.data() + result.json.size(), nearest);
    result.exceeds_double = parsed.ec == std::errc::result_out_of_range;
  }
  return result;
}

size_t utf16_length(std::string_view text) {
  size_t units = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) units += byte >= 0xF0 ? 2 : 1;  // a 4-byte lead: a surrogate pair
  }
  return units;
}

bool is_valid_utf8(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return to_valid_utf8(text) == text;
  }
  return true;  // ASCII, the usual case, without a copy
}

std::optional<std::string> decimal_to_string(const data::Bytes& unscaled, int scale) {
  if (unscaled.empty() || unscaled.size() > kMaxDecimalBytes) return std::nullopt;
  if (scale > kMaxDecimalScale || scale < -kMaxDecimalScale) return std::nullopt;
  const bool negative = (unscaled[0] & 0x80) != 0;
  std::vector<uint8_t> magnitude(unscaled.begin(), unscaled.end());
  if (negative) {  // two's complement: invert and add one
    for (auto& byte : magnitude) byte = static_cast<uint8_t>(~byte);
    for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) {
      if (++*it != 0) break;
    }
  }
  // Base 256 -> base 10^9 by repeated division, least significant chunk first.
  std::vector<uint32_t> chunks;
  size_t first = 0;
  while (first < magnitude.size()) {
    if (magnitude[first] == 0) {
      ++first;
      continue;
    }
    uint64_t remainder = 0;
    for (size_t i = first; i < magnitude.size(); ++i) {
      const uint64_t current = (remainder << 8) | magnitude[i];
      magnitude[i] = static_cast<uint8_t>(current / 1000000000u);
      remainder = current % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(remainder));
  }
  std::string digits = chunks.empty() ? "0" : std::to_string(chunks.back());
  for (auto it = chunks.rbegin() + (chunks.empty() ? 0 : 1); it != chunks.rend(); ++it) {
    digits += fmt::format("{:09}", *it);
  }
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  } else if (scale < 0 && digits != "0") {
    digits.append(static_cast<size_t>(-scale), '0');
  }
  const bool zero = chunks.empty();
  return (negative && !zero) ? "-" + digits : digits;
}

std::string to_base64(const data::Bytes& bytes) {
  return base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const uint8_t lead = bytes[i];
    size_t length = 0;
    uint8_t low = 0x80;
    uint8_t high = 0xbf;  // allowed range of the second byte (RFC 3629 §4)
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;  // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;  // nothing above U+10FFFF
    }
    bool valid = length != 0 && i + length <= size;
    for (size_t k = 1; valid && k < length; ++k) {
      const uint8_t next = bytes[i + k];
      valid = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xbf);
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    }
  }
  return out;
}

}  // namespace sfpe::map
