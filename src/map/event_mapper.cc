// Record value -> Platform Event JSON body (confluent-connector.md §6.2, salesforce-api.md §5).
#include "map/event_mapper.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "convert/record_context.h"
#include "map/value_format.h"

namespace sfpe::map {
namespace {

constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;
constexpr int64_t kMillisPerDay = 86400000;
constexpr int64_t kMaxDays = INT64_MAX / kMillisPerDay - 1;

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
  ValueWriter(const kafka::Record& where, const std::string& event_name)
      : where_(where), event_name_(event_name) {}

  Error error(const char* code, const std::string& path, const std::string& what) const {
    return Error::permanent(
        code, fmt::format("{} field {}: {}", convert::describe_record(where_), path, what));
  }

  // One top-level value coerced onto the event field `def` (see event_mapper.h).
  Result<EventJson> coerce(const EventFieldDef& def, const data::Schema& schema,
                           const data::Value& value, const std::string& path) {
    if (value.is_null()) return EventJson(nullptr);
    // A Protobuf wrapper (google.protobuf.DoubleValue, ...) reaches Connect as a struct with one
    // field `value` unless wrapper.for.nullables is set; its value is what the field holds.
    if (const data::Struct* wrapper = protobuf_wrapper(schema, value)) {
      return coerce(def, *schema.fields[0].schema, wrapper->values[0], path);
    }
    // An empty string on a Number, Checkbox, Date or Date/Time field is no value: proto3 writes
    // unset strings as "", and Salesforce's REST API reads "" on such fields as null
    // (unverified for events, salesforce-api.md §5).
    const std::string* text = value.get_if<std::string>();
    if (text != nullptr && text->empty() && def.type != FieldType::kText &&
        def.type != FieldType::kLongText && def.type != FieldType::kOther) {
      return EventJson(nullptr);
    }
    switch (def.type) {
      case FieldType::kNumber: return to_number(def, schema, value, path);
      case FieldType::kCheckbox: return to_checkbox(def, schema, value, path);
      case FieldType::kDate: return to_date(def, schema, value, path);
      case FieldType::kDateTime: return to_datetime(def, schema, value, path);
      case FieldType::kText:
      case FieldType::kLongText: return to_text(def, schema, value, path);
      case FieldType::kOther: break;
    }
    // Not a Platform Event field type: the natural JSON value, nested values as JSON text.
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
  static const data::Struct* protobuf_wrapper(const data::Schema& schema,
                                              const data::Value& value) {
    static const std::set<std::string, std::less<>> kWrappers = {
        "DoubleValue", "FloatValue",  "Int64Value",  "UInt64Value", "Int32Value",
        "UInt32Value", "BoolValue",   "StringValue", "BytesValue"};
    if (schema.type != data::Type::kStruct || schema.fields.size() != 1 ||
        schema.fields[0].name != "value" || schema.fields[0].schema == nullptr) {
      return nullptr;
    }
    std::string_view name = schema.name;
    if (name.starts_with("google.protobuf.")) name.remove_prefix(16);
    if (kWrappers.count(name) == 0) return nullptr;
    const data::Struct* record = value.get_if<data::Struct>();
    return record != nullptr && record->values.size() == 1 ? record : nullptr;
  }

  // How a value's type is named in errors: its Connect logical name or type.
  static std::string describe_type(const data::Schema& schema) {
    auto source = schema.parameters.find(std::string(data::kSourceLogicalParameter));
    if (source != schema.parameters.end()) return source->second;
    if (schema.name == data::kDateLogical) return "Date";
    if (schema.name == data::kTimestampLogical) return "Timestamp";
    if (schema.name == data::kTimeLogical) return "Time";
    if (schema.name == data::kDecimalLogical) return "Decimal";
    return data::to_string(schema.type);
  }

  Error type_mismatch(const EventFieldDef& def, const data::Schema& schema,
                      const std::string& path, const std::string& detail = "") const {
    return error(kCodeFieldTypeMismatch, path,
                 fmt::format("a {} value cannot be published to {} field {} of {}{}",
                             describe_type(schema), to_string(def.type), def.name,
                             event_name_, detail));
  }

  Error unreadable(const EventFieldDef& def, const std::string& path, const std::string& text,
                   const char* expected) const {
    return error(kCodeInvalidFieldValue, path,
                 fmt::format("\"{}\" is not {} for {} field {}", to_valid_utf8(text), expected,
                             to_string(def.type), def.name));
  }

  Result<EventJson> to_number(const EventFieldDef& def, const data::Schema& schema,
                              const data::Value& value, const std::string& path) {
    const bool logical_time = schema.name == data::kDateLogical ||
                              schema.name == data::kTimestampLogical ||
                              schema.name == data::kTimeLogical;
    Result<EventJson> number = EventJson();
    switch (schema.type) {
      case data::Type::kInt8:
      case data::Type::kInt16:
      case data::Type::kInt32:
      case data::Type::kInt64:
      case data::Type::kFloat32:
      case data::Type::kFloat64:
        if (logical_time) return type_mismatch(def, schema, path);
        number = to_json(schema, value, path);
        break;
      case data::Type::kBytes:
        if (schema.name != data::kDecimalLogical) return type_mismatch(def, schema, path);
        number = to_json(schema, value, path);
        break;
      case data::Type::kString: {
        const std::string* text = value.get_if<std::string>();
        if (text == nullptr) return to_json(schema, value, path);  // reports the mismatch
        if (!is_decimal_number_text(*text)) return unreadable(def, path, *text, "a number");
        number = number_from_text(*text, path);
        break;
      }
      default:
        return type_mismatch(def, schema, path);
    }
    if (!number.ok()) return number;
    if (def.precision > 0 && number->is_number()) {
      // Salesforce rounds extra decimals but refuses more integer digits than precision - scale
      // allow (NUMBER_OUTSIDE_VALID_RANGE); refusing here saves the API call.
      const double limit = std::pow(10.0, def.precision - def.scale);
      if (std::fabs(number->get<double>()) >= limit) {
        return error(kCodeNumberOutOfRange, path,
                     fmt::format("{} is outside the range of Number field {} (precision {}, "
                                 "scale {})",
                                 number->dump(), def.name, def.precision, def.scale));
      }
    }
    return number;
  }

  // Exact number text -> an integer when it is one that fits int64, else the nearest double.
  Result<EventJson> number_from_text(const std::string& text, const std::string& path) {
    const char* begin = text.data() + (text.starts_with('+') ? 1 : 0);
    const char* end = text.data() + text.size();
    int64_t whole = 0;
    auto parsed = std::from_chars(begin, end, whole);
    if (parsed.ec == std::errc() && parsed.ptr == end) return EventJson(whole);
    double nearest = 0;
    std::from_chars(begin, end, nearest);
    if (!std::isfinite(nearest)) {
      return error(kCodeNonFiniteNumber, path,
                   fmt::format("{} is too large for a JSON number", text));
    }
    return EventJson(nearest);
  }

  Result<EventJson> to_checkbox(const EventFieldDef& def, const data::Schema& schema,
                                const data::Value& value, const std::string& path) {
    if (schema.type == data::Type::kBoolean) return to_json(schema, value, path);
    if (schema.type == data::Type::kString) {
      const std::string* text = value.get_if<std::string>();
      if (text == nullptr) return to_json(schema, value, path);
      std::string folded = *text;
      for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (folded == "true") return EventJson(true);
      if (folded == "false") return EventJson(false);
      return unreadable(def, path, *text, "true or false");
    }
    return type_mismatch(def, schema, path);
  }

  // Milliseconds of an Avro timestamp-micros (a plain INT64 to Connect), rounded down.
  static std::optional<int64_t> micros_as_millis(const data::Schema& schema,
                                                 const int64_t* number) {
    auto it = schema.parameters.find(std::string(data::kSourceLogicalParameter));
    if (number == nullptr || schema.type != data::Type::kInt64 ||
        it == schema.parameters.end() || it->second != data::kTimestampMicros) {
      return std::nullopt;
    }
    return *number / 1000 - ((*number % 1000) < 0 ? 1 : 0);
  }

  Result<EventJson> to_date(const EventFieldDef& def, const data::Schema& schema,
                            const data::Value& value, const std::string& path) {
    const int64_t* number = value.get_if<int64_t>();
    if (auto millis = micros_as_millis(schema, number)) {
      if (*number % (kMillisPerDay * 1000) != 0) {
        return type_mismatch(def, schema, path,
                             fmt::format(": {} is not at midnight UTC, and a Date has no time",
                                         to_iso8601_millis(*millis)));
      }
      return EventJson(to_iso_date(*millis / kMillisPerDay));
    }
    if (schema.name == data::kDateLogical && number != nullptr) {
      return EventJson(to_iso_date(*number));
    }
    if (schema.name == data::kTimestampLogical && number != nullptr) {
      if (*number % kMillisPerDay != 0) {
        return type_mismatch(def, schema, path,
                             fmt::format(": {} is not at midnight UTC, and a Date has no time",
                                         to_iso8601_millis(*number)));
      }
      return EventJson(to_iso_date(*number / kMillisPerDay));
    }
    if (schema.type == data::Type::kString && schema.name.empty()) {
      const std::string* text = value.get_if<std::string>();
      if (text == nullptr) return to_json(schema, value, path);
      auto days = parse_iso_date(*text);
      if (!days) return unreadable(def, path, *text, "a yyyy-MM-dd date");
      return EventJson(to_iso_date(*days));
    }
    return type_mismatch(def, schema, path);
  }

  Result<EventJson> to_datetime(const EventFieldDef& def, const data::Schema& schema,
                                const data::Value& value, const std::string& path) {
    const int64_t* number = value.get_if<int64_t>();
    if (auto millis = micros_as_millis(schema, number)) {
      return EventJson(to_iso8601_millis(*millis));  // Salesforce keeps milliseconds
    }
    if (schema.name == data::kTimestampLogical && number != nullptr) {
      return EventJson(to_iso8601_millis(*number));
    }
    if (schema.name == data::kDateLogical && number != nullptr) {
      // Days to milliseconds can overflow only far outside any year Salesforce accepts.
      if (*number > kMaxDays || *number < -kMaxDays) {
        return error(kCodeInvalidFieldValue, path,
                     fmt::format("Date {} is out of range", to_iso_date(*number)));
      }
      return EventJson(to_iso8601_millis(*number * kMillisPerDay));
    }
    if (schema.type == data::Type::kString && schema.name.empty()) {
      const std::string* text = value.get_if<std::string>();
      if (text == nullptr) return to_json(schema, value, path);
      auto millis = parse_iso_datetime(*text);
      if (!millis) {
        return unreadable(def, path, *text, "an ISO-8601 date-time with a zone");
      }
      return EventJson(to_iso8601_millis(*millis));
    }
    return type_mismatch(def, schema, path);
  }

  Result<EventJson> to_text(const EventFieldDef& def, const data::Schema& schema,
                            const data::Value& value, const std::string& path) {
    auto json = to_json(schema, value, path);
    if (!json.ok()) return json;
    std::string text = json->is_string() ? json->get<std::string>()
                                         : json->dump(-1, ' ', false, kReplaceInvalid);
    if (def.length > 0) {
      const size_t characters = count_characters(text);
      if (characters > static_cast<size_t>(def.length)) {
        return error(kCodeValueTooLong, path,
                     fmt::format("{} characters are more than the {} that {} field {} holds",
                                 characters, def.length, to_string(def.type), def.name));
      }
    }
    return EventJson(std::move(text));
  }

  // Characters as Salesforce counts a field's length: Unicode code points (unverified against
  // UTF-16 units for characters outside the Basic Multilingual Plane).
  static size_t count_characters(std::string_view text) {
    size_t count = 0;
    for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return count;
  }

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
  const std::string& event_name_;
};

}  // namespace

Result<EventJson> map_to_event(const data::SchemaAndValue& value, const EventSchema& event_schema,
                               const kafka::Record& where) {
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
  ValueWriter writer(where, event_schema.event_name());
  EventJson event = EventJson::object();
  std::vector<std::pair<const EventFieldDef*, const std::string*>> used;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const data::Field& field = schema.fields[i];
    if (!ends_with_ignoring_case(field.name, kCustomFieldSuffix)) continue;
    const EventFieldDef* def = event_schema.find(field.name);
    if (def == nullptr) {
      std::vector<std::string> names;
      for (const auto& f : event_schema.fields()) names.push_back(f.name);
      return Error::permanent(
          kCodeUnknownEventField,
          fmt::format("{}: field {} is not a field of event {} (its custom fields: {})",
                      convert::describe_record(where), to_valid_utf8(field.name),
                      event_schema.event_name(),
                      names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
    }
    for (const auto& [seen, seen_name] : used) {
      if (seen == def) {
        return Error::permanent(
            kCodeDuplicateEventField,
            fmt::format("{}: fields {} and {} both name event field {}",
                        convert::describe_record(where), to_valid_utf8(*seen_name),
                        to_valid_utf8(field.name), def->name));
      }
    }
    used.emplace_back(def, &field.name);
    auto json = writer.coerce(*def, *field.schema, record->values[i], field.name);
    if (!json.ok()) return json.error();
    event[def->name] = std::move(json.value());
  }
  if (event.empty()) {
    std::string other_names;
    for (const auto& field : schema.fields) {
      other_names += (other_names.empty() ? "" : ", ") + field.name;
    }
    return Error::permanent(
        kCodeNoPublishableFields,
        fmt::format("{}: no field name ends in \"{}\", nothing to publish (fields: {})",
                    convert::describe_record(where), kCustomFieldSuffix,
                    other_names.empty() ? "none" : other_names));
  }
  return event;
}

std::string serialize_event(const EventJson& event) {
  return event.dump(-1, ' ', false, kReplaceInvalid);
}

size_t serialized_size(const EventJson& event) { return serialize_event(event).size(); }

}  // namespace sfpe::map
