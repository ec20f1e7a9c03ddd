#include "convert/json/converter_settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "convert/error_codes.h"

namespace sfpe::convert::json {
namespace {

std::string trimmed(const std::string& value) {
  auto begin = std::find_if_not(value.begin(), value.end(),
                                [](unsigned char c) { return std::isspace(c) != 0; });
  auto end = std::find_if_not(value.rbegin(), value.rend(), [](unsigned char c) {
               return std::isspace(c) != 0;
             }).base();
  return begin < end ? std::string(begin, end) : std::string();
}

std::string lower(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return value;
}

}  // namespace

Result<bool> bool_setting(const Settings& settings, const char* property, bool fallback) {
  auto it = settings.find(property);
  if (it == settings.end()) return fallback;
  const std::string value = lower(trimmed(it->second));
  if (value == "true") return true;
  if (value == "false") return false;
  return Error::fatal(kCodeConfigInvalid,
                      fmt::format("{}: expected true or false, got \"{}\"", property, it->second));
}

Status check_decimal_format(const Settings& settings) {
  auto it = settings.find("decimal.format");
  if (it == settings.end()) return ok_status();
  const std::string value = lower(trimmed(it->second));
  if (value == "base64" || value == "numeric") return ok_status();
  return Error::fatal(
      kCodeConfigInvalid,
      fmt::format("decimal.format: expected BASE64 or NUMERIC, got \"{}\"", it->second));
}

Status check_int_setting(const Settings& settings, const char* property) {
  auto it = settings.find(property);
  if (it == settings.end()) return ok_status();
  const std::string value = trimmed(it->second);
  int parsed = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (!value.empty() && ec == std::errc() && ptr == value.data() + value.size()) {
    return ok_status();
  }
  return Error::fatal(kCodeConfigInvalid,
                      fmt::format("{}: expected an integer, got \"{}\"", property, it->second));
}

}  // namespace sfpe::convert::json
