// The value model shared by every decoder and by mapping: a small copy of Kafka Connect's
// Schema / Struct, so that Avro, JSON Schema and Protobuf records all reach mapping in one shape.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sfpe::data {

enum class Type {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBoolean,
  kString,
  kBytes,
  kArray,
  kMap,
  kStruct,
};

const char* to_string(Type type);

// Connect's logical type names (org.apache.kafka.connect.data.*), set as Schema::name.
inline constexpr std::string_view kDateLogical = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeLogical = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kTimestampLogical = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDecimalLogical = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kDecimalScaleParameter = "scale";
// Not Connect's: the source's logical type of an INT64 that Connect leaves unmapped (Avro
// timestamp-micros, time-micros), kept so that mapping can still put a timestamp-micros on a
// Date or Date/Time field. Connect itself sees a plain INT64.
inline constexpr std::string_view kSourceLogicalParameter = "sfpe.source.logical.type";
inline constexpr std::string_view kTimestampMicros = "timestamp-micros";
inline constexpr std::string_view kTimeMicros = "time-micros";

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
  std::string name;
  int index = 0;
  SchemaPtr schema;
};

struct Schema {
  Type type = Type::kStruct;
  bool optional = false;
  std::string name;  // record name, or a logical type name above
  std::optional<int> version;
  std::map<std::string, std::string> parameters;
  std::vector<Field> fields;   // kStruct
  SchemaPtr key_schema;        // kMap
  SchemaPtr value_schema;      // kMap values, kArray elements

  const Field* field(std::string_view field_name) const;
};

class Value;
using Array = std::vector<Value>;
using MapEntries = std::vector<std::pair<Value, Value>>;  // keeps the wire order
using Bytes = std::vector<uint8_t>;

struct Struct {
  SchemaPtr schema;
  std::vector<Value> values;  // one per schema->fields, same order
};

// A decoded value. Integers of every width are held as int64_t and floats as double; the
// Schema says which Connect type they are. Date is days since the epoch, Time and Timestamp
// milliseconds, Decimal the unscaled big-endian two's-complement bytes (scale in parameters).
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, int64_t, double, std::string, Bytes, Array,
                               MapEntries, Struct>;

  Value() = default;
  Value(Storage storage) : storage_(std::move(storage)) {}  // NOLINT(google-explicit-constructor)

  bool is_null() const { return std::holds_alternative<std::monostate>(storage_); }
  const Storage& storage() const { return storage_; }
  Storage& storage() { return storage_; }

  template <typename T>
  const T* get_if() const { return std::get_if<T>(&storage_); }

 private:
  Storage storage_;
};

struct SchemaAndValue {
  SchemaPtr schema;  // null only for a null (tombstone) value
  Value value;
};

}  // namespace sfpe::data
