// EventSchema: case-insensitive lookup of an event's custom fields.
#include "map/event_schema.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace sfpe::map {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

const char* to_string(FieldType type) {
  switch (type) {
    case FieldType::kNumber: return "Number";
    case FieldType::kCheckbox: return "Checkbox";
    case FieldType::kDate: return "Date";
    case FieldType::kDateTime: return "Date/Time";
    case FieldType::kText: return "Text";
    case FieldType::kLongText: return "Long Text Area";
    case FieldType::kOther: return "other";
  }
  return "other";
}

FieldType field_type_from_describe(std::string_view describe_type) {
  if (describe_type == "double") return FieldType::kNumber;
  if (describe_type == "boolean") return FieldType::kCheckbox;
  if (describe_type == "date") return FieldType::kDate;
  if (describe_type == "datetime") return FieldType::kDateTime;
  if (describe_type == "string") return FieldType::kText;
  if (describe_type == "textarea") return FieldType::kLongText;
  return FieldType::kOther;
}

EventSchema::EventSchema(std::string event_name, std::vector<EventFieldDef> fields)
    : event_name_(std::move(event_name)) {
  for (auto& field : fields) {
    std::string key = lower(field.name);
    if (key.size() < 3 || key.compare(key.size() - 3, 3, "__c") != 0) continue;
    if (by_lower_name_.count(key) != 0) continue;  // Salesforce API names are unique anyway
    by_lower_name_.emplace(std::move(key), fields_.size());
    fields_.push_back(std::move(field));
  }
}

const EventFieldDef* EventSchema::find(std::string_view name) const {
  // Records usually spell a field as the describe does: found without folding (and allocating).
  for (const auto& field : fields_) {
    if (field.name == name) return &field;
  }
  auto it = by_lower_name_.find(lower(name));
  return it == by_lower_name_.end() ? nullptr : &fields_[it->second];
}

}  // namespace sfpe::map
