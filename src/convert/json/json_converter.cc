#include "convert/json/json_converter.h"

#include "convert/error_codes.h"

namespace sfpe::convert {

Result<std::unique_ptr<JsonConverter>> JsonConverter::create(
    const std::map<std::string, std::string>&, std::shared_ptr<SchemaRegistryClient>) {
  return Error::fatal(kCodeConfigInvalid, "value.converter: JsonConverter is not built yet");
}

Result<data::SchemaAndValue> JsonConverter::to_connect(const kafka::Record&) {
  return Error::permanent(kCodeUnsupportedSchemaType, "not built yet");
}

}  // namespace sfpe::convert
