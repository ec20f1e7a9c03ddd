// Logical-type values of well-known Protobuf messages (logical_types.h).
#include "convert/protobuf/logical_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "convert/error_codes.h"

namespace sfpe::convert::protobuf {
namespace {

namespace gp = google::protobuf;
using data::Value;

constexpr size_t kMaxDecimalBytes = 1024;
constexpr int kMaxDecimalRescale = 1000;

Error data_error(std::string message) {
  return Error::permanent(kCodeInvalidProtobufData, std::move(message));
}

// An integer field of a well-known message read by name, 0 when the message lacks it (as
// ProtobufData reads getAllFields by name).
int64_t integer_field(const gp::Message& message, const char* name) {
  const gp::FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated()) return 0;
  const gp::Reflection* reflection = message.GetReflection();
  switch (field->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
      return reflection->GetInt32(message, field);
    case gp::FieldDescriptor::CPPTYPE_INT64:
      return reflection->GetInt64(message, field);
    case gp::FieldDescriptor::CPPTYPE_UINT32:
      return static_cast<int32_t>(reflection->GetUInt32(message, field));  // Java's int
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<int64_t>(reflection->GetUInt64(message, field));
    default:
      return 0;
  }
}

// Days since the epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t gregorian_days(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// Days since the epoch of a Julian calendar date, through its Julian Day Number.
int64_t julian_days(int64_t year, int64_t month, int64_t day) {
  const int64_t julian_day_number =
      367 * year - (7 * (year + 5001 + (month - 9) / 7)) / 4 + (275 * month) / 9 + day + 1729777;
  return julian_day_number - 2440588;  // JDN of 1970-01-01
}

// Decimal digits of a big-endian two's-complement integer, and its sign.
std::string decimal_digits(const std::string& bytes, bool& negative) {
  std::vector<uint8_t> magnitude(bytes.begin(), bytes.end());
  negative = !magnitude.empty() && (magnitude[0] & 0x80) != 0;
  if (negative) {  // two's complement negation
    for (auto& b : magnitude) b = static_cast<uint8_t>(~b);
    for (size_t i = magnitude.size(); i-- > 0;) {
      if (++magnitude[i] != 0) break;
    }
  }
  std::string digits;
  size_t start = 0;
  while (start < magnitude.size()) {
    unsigned remainder = 0;
    for (size_t i = start; i < magnitude.size(); ++i) {
      unsigned current = (remainder << 8) | magnitude[i];
      magnitude[i] = static_cast<uint8_t>(current / 10);
      remainder = current % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
    while (start < magnitude.size() && magnitude[start] == 0) ++start;
  }
  if (digits.empty()) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// The minimal big-endian two's-complement bytes of a signed decimal integer (BigInteger's
// toByteArray).
data::Bytes twos_complement(const std::string& digits, bool negative) {
  std::vector<uint8_t> magnitude;  // little-endian while building
  for (char digit : digits) {
    unsigned carry = static_cast<unsigned>(digit - '0');
    for (auto& b : magnitude) {
      unsigned current = b * 10u + carry;
      b = static_cast<uint8_t>(current & 0xff);
      carry = current >> 8;
    }
    while (carry != 0) {
      magnitude.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  magnitude.push_back(0);  // room for the sign bit
  if (negative) {
    for (auto& b : magnitude) b = static_cast<uint8_t>(~b);
    for (auto& b : magnitude) {
      if (++b != 0) break;
    }
  }
  data::Bytes bytes(magnitude.rbegin(), magnitude.rend());
  // Drop sign-extension bytes that the next byte's top bit repeats.
  size_t drop = 0;
  while (drop + 1 < bytes.size() && ((bytes[drop] == 0x00 && (bytes[drop + 1] & 0x80) == 0) ||
                                     (bytes[drop] == 0xff && (bytes[drop + 1] & 0x80) != 0))) {
    ++drop;
  }
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(drop));
  return bytes;
}

}  // namespace

// Timestamps.toMillis: checkValid, then seconds * 1000 + nanos / 1e6.
Result<Value> timestamp_value(const gp::Message& message) {
  constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  int64_t seconds = integer_field(message, "seconds");
  int64_t nanos = static_cast<int32_t>(integer_field(message, "nanos"));
  if (seconds < kMinSeconds || seconds > kMaxSeconds || nanos < 0 || nanos > 999999999) {
    return data_error(fmt::format(
        "google.protobuf.Timestamp seconds {} nanos {} is not a valid timestamp", seconds, nanos));
  }
  return Value(seconds * 1000 + nanos / 1000000);
}

Result<Value> date_value(const gp::Message& message) {
  const int64_t year = static_cast<int32_t>(integer_field(message, "year"));
  const int64_t month = static_cast<int32_t>(integer_field(message, "month"));
  const int64_t day = static_cast<int32_t>(integer_field(message, "day"));
  const bool julian = std::make_tuple(year, month, day) < std::make_tuple(1582, 10, 15);
  bool valid = year >= 1 && month >= 1 && month <= 12 && day >= 1;
  if (valid) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = julian ? year % 4 == 0 : (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
    int64_t days_in_month = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
    valid = day <= days_in_month && !(year == 1582 && month == 10 && day > 4 && day < 15);
  }
  if (!valid) {
    return data_error(fmt::format("google.type.Date year {} month {} day {} is not a valid date",
                                  year, month, day));
  }
  return Value(julian ? julian_days(year, month, day) : gregorian_days(year, month, day));
}

Result<Value> time_value(const gp::Message& message) {
  const int64_t hours = static_cast<int32_t>(integer_field(message, "hours"));
  const int64_t minutes = static_cast<int32_t>(integer_field(message, "minutes"));
  const int64_t seconds = static_cast<int32_t>(integer_field(message, "seconds"));
  const int64_t nanos = static_cast<int32_t>(integer_field(message, "nanos"));
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 ||
      nanos < 0 || nanos > 999999999) {
    return data_error(
        fmt::format("google.type.TimeOfDay {}:{}:{} nanos {} is not a valid time of day", hours,
                    minutes, seconds, nanos));
  }
  return Value(((hours * 60 + minutes) * 60 + seconds) * 1000 + nanos / 1000000);
}

// The Connect value model holds the unscaled integer at the schema's scale, while
// DecimalUtils.toBigDecimal keeps the message's: the two agree whenever the digits can be moved
// without loss, which is what is checked here.
Result<Value> decimal_value(const gp::Message& message, int target_scale) {
  const gp::FieldDescriptor* value_field = message.GetDescriptor()->FindFieldByName("value");
  std::string bytes;
  if (value_field != nullptr && !value_field->is_repeated() &&
      value_field->type() == gp::FieldDescriptor::TYPE_BYTES) {
    bytes = message.GetReflection()->GetString(message, value_field);
  }
  if (bytes.empty()) return data_error("confluent.type.Decimal has no value bytes");
  if (bytes.size() > kMaxDecimalBytes) {
    return data_error(fmt::format("confluent.type.Decimal of {} bytes is longer than {}",
                                  bytes.size(), kMaxDecimalBytes));
  }
  const int64_t precision = integer_field(message, "precision");
  int64_t scale = static_cast<int32_t>(integer_field(message, "scale"));
  bool negative = false;
  std::string digits = decimal_digits(bytes, negative);
  if (precision > 0 && static_cast<int64_t>(digits.size()) > precision) {
    const size_t keep = static_cast<size_t>(precision);
    const bool round_up = digits[keep] >= '5';
    scale -= static_cast<int64_t>(digits.size() - keep);
    digits.resize(keep);
    if (round_up) {
      size_t i = digits.size();
      while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
      if (i == 0) {  // 99..9 became 100..0, one digit too many: keep 10..0 one scale lower
        digits[0] = '1';
        scale -= 1;
      } else {
        ++digits[i - 1];
      }
    }
  }
  const int64_t target = target_scale;
  if (scale < target) {
    if (target - scale > kMaxDecimalRescale) {
      return data_error(fmt::format(
          "confluent.type.Decimal scale {} is too far from the schema scale {}", scale, target));
    }
    if (digits != "0") digits.append(static_cast<size_t>(target - scale), '0');
  } else if (scale > target) {
    const auto extra = static_cast<size_t>(std::min<int64_t>(scale - target, 1 << 20));
    const bool exact = digits == "0" ||
                       (extra < digits.size() &&
                        digits.find_first_not_of('0', digits.size() - extra) == std::string::npos);
    if (!exact) {
      return data_error(
          fmt::format("confluent.type.Decimal {}{}E-{} has more decimals than the schema scale {}",
                      negative ? "-" : "", digits, scale, target));
    }
    if (digits != "0") digits.resize(digits.size() - extra);
  }
  return Value(twos_complement(digits, negative && digits != "0"));
}

}  // namespace sfpe::convert::protobuf
