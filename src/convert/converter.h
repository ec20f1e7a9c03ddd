// Converters turn a Kafka record value into the Connect value model, like Kafka Connect's
// value.converter (kafka-connect.md §4.4): AvroConverter reads Schema Registry framed Avro.
// Keys are never decoded: a Platform Event has no key.
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
#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "convert/schema_registry_client.h"
#include "data/value.h"
#include "kafka/record.h"

namespace sfpe::convert {

class Converter {
 public:
  virtual ~Converter();
  // Decodes record.value. A tombstone (null value) gives a null schema and a null value, not an
  // error. Errors name topic, partition and offset; codes are listed in error_codes.h.
  virtual Result<data::SchemaAndValue> to_connect(const kafka::Record& record) = 0;
};

// io.confluent.connect.avro.AvroConverter: framing (wire_format.h), writer schema from the
// registry by id, Avro binary decoding mapped as AvroData does (kafka-connect.md §5.4).
// Thread-safe; parsed schemas are cached by id.
class AvroConverter : public Converter {
 public:
  static constexpr const char* kClassName = "io.confluent.connect.avro.AvroConverter";

  // `settings` are the converter's, prefix stripped: the registry client's (used only when
  // `registry` is null) and the AvroData keys enhanced.avro.schema.support and
  // flatten.singleton.unions. Errors are fatal CONFIG_INVALID naming the property.
  static Result<std::unique_ptr<AvroConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  AvroConverter(std::shared_ptr<SchemaRegistryClient> registry, avro::AvroDataOptions options);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;

 private:
  struct ParsedSchema {
    avro::AvroSchema avro;
    data::SchemaPtr connect;
  };

  Result<std::shared_ptr<const ParsedSchema>> schema_for(int32_t id);

  std::shared_ptr<SchemaRegistryClient> registry_;
  const avro::AvroDataOptions options_;
  std::mutex mutex_;
  std::unordered_map<int32_t, std::shared_ptr<const ParsedSchema>> schemas_;
};

// True for the converters whose records carry a Schema Registry id (AvroConverter,
// JsonSchemaConverter, ProtobufConverter), so that a registry client is made, and
// schema.registry.url required, only for them; JsonConverter carries its schema in the record.
bool uses_schema_registry(const std::string& class_name);

// Builds the value converter named by value.converter: AvroConverter, JsonSchemaConverter,
// ProtobufConverter, or JsonConverter (schemas.enable=true). Converters of bare primitives
// (StringConverter, ByteArrayConverter, ...) are refused because the sink needs a schema'd
// struct (confluent-connector.md §3.10). `registry` may be null: one is then built from
// `settings`. Errors are fatal CONFIG_INVALID.
Result<std::unique_ptr<Converter>> make_value_converter(
    const std::string& class_name, const std::map<std::string, std::string>& settings,
    std::shared_ptr<SchemaRegistryClient> registry);

}  // namespace sfpe::convert
