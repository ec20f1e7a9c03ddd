// The Pub/Sub API's payload: one event as an Avro binary datum of the topic's schema, without
// container or header (salesforce-api.md §3.5). The schema is the COMPACT event schema (§2.5):
// CreatedDate (long, epoch ms) and CreatedById (string) first, both required, then the custom
// fields as unions with null (§5: Text and Long Text Area are strings, Number a double, Checkbox
// a boolean, Date and Date/Time longs in epoch milliseconds).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sfpe::salesforce {

class PubSubEncoder {
 public:
  // Reads the schema's record fields; an Error names what this encoder cannot write.
  static Result<PubSubEncoder> from_schema(const std::string& schema_json, std::string schema_id);

  // `event` is the body the mapper made for REST (field name -> JSON value, dates as ISO text):
  // the same values, in the schema's types. CreatedDate and CreatedById are ours to fill (§3.5).
  // A field the schema lacks, or a value its type cannot hold, is a permanent Error.
  Result<std::string> encode(const nlohmann::ordered_json& event, int64_t created_date_ms,
                             const std::string& created_by_id) const;
  Result<std::string> encode(const nlohmann::json& event, int64_t created_date_ms,
                             const std::string& created_by_id) const;

  const std::string& schema_id() const { return schema_id_; }
  // Whether the schema has a field of that name (CreatedDate and CreatedById included).
  bool has_field(std::string_view name) const;

 private:
  enum class Kind { kNull, kBoolean, kInt, kLong, kFloat, kDouble, kString, kBytes };
  struct Field {
    std::string name;
    Kind kind = Kind::kNull;
    bool nullable = false;
    int64_t null_branch = -1;   // union branch of null; -1 when not a union
    int64_t value_branch = -1;  // union branch of `kind`
  };

  template <typename Json>
  Result<std::string> encode_any(const Json& event, int64_t created_date_ms,
                                 const std::string& created_by_id) const;
  template <typename Json>
  Status write_value(std::string& out, const Field& field, const Json& value) const;

  std::string schema_id_;
  std::vector<Field> fields_;
};

// Avro binary primitives (Avro specification, "Binary Encoding").
void avro_write_long(std::string& out, int64_t value);  // zig-zag varint
void avro_write_string(std::string& out, std::string_view value);
void avro_write_double(std::string& out, double value);  // 8 bytes, little-endian

}  // namespace sfpe::salesforce
