// io.confluent.connect.protobuf.ProtobufConverter (kafka-connect.md §5.1, §5.3).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

class ProtobufConverter : public Converter {
 public:
  static constexpr const char* kClassName = "io.confluent.connect.protobuf.ProtobufConverter";

  static Result<std::unique_ptr<ProtobufConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;
};

}  // namespace sfpe::convert
