// The Pub/Sub API's view of a platform event (salesforce-api.md §2.5, §3.5, §5): the COMPACT Avro
// schema the org serves for an event definition, the schema id fingerprinting it, and the reading
// of a published Avro datum back into the fields JSON the REST path records.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "salesforce_emulator/emulator_config.h"

namespace sfpe::testing {

// The schema of one event definition, in the three forms the emulator needs.
struct CompactSchema {
  // As GetSchema returns it and as REST's eventSchema?payloadFormat=COMPACT shows it (§2.5):
  // {"name","namespace":"com.sforce.eventbus","type":"record","fields":[...],"uuid":<id>}, compact
  // JSON. Fields: CreatedDate long (doc "CreatedDate:DateTime"), CreatedById string (doc
  // "CreatedBy:EntityId"), then each custom field in definition order as ["null", T] with
  // "default": null and doc "Data:<kind>:<15-character field id>" (§5).
  std::string json;
  // Avro's Parsing Canonical Form of that schema (Avro specification, "Parsing Canonical Form for
  // Schemas"): only name/type/fields, the record's full name, no whitespace, e.g.
  // {"name":"com.sforce.eventbus.E__e","type":"record","fields":[{"name":"CreatedDate",
  // "type":"long"},...]}. The docs, defaults and "uuid" are not part of it.
  std::string canonical_form;
  // base64url without padding of the MD5 of canonical_form's UTF-8 bytes (§2.5, §9): 22
  // characters. This reproduces the uuid of the §2.5 example exactly, so a definition change
  // that adds, removes, renames or retypes a field changes it, and nothing else does.
  std::string id;
};

CompactSchema compact_schema(const EventDef& event);

// The Avro type of a custom field, inside its ["null", T] union (§5): Text and Text Area (Long)
// -> string, Number -> double, Checkbox -> boolean, Date and Date/Time -> long.
const char* avro_type_of(const EventFieldDef& field);

// A datum that decoded: the system fields as sent, and the custom fields as the REST path records
// them (RecordedEvent::fields): Text as the string, Number as a JSON number, Checkbox as a bool,
// Date (epoch ms; the UTC day it falls in) as "yyyy-MM-dd", Date/Time (epoch ms) as
// "yyyy-MM-ddTHH:mm:ss.SSSZ" in UTC, the form sfpe's REST publisher sends. A null union branch
// is left out: Avro cannot tell "not set" from "null", and in Salesforce the two are the same.
struct DecodedEvent {
  int64_t created_date = 0;
  std::string created_by_id;
  nlohmann::json fields = nlohmann::json::object();
};

// Reads `payload` as one Avro binary datum of compact_schema(event): zigzag varint longs,
// length-prefixed UTF-8 strings, 8-byte little-endian doubles, one-byte booleans, a varint union
// branch (0 null, 1 value). A string describing the first problem when the bytes are not exactly
// one such datum (truncated, trailing bytes, bad branch, bad boolean, invalid UTF-8).
std::variant<DecodedEvent, std::string> decode_event_datum(const EventDef& event,
                                                           std::string_view payload);

// Epoch milliseconds -> "yyyy-MM-ddTHH:mm:ss.SSSZ" (UTC); years outside 0..9999 are written with
// a sign ("+10000-01-01T...", "-0001-...").
std::string format_epoch_millis(int64_t epoch_ms);
// Epoch milliseconds -> "yyyy-MM-dd" of the UTC day they fall in.
std::string format_epoch_day(int64_t epoch_ms);

}  // namespace sfpe::testing
