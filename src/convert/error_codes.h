// The stable Error codes of the decode stage, in one place, so that routing (DLQ, skip, retry,
// fail) and tests can switch on them instead of parsing messages.
#pragma once

namespace sfpe::convert {

// Wire framing (kafka-connect.md §5.1). All permanent: the bytes will never decode.
inline constexpr const char* kCodeEmptyValue = "EMPTY_VALUE";
inline constexpr const char* kCodeUnknownMagicByte = "UNKNOWN_MAGIC_BYTE";
inline constexpr const char* kCodeFrameTooShort = "FRAME_TOO_SHORT";

// Schema Registry (kafka-connect.md §5.2).
inline constexpr const char* kCodeSchemaNotFound = "SCHEMA_NOT_FOUND";                  // permanent
inline constexpr const char* kCodeRegistryUnavailable = "SCHEMA_REGISTRY_UNAVAILABLE";  // transient
inline constexpr const char* kCodeRegistryAuth = "SCHEMA_REGISTRY_AUTH";                // fatal
inline constexpr const char* kCodeRegistryError = "SCHEMA_REGISTRY_ERROR";              // permanent

// Schema and datum.
inline constexpr const char* kCodeUnsupportedSchemaType = "UNSUPPORTED_SCHEMA_TYPE";  // permanent
inline constexpr const char* kCodeInvalidAvroSchema = "INVALID_AVRO_SCHEMA";          // permanent
inline constexpr const char* kCodeInvalidAvroData = "INVALID_AVRO_DATA";              // permanent
inline constexpr const char* kCodeInvalidJsonSchema = "INVALID_JSON_SCHEMA";          // permanent
inline constexpr const char* kCodeInvalidJsonData = "INVALID_JSON_DATA";              // permanent
inline constexpr const char* kCodeInvalidProtobufSchema = "INVALID_PROTOBUF_SCHEMA";  // permanent
inline constexpr const char* kCodeInvalidProtobufData = "INVALID_PROTOBUF_DATA";      // permanent
// JsonConverter with schemas.enable=false, or a value without the {"schema","payload"} envelope:
// the sink needs a schema (confluent-connector.md §3.10). Permanent.
inline constexpr const char* kCodeSchemalessJson = "SCHEMALESS_JSON";

// Configuration (fatal: the task cannot start).
inline constexpr const char* kCodeConfigInvalid = "CONFIG_INVALID";

}  // namespace sfpe::convert
