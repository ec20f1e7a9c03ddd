// ProtobufConverter: registry lookups, reference resolution and the per-id decoder cache.
#include "convert/protobuf/protobuf_converter.h"

#include <fmt/format.h>

#include <utility>

#include "convert/error_codes.h"
#include "convert/record_context.h"
#include "convert/wire_format.h"

namespace sfpe::convert {
namespace {

constexpr const char* kProtobufSchemaType = "PROTOBUF";

}  // namespace

Result<std::unique_ptr<ProtobufConverter>> ProtobufConverter::create(
    const std::map<std::string, std::string>& settings,
    std::shared_ptr<SchemaRegistryClient> registry) {
  auto options = protobuf::ProtobufDataOptions::from_settings(settings);
  if (!options.ok()) return options.error();
  if (registry == nullptr) {
    auto created = SchemaRegistryClient::create(settings);
    if (!created.ok()) return created.error();
    registry = std::move(created.value());
  }
  return std::make_unique<ProtobufConverter>(std::move(registry), *options);
}

ProtobufConverter::ProtobufConverter(std::shared_ptr<SchemaRegistryClient> registry,
                                     protobuf::ProtobufDataOptions options)
    : registry_(std::move(registry)), options_(options) {}

Result<data::SchemaAndValue> ProtobufConverter::to_connect(const kafka::Record& record) {
  // A tombstone converts to SchemaAndValue.NULL (kafka-connect.md §5.1).
  if (!record.value.has_value()) return data::SchemaAndValue{};
  auto frame = parse_frame(*record.value);
  if (!frame.ok()) return at_record(record, frame.error());
  auto decoder = decoder_for(frame->schema_id);
  if (!decoder.ok()) return at_record(record, decoder.error());
  auto decoded = (*decoder)->decode(frame->payload);
  if (!decoded.ok()) {
    const Error& error = decoded.error();
    return Error{error.kind, error.code,
                 fmt::format("{}: schema id {}: {}", describe_record(record), frame->schema_id,
                             error.message)};
  }
  return std::move(decoded.value());
}

Result<std::shared_ptr<protobuf::ProtobufDecoder>> ProtobufConverter::decoder_for(int32_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = decoders_.find(id);
    if (it != decoders_.end()) return it->second;
  }
  auto registered = registry_->schema_by_id(id);
  if (!registered.ok()) return registered.error();
  if ((*registered)->schema_type != kProtobufSchemaType) {
    return Error::permanent(kCodeUnsupportedSchemaType,
                            fmt::format("schema id {} is a {} schema; {} reads Protobuf only", id,
                                        (*registered)->schema_type, kClassName));
  }
  // Each reference's name is the import path it satisfies.
  auto resolved = registry_->resolve_references(**registered, kCodeInvalidProtobufSchema);
  if (!resolved.ok()) return resolved.error();
  std::vector<protobuf::ImportedSchema> imports;
  for (const auto& reference : *resolved) {
    imports.push_back({reference.name, reference.schema->schema});
  }
  auto parsed = protobuf::ProtobufSchema::parse((*registered)->schema, imports);
  if (!parsed.ok()) {
    return Error::permanent(parsed.error().code,
                            fmt::format("schema id {}: {}", id, parsed.error().message));
  }
  auto decoder = std::make_shared<protobuf::ProtobufDecoder>(std::move(parsed.value()), options_);
  std::lock_guard<std::mutex> lock(mutex_);
  return decoders_.emplace(id, std::move(decoder)).first->second;
}

}  // namespace sfpe::convert
