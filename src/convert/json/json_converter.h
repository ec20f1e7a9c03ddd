// org.apache.kafka.connect.json.JsonConverter (kafka-connect.md §4.4): the value is plain JSON
// text, an envelope {"schema": <Connect schema as JSON>, "payload": <value>}. Only the
// schemas.enable=true form is accepted: the sink needs a schema (confluent-connector.md §3.10).
//
// Rules (apache/kafka connect/json JsonConverter.java, asConnectSchema / convertToConnect):
// - the envelope is an object with exactly the members "schema" and "payload";
// - schema "type": boolean int8 int16 int32 int64 float (FLOAT32) double (FLOAT64) bytes string
//   array (needs "items") map (needs "keys" and "values") struct ("fields": [{"field": name,
//   ...its schema...}]); "optional" (only a literal true), "name", "version", "parameters"
//   (string values only), "default" (converted with the schema);
// - payload: a null or missing value takes the schema's default when replace.null.with.default
//   is true, is null when optional, else is refused; a map whose key type is not STRING is a list
//   of [key, value] pairs; bytes are base64 text; logical types by name (Decimal from a number,
//   exactly, or base64 bytes; Date and Time from an int32; Timestamp from an integer).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/json/json_document.h"
#include "convert/json/json_reader.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

namespace json {

struct JsonConverterOptions {
  bool schemas_enable = true;
  bool replace_null_with_default = true;
};

// asConnectSchema for a non-null schema node. Errors are permanent INVALID_JSON_SCHEMA.
Result<ConnectNodePtr> connect_schema_from_json(const JsonValue& schema,
                                                const JsonConverterOptions& options);

// The whole of toConnectData for one non-null value with schemas.enable=true: parse, check the
// envelope, convert its schema and payload. Errors (no record location): INVALID_JSON_DATA for
// text that is not JSON or a payload that does not fit its schema, INVALID_JSON_SCHEMA for a
// bad schema, SCHEMALESS_JSON for a value that is not an envelope or whose schema is null.
Result<data::SchemaAndValue> envelope_to_connect(std::string_view text,
                                                 const JsonConverterOptions& options);

}  // namespace json

class JsonConverter : public Converter {
 public:
  static constexpr const char* kClassName = "org.apache.kafka.connect.json.JsonConverter";

  // `settings`: schemas.enable (true), decimal.format (BASE64 | NUMERIC; only used when writing,
  // so checked and ignored), replace.null.with.default (true), schemas.cache.size (checked,
  // ignored); other keys are ignored. `registry` is unused. Errors are fatal CONFIG_INVALID.
  // schemas.enable=false is accepted, and then every non-null record is refused as schemaless.
  static Result<std::unique_ptr<JsonConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  explicit JsonConverter(json::JsonConverterOptions options);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;

 private:
  const json::JsonConverterOptions options_;
};

}  // namespace sfpe::convert
