// Avro schema -> Connect schema, as Confluent's AvroConverter (AvroData) does it
// (kafka-connect.md §5.4): nullable unions become optional, other unions a Union struct, enums
// strings, and the date / time-millis / timestamp-millis / decimal logical types Connect's.
#pragma once

#include <string_view>

#include "common/result.h"
#include "convert/avro/avro_schema.h"
#include "data/value.h"

namespace sfpe::convert::avro {

inline constexpr std::string_view kUnionSchemaName = "io.confluent.connect.avro.Union";
inline constexpr std::string_view kEnumParameter = "io.confluent.connect.avro.Enum";
inline constexpr std::string_view kDecimalPrecisionParameter = "connect.decimal.precision";

// The AvroData settings that change the Connect shape (kafka-connect.md §5.3).
struct AvroDataOptions {
  bool enhanced_schema_support = false;  // union fields of named types use the full name
  bool flatten_singleton_unions = true;  // ["string"] -> string
};

enum class UnionShape {
  kOptional,   // ["null", T] in either order -> optional T
  kFlattened,  // [T] with flatten_singleton_unions -> T
  kStruct,     // anything else -> STRUCT io.confluent.connect.avro.Union
};

UnionShape union_shape(const AvroNode& union_node, const AvroDataOptions& options);

// The Connect schema of `root`. Errors (permanent INVALID_AVRO_SCHEMA): a standalone null,
// recursive records, two union branches with the same field name.
Result<data::SchemaPtr> to_connect_schema(const AvroNode& root, const AvroDataOptions& options);

}  // namespace sfpe::convert::avro
