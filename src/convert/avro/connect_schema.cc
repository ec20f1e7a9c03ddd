// AvroData's Avro -> Connect schema mapping (kafka-connect.md §5.4).
#include "convert/avro/connect_schema.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

#include "convert/error_codes.h"

namespace sfpe::convert::avro {
namespace {

Error schema_error(std::string message) {
  return Error::permanent(kCodeInvalidAvroSchema, std::move(message));
}

class Converter {
 public:
  explicit Converter(const AvroDataOptions& options) : options_(options) {}

  Result<data::SchemaPtr> convert(const AvroNode& node, bool optional) {
    // Named types used in several places are converted once per optionality, so that a schema
    // reusing a record many times cannot blow up.
    auto key = std::make_pair(&node, optional);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    if (node.type == AvroType::kRecord && !in_progress_.insert(&node).second) {
      return schema_error(fmt::format("recursive record {} is not supported", node.full_name));
    }
    auto converted = build(node, optional);
    in_progress_.erase(&node);
    if (converted.ok()) memo_.emplace(key, converted.value());
    return converted;
  }

 private:
  Result<data::SchemaPtr> build(const AvroNode& node, bool optional) {
    if (node.type == AvroType::kUnion) return build_union(node, optional);
    auto schema = std::make_shared<data::Schema>();
    schema->optional = optional;
    switch (node.type) {
      case AvroType::kNull:
        // Connect has no null type; AvroData refuses a null outside a union.
        return schema_error("standalone null schemas are not supported");
      case AvroType::kBoolean:
        schema->type = data::Type::kBoolean;
        break;
      case AvroType::kInt:
        schema->type = data::Type::kInt32;
        if (node.logical == LogicalType::kDate) {
          set_logical(*schema, data::kDateLogical);
        } else if (node.logical == LogicalType::kTimeMillis) {
          set_logical(*schema, data::kTimeLogical);
        } else if (node.connect_type == "int8") {
          schema->type = data::Type::kInt8;
        } else if (node.connect_type == "int16") {
          schema->type = data::Type::kInt16;
        }
        break;
      case AvroType::kLong:
        // timestamp-micros and time-micros are not mapped by Connect: plain INT64.
        schema->type = data::Type::kInt64;
        if (node.logical == LogicalType::kTimestampMillis) {
          set_logical(*schema, data::kTimestampLogical);
        } else if (node.logical == LogicalType::kTimestampMicros) {
          schema->parameters[std::string(data::kSourceLogicalParameter)] =
              std::string(data::kTimestampMicros);
        } else if (node.logical == LogicalType::kTimeMicros) {
          schema->parameters[std::string(data::kSourceLogicalParameter)] =
              std::string(data::kTimeMicros);
        }
        break;
      case AvroType::kFloat:
        schema->type = data::Type::kFloat32;
        break;
      case AvroType::kDouble:
        schema->type = data::Type::kFloat64;
        break;
      case AvroType::kString:
        schema->type = data::Type::kString;
        break;
      case AvroType::kBytes:
      case AvroType::kFixed:
        schema->type = data::Type::kBytes;
        if (node.logical == LogicalType::kDecimal) {
          set_logical(*schema, data::kDecimalLogical);
          schema->parameters[std::string(data::kDecimalScaleParameter)] =
              std::to_string(node.decimal_scale);
          schema->parameters[std::string(kDecimalPrecisionParameter)] =
              std::to_string(node.decimal_precision);
        }
        break;
      case AvroType::kEnum:
        schema->type = data::Type::kString;
        schema->name = node.full_name;
        schema->parameters[std::string(kEnumParameter)] = node.full_name;
        for (const auto& symbol : node.symbols) {
          schema->parameters[fmt::format("{}.{}", kEnumParameter, symbol)] = symbol;
        }
        break;
      case AvroType::kArray: {
        schema->type = data::Type::kArray;
        auto items = convert(*node.items, false);
        if (!items.ok()) return items.error();
        schema->value_schema = *items;
        break;
      }
      case AvroType::kMap: {
        schema->type = data::Type::kMap;
        auto key = std::make_shared<data::Schema>();
        key->type = data::Type::kString;
        schema->key_schema = std::move(key);
        auto values = convert(*node.items, false);
        if (!values.ok()) return values.error();
        schema->value_schema = *values;
        break;
      }
      case AvroType::kRecord: {
        schema->type = data::Type::kStruct;
        schema->name = node.full_name;
        int index = 0;
        for (const auto& field : node.fields) {
          auto field_schema = convert_field_type(*field.type);
          if (!field_schema.ok()) {
            return schema_error(fmt::format("record {} field {}: {}", node.full_name, field.name,
                                            field_schema.error().message));
          }
          schema->fields.push_back({field.name, index++, *field_schema});
        }
        break;
      }
      case AvroType::kUnion:
        break;  // handled above
    }
    apply_connect_annotations(node, *schema);
    return data::SchemaPtr(std::move(schema));
  }

  // A record field's type: unions decide their own optionality.
  Result<data::SchemaPtr> convert_field_type(const AvroNode& type) { return convert(type, false); }

  Result<data::SchemaPtr> build_union(const AvroNode& node, bool optional) {
    const UnionShape shape = union_shape(node, options_);
    if (shape == UnionShape::kOptional) {
      const AvroNode* other =
          node.branches[0]->type == AvroType::kNull ? node.branches[1] : node.branches[0];
      return convert(*other, true);
    }
    if (shape == UnionShape::kFlattened) return convert(*node.branches[0], optional);
    auto schema = std::make_shared<data::Schema>();
    schema->type = data::Type::kStruct;
    schema->name = std::string(kUnionSchemaName);
    schema->optional = optional;
    std::set<std::string> names;
    int index = 0;
    for (const AvroNode* branch : node.branches) {
      if (branch->type == AvroType::kNull) {
        schema->optional = true;
        continue;
      }
      std::string name = union_field_name(*branch);
      if (!names.insert(name).second) {
        return schema_error(
            fmt::format("two union branches map to the Connect union field \"{}\"", name));
      }
      auto branch_schema = convert(*branch, true);
      if (!branch_schema.ok()) return branch_schema.error();
      schema->fields.push_back({std::move(name), index++, *branch_schema});
    }
    return data::SchemaPtr(std::move(schema));
  }

  // Primitive branches are named after the Avro type, named types after their (simple) name
  // (kafka-connect.md §5.4).
  std::string union_field_name(const AvroNode& branch) const {
    if (branch.type == AvroType::kRecord || branch.type == AvroType::kEnum ||
        branch.type == AvroType::kFixed) {
      return options_.enhanced_schema_support ? branch.full_name : branch.simple_name();
    }
    return to_string(branch.type);
  }

  static void set_logical(data::Schema& schema, std::string_view name) {
    schema.name = std::string(name);
    schema.version = 1;  // Connect's logical schemas are version 1
  }

  // connect.name / connect.version / connect.parameters, as AvroData applies them: a long named
  // org.apache.kafka.connect.data.Timestamp is a Timestamp even without a logicalType.
  static void apply_connect_annotations(const AvroNode& node, data::Schema& schema) {
    for (const auto& [key, value] : node.connect_parameters) schema.parameters[key] = value;
    if (node.connect_version.has_value()) schema.version = node.connect_version;
    if (node.connect_name.empty()) return;
    const std::string& name = node.connect_name;
    const bool logical_name = name == data::kDateLogical || name == data::kTimeLogical ||
                              name == data::kTimestampLogical || name == data::kDecimalLogical;
    if (!logical_name) {
      schema.name = name;
      return;
    }
    const bool fits = (schema.type == data::Type::kInt32 &&
                       (name == data::kDateLogical || name == data::kTimeLogical)) ||
                      (schema.type == data::Type::kInt64 && name == data::kTimestampLogical) ||
                      (schema.type == data::Type::kBytes && name == data::kDecimalLogical &&
                       schema.parameters.count(std::string(data::kDecimalScaleParameter)) != 0);
    // A logical name on the wrong base type is ignored rather than trusted.
    if (fits) {
      schema.name = name;
      if (!schema.version.has_value()) schema.version = 1;
    }
  }

  const AvroDataOptions& options_;
  std::map<std::pair<const AvroNode*, bool>, data::SchemaPtr> memo_;
  std::set<const AvroNode*> in_progress_;
};

}  // namespace

UnionShape union_shape(const AvroNode& union_node, const AvroDataOptions& options) {
  const auto& branches = union_node.branches;
  if (branches.size() == 2 &&
      (branches[0]->type == AvroType::kNull) != (branches[1]->type == AvroType::kNull)) {
    return UnionShape::kOptional;
  }
  if (branches.size() == 1 && options.flatten_singleton_unions) return UnionShape::kFlattened;
  return UnionShape::kStruct;
}

Result<data::SchemaPtr> to_connect_schema(const AvroNode& root, const AvroDataOptions& options) {
  Converter converter(options);
  auto converted = converter.convert(root, false);
  if (!converted.ok()) {
    return Error::permanent(kCodeInvalidAvroSchema,
                            "Avro schema not convertible to Connect: " + converted.error().message);
  }
  return converted;
}

}  // namespace sfpe::convert::avro
