// The machinery behind the property tables: value parsing as Kafka's ConfigDef does it, the
// validators, table look-ups and ConfigView. The tables themselves are in config_tables.cc.
#include "config/config_def.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <utility>

#include "config/pattern.h"

namespace sfpe::config {

const char* to_string(ConfigType type) {
  switch (type) {
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kShort:
      return "SHORT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
  }
  return "UNKNOWN";
}

const char* to_string(Importance importance) {
  switch (importance) {
    case Importance::kHigh:
      return "HIGH";
    case Importance::kMedium:
      return "MEDIUM";
    case Importance::kLow:
      return "LOW";
  }
  return "UNKNOWN";
}

// --- Value parsing ------------------------------------------------------------------------------

std::string_view trim(std::string_view value) {
  while (!value.empty() && static_cast<unsigned char>(value.front()) <= ' ') value.remove_prefix(1);
  while (!value.empty() && static_cast<unsigned char>(value.back()) <= ' ') value.remove_suffix(1);
  return value;
}

std::string to_lower(std::string_view value) {
  std::string out(value);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_upper(std::string_view value) {
  std::string out(value);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> parse_integer(std::string_view value, int64_t min, int64_t max) {
  // Integer.parseInt / Long.parseLong: an optional sign, then decimal digits only.
  std::string_view digits = value;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(),
                                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  std::string_view number = value.front() == '-' ? value : digits;  // from_chars rejects '+'
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), parsed);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  if (parsed < min || parsed > max) return std::nullopt;
  return parsed;
}

std::optional<bool> parse_boolean(std::string_view value) {
  std::string lower = to_lower(value);
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

std::vector<std::string> parse_list(std::string_view value) {
  std::vector<std::string> items;
  value = trim(value);
  if (value.empty()) return items;
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    items.emplace_back(trim(value.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

namespace {

// A pattern written in this file; failing to compile is a programming error.
Pattern fixed_pattern(std::string_view regex, bool ignore_case = false) {
  Result<Pattern> pattern = Pattern::compile(regex, ignore_case);
  if (!pattern.ok()) throw std::logic_error("bad built-in pattern " + std::string(regex));
  return pattern.value();
}

bool is_java_class_name(std::string_view value) {
  static const Pattern kClassName =
      fixed_pattern(R"([A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*)");
  return kClassName.full_match(value);
}

bool parses_as_double(std::string_view value) {
  // Double.parseDouble: decimal or exponent notation, NaN, Infinity.
  std::string text(value);
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

std::optional<std::string> type_error(ConfigType type, std::string_view value) {
  auto integer_error = [&](int64_t min, int64_t max) -> std::optional<std::string> {
    if (parse_integer(value, min, max)) return std::nullopt;
    return fmt::format("is not a number of type {} (range {} to {})", to_string(type), min, max);
  };
  switch (type) {
    case ConfigType::kShort:
      return integer_error(std::numeric_limits<int16_t>::min(),
                           std::numeric_limits<int16_t>::max());
    case ConfigType::kInt:
      return integer_error(std::numeric_limits<int32_t>::min(),
                           std::numeric_limits<int32_t>::max());
    case ConfigType::kLong:
      return integer_error(std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max());
    case ConfigType::kDouble:
      if (parses_as_double(value)) return std::nullopt;
      return "is not a number of type DOUBLE";
    case ConfigType::kBoolean:
      if (parse_boolean(value)) return std::nullopt;
      return "must be either true or false";
    case ConfigType::kClass:
      if (is_java_class_name(value)) return std::nullopt;
      return "is not a class name";
    case ConfigType::kString:
    case ConfigType::kList:
    case ConfigType::kPassword:
      return std::nullopt;
  }
  return std::nullopt;
}

// --- Validators ---------------------------------------------------------------------------------

Validator between(int64_t min, int64_t max) {
  return Validator(fmt::format("[{},...,{}]", min, max),
                   [min, max](std::string_view value) -> std::optional<std::string> {
                     auto parsed = parse_integer(value, std::numeric_limits<int64_t>::min(),
                                                 std::numeric_limits<int64_t>::max());
                     if (parsed && *parsed >= min && *parsed <= max) return std::nullopt;
                     return fmt::format("must be between {} and {}", min, max);
                   });
}

Validator at_least(int64_t min) {
  return Validator(fmt::format("[{},...]", min),
                   [min](std::string_view value) -> std::optional<std::string> {
                     auto parsed = parse_integer(value, std::numeric_limits<int64_t>::min(),
                                                 std::numeric_limits<int64_t>::max());
                     if (parsed && *parsed >= min) return std::nullopt;
                     return fmt::format("must be at least {}", min);
                   });
}

Validator one_of(std::vector<std::string> values) {
  std::string listed = fmt::format("{}", fmt::join(values, ", "));
  return Validator(
      listed + " (any case)",
      [values = std::move(values), listed](std::string_view value) -> std::optional<std::string> {
        for (const std::string& allowed : values) {
          if (to_lower(allowed) == to_lower(value)) return std::nullopt;
        }
        return "must be one of " + listed;
      });
}

Validator matches(std::string_view regex, std::string description, std::string reason,
                  bool ignore_case) {
  return Validator(std::move(description),
                   [pattern = fixed_pattern(regex, ignore_case), reason = std::move(reason)](
                       std::string_view value) -> std::optional<std::string> {
                     if (pattern.full_match(value)) return std::nullopt;
                     return reason;
                   });
}

Validator non_empty_without_control_chars() {
  return Validator("non-empty string without ISO control characters",
                   [](std::string_view value) -> std::optional<std::string> {
                     if (value.empty()) return "must not be empty";
                     for (unsigned char c : value) {
                       if (c < 0x20 || c == 0x7F) return "must not contain control characters";
                     }
                     return std::nullopt;
                   });
}

Validator http_url() {
  return matches(R"(https?://[^\s/?#@]+(@[^\s/?#]+)?([/?#]\S*)?)",
                 "a URL with scheme https or http", "must be a URL with scheme https or http",
                 true);
}

Validator host_port() {
  // An optional listener-style scheme ("SASL_SSL://") is tolerated, as Kafka's client parser does.
  static const Pattern kHostPort = fixed_pattern(
      R"(([A-Za-z][A-Za-z0-9_+.-]*://)?(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):[0-9]{1,5})");
  return Validator("`<host>:<port>`", [](std::string_view value) -> std::optional<std::string> {
    if (value.empty()) return std::nullopt;
    if (kHostPort.full_match(value) &&
        parse_integer(value.substr(value.rfind(':') + 1), 0, 65535)) {
      return std::nullopt;
    }
    return "must be of the form <host>:<port>";
  });
}

Validator compiles_as_regex() {
  return Validator("a regular expression (ECMAScript syntax)",
                   [](std::string_view value) -> std::optional<std::string> {
                     Result<Pattern> pattern = Pattern::compile(value);
                     if (pattern.ok()) return std::nullopt;
                     return fmt::format("is not a valid regular expression: {}",
                                        pattern.error().message);
                   });
}

Validator each_element(Validator element, bool non_empty) {
  std::string description = element.description() + ", comma-separated";
  return Validator(std::move(description),
                   [element = std::move(element),
                    non_empty](std::string_view value) -> std::optional<std::string> {
                     std::vector<std::string> items = parse_list(value);
                     if (items.empty()) {
                       if (non_empty) return "must list at least one element";
                       return std::nullopt;
                     }
                     for (const std::string& item : items) {
                       if (item.empty()) return "must not contain an empty element";
                       if (auto reason = element.check(item)) {
                         return fmt::format("has element \"{}\" that {}", item, *reason);
                       }
                     }
                     return std::nullopt;
                   });
}

// --- ConfigTable --------------------------------------------------------------------------------

ConfigTable::ConfigTable(std::string title, std::vector<ConfigKey> keys,
                         std::vector<ConfigPrefix> prefixes)
    : title_(std::move(title)), keys_(std::move(keys)), prefixes_(std::move(prefixes)) {}

std::vector<std::string> ConfigTable::groups() const {
  std::vector<std::string> groups;
  auto add = [&](const std::string& group) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  };
  for (const ConfigKey& key : keys_) add(key.group);
  for (const ConfigPrefix& prefix : prefixes_) add(prefix.group);
  return groups;
}

const ConfigKey* ConfigTable::find(std::string_view name) const {
  for (const ConfigKey& key : keys_) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

const ConfigPrefix* ConfigTable::find_prefix(std::string_view name) const {
  const ConfigPrefix* best = nullptr;
  for (const ConfigPrefix& family : prefixes_) {
    if (name.size() > family.prefix.size() && name.starts_with(family.prefix) &&
        (best == nullptr || family.prefix.size() > best->prefix.size())) {
      best = &family;
    }
  }
  return best;
}

// --- ConfigView ---------------------------------------------------------------------------------

const ConfigKey& ConfigView::key(std::string_view name) const {
  const ConfigKey* key = table_.find(name);
  if (key == nullptr) {
    throw std::logic_error(fmt::format("property {} is not in the {} table", name, table_.title()));
  }
  return *key;
}

std::optional<std::string> ConfigView::get(std::string_view name) const {
  const ConfigKey& definition = key(name);
  auto it = properties_.find(std::string(name));
  if (it != properties_.end()) return std::string(trim(it->second));
  return definition.default_value;
}

bool ConfigView::is_set(std::string_view name) const {
  key(name);
  auto it = properties_.find(std::string(name));
  return it != properties_.end() && !trim(it->second).empty();
}

std::string ConfigView::string(std::string_view name) const { return get(name).value_or(""); }

int64_t ConfigView::integer(std::string_view name) const {
  std::optional<std::string> value = get(name);
  if (!value) return 0;
  return parse_integer(*value, std::numeric_limits<int64_t>::min(),
                       std::numeric_limits<int64_t>::max())
      .value_or(0);
}

bool ConfigView::boolean(std::string_view name) const {
  std::optional<std::string> value = get(name);
  return value && parse_boolean(*value).value_or(false);
}

std::vector<std::string> ConfigView::list(std::string_view name) const {
  return parse_list(get(name).value_or(""));
}

Secret ConfigView::secret(std::string_view name) const { return Secret(string(name)); }

Properties ConfigView::with_prefix(std::string_view prefix) const {
  Properties stripped;
  for (auto it = properties_.lower_bound(std::string(prefix));
       it != properties_.end() && it->first.starts_with(prefix); ++it) {
    if (it->first.size() > prefix.size()) stripped[it->first.substr(prefix.size())] = it->second;
  }
  return stripped;
}

}  // namespace sfpe::config
