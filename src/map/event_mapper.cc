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
constexpr int64_t kEarliestDay = -98615;  // 1700-01-01, in days since 1970-01-01
constexpr int64_t kLatestDay = 741807;    // 4000-12-31

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

  // Number fields (see event_mapper.h). Limits as Salesforce applies them: more integer digits
  // than precision - scale is NUMBER_OUTSIDE_VALID_RANGE there; extra decimals are rounded, not
  // refused (salesforce-api.md §5: Number has precision and scale, at most 18 digits).
  Result<EventJson> to_number(const EventFieldDef& def, const data::Schema& schema,
                              const data::Value& value, const std::string& path) {
    const bool logical_time = schema.name == data::kDateLogical ||
                              schema.name == data::kTimestampLogical ||
                              schema.name == data::kTimeLogical;
    const int64_t max_integer_digits = def.precision > 0 ? def.precision - def.scale : -1;
    switch (schema.type) {
      case data::Type::kInt8:
      case data::Type::kInt16:
      case data::Type::kInt32:
      case data::Type::kInt64:
      case data::Type::kFloat32:
      case data::Type::kFloat64: {
        if (logical_time) return type_mismatch(def, schema, path);
        auto number = to_json(schema, value, path);
        if (!number.ok() || max_integer_digits < 0) return number;
        // A double's shortest text is exactly its value, so its digits are counted exactly.
        char buffer[64];
        auto written = number->is_number_integer()
                           ? std::to_chars(buffer, buffer + sizeof buffer, number->get<int64_t>())
                           : std::to_chars(buffer, buffer + sizeof buffer, number->get<double>());
        auto digits = read_decimal_text(
            std::string_view(buffer, static_cast<size_t>(written.ptr - buffer)));
        if (digits && digits->integer_digits > max_integer_digits) {
          return out_of_range(def, path, digits->json);
        }
        return number;
      }
      case data::Type::kBytes: {
        if (schema.name != data::kDecimalLogical) return type_mismatch(def, schema, path);
        const data::Bytes* bytes = value.get_if<data::Bytes>();
        if (bytes == nullptr) return to_json(schema, value, path);  // reports the mismatch
        auto text = decimal_text(schema, *bytes, path);
        if (!text.ok()) return text.error();
        return exact_number(def, *read_decimal_text(*text), path);
      }
      case data::Type::kString: {
        const std::string* text = value.get_if<std::string>();
        if (text == nullptr) return to_json(schema, value, path);  // reports the mismatch
        auto digits = read_decimal_text(*text);
        if (!digits) return unreadable(def, path, *text, "a number");
        return exact_number(def, *digits, path);
      }
      default:
        return type_mismatch(def, schema, path);
    }
  }

  Error out_of_range(const EventFieldDef& def, const std::string& path,
                     const std::string& number) const {
    return error(kCodeNumberOutOfRange, path,
                 fmt::format("{} has more than the {} integer digits of Number field {} "
                             "(precision {}, scale {})",
                             number, def.precision - def.scale, def.name, def.precision,
                             def.scale));
  }

  // A decimal's exact value for a Number field: an integer when it is one that fits int64, else
  // its exact text (kExactNumberSubtype), so that no double rounds the digits Salesforce keeps
  // (up to 18). A value beyond the range of a double, Salesforce's type for Number fields and
  // the Pub/Sub schema's, is NUMBER_OUT_OF_RANGE rather than infinity or 0.
  Result<EventJson> exact_number(const EventFieldDef& def, const DecimalText& digits,
                                 const std::string& path) {
    if (digits.exceeds_double) {
      return error(kCodeNumberOutOfRange, path,
                   fmt::format("{} is beyond the range of a double, the type of Number field {}",
                               digits.json, def.name));
    }
    if (def.precision > 0 && digits.integer_digits > def.precision - def.scale) {
      return out_of_range(def, path, digits.json);
    }
    if (digits.as_int64) return EventJson(*digits.as_int64);
    return exact_number_json(digits.json);
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
      return date_json(def, *millis / kMillisPerDay, path);
    }
    if (schema.name == data::kDateLogical && number != nullptr) {
      return date_json(def, *number, path);
    }
    if (schema.name == data::kTimestampLogical && number != nullptr) {
      if (*number % kMillisPerDay != 0) {
        return type_mismatch(def, schema, path,
                             fmt::format(": {} is not at midnight UTC, and a Date has no time",
                                         to_iso8601_millis(*number)));
      }
      return date_json(def, *number / kMillisPerDay, path);
    }
    if (schema.type == data::Type::kString && schema.name.empty()) {
      const std::string* text = value.get_if<std::string>();
      if (text == nullptr) return to_json(schema, value, path);
      auto days = parse_iso_date(*text);
      if (!days) return unreadable(def, path, *text, "a yyyy-MM-dd date");
      return date_json(def, *days, path);
    }
    return type_mismatch(def, schema, path);
  }

  // Salesforce stores dates from 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z (SOQL and SOSL
  // Reference, "Minimum and Maximum Dates"; its insert refuses others): a Date field takes
  // 1700-01-01 to 4000-12-31, a Date/Time field instants within those two midnights.
  Result<EventJson> date_json(const EventFieldDef& def, int64_t days, const std::string& path) {
    if (days < kEarliestDay || days > kLatestDay) {
      return error(kCodeDateOutOfRange, path,
                   fmt::format("{} is outside 1700-01-01 to 4000-12-31, the dates {} field {} "
                               "holds",
                               to_iso_date(days), to_string(def.type), def.name));
    }
    return EventJson(to_iso_date(days));
  }

  Result<EventJson> datetime_json(const EventFieldDef& def, int64_t epoch_ms,
                                  const std::string& path) {
    if (epoch_ms < kEarliestDay * kMillisPerDay || epoch_ms > kLatestDay * kMillisPerDay) {
      return error(kCodeDateOutOfRange, path,
                   fmt::format("{} is outside 1700-01-01T00:00:00.000Z to "
                               "4000-12-31T00:00:00.000Z, the instants {} field {} holds",
                               to_iso8601_millis(epoch_ms), to_string(def.type), def.name));
    }
    return EventJson(to_iso8601_millis(epoch_ms));
  }

  Result<EventJson> to_datetime(const EventFieldDef& def, const data::Schema& schema,
                                const data::Value& value, const std::string& path) {
    const int64_t* number = value.get_if<int64_t>();
    if (auto millis = micros_as_millis(schema, number)) {
      return datetime_json(def, *millis, path);  // Salesforce keeps milliseconds
    }
    if (schema.name == data::kTimestampLogical && number != nullptr) {
      return datetime_json(def, *number, path);
    }
    if (schema.name == data::kDateLogical && number != nullptr) {
      // Days to milliseconds can overflow only far outside any year Salesforce accepts.
      if (*number > kMaxDays || *number < -kMaxDays) {
        return error(kCodeInvalidFieldValue, path,
                     fmt::format("Date {} is out of range", to_iso_date(*number)));
      }
      return datetime_json(def, *number * kMillisPerDay, path);
    }
    if (schema.type == data::Type::kString && schema.name.empty()) {
      const std::string* text = value.get_if<std::string>();
      if (text == nullptr) return to_json(schema, value, path);
      auto millis = parse_iso_datetime(*text);
      if (!millis) {
        return unreadable(def, path, *text, "an ISO-8601 date-time with a zone");
      }
      return datetime_json(def, *millis, path);
    }
    return type_mismatch(def, schema, path);
  }

  Result<EventJson> to_text(const EventFieldDef& def, const data::Schema& schema,
                            const data::Value& value, const std::string& path) {
    std::string text;
    const data::Bytes* bytes = value.get_if<data::Bytes>();
    if (schema.name == data::kDecimalLogical && bytes != nullptr) {
      auto exact = decimal_text(schema, *bytes, path);  // every digit, not the nearest double
      if (!exact.ok()) return exact.error();
      text = std::move(*exact);
    } else {
      auto json = to_json(schema, value, path);
      if (!json.ok()) return json;
      text = json->is_string() ? json->get<std::string>()
                               : json->dump(-1, ' ', false, kReplaceInvalid);
    }
    if (def.length > 0) {
      // A field's length counts UTF-16 code units, as Java strings do: an emoji outside the
      // Basic Multilingual Plane takes 2, so Salesforce answers STRING_TOO_LONG for a value of
      // `length` such code points (salesforce-api.md §2.4 "400 too long", §5 Text "length").
      const size_t units = utf16_length(text);
      if (units > static_cast<size_t>(def.length)) {
        return error(kCodeValueTooLong, path,
                     fmt::format("{} characters (UTF-16 code units) are more than the {} that {} "
                                 "field {} holds",
                                 units, def.length, to_string(def.type), def.name));
      }
    }
    return EventJson(std::move(text));
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

  // A Connect Decimal's exact text, e.g. "123.45".
  Result<std::string> decimal_text(const data::Schema& schema, const data::Bytes& bytes,
                                   const std::string& path) const {
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
    return std::move(*text);
  }

  // A Decimal inside a value that is not a Number field (a struct sent as JSON text, a field of
  // another type): an integer when it is one that fits int64, else the double nearest to the
  // exact text (one correct rounding, never double arithmetic on the unscaled value).
  Result<EventJson> decimal_json(const data::Schema& schema, const data::Bytes& bytes,
                                 const std::string& path) {
    auto text = decimal_text(schema, bytes, path);
    if (!text.ok()) return text.error();
    auto digits = read_decimal_text(*text);
    if (digits->as_int64) return EventJson(*digits->as_int64);
    if (digits->exceeds_double) {
      return error(kCodeNonFiniteNumber, path,
                   fmt::format("Decimal {} is too large for a JSON number", *text));
    }
    double nearest = 0;  // an underflow leaves 0, the nearest double
    std::from_chars(text->data(), text->data() + text->size(), nearest);
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

EventJson exact_number_json(std::string_view number_text) {
  return EventJson::binary(std::vector<uint8_t>(number_text.begin(), number_text.end()),
                           kExactNumberSubtype);
}

std::optional<std::string_view> exact_number_text(const EventJson& value) {
  return exact_number_text_of(value);
}

std::string serialize_event(const EventJson& event) {
  bool exact = false;
  if (event.is_object()) {
    for (const auto& item : event) exact = exact || item.is_binary();
  }
  if (!exact) return event.dump(-1, ' ', false, kReplaceInvalid);
  // Rare (a Decimal or numeric text on a Number field): each field on its own, exact numbers
  // as their text. Mapping makes flat bodies, so only top-level values can be exact.
  std::string out = "{";
  for (auto it = event.begin(); it != event.end(); ++it) {
    if (out.size() > 1) out += ',';
    out += EventJson(it.key()).dump(-1, ' ', false, kReplaceInvalid);
    out += ':';
    if (auto text = exact_number_text(it.value())) {
      out += *text;
    } else {
      out += it.value().dump(-1, ' ', false, kReplaceInvalid);
    }
  }
  out += '}';
  return out;
}

size_t serialized_size(const EventJson& event) { return serialize_event(event).size(); }

}  // namespace sfpe::map
