// Value converters and their factory (kafka-connect.md §4.4, §5).
#include "convert/converter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "convert/avro/decoder.h"
#include "convert/error_codes.h"
#include "convert/json/json_converter.h"
#include "convert/json/json_schema_converter.h"
#include "convert/protobuf/protobuf_converter.h"
#include "convert/record_context.h"
#include "convert/wire_format.h"

namespace sfpe::convert {
namespace {

constexpr const char* kConverterProperty = "value.converter";

Error config_error(std::string message) {
  return Error::fatal(kCodeConfigInvalid, std::move(message));
}

Result<bool> parse_bool(const std::map<std::string, std::string>& settings, const char* property,
                        bool fallback) {
  auto it = settings.find(property);
  if (it == settings.end()) return fallback;
  std::string value = it->second;
  value.erase(std::remove_if(value.begin(), value.end(),
                             [](unsigned char c) { return std::isspace(c) != 0; }),
              value.end());
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "true") return true;
  if (value == "false") return false;
  return config_error(fmt::format("{}: expected true or false, got \"{}\"", property, it->second));
}

}  // namespace

Converter::~Converter() = default;

Result<std::unique_ptr<AvroConverter>> AvroConverter::create(
    const std::map<std::string, std::string>& settings,
    std::shared_ptr<SchemaRegistryClient> registry) {
  avro::AvroDataOptions options;
  auto enhanced = parse_bool(settings, "enhanced.avro.schema.support", false);
  if (!enhanced.ok()) return enhanced.error();
  auto flatten = parse_bool(settings, "flatten.singleton.unions", true);
  if (!flatten.ok()) return flatten.error();
  auto generalized = parse_bool(settings, "generalized.sum.type.support", false);
  if (!generalized.ok()) return generalized.error();
  if (*generalized) {
    return config_error("generalized.sum.type.support=true is not supported");
  }
  options.enhanced_schema_support = *enhanced;
  options.flatten_singleton_unions = *flatten;
  if (registry == nullptr) {
    auto created = SchemaRegistryClient::create(settings);
    if (!created.ok()) return created.error();
    registry = std::move(created.value());
  }
  return std::make_unique<AvroConverter>(std::move(registry), options);
}

AvroConverter::AvroConverter(std::shared_ptr<SchemaRegistryClient> registry,
                             avro::AvroDataOptions options)
    : registry_(std::move(registry)), options_(options) {}

Result<data::SchemaAndValue> AvroConverter::to_connect(const kafka::Record& record) {
  // A tombstone converts to SchemaAndValue.NULL (kafka-connect.md §5.1).
  if (!record.value.has_value()) return data::SchemaAndValue{};
  auto frame = parse_frame(*record.value);
  if (!frame.ok()) return at_record(record, frame.error());
  auto schema = schema_for(frame->schema_id);
  if (!schema.ok()) return at_record(record, schema.error());
  auto value =
      avro::decode_datum((*schema)->avro.root(), (*schema)->connect, options_, frame->payload);
  if (!value.ok()) {
    const Error& error = value.error();
    return Error{error.kind, error.code,
                 fmt::format("{}: schema id {}: {}", describe_record(record), frame->schema_id,
                             error.message)};
  }
  return data::SchemaAndValue{(*schema)->connect, std::move(value.value())};
}

Result<std::shared_ptr<const AvroConverter::ParsedSchema>> AvroConverter::schema_for(int32_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = schemas_.find(id);
    if (it != schemas_.end()) return it->second;
  }
  auto registered = registry_->schema_by_id(id);
  if (!registered.ok()) return registered.error();
  if ((*registered)->schema_type != "AVRO") {
    return Error::permanent(kCodeUnsupportedSchemaType,
                            fmt::format("schema id {} is a {} schema; {} reads Avro only", id,
                                        (*registered)->schema_type, kClassName));
  }
  // Referenced schemas' texts, dependencies first, so that their named types are known when
  // the schema itself is parsed.
  auto references = registry_->resolve_references(**registered, kCodeInvalidAvroSchema);
  if (!references.ok()) return references.error();
  std::vector<std::string> referenced;
  for (const auto& reference : *references) {
    if (reference.schema->schema_type != "AVRO") {
      return Error::permanent(kCodeUnsupportedSchemaType,
                              fmt::format("schema id {}: reference {} is not Avro", id,
                                          reference.name));
    }
    referenced.push_back(reference.schema->schema);
  }
  auto avro = avro::AvroSchema::parse_text((*registered)->schema, referenced);
  if (!avro.ok()) {
    return Error::permanent(avro.error().code,
                            fmt::format("schema id {}: {}", id, avro.error().message));
  }
  auto connect = avro::to_connect_schema(avro->root(), options_);
  if (!connect.ok()) {
    return Error::permanent(connect.error().code,
                            fmt::format("schema id {}: {}", id, connect.error().message));
  }
  auto parsed = std::make_shared<const ParsedSchema>(
      ParsedSchema{std::move(avro.value()), std::move(connect.value())});
  std::lock_guard<std::mutex> lock(mutex_);
  return schemas_.emplace(id, std::move(parsed)).first->second;
}

bool uses_schema_registry(const std::string& class_name) {
  return class_name == AvroConverter::kClassName || class_name == JsonSchemaConverter::kClassName ||
         class_name == ProtobufConverter::kClassName;
}

Result<std::unique_ptr<Converter>> make_value_converter(
    const std::string& class_name, const std::map<std::string, std::string>& settings,
    std::shared_ptr<SchemaRegistryClient> registry) {
  auto erase = [](auto converter) -> Result<std::unique_ptr<Converter>> {
    if (!converter.ok()) return converter.error();
    return std::unique_ptr<Converter>(std::move(converter.value()));
  };
  if (class_name == AvroConverter::kClassName) {
    return erase(AvroConverter::create(settings, std::move(registry)));
  }
  if (class_name == JsonSchemaConverter::kClassName) {
    return erase(JsonSchemaConverter::create(settings, std::move(registry)));
  }
  if (class_name == ProtobufConverter::kClassName) {
    return erase(ProtobufConverter::create(settings, std::move(registry)));
  }
  // JsonConverter carries its schema in each record ({"schema":...,"payload":...}); with
  // schemas.enable=false every record is refused as schemaless JSON, naming the record.
  if (class_name == JsonConverter::kClassName) {
    return erase(JsonConverter::create(settings, std::move(registry)));
  }
  // These give bare primitives, never the struct an event is built from; the original connector
  // refuses schemaless data (confluent-connector.md §3.10).
  static const std::set<std::string> kSchemaless = {
      "org.apache.kafka.connect.storage.StringConverter",
      "org.apache.kafka.connect.converters.ByteArrayConverter",
      "org.apache.kafka.connect.converters.DoubleConverter",
      "org.apache.kafka.connect.converters.FloatConverter",
      "org.apache.kafka.connect.converters.IntegerConverter",
      "org.apache.kafka.connect.converters.LongConverter",
      "org.apache.kafka.connect.converters.ShortConverter",
  };
  if (kSchemaless.count(class_name) != 0) {
    return config_error(fmt::format(
        "{}: {} is not supported: schemaless data is not supported, the sink needs records with "
        "a schema (use {}, {}, {} or {} with schemas.enable=true)",
        kConverterProperty, class_name, AvroConverter::kClassName, JsonSchemaConverter::kClassName,
        ProtobufConverter::kClassName, JsonConverter::kClassName));
  }
  return config_error(
      fmt::format("{}: unknown converter class \"{}\"", kConverterProperty, class_name));
}

}  // namespace sfpe::convert
