// io.confluent.connect.json.JsonSchemaConverter (kafka-connect.md §5.1-§5.3): a Schema Registry
// framed value (magic byte 0, 4-byte big-endian schema id, UTF-8 JSON text, no index array) whose
// JSON Schema is fetched by id, with its references, and mapped as JsonSchemaData does
// (json_schema_data.h). Thread-safe; converted schemas are cached by id.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/json/json_schema_data.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

class JsonSchemaConverter : public Converter {
 public:
  static constexpr const char* kClassName = "io.confluent.connect.json.JsonSchemaConverter";

  // `settings` are the converter's, prefix stripped: the registry client's (used only when
  // `registry` is null), use.optional.for.nonrequired (false), flatten.singleton.unions (true),
  // and, checked but with no effect on reading, decimal.format, object.additional.properties,
  // ignore.modern.dialects, schemas.cache.size. generalized.sum.type.support=true and
  // json.fail.invalid.schema=true are refused. Other keys are ignored. Errors are fatal
  // CONFIG_INVALID naming the property.
  static Result<std::unique_ptr<JsonSchemaConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  JsonSchemaConverter(std::shared_ptr<SchemaRegistryClient> registry,
                      json::JsonSchemaDataOptions options);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;

 private:
  Result<json::ConnectNodePtr> schema_for(int32_t id);

  std::shared_ptr<SchemaRegistryClient> registry_;
  const json::JsonSchemaDataOptions options_;
  std::mutex mutex_;
  std::unordered_map<int32_t, json::ConnectNodePtr> schemas_;
};

}  // namespace sfpe::convert
