// JsonSchemaConverter: framing, registry look-ups and caching around JsonSchemaData.
#include "convert/json/json_schema_converter.h"

#include <fmt/format.h>

#include <algorithm>

#include "convert/error_codes.h"
#include "convert/json/converter_settings.h"
#include "convert/record_context.h"
#include "convert/wire_format.h"

namespace sfpe::convert {
namespace {


Error config_error(std::string message) {
  return Error::fatal(kCodeConfigInvalid, std::move(message));
}

}  // namespace

Result<std::unique_ptr<JsonSchemaConverter>> JsonSchemaConverter::create(
    const std::map<std::string, std::string>& settings,
    std::shared_ptr<SchemaRegistryClient> registry) {
  json::JsonSchemaDataOptions options;
  auto optional_nonrequired = json::bool_setting(settings, "use.optional.for.nonrequired", false);
  if (!optional_nonrequired.ok()) return optional_nonrequired.error();
  auto flatten = json::bool_setting(settings, "flatten.singleton.unions", true);
  if (!flatten.ok()) return flatten.error();
  // These only change what JsonSchemaConverter writes, or nothing this decoder does differently
  // (it reads every dialect's $defs/definitions alike); their values are still checked.
  static constexpr std::pair<const char*, bool> kCheckedOnly[] = {
      {"object.additional.properties", true},
      {"ignore.modern.dialects", false},
      {"ignore.default.for.nullables", false}};
  for (const auto& [property, fallback] : kCheckedOnly) {
    auto checked = json::bool_setting(settings, property, fallback);
    if (!checked.ok()) return checked.error();
  }
  auto decimal_format = json::check_decimal_format(settings);
  if (!decimal_format.ok()) return decimal_format.error();
  auto cache_size = json::check_int_setting(settings, "schemas.cache.size");
  if (!cache_size.ok()) return cache_size.error();
  auto generalized = json::bool_setting(settings, "generalized.sum.type.support", false);
  if (!generalized.ok()) return generalized.error();
  if (*generalized) return config_error("generalized.sum.type.support=true is not supported");
  // The deserializer would validate every payload against its JSON Schema; this one does not.
  auto validate = json::bool_setting(settings, "json.fail.invalid.schema", false);
  if (!validate.ok()) return validate.error();
  if (*validate) return config_error("json.fail.invalid.schema=true is not supported");
  options.use_optional_for_nonrequired = *optional_nonrequired;
  options.flatten_singleton_unions = *flatten;
  if (registry == nullptr) {
    auto created = SchemaRegistryClient::create(settings);
    if (!created.ok()) return created.error();
    registry = std::move(created.value());
  }
  return std::make_unique<JsonSchemaConverter>(std::move(registry), options);
}

JsonSchemaConverter::JsonSchemaConverter(std::shared_ptr<SchemaRegistryClient> registry,
                                         json::JsonSchemaDataOptions options)
    : registry_(std::move(registry)), options_(options) {}

Result<data::SchemaAndValue> JsonSchemaConverter::to_connect(const kafka::Record& record) {
  // A tombstone converts to SchemaAndValue.NULL (kafka-connect.md §5.1).
  if (!record.value.has_value()) return data::SchemaAndValue{};
  auto frame = parse_frame(*record.value);
  if (!frame.ok()) {
    Error error = frame.error();
    // 0x01 is the GUID framing, and parse_frame already says so.
    if (error.code == kCodeUnknownMagicByte && static_cast<uint8_t>((*record.value)[0]) != 0x01) {
      error.message = fmt::format(
          "the value is not Schema Registry framed (first byte 0x{:02x}, expected the magic "
          "byte 0x00): schemaless JSON is not supported; {} needs values written by Confluent's "
          "JSON Schema serializer",
          static_cast<uint8_t>((*record.value)[0]), kClassName);
    }
    return at_record(record, error);
  }
  auto schema = schema_for(frame->schema_id);
  if (!schema.ok()) return at_record(record, schema.error());
  auto value = json::to_connect_data(**schema, frame->payload);
  if (!value.ok()) {
    const Error& error = value.error();
    return Error{error.kind, error.code,
                 fmt::format("{}: schema id {}: {}", describe_record(record), frame->schema_id,
                             error.message)};
  }
  return data::SchemaAndValue{(*schema)->schema, std::move(value.value())};
}

Result<json::ConnectNodePtr> JsonSchemaConverter::schema_for(int32_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = schemas_.find(id);
    if (it != schemas_.end()) return it->second;
  }
  auto registered = registry_->schema_by_id(id);
  if (!registered.ok()) return registered.error();
  if ((*registered)->schema_type != "JSON") {
    return Error::permanent(kCodeUnsupportedSchemaType,
                            fmt::format("schema id {} is a {} schema; {} reads JSON Schema only",
                                        id, (*registered)->schema_type, kClassName));
  }
  auto resolved = registry_->resolve_references(**registered, kCodeInvalidJsonSchema);
  if (!resolved.ok()) {
    return Error{resolved.error().kind, resolved.error().code,
                 fmt::format("schema id {}: {}", id, resolved.error().message)};
  }
  std::vector<json::ReferencedSchema> references;
  for (const auto& reference : *resolved) {
    references.push_back(json::ReferencedSchema{reference.name, reference.schema->schema});
  }
  auto converted = json::to_connect_schema((*registered)->schema, references, options_);
  if (!converted.ok()) {
    return Error::permanent(converted.error().code,
                            fmt::format("schema id {}: {}", id, converted.error().message));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return schemas_.emplace(id, std::move(converted.value())).first->second;
}

}  // namespace sfpe::convert
