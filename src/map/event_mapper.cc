// Record value -> Platform Event JSON body (confluent-connector.md §6.2, salesforce-api.md §5).
#include "map/event_mapper.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>
#include <utility>

#include "convert/record_context.h"
#include "map/value_format.h"

namespace sfpe::map {
namespace {

constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;

bool ends_with_ignoring_case(std::string_view name, std::string_view suffix) {
  if (name.size() < suffix.size()) return false;
  auto tail = name.substr(name.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) !=
        std::tolower(static_cast<unsigned char>(suffix[i]))) {
      return false;
    }
  }
  return true;
}

// Renders one value; `path` names the field for errors ("Address__c.lines[2]").
class ValueWriter {
 public:
  explicit ValueWriter(const kafka::Record& where) : where_(where) {}

  Error error(const char* code, const std::string& path, const std::string& what) const {
    return Error::permanent(
        code, fmt::format("{} field {}: {}", convert::describe_record(where_), path, what));
  }

  // A top-level event field: nested structures travel as compact JSON text, since an event
  // field holds a scalar.
  Result<EventJson> field_value(const data::Schema& schema, const data::Value& value,
                                const std::string& path) {
    auto json = to_json(schema, value, path);
    if (!json.ok() || !(json->is_object() || json->is_array())) return json;
    return EventJson(json->dump(-1, ' ', false, kReplaceInvalid));
  }

  Result<EventJson> to_json(const data::Schema& schema, const data::Value& value,
                            const std::string& path) {
    if (value.is_null()) return EventJson(nullptr);
    auto mismatch = [&]() {
      return error(kCodeInvalidFieldValue, path,
                   fmt::format("value does not match its {} schema", data::to_string(schema.type)));
    };
    switch (schema.type) {
      case data::Type::kInt8:
      case data::Type::kInt16:
      case data::Type::kInt32:
      case data::Type::kInt64: {
        const int64_t* number = value.get_if<int64_t>();
        if (number == nullptr) return mismatch();
        return integer_json(schema, *number, path);
      }
      case data::Type::kFloat32:
      case data::Type::kFloat64: {
        const double* number = value.get_if<double>();
        if (number == nullptr) return mismatch();
        if (!std::isfinite(*number)) {
          return error(kCodeNonFiniteNumber, path,
                       fmt::format("{} is not a valid JSON number", *number));
        }
        return EventJson(schema.type == data::Type::kFloat32 ? float32_as_double(*number)
                                                             : *number);
      }
      case data::Type::kBoolean: {
        const bool* flag = value.get_if<bool>();
        if (flag == nullptr) return mismatch();
        return EventJson(*flag);
      }
      case data::Type::kString: {
        const std::string* text = value.get_if<std::string>();
        if (text == nullptr) return mismatch();
        return EventJson(to_valid_utf8(*text));
      }
      case data::Type::kBytes: {
        const data::Bytes* bytes = value.get_if<data::Bytes>();
        if (bytes == nullptr) return mismatch();
        if (schema.name == data::kDecimalLogical) return decimal_json(schema, *bytes, path);
        return EventJson(to_base64(*bytes));
      }
      case data::Type::kArray: {
        const data::Array* items = value.get_if<data::Array>();
        if (items == nullptr || schema.value_schema == nullptr) return mismatch();
        EventJson array = EventJson::array();
        for (size_t i = 0; i < items->size(); ++i) {
          auto item = to_json(*schema.value_schema, (*items)[i], fmt::format("{}[{}]", path, i));
          if (!item.ok()) return item;
          array.push_back(std::move(item.value()));
        }
        return array;
      }
      case data::Type::kMap:
        return map_json(schema, value, path);
      case data::Type::kStruct: {
        const data::Struct* record = value.get_if<data::Struct>();
        if (record == nullptr || record->values.size() != schema.fields.size()) return mismatch();
        EventJson object = EventJson::object();
        for (size_t i = 0; i < schema.fields.size(); ++i) {
          const data::Field& field = schema.fields[i];
          auto json = to_json(*field.schema, record->values[i], path + "." + field.name);
          if (!json.ok()) return json;
          object[to_valid_utf8(field.name)] = std::move(json.value());
        }
        return object;
      }
    }
    return mismatch();
  }

 private:
  Result<EventJson> integer_json(const data::Schema& schema, int64_t number,
                                 const std::string& path) {
    // Salesforce Date and Date/Time fields take ISO text (salesforce-api.md §5).
    if (schema.name == data::kDateLogical) return EventJson(to_iso_date(number));
    if (schema.name == data::kTimestampLogical) return EventJson(to_iso8601_millis(number));
    if (schema.name == data::kTimeLogical) {
      auto time = to_iso_time(number);
      if (!time.has_value()) {
        return error(kCodeInvalidFieldValue, path,
                     fmt::format("Time value {} is not within one day", number));
      }
      return EventJson(*time);
    }
    return EventJson(number);
  }

  // A float32 widened to double would print as 0.10000000149011612; printing the shortest text
  // that reads back as the same float gives 0.1, as Java does.
  static double float32_as_double(double widened) {
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), static_cast<float>(widened));
    double narrowed = widened;
    std::from_chars(buffer, result.ptr, narrowed);
    return narrowed;
  }

  // The exact decimal text decides the number: an integral value that fits int64 is sent as an
  // integer, exactly; any other as the double nearest to the exact text (one correct rounding,
  // never double arithmetic on the unscaled value). Salesforce Number fields are doubles
  // (salesforce-api.md §5), so the server would round to the same double; up to 15 significant
  // digits the JSON text equals the decimal's value.
  Result<EventJson> decimal_json(const data::Schema& schema, const data::Bytes& bytes,
                                 const std::string& path) {
    auto scale_it = schema.parameters.find(std::string(data::kDecimalScaleParameter));
    int scale = 0;
    if (scale_it == schema.parameters.end() ||
        std::from_chars(scale_it->second.data(), scale_it->second.data() + scale_it->second.size(),
                        scale)
                .ec != std::errc()) {
      return error(kCodeInvalidFieldValue, path, "Decimal schema without a valid scale");
    }
    auto text = decimal_to_string(bytes, scale);
    if (!text.has_value()) {
      return error(
          kCodeInvalidFieldValue, path,
          fmt::format("Decimal of {} bytes with scale {} cannot be read", bytes.size(), scale));
    }
    const std::string& digits = *text;
    const auto point = digits.find('.');
    const bool integral =
        point == std::string::npos || digits.find_first_not_of('0', point + 1) == std::string::npos;
    if (integral) {
      int64_t whole = 0;
      const char* end = digits.data() + (point == std::string::npos ? digits.size() : point);
      auto parsed = std::from_chars(digits.data(), end, whole);
      if (parsed.ec == std::errc() && parsed.ptr == end) return EventJson(whole);
    }
    double nearest = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), nearest);
    if (!std::isfinite(nearest)) {
      return error(kCodeNonFiniteNumber, path,
                   fmt::format("Decimal {} is too large for a JSON number", digits));
    }
    return EventJson(nearest);
  }

  // Maps with string keys become objects; others a list of [key, value] pairs, as Connect's
  // JsonConverter writes them.
  Result<EventJson> map_json(const data::Schema& schema, const data::Value& value,
                             const std::string& path) {
    const data::MapEntries* entries = value.get_if<data::MapEntries>();
    if (entries == nullptr || schema.key_schema == nullptr || schema.value_schema == nullptr) {
      return error(kCodeInvalidFieldValue, path, "value does not match its MAP schema");
    }
    const bool string_keys = schema.key_schema->type == data::Type::kString;
    EventJson json = string_keys ? EventJson::object() : EventJson::array();
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto& [key, item] = (*entries)[i];
      const std::string item_path = fmt::format("{}[{}]", path, i);
      auto key_json = to_json(*schema.key_schema, key, item_path);
      if (!key_json.ok()) return key_json;
      auto item_json = to_json(*schema.value_schema, item, item_path);
      if (!item_json.ok()) return item_json;
      if (string_keys && key_json->is_string()) {
        json[key_json->get<std::string>()] = std::move(item_json.value());
      } else if (string_keys) {
        return error(kCodeInvalidFieldValue, item_path, "null map key");
      } else {
        json.push_back(
            EventJson::array({std::move(key_json.value()), std::move(item_json.value())}));
      }
    }
    return json;
  }

  const kafka::Record& where_;
};

}  // namespace

Result<EventJson> map_to_event(const data::SchemaAndValue& value, const kafka::Record& where) {
  if (value.schema == nullptr || value.value.is_null()) {
    return Error::permanent(kCodeTombstone,
                            fmt::format("{}: the value is null (a tombstone); an event needs a "
                                        "struct",
                                        convert::describe_record(where)));
  }
  const data::Schema& schema = *value.schema;
  const data::Struct* record = value.value.get_if<data::Struct>();
  if (schema.type != data::Type::kStruct || record == nullptr) {
    return Error::permanent(kCodeValueNotStruct, fmt::format("{}: the value is a {}, not a STRUCT",
                                                             convert::describe_record(where),
                                                             data::to_string(schema.type)));
  }
  if (record->values.size() != schema.fields.size()) {
    return Error::permanent(
        kCodeInvalidFieldValue,
        fmt::format("{}: the struct has {} values for {} fields", convert::describe_record(where),
                    record->values.size(), schema.fields.size()));
  }
  ValueWriter writer(where);
  EventJson event = EventJson::object();
  std::string other_names;
  std::string case_mismatch;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const data::Field& field = schema.fields[i];
    // Exact, case-sensitive suffix: the original connector skipped MESSAGE__C
    // (confluent-connector.md §6.2).
    if (!field.name.ends_with(kCustomFieldSuffix)) {
      other_names += (other_names.empty() ? "" : ", ") + field.name;
      if (case_mismatch.empty() && ends_with_ignoring_case(field.name, kCustomFieldSuffix)) {
        case_mismatch = field.name;
      }
      continue;
    }
    auto json = writer.field_value(*field.schema, record->values[i], field.name);
    if (!json.ok()) return json.error();
    event[to_valid_utf8(field.name)] = std::move(json.value());
  }
  if (event.empty()) {
    std::string hint = case_mismatch.empty() ? ""
                                             : fmt::format(
                                                   "; {} differs only in case: names are matched "
                                                   "case-sensitively",
                                                   case_mismatch);
    return Error::permanent(
        kCodeNoPublishableFields,
        fmt::format("{}: no field name ends in \"{}\", nothing to publish (fields: {}){}",
                    convert::describe_record(where), kCustomFieldSuffix,
                    other_names.empty() ? "none" : other_names, hint));
  }
  return event;
}

std::string serialize_event(const EventJson& event) {
  return event.dump(-1, ' ', false, kReplaceInvalid);
}

size_t serialized_size(const EventJson& event) { return serialize_event(event).size(); }

}  // namespace sfpe::map
