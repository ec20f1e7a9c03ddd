// io.confluent.connect.json.JsonSchemaConverter (kafka-connect.md §4.4, §5).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

class JsonSchemaConverter : public Converter {
 public:
  static constexpr const char* kClassName = "io.confluent.connect.json.JsonSchemaConverter";

  static Result<std::unique_ptr<JsonSchemaConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;
};

}  // namespace sfpe::convert
