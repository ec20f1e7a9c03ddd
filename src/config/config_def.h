// The one definition of every property, in the manner of Kafka's ConfigDef: name, type, default,
// validator, importance, documentation, group and secrecy. Validation, typed views, masking and
// docs/configuration.md are all driven from the two tables declared here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"
#include "config/properties.h"

namespace sfpe::config {

enum class ConfigType { kString, kInt, kShort, kLong, kDouble, kBoolean, kList, kClass, kPassword };
enum class Importance { kHigh, kMedium, kLow };

const char* to_string(ConfigType type);  // "STRING", "INT", ... as Kafka names them
const char* to_string(Importance importance);

// Checks a value that already parses as its key's type.
class Validator {
 public:
  // The reason the value is invalid, worded to follow the quoted value ("must end in __e"),
  // or nullopt when it is valid.
  using Check = std::function<std::optional<std::string>(std::string_view value)>;

  Validator() = default;
  Validator(std::string description, Check check)
      : description_(std::move(description)), check_(std::move(check)) {}

  std::optional<std::string> check(std::string_view value) const {
    return check_ ? check_(value) : std::nullopt;
  }
  const std::string& description() const { return description_; }  // "valid values" in the docs

 private:
  std::string description_;
  Check check_;
};

// Integer ranges, inclusive.
Validator between(int64_t min, int64_t max);
Validator at_least(int64_t min);
// One of `values`, compared case-insensitively.
Validator one_of(std::vector<std::string> values);
// Whole-value match of an ECMAScript regex; `reason` is reported on mismatch.
Validator matches(std::string_view regex, std::string description, std::string reason,
                  bool ignore_case = false);
// Not blank and without ISO control characters (Connect's rule for connector names).
Validator non_empty_without_control_chars();
// An absolute URL with scheme http or https.
Validator http_url();
// "host:port"; a blank value means "not set" and is accepted.
Validator host_port();
// A regular expression that compiles.
Validator compiles_as_regex();
// A LIST whose elements each pass `element` (blank elements are rejected); may be empty unless
// `non_empty`.
Validator each_element(Validator element, bool non_empty);

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  bool required = false;                     // no default: must be given
  std::optional<std::string> default_value;  // nullopt with !required: the default is null
  Validator validator;
  Importance importance = Importance::kMedium;
  std::string group;
  std::string documentation;
  bool ignored = false;  // accepted so existing configs still validate, but has no effect

  bool secret() const { return type == ConfigType::kPassword; }
};

// A family of keys accepted by prefix (e.g. "value.converter."), passed on to another component.
struct ConfigPrefix {
  std::string prefix;
  std::string group;
  std::string documentation;
  bool ignored = false;
};

class ConfigTable {
 public:
  ConfigTable(std::string title, std::vector<ConfigKey> keys, std::vector<ConfigPrefix> prefixes);

  const std::string& title() const { return title_; }
  const std::vector<ConfigKey>& keys() const { return keys_; }
  const std::vector<ConfigPrefix>& prefixes() const { return prefixes_; }
  // Groups in order of first appearance among keys, then prefixes.
  std::vector<std::string> groups() const;

  const ConfigKey* find(std::string_view name) const;
  // The longest prefix family `name` belongs to, or nullptr.
  const ConfigPrefix* find_prefix(std::string_view name) const;

 private:
  std::string title_;
  std::vector<ConfigKey> keys_;
  std::vector<ConfigPrefix> prefixes_;
};

// Every property of the Confluent Salesforce Platform Events sink and the Connect connector-level
// keys (confluent-connector.md §3, kafka-connect.md §1.4, §2.1, §4.4).
const ConfigTable& connector_table();
// The standalone worker properties (kafka-connect.md §1.4, §4.3, §4.4).
const ConfigTable& worker_table();

// --- Value parsing, shared by validation and the typed views -----------------------------------

// Trims like Java's String.trim (every char <= ' '); Kafka's ConfigDef trims every value.
std::string_view trim(std::string_view value);
std::string to_lower(std::string_view value);
std::string to_upper(std::string_view value);
// Why `value` (already trimmed) does not parse as `type`, or nullopt if it does.
std::optional<std::string> type_error(ConfigType type, std::string_view value);
// A decimal integer with optional sign, within [min, max].
std::optional<int64_t> parse_integer(std::string_view value, int64_t min, int64_t max);
// "true" / "false", case-insensitive (ConfigDef.parseType BOOLEAN).
std::optional<bool> parse_boolean(std::string_view value);
// Splits on commas and trims each element; a blank value is the empty list.
std::vector<std::string> parse_list(std::string_view value);

// Reads Properties through a table: trimmed values with the table's defaults applied. Asking for a
// key the table does not define is a programming error and throws std::logic_error.
class ConfigView {
 public:
  ConfigView(const ConfigTable& table, const Properties& properties)
      : table_(table), properties_(properties) {}

  // The trimmed value if present, else the default; nullopt when the result is null.
  std::optional<std::string> get(std::string_view name) const;
  // Present with a non-blank value.
  bool is_set(std::string_view name) const;
  // These assume the value passed validation; null reads as "", 0, false or {}.
  std::string string(std::string_view name) const;
  int64_t integer(std::string_view name) const;
  bool boolean(std::string_view name) const;
  std::vector<std::string> list(std::string_view name) const;
  Secret secret(std::string_view name) const;
  // Every property starting with `prefix`, with the prefix stripped (values untouched).
  Properties with_prefix(std::string_view prefix) const;

  const Properties& properties() const { return properties_; }

 private:
  const ConfigKey& key(std::string_view name) const;

  const ConfigTable& table_;
  const Properties& properties_;
};

}  // namespace sfpe::config
