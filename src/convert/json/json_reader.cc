// JSON payload -> Connect value. The rules are those of Kafka's JsonConverter.convertToConnect
// and Confluent's JsonSchemaData.toConnectData (summed up in json_converter.h and
// json_schema_data.h), except that a JSON value of the wrong kind, an integer out of its type's
// range or with a fraction is refused instead of being coerced by Jackson (a string read as an
// integer silently becomes 0 there, 1.5 becomes 1, 300 in an INT8 wraps).
#include "convert/json/json_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "common/base64.h"
#include "convert/error_codes.h"

namespace sfpe::convert::json {
namespace {

constexpr size_t kMaxDecimalDigits = 4096;
constexpr int64_t kMaxDecimalExponent = 100000;

class Reader {
 public:
  Reader(const ReadOptions& options, const char* error_code)
      : options_(options), error_code_(error_code) {}

  Result<data::Value> read(const ConnectNode& node, const JsonValue* json) {
    const data::Schema& schema = *node.schema;
    if (json == nullptr || json->is_null()) {
      if (node.default_value && options_.use_defaults) return *node.default_value;
      if (schema.optional || (json == nullptr && options_.missing_is_null)) return data::Value();
      return fail(fmt::format("null value for required {} field", data::to_string(schema.type)));
    }
    // Logical types are found by name whatever the underlying type (both converters do so).
    if (schema.name == data::kDecimalLogical) return read_decimal(schema, *json);
    if (schema.name == data::kDateLogical || schema.name == data::kTimeLogical) {
      if (!json->is_int32()) {
        return fail(
            fmt::format("expected an int32 integer for {}, got {}", schema.name, describe(*json)));
      }
      return data::Value(json->int_value());
    }
    if (schema.name == data::kTimestampLogical) {
      if (!json->is_number() || !json->integral_literal()) {
        return fail(
            fmt::format("expected an integer for {}, got {}", schema.name, describe(*json)));
      }
      if (!json->fits_int64())
        return fail(fmt::format("{} is out of range for INT64", json->text()));
      return data::Value(json->int_value());
    }
    switch (schema.type) {
      case data::Type::kInt8:
      case data::Type::kInt16:
      case data::Type::kInt32:
      case data::Type::kInt64:
        return read_integer(schema.type, *json);
      case data::Type::kFloat32:
      case data::Type::kFloat64: {
        if (!json->is_number()) return expected("number", *json);
        double value = json->double_value();
        if (schema.type == data::Type::kFloat32) value = static_cast<float>(value);
        return data::Value(value);
      }
      case data::Type::kBoolean:
        if (!json->is_boolean()) return expected("boolean", *json);
        return data::Value(json->boolean_value());
      case data::Type::kString:
        if (!json->is_string()) return expected("string", *json);
        return data::Value(json->text());
      case data::Type::kBytes: {
        if (!json->is_string()) return expected("base64 string", *json);
        auto bytes = decode_base64(json->text());
        if (!bytes) return fail("invalid base64 text for BYTES");
        return data::Value(std::move(*bytes));
      }
      case data::Type::kArray:
        return read_array(node, *json);
      case data::Type::kMap:
        return read_map(node, *json);
      case data::Type::kStruct:
        return node.is_union ? read_union(node, *json) : read_struct(node, *json);
    }
    return fail("unknown schema type");
  }

 private:
  Error fail(const std::string& what) const {
    if (path_.empty()) return Error::permanent(error_code_, what);
    return Error::permanent(error_code_, fmt::format("field {}: {}", path_, what));
  }

  static std::string describe(const JsonValue& json) {
    if (json.is_number()) return fmt::format("number {}", json.text());
    return json.kind_name();
  }

  Error expected(const char* what, const JsonValue& json) const {
    return fail(fmt::format("expected {}, got {}", what, describe(json)));
  }

  // Appends a path segment for the lifetime of the returned guard.
  class PathGuard {
   public:
    PathGuard(std::string& path, std::string_view segment, bool is_field) : path_(path) {
      size_ = path.size();
      if (is_field && !path.empty()) path += '.';
      path += segment;
    }
    ~PathGuard() { path_.resize(size_); }
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;

   private:
    std::string& path_;
    size_t size_;
  };

  Result<data::Value> read_integer(data::Type type, const JsonValue& json) {
    if (!json.is_number()) return expected("integer", json);
    int64_t value = 0;
    if (json.integral_literal()) {
      if (!json.fits_int64()) {
        return fail(fmt::format("{} is out of range for {}", json.text(), data::to_string(type)));
      }
      value = json.int_value();
    } else {
      // 1.0 or 1e3 denote integers too; 1.5 does not (Jackson would truncate it silently).
      const double d = json.double_value();
      if (!std::isfinite(d) || d != std::trunc(d) || d < -9.2e18 || d > 9.2e18) {
        return expected("integer", json);
      }
      value = static_cast<int64_t>(d);
    }
    int64_t low = std::numeric_limits<int64_t>::min();
    int64_t high = std::numeric_limits<int64_t>::max();
    if (type == data::Type::kInt8) {
      low = std::numeric_limits<int8_t>::min();
      high = std::numeric_limits<int8_t>::max();
    } else if (type == data::Type::kInt16) {
      low = std::numeric_limits<int16_t>::min();
      high = std::numeric_limits<int16_t>::max();
    } else if (type == data::Type::kInt32) {
      low = std::numeric_limits<int32_t>::min();
      high = std::numeric_limits<int32_t>::max();
    }
    if (value < low || value > high) {
      return fail(fmt::format("{} is out of range for {}", json.text(), data::to_string(type)));
    }
    return data::Value(value);
  }

  Result<data::Value> read_decimal(const data::Schema& schema, const JsonValue& json) {
    auto scale = decimal_scale(schema);
    if (!scale) return fail("Decimal schema without an integer \"scale\" parameter");
    if (json.is_number()) {
      auto bytes = decimal_literal_to_unscaled(json.text(), *scale);
      if (!bytes.ok()) return fail(bytes.error().message);
      return data::Value(std::move(bytes.value()));
    }
    if (json.is_string()) {
      auto bytes = decode_base64(json.text());
      if (!bytes || bytes->empty()) return fail("invalid bytes for Decimal: not base64 text");
      return data::Value(std::move(*bytes));
    }
    return fail(
        fmt::format("expected a number or base64 string for Decimal, got {}", describe(json)));
  }

  Result<data::Value> read_array(const ConnectNode& node, const JsonValue& json) {
    if (!json.is_array()) return expected("array", json);
    data::Array out;
    out.reserve(json.items().size());
    for (size_t i = 0; i < json.items().size(); ++i) {
      PathGuard guard(path_, fmt::format("[{}]", i), false);
      auto item = read(*node.children[0], &json.items()[i]);
      if (!item.ok()) return item;
      out.push_back(std::move(item.value()));
    }
    return data::Value(std::move(out));
  }

  Result<data::Value> read_map(const ConnectNode& node, const JsonValue& json) {
    const data::Schema& key_schema = *node.children[0]->schema;
    const bool object_form = options_.map_entries == ReadOptions::MapEntries::kPairs
                                 ? key_schema.type == data::Type::kString
                                 : key_schema.type == data::Type::kString && !key_schema.optional;
    data::MapEntries out;
    if (object_form) {
      if (!json.is_object()) return expected("object (a map with string keys)", json);
      out.reserve(json.members().size());
      for (const auto& [key, member] : json.members()) {
        PathGuard guard(path_, fmt::format("[{}]", key), false);
        auto value = read(*node.children[1], &member);
        if (!value.ok()) return value;
        out.emplace_back(data::Value(key), std::move(value.value()));
      }
      return data::Value(std::move(out));
    }
    const bool pairs = options_.map_entries == ReadOptions::MapEntries::kPairs;
    if (!json.is_array()) {
      return expected(pairs ? "array of [key, value] pairs (a map with non-string keys)"
                            : "array of {\"key\",\"value\"} objects (a map with non-string keys)",
                      json);
    }
    out.reserve(json.items().size());
    for (size_t i = 0; i < json.items().size(); ++i) {
      PathGuard guard(path_, fmt::format("[{}]", i), false);
      const JsonValue& entry = json.items()[i];
      const JsonValue* key = nullptr;
      const JsonValue* value = nullptr;
      if (pairs) {
        if (!entry.is_array()) return expected("[key, value] pair", entry);
        if (entry.size() != 2) {
          return fail(fmt::format("map entry has {} elements, expected 2", entry.size()));
        }
        key = &entry.items()[0];
        value = &entry.items()[1];
      } else {
        if (!entry.is_object()) return expected("{\"key\",\"value\"} object", entry);
        if (entry.size() != 2) {
          return fail(fmt::format("map entry has {} members, expected 2", entry.size()));
        }
        key = entry.find("key");
        value = entry.find("value");
      }
      auto key_value = read(*node.children[0], key);
      if (!key_value.ok()) return key_value;
      auto value_value = read(*node.children[1], value);
      if (!value_value.ok()) return value_value;
      out.emplace_back(std::move(key_value.value()), std::move(value_value.value()));
    }
    return data::Value(std::move(out));
  }

  Result<data::Value> read_struct(const ConnectNode& node, const JsonValue& json) {
    if (!json.is_object()) return expected("object", json);
    data::Struct out{node.schema, {}};
    out.values.reserve(node.schema->fields.size());
    for (size_t i = 0; i < node.schema->fields.size(); ++i) {
      const std::string& name = node.schema->fields[i].name;
      PathGuard guard(path_, name, true);
      auto value = read(*node.children[i], json.find(name));
      if (!value.ok()) return value;
      out.values.push_back(std::move(value.value()));
    }
    return data::Value(std::move(out));
  }

  // JsonSchemaData: the first branch whose type the value has, else the struct branch sharing
  // the most property names with the object.
  Result<data::Value> read_union(const ConnectNode& node, const JsonValue& json) {
    const auto& fields = node.schema->fields;
    int best_matching = -1;
    std::optional<size_t> best;
    std::optional<size_t> chosen;
    for (size_t i = 0; i < fields.size() && !chosen; ++i) {
      const data::Schema& branch = *node.children[i]->schema;
      if (is_instance_of(branch.type, json)) {
        chosen = i;
      } else if (branch.type == data::Type::kStruct && json.is_object()) {
        int matching = 0;
        for (const auto& field : branch.fields) matching += json.find(field.name) != nullptr;
        if (matching > best_matching) {
          best_matching = matching;
          best = i;
        }
      }
    }
    if (!chosen) chosen = best;
    if (!chosen) return fail(fmt::format("no branch of the union matches {}", describe(json)));
    data::Struct out{node.schema, std::vector<data::Value>(fields.size())};
    auto value = read(*node.children[*chosen], &json);
    if (!value.ok()) return value;
    out.values[*chosen] = std::move(value.value());
    return data::Value(std::move(out));
  }

  static bool is_instance_of(data::Type type, const JsonValue& json) {
    switch (type) {
      case data::Type::kInt8:
      case data::Type::kInt16:
      case data::Type::kInt32:
      case data::Type::kInt64:
        return json.is_number() && json.integral_literal();
      case data::Type::kFloat32:
      case data::Type::kFloat64:
        return json.is_number();
      case data::Type::kBoolean:
        return json.is_boolean();
      case data::Type::kString:
        return json.is_string();
      case data::Type::kBytes:
        // Jackson's isBigDecimal(): a number with a fraction or exponent, read exactly.
        return json.is_number() && !json.integral_literal();
      case data::Type::kArray:
        return json.is_array();
      case data::Type::kMap:
        return json.is_object() || json.is_array();
      case data::Type::kStruct:
        return false;
    }
    return false;
  }

  const ReadOptions& options_;
  const char* error_code_;
  std::string path_;
};

}  // namespace

Result<data::Value> read_value(const ConnectNode& node, const JsonValue* json,
                               const ReadOptions& options, const char* error_code) {
  return Reader(options, error_code).read(node, json);
}

std::optional<int> decimal_scale(const data::Schema& schema) {
  auto it = schema.parameters.find(std::string(data::kDecimalScaleParameter));
  if (it == schema.parameters.end()) return std::nullopt;
  int scale = 0;
  const char* begin = it->second.data();
  const char* end = begin + it->second.size();
  auto [ptr, ec] = std::from_chars(begin, end, scale);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return scale;
}

Result<data::Bytes> decimal_literal_to_unscaled(std::string_view text, int scale) {
  auto invalid = [&](const std::string& why) {
    return Error::permanent(kCodeInvalidJsonData, fmt::format("decimal {}: {}", text, why));
  };
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  std::string digits;
  int64_t fraction_digits = 0;
  bool seen_point = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
    if (digits.size() > kMaxDecimalDigits) return invalid("too many digits");
  }
  if (digits.empty()) return invalid("not a number");
  int64_t exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative_exponent = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
      negative_exponent = text[pos++] == '-';
    }
    if (pos == text.size()) return invalid("not a number");
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (exponent <= kMaxDecimalExponent) exponent = exponent * 10 + (text[pos] - '0');
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (pos != text.size()) return invalid("not a number");

  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return data::Bytes{0};
  if (exponent > kMaxDecimalExponent || exponent < -kMaxDecimalExponent) {
    return invalid("exponent out of range");
  }
  // value = digits * 10^(exponent - fraction_digits); unscaled = value * 10^scale.
  const int64_t shift = exponent - fraction_digits + scale;
  if (shift >= 0) {
    if (digits.size() + static_cast<size_t>(shift) > kMaxDecimalDigits) {
      return invalid("too many digits");
    }
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const size_t drop = static_cast<size_t>(-shift);
    const size_t keep = digits.size() > drop ? digits.size() - drop : 0;
    if (digits.find_first_not_of('0', keep) != std::string::npos) {
      return invalid(fmt::format("more fractional digits than the schema's scale {}", scale));
    }
    digits.resize(keep);
    if (digits.empty()) return data::Bytes{0};
  }

  // Magnitude, little-endian base 256.
  std::vector<uint8_t> magnitude;
  for (char c : digits) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (auto& byte : magnitude) {
      const unsigned v = byte * 10u + carry;
      byte = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    while (carry != 0) {
      magnitude.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  while (magnitude.size() > 1 && magnitude.back() == 0) magnitude.pop_back();
  if (negative) {
    // Two's complement of the magnitude over the same width, sign-extended if needed.
    unsigned carry = 1;
    for (auto& byte : magnitude) {
      const unsigned v = static_cast<uint8_t>(~byte) + carry;
      byte = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    if ((magnitude.back() & 0x80) == 0) magnitude.push_back(0xff);
    // Drop redundant sign bytes: 0xff followed by a byte with its top bit set.
    while (magnitude.size() > 1 && magnitude.back() == 0xff &&
           (magnitude[magnitude.size() - 2] & 0x80) != 0) {
      magnitude.pop_back();
    }
  } else if ((magnitude.back() & 0x80) != 0) {
    magnitude.push_back(0x00);
  }
  return data::Bytes(magnitude.rbegin(), magnitude.rend());
}

std::optional<data::Bytes> decode_base64(std::string_view text) {
  auto decoded = base64_decode(text);
  if (!decoded) return std::nullopt;
  return data::Bytes(decoded->begin(), decoded->end());
}

}  // namespace sfpe::convert::json
