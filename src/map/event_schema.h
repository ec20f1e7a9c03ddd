// The target of mapping: the Platform Event's custom fields as its describe gives them
// (salesforce-api.md §5), looked up case-insensitively so that a record's MESSAGE__C reaches
// the event's Message__c (the original connector silently dropped such records,
// confluent-connector.md §6.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sfpe::map {

// The field types a Platform Event's custom fields may have (salesforce-api.md §5), plus kOther
// for anything else a describe may list (published as its natural JSON value).
enum class FieldType { kNumber, kCheckbox, kDate, kDateTime, kText, kLongText, kOther };

const char* to_string(FieldType type);  // "Number", "Checkbox", "Date", "Date/Time", ...

// describe "type" -> FieldType: double -> Number, boolean -> Checkbox, date, datetime,
// string -> Text, textarea -> Long Text Area; anything else kOther.
FieldType field_type_from_describe(std::string_view describe_type);

struct EventFieldDef {
  std::string name;  // the describe's spelling, sent to Salesforce
  FieldType type = FieldType::kOther;
  int64_t length = 0;  // Text / Long Text Area: maximum characters; 0 = unchecked
  int precision = 0;   // Number: total digits; 0 = unchecked
  int scale = 0;       // Number: digits after the point
};

class EventSchema {
 public:
  EventSchema() = default;
  // `fields`: the event's custom fields (names ending in "__c"); others are ignored.
  EventSchema(std::string event_name, std::vector<EventFieldDef> fields);

  const std::string& event_name() const { return event_name_; }
  const std::vector<EventFieldDef>& fields() const { return fields_; }

  // The field whose name equals `name` ignoring ASCII case; null when the event has none.
  const EventFieldDef* find(std::string_view name) const;

 private:
  std::string event_name_;
  std::vector<EventFieldDef> fields_;
  std::unordered_map<std::string, size_t> by_lower_name_;
};

}  // namespace sfpe::map
