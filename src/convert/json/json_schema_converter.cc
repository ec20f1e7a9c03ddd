#include "convert/json/json_schema_converter.h"

#include "convert/error_codes.h"

namespace sfpe::convert {

Result<std::unique_ptr<JsonSchemaConverter>> JsonSchemaConverter::create(
    const std::map<std::string, std::string>&, std::shared_ptr<SchemaRegistryClient>) {
  return Error::fatal(kCodeConfigInvalid, "value.converter: JsonSchemaConverter is not built yet");
}

Result<data::SchemaAndValue> JsonSchemaConverter::to_connect(const kafka::Record&) {
  return Error::permanent(kCodeUnsupportedSchemaType, "not built yet");
}

}  // namespace sfpe::convert
