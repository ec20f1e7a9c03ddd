// Event describe and record validation for the Salesforce emulator.
#include "salesforce_emulator/event_model.h"

#include "salesforce_emulator/field_limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sfpe::testing {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// A field every platform event has and no publisher may set (§2.5 describe, unverified).
struct SystemField {
  const char* name;
  const char* type;
  int length;
  const char* soap_type;
  bool nillable;
  int min_version;  // EventUuid exists from API 52.0 (§6)
};

constexpr SystemField kSystemFields[] = {
    {"Id", "id", 18, "tns:ID", false, 0},
    {"ReplayId", "string", 255, "xsd:string", true, 0},
    {"CreatedDate", "datetime", 0, "xsd:dateTime", false, 0},
    {"CreatedById", "reference", 18, "tns:ID", false, 0},
    {"EventUuid", "string", 36, "xsd:string", true, 52},
};

const SystemField* find_system_field(std::string_view name) {
  for (const SystemField& field : kSystemFields) {
    if (iequals(field.name, name)) return &field;
  }
  return nullptr;
}

// "TextField__c" -> "TextField": the label a field or event gets by default.
std::string label_of(std::string_view api_name) {
  if (api_name.ends_with("__c") || api_name.ends_with("__e")) api_name.remove_suffix(3);
  return std::string(api_name);
}

const char* soap_type_of(const std::string& type) {
  if (type == "double") return "xsd:double";
  if (type == "boolean") return "xsd:boolean";
  if (type == "date") return "xsd:date";
  if (type == "datetime") return "xsd:dateTime";
  return "xsd:string";
}

// Jackson's name for the token a value starts with.
const char* token_of(const ordered_json& value) {
  switch (value.type()) {
    case ordered_json::value_t::string:
      return "VALUE_STRING";
    case ordered_json::value_t::number_integer:
    case ordered_json::value_t::number_unsigned:
      return "VALUE_NUMBER_INT";
    case ordered_json::value_t::number_float:
      return "VALUE_NUMBER_FLOAT";
    case ordered_json::value_t::boolean:
      return value.get<bool>() ? "VALUE_TRUE" : "VALUE_FALSE";
    case ordered_json::value_t::object:
      return "START_OBJECT";
    case ordered_json::value_t::array:
      return "START_ARRAY";
    default:
      return "VALUE_NULL";
  }
}

// Whether `value` is acceptable JSON for a field of `type`. The emulator is strict (a string is
// never taken for a number or a boolean, nor a number for a string) so that a publisher's type
// mistakes show up in tests; a real org may coerce some of these (unverified).
bool value_fits(const std::string& type, const ordered_json& value) {
  if (value.is_null()) return true;  // custom fields are nillable; a null Checkbox saves false
  if (type == "double") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (!value.is_string()) return false;
  if (type == "date") return is_valid_date(value.get_ref<const std::string&>());
  if (type == "datetime") return is_valid_datetime(value.get_ref<const std::string&>());
  return true;  // string, textarea
}

bool digits(std::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  *value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    *value = *value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

json ApiError::top_level() const {
  json body = {{"message", message}, {"errorCode", code}};
  if (fields) body["fields"] = *fields;
  return body;
}

json ApiError::save_result() const {
  return {{"statusCode", code},
          {"message", message},
          {"fields", fields.value_or(std::vector<std::string>{})}};
}

const EventDef* find_event(const std::vector<EventDef>& events, std::string_view name) {
  for (const EventDef& event : events) {
    if (iequals(event.name, name)) return &event;
  }
  return nullptr;
}

const EventFieldDef* find_field(const EventDef& event, std::string_view name) {
  for (const EventFieldDef& field : event.fields) {
    if (iequals(field.name, name)) return &field;
  }
  return nullptr;
}

json describe_event(const EventDef& event, int api_version) {
  const std::string base = fmt::format("/services/data/v{}.0/sobjects/{}", api_version, event.name);
  json fields = json::array();
  for (const SystemField& system : kSystemFields) {
    if (api_version < system.min_version) continue;
    fields.push_back(
        {{"name", system.name},
         {"label", system.name},
         {"type", system.type},
         {"length", system.length},
         {"precision", 0},
         {"scale", 0},
         {"soapType", system.soap_type},
         {"createable", false},
         {"updateable", false},
         {"nillable", system.nillable},
         {"custom", false},
         {"defaultValue", nullptr},
         {"referenceTo",
          std::string_view(system.name) == "CreatedById" ? json::array({"User"}) : json::array()}});
  }
  for (const EventFieldDef& field : event.fields) {
    bool text = field.type == "string" || field.type == "textarea";
    json entry = {{"name", field.name},
                  {"label", label_of(field.name)},
                  {"type", field.type},
                  {"length", text ? field.length : 0},
                  {"precision", field.type == "double" ? field.precision : 0},
                  {"scale", field.type == "double" ? field.scale : 0},
                  {"soapType", soap_type_of(field.type)},
                  {"createable", true},
                  {"updateable", false},
                  // A Checkbox is never null: it defaults to false.
                  {"nillable", field.type != "boolean"},
                  {"custom", true},
                  {"defaultValue", field.type == "boolean" ? json(false) : json(nullptr)},
                  {"referenceTo", json::array()}};
    if (field.type == "textarea") entry["extraTypeInfo"] = "plaintextarea";
    fields.push_back(std::move(entry));
  }
  return {{"name", event.name},
          {"label", label_of(event.name)},
          {"labelPlural", label_of(event.name)},
          {"keyPrefix", "e00"},
          {"custom", true},
          {"customSetting", false},
          {"createable", true},
          {"updateable", false},
          {"deletable", false},
          {"queryable", false},
          {"retrieveable", false},
          {"searchable", false},
          {"triggerable", true},
          {"childRelationships", json::array()},
          {"urls",
           {{"sobject", base},
            {"describe", base + "/describe"},
            {"eventSchema", base + "/eventSchema"}}},
          {"fields", std::move(fields)}};
}

std::variant<EventRecord, ApiError> deserialize_record(const EventDef& event,
                                                       const ordered_json& record,
                                                       const JsonLocator& locator,
                                                       const std::string& pointer) {
  if (!record.is_object()) {
    return ApiError{"JSON_PARSER_ERROR",
                    fmt::format("Cannot deserialize instance of {} from {} value {}{}", event.name,
                                token_of(record), record.is_array() ? "[" : record.dump(),
                                locator.where(pointer)),
                    std::nullopt};
  }
  EventRecord result;
  result.event = &event;
  for (const auto& [key, value] : record.items()) {
    if (key == "attributes") continue;
    if (const SystemField* system = find_system_field(key)) {
      result.system_fields.push_back(system->name);
      result.fields[system->name] = value;
      continue;
    }
    const EventFieldDef* field = find_field(event, key);
    if (field == nullptr) {
      // salesforce-api.md §2.4, "400 unknown field".
      return ApiError{"INVALID_FIELD",
                      fmt::format("No such column '{}' on sobject of type {}", key, event.name),
                      std::vector<std::string>{}};
    }
    if (!value_fits(field->type, value)) {
      // §2.4 "400 bad datetime", generalised to every type mismatch.
      std::string shown = value.is_string()   ? "\"" + value.get<std::string>() + "\""
                          : value.is_object() ? "{"
                          : value.is_array()  ? "["
                                              : value.dump();
      return ApiError{
          "JSON_PARSER_ERROR",
          fmt::format("Cannot deserialize instance of {} from {} value {}{}", field->type,
                      token_of(value), shown, locator.where(pointer + "/" + key)),
          std::nullopt};
    }
    if (value.is_number()) {
      result.number_texts[field->name] =
          locator.number_text(pointer + "/" + key).value_or(value.dump());
    }
    result.fields[field->name] = value;
  }
  return result;
}

std::vector<ApiError> check_record(const EventRecord& record) {
  std::vector<ApiError> errors;
  std::vector<std::string> read_only;
  for (const std::string& name : record.system_fields) {
    if (name == "Id") {
      errors.push_back({"INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call",
                        std::vector<std::string>{"Id"}});
    } else {
      read_only.push_back(name);
    }
  }
  if (!read_only.empty()) {
    errors.push_back(
        {"INVALID_FIELD_FOR_INSERT_UPDATE",
         fmt::format("Unable to create/update fields: {}. Please check the security settings of "
                     "this field and verify that it is read/write for your profile or permission "
                     "set.",
                     fmt::join(read_only, ", ")),
         read_only});
  }
  for (const auto& [name, value] : record.fields.items()) {
    const EventFieldDef* field = find_field(*record.event, name);
    if (field == nullptr || value.is_null()) continue;  // a system field, reported above
    auto number = record.number_texts.find(field->name);
    auto limit = check_field_limits(
        *field, value, number == record.number_texts.end() ? "" : std::string_view(number->second));
    if (limit) errors.push_back(std::move(*limit));
  }
  return errors;
}

bool is_valid_date(std::string_view text) {
  int year, month, day;
  if (text.size() != 10 || !digits(text, 0, 4, &year) || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day)) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month != 2 || day <= 28 || leap;
}

bool is_valid_datetime(std::string_view text) {
  int hour, minute, second, millis;
  if (text.size() < 20 || !is_valid_date(text.substr(0, 10)) || text[10] != 'T' ||
      !digits(text, 11, 2, &hour) || text[13] != ':' || !digits(text, 14, 2, &minute) ||
      text[16] != ':' || !digits(text, 17, 2, &second) || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  std::string_view zone = text.substr(19);
  if (zone.starts_with('.')) {
    if (!digits(zone, 1, 3, &millis)) return false;
    zone.remove_prefix(4);
  }
  if (zone == "Z") return true;
  int offset_hours, offset_minutes;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
         digits(zone, 1, 2, &offset_hours) && zone[3] == ':' &&
         digits(zone, 4, 2, &offset_minutes) && offset_hours <= 23 && offset_minutes <= 59;
}

}  // namespace sfpe::testing
