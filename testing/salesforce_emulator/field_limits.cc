// Field value limits of the emulated org (see field_limits.h).
#include "salesforce_emulator/field_limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace sfpe::testing {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int number_at(std::string_view text, size_t at, size_t count) {
  int value = 0;
  for (size_t i = at; i < at + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

int64_t days_of(std::string_view date) {
  return days_from_civil(number_at(date, 0, 4), number_at(date, 5, 2), number_at(date, 8, 2));
}

constexpr int64_t kMillisPerDay = 86400000;
const int64_t kEarliestDay = days_from_civil(1700, 1, 1);
const int64_t kLatestDay = days_from_civil(4000, 12, 31);

// "TextField__c" -> "TextField", the default label Salesforce names a field by in messages.
std::string label_of(std::string_view name) {
  if (name.ends_with("__c")) name.remove_suffix(3);
  return std::string(name);
}

}  // namespace

size_t utf16_length(std::string_view utf8) {
  size_t units = 0;
  for (char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    units += byte >= 0xF0 ? 2 : 1;        // four bytes: U+10000 and above, a surrogate pair
  }
  return units;
}

std::optional<int64_t> integer_digits(std::string_view number) {
  size_t i = 0;
  if (i < number.size() && number[i] == '-') ++i;
  std::string digits;
  int64_t point = 0;
  auto read_digits = [&] {
    size_t start = i;
    while (i < number.size() && number[i] >= '0' && number[i] <= '9') digits += number[i++];
    return i - start;
  };
  const size_t whole = read_digits();
  if (whole == 0) return std::nullopt;
  point = static_cast<int64_t>(whole);
  if (i < number.size() && number[i] == '.') {
    ++i;
    if (read_digits() == 0) return std::nullopt;
  }
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < number.size() && (number[i] == '+' || number[i] == '-')) negative = number[i++] == '-';
    int64_t exponent = 0;
    size_t start = i;
    for (; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (number[i] - '0'), 1000000000000);
    }
    if (i == start) return std::nullopt;
    point += negative ? -exponent : exponent;
  }
  if (i != number.size()) return std::nullopt;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return std::max<int64_t>(0, point - static_cast<int64_t>(first));
}

bool date_in_range(std::string_view date) {
  const int64_t days = days_of(date);
  return days >= kEarliestDay && days <= kLatestDay;
}

bool datetime_in_range(std::string_view datetime) {
  // "yyyy-MM-ddTHH:mm:ss(.SSS)?(Z|+HH:mm|-HH:mm)", checked by is_valid_datetime.
  int64_t ms = days_of(datetime) * kMillisPerDay + number_at(datetime, 11, 2) * 3600000LL +
               number_at(datetime, 14, 2) * 60000LL + number_at(datetime, 17, 2) * 1000LL;
  std::string_view zone = datetime.substr(19);
  if (zone.starts_with('.')) {
    ms += number_at(zone, 1, 3);
    zone.remove_prefix(4);
  }
  if (zone != "Z") {
    const int64_t offset = number_at(zone, 1, 2) * 3600000LL + number_at(zone, 4, 2) * 60000LL;
    ms -= zone[0] == '-' ? -offset : offset;
  }
  return ms >= kEarliestDay * kMillisPerDay && ms <= kLatestDay * kMillisPerDay;
}

std::optional<ApiError> check_field_limits(const EventFieldDef& field,
                                           const nlohmann::ordered_json& value,
                                           std::string_view number_text) {
  const std::vector<std::string> fields{field.name};
  if ((field.type == "string" || field.type == "textarea") && value.is_string() &&
      utf16_length(value.get_ref<const std::string&>()) > static_cast<size_t>(field.length)) {
    // salesforce-api.md §2.4 "400 too long", as observed on the Confluent sink.
    return ApiError{"STRING_TOO_LONG", "Value too long for field", fields};
  }
  if (field.type == "double" && field.precision > 0 && value.is_number()) {
    auto digits = integer_digits(number_text);
    if (digits && *digits > field.precision - field.scale) {
      return ApiError{"NUMBER_OUTSIDE_VALID_RANGE",
                      fmt::format("{}: value outside of valid range on numeric field: {}",
                                  label_of(field.name), number_text),
                      fields};
    }
  }
  if ((field.type == "date" && value.is_string() &&
       !date_in_range(value.get_ref<const std::string&>())) ||
      (field.type == "datetime" && value.is_string() &&
       !datetime_in_range(value.get_ref<const std::string&>()))) {
    return ApiError{"FIELD_INTEGRITY_EXCEPTION",
                    fmt::format("{}: invalid date: {}", label_of(field.name),
                                value.get_ref<const std::string&>()),
                    fields};
  }
  return std::nullopt;
}

}  // namespace sfpe::testing
