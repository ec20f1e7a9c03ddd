// JSON Schema -> Connect schema and JSON payload -> Connect value, as Confluent's JsonSchemaData
// (json-schema-converter, toConnectSchema / toConnectData) does it on top of the everit schema
// loader. Pure: the registry work (fetching the schema and its references) is the converter's.
//
// Rules (confluentinc/schema-registry json-schema-converter JsonSchemaData.java and
// JsonSchemaDataConfig.java; kafka-connect.md §5.3 for the settings):
// - object -> STRUCT named by "title"; fields sorted by "connect.index" (a property without one
//   takes the count of properties placed so far, and a clash replaces the earlier one, like the
//   Java TreeMap), otherwise in declaration order. A field is optional only when it is nullable
//   (oneOf/anyOf with null) or, with use.optional.for.nonrequired=true, not "required".
// - oneOf/anyOf of exactly two branches, one {"type":"null"} -> the other branch, optional.
//   "type":[..] arrays are anyOf. One branch with flatten.singleton.unions=true -> that branch.
//   Anything else -> STRUCT "io.confluent.connect.json.OneOf", optional if a branch is null,
//   one optional field "io.confluent.connect.json.OneOf.field.<i>" per non-null branch.
// - allOf (also the implicit one of "type"+"enum", "type"+"$ref", ...): merged object
//   properties -> unnamed STRUCT; else a nested oneOf/anyOf; else const/enum/format with their
//   string or number type; else the $ref.
// - integer -> INT64, number -> FLOAT64, narrowed by "connect.type" (int8 int16 int32 int64
//   float32 float64 bytes); boolean; string -> STRING, BYTES with connect.type bytes; "enum" ->
//   STRING with parameters io.confluent.connect.json.Enum(.<symbol>); array -> ARRAY of
//   "items"; connect.type map -> MAP(STRING, additionalProperties) on an object, or
//   MAP(items.key, items.value) on an array of {key, value} objects.
// - "connect.version" -> version, "connect.parameters" -> parameters, "default" -> default;
//   logical types by title (Decimal with parameter scale, Date, Time, Timestamp).
// - Not Confluent's, for the mapping layer: a string's "format" date, date-time or time is kept
//   as parameter "format".
// - Refused (INVALID_JSON_SCHEMA): recursive schemas (Connect schemas here are acyclic), not,
//   if/then/else, a lone null or const, true/false/{} schemas, Decimal without a scale.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "convert/json/json_reader.h"

namespace sfpe::convert::json {

inline constexpr std::string_view kOneOfSchemaName = "io.confluent.connect.json.OneOf";
inline constexpr std::string_view kEnumParameter = "io.confluent.connect.json.Enum";
inline constexpr std::string_view kFormatParameter = "format";

// The JsonSchemaData settings that change the Connect shape (kafka-connect.md §5.3).
struct JsonSchemaDataOptions {
  bool use_optional_for_nonrequired = false;
  bool flatten_singleton_unions = true;
};

// A schema the root refers to, under the name its "$ref"s use: a registry reference's `name`,
// e.g. "address.json" or "https://example.com/address.schema.json".
struct ReferencedSchema {
  std::string name;
  std::string text;
};

// The Connect form of `schema_text`. Errors are permanent INVALID_JSON_SCHEMA.
Result<ConnectNodePtr> to_connect_schema(std::string_view schema_text,
                                         const std::vector<ReferencedSchema>& references,
                                         const JsonSchemaDataOptions& options);

// Parses `payload` and converts it as `root` says. Errors are permanent INVALID_JSON_DATA naming
// the field path.
Result<data::Value> to_connect_data(const ConnectNode& root, std::string_view payload);

}  // namespace sfpe::convert::json
