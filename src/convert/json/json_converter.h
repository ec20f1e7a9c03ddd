// org.apache.kafka.connect.json.JsonConverter (kafka-connect.md §4.4, §5).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

class JsonConverter : public Converter {
 public:
  static constexpr const char* kClassName = "org.apache.kafka.connect.json.JsonConverter";

  static Result<std::unique_ptr<JsonConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;
};

}  // namespace sfpe::convert
