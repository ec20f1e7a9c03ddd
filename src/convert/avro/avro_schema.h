// An Avro schema parsed from its JSON form per the Avro specification ("Schema Declaration",
// "Names", "Logical Types"): the writer schema the binary decoder walks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sfpe::convert::avro {

enum class AvroType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

const char* to_string(AvroType type);  // the Avro type name: "int", "record", ...

// Only logical types that are valid for their base type are kept; an invalid one (e.g. a
// decimal whose scale exceeds its precision) is ignored, as the specification requires.
enum class LogicalType {
  kNone,
  kDate,             // int: days since 1970-01-01
  kTimeMillis,       // int: milliseconds after midnight
  kTimeMicros,       // long
  kTimestampMillis,  // long: milliseconds since the epoch
  kTimestampMicros,  // long
  kDecimal,          // bytes or fixed: big-endian two's-complement unscaled value
};

struct AvroNode;

struct AvroField {
  std::string name;
  const AvroNode* type = nullptr;
};

struct AvroNode {
  AvroType type = AvroType::kNull;
  LogicalType logical = LogicalType::kNone;
  std::string full_name;                  // record, enum, fixed: namespace.name
  std::vector<AvroField> fields;          // record
  std::vector<std::string> symbols;       // enum
  const AvroNode* items = nullptr;        // array items and map values
  std::vector<const AvroNode*> branches;  // union
  int64_t fixed_size = 0;                 // fixed
  int decimal_precision = 0;              // decimal
  int decimal_scale = 0;                  // decimal

  // Kafka Connect annotations that AvroConverter honours (kafka-connect.md §5.4).
  std::string connect_name;                               // "connect.name"
  std::optional<int> connect_version;                     // "connect.version"
  std::map<std::string, std::string> connect_parameters;  // "connect.parameters"
  std::string connect_type;                               // "connect.type": "int8", "int16"

  // The name without its namespace (record, enum, fixed).
  std::string simple_name() const;
};

// Owns every node of one parsed schema; nodes refer to each other by plain pointers, which stay
// valid when the AvroSchema is moved.
class AvroSchema {
 public:
  // Parses `schema`. The named types defined in `referenced` (Schema Registry references,
  // dependencies first) may be used by name in `schema`. Errors: permanent INVALID_AVRO_SCHEMA.
  static Result<AvroSchema> parse(const nlohmann::json& schema,
                                  const std::vector<nlohmann::json>& referenced = {});
  // Same, from the schema text.
  static Result<AvroSchema> parse_text(const std::string& schema_text,
                                       const std::vector<std::string>& referenced = {});

  const AvroNode& root() const { return *root_; }

 private:
  std::vector<std::unique_ptr<AvroNode>> nodes_;
  const AvroNode* root_ = nullptr;
};

}  // namespace sfpe::convert::avro
