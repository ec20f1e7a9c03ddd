// JSON payload -> Connect value, shared by JsonSchemaConverter (Confluent's
// JsonSchemaData.toConnectData) and JsonConverter (Kafka's JsonConverter.convertToConnect). Both
// walk a ConnectNode tree: the Connect schema plus what data::Schema does not carry (defaults,
// union structs, the children's nodes).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "convert/json/json_document.h"
#include "data/value.h"

namespace sfpe::convert::json {

struct ConnectNode;
using ConnectNodePtr = std::shared_ptr<const ConnectNode>;

struct ConnectNode {
  data::SchemaPtr schema;
  std::optional<data::Value> default_value;  // Connect's Schema.defaultValue(), when set
  // A STRUCT standing for a JSON Schema oneOf/anyOf (io.confluent.connect.json.OneOf): the
  // payload fills the first branch it matches.
  bool is_union = false;
  // STRUCT / union: one per field. ARRAY: {elements}. MAP: {keys, values}.
  std::vector<ConnectNodePtr> children;
};

// How the two converters differ when reading a payload.
struct ReadOptions {
  // JsonSchemaData returns null for a field missing from the object even when it is required;
  // JsonConverter refuses it like an explicit null.
  bool missing_is_null = false;
  // Maps whose keys are not strings: JsonSchemaData reads [{"key":k,"value":v},...] (used
  // unless the key schema is a required STRING); JsonConverter reads [[k,v],...] (used unless
  // the key type is STRING).
  enum class MapEntries { kKeyValueObjects, kPairs } map_entries = MapEntries::kKeyValueObjects;
  bool use_defaults = true;  // JsonConverter's replace.null.with.default
};

// Converts `json` (null = the member is absent) as `node` says. Errors are permanent with
// `error_code` and name the field path, e.g. "field Address__c.city: expected string, got
// number".
Result<data::Value> read_value(const ConnectNode& node, const JsonValue* json,
                               const ReadOptions& options, const char* error_code);

// The unscaled big-endian two's-complement bytes (java.math.BigInteger.toByteArray) of the
// decimal literal `text` at `scale`, computed exactly. Fails when the literal has more
// fractional digits than `scale` that are not zeros, or is absurdly large.
Result<data::Bytes> decimal_literal_to_unscaled(std::string_view text, int scale);

// Standard base64 with padding (Jackson's default MIME-no-linefeeds variant); whitespace is
// allowed between 4-character groups. Returns nullopt when the text is not valid base64.
std::optional<data::Bytes> decode_base64(std::string_view text);

// The "scale" parameter of a Decimal schema, or nullopt when it is missing or not an integer.
std::optional<int> decimal_scale(const data::Schema& schema);

}  // namespace sfpe::convert::json
