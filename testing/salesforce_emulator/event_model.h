// How the emulated org sees its platform events: describe results, and the two stages a
// published record goes through in Salesforce: JSON deserialization (errors fail the request)
// and the save (errors fail only that record).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "salesforce_emulator/emulator_config.h"
#include "salesforce_emulator/json_locator.h"

namespace sfpe::testing {

// An error in Salesforce's words (salesforce-api.md §2.4).
struct ApiError {
  std::string code;
  std::string message;
  std::optional<std::vector<std::string>> fields;  // nullopt: no "fields" key at the top level

  // A top-level REST error, one element of the 4xx array: {"message","errorCode"[,"fields"]}.
  nlohmann::json top_level() const;
  // A SaveResult error (§2.2): {"statusCode","message","fields"}.
  nlohmann::json save_result() const;
};

// Case-insensitive lookups, as Salesforce API names are (unverified for REST bodies; the
// emulator answers with the defined spelling).
const EventDef* find_event(const std::vector<EventDef>& events, std::string_view name);
const EventFieldDef* find_field(const EventDef& event, std::string_view name);

// The describe of an event (§2.5; the `__e` specifics are unverified): DescribeSObjectResult
// subset with the system fields Id, ReplayId, CreatedDate, CreatedById and EventUuid (API 52.0+),
// then the custom fields.
nlohmann::json describe_event(const EventDef& event, int api_version);

// A record that deserialized: its event, and its fields under their defined names, in request
// order. System fields it tries to set are kept, for the save to refuse.
struct EventRecord {
  const EventDef* event = nullptr;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  std::vector<std::string> system_fields;
  // Number fields' values as the request wrote them, for field_limits.h to count their digits.
  std::map<std::string, std::string> number_texts;
};

// Deserializes one record (a JSON object; its "attributes" key is skipped). `pointer` is the
// record's place in the request ("" for a single publish, "/records/3" in a collection), for the
// error locations. Errors: INVALID_FIELD for an unknown field; JSON_PARSER_ERROR for a value of
// the wrong JSON type or a date/datetime text outside the formats of §5.
std::variant<EventRecord, ApiError> deserialize_record(const EventDef& event,
                                                       const nlohmann::ordered_json& record,
                                                       const JsonLocator& locator,
                                                       const std::string& pointer);

// The save's field checks: system fields (INVALID_FIELD_FOR_INSERT_UPDATE), then each custom
// field's value limits (field_limits.h: STRING_TOO_LONG, NUMBER_OUTSIDE_VALID_RANGE,
// FIELD_INTEGRITY_EXCEPTION). Empty when the record can be saved.
std::vector<ApiError> check_record(const EventRecord& record);

// §5 formats: date "yyyy-MM-dd"; datetime "yyyy-MM-ddTHH:mm:ss(.SSS)?(Z|+HH:mm|-HH:mm)".
bool is_valid_date(std::string_view text);
bool is_valid_datetime(std::string_view text);

}  // namespace sfpe::testing
