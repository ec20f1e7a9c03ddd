// Kafka's JsonConverter, reading side, for values with an embedded schema.
#include "convert/json/json_converter.h"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "convert/error_codes.h"
#include "convert/json/converter_settings.h"
#include "convert/record_context.h"

namespace sfpe::convert {
namespace json {
namespace {

Error schema_error(std::string message) {
  return Error::permanent(kCodeInvalidJsonSchema, std::move(message));
}

Error schemaless(const std::string& why) {
  return Error::permanent(kCodeSchemalessJson,
                          fmt::format("schemaless JSON is not supported: {}", why));
}

ReadOptions read_options(const JsonConverterOptions& options) {
  ReadOptions read;
  read.missing_is_null = false;
  read.map_entries = ReadOptions::MapEntries::kPairs;
  read.use_defaults = options.replace_null_with_default;
  return read;
}

}  // namespace

Result<ConnectNodePtr> connect_schema_from_json(const JsonValue& json,
                                                const JsonConverterOptions& options) {
  const JsonValue* type = json.find("type");
  if (type == nullptr || !type->is_string()) {
    return schema_error("schema must contain a \"type\" field");
  }
  static const std::map<std::string, data::Type> kPrimitives = {
      {"boolean", data::Type::kBoolean}, {"int8", data::Type::kInt8},
      {"int16", data::Type::kInt16},     {"int32", data::Type::kInt32},
      {"int64", data::Type::kInt64},     {"float", data::Type::kFloat32},
      {"double", data::Type::kFloat64},  {"bytes", data::Type::kBytes},
      {"string", data::Type::kString}};
  data::Schema schema;
  auto node = std::make_shared<ConnectNode>();
  auto child = [&](const JsonValue* part, const char* what) -> Status {
    if (part == nullptr || part->is_null()) {
      return schema_error(fmt::format("{} schema did not specify the {}", type->text(), what));
    }
    auto converted = connect_schema_from_json(*part, options);
    if (!converted.ok()) return converted.error();
    node->children.push_back(std::move(converted.value()));
    return ok_status();
  };
  const std::string& name = type->text();
  if (auto it = kPrimitives.find(name); it != kPrimitives.end()) {
    schema.type = it->second;
  } else if (name == "array") {
    schema.type = data::Type::kArray;
    auto status = child(json.find("items"), "element type");
    if (!status.ok()) return status.error();
    schema.value_schema = node->children[0]->schema;
  } else if (name == "map") {
    schema.type = data::Type::kMap;
    auto status = child(json.find("keys"), "key type");
    if (!status.ok()) return status.error();
    status = child(json.find("values"), "value type");
    if (!status.ok()) return status.error();
    schema.key_schema = node->children[0]->schema;
    schema.value_schema = node->children[1]->schema;
  } else if (name == "struct") {
    schema.type = data::Type::kStruct;
    const JsonValue* fields = json.find("fields");
    if (fields == nullptr || !fields->is_array()) {
      return schema_error("struct schema's \"fields\" argument is not an array");
    }
    std::set<std::string> names;
    for (const auto& field : fields->items()) {
      const JsonValue* field_name = field.find("field");
      if (field_name == nullptr || !field_name->is_string()) {
        return schema_error("struct schema's field name not specified properly");
      }
      if (!names.insert(field_name->text()).second) {
        return schema_error(
            fmt::format("struct schema has two fields named \"{}\"", field_name->text()));
      }
      auto converted = connect_schema_from_json(field, options);
      if (!converted.ok()) {
        return schema_error(
            fmt::format("field {}: {}", field_name->text(), converted.error().message));
      }
      schema.fields.push_back(data::Field{
          field_name->text(), static_cast<int>(schema.fields.size()), (*converted)->schema});
      node->children.push_back(std::move(converted.value()));
    }
  } else {
    return schema_error(fmt::format("unknown schema type: {}", name));
  }

  const JsonValue* optional = json.find("optional");
  schema.optional = optional != nullptr && optional->is_boolean() && optional->boolean_value();
  if (const JsonValue* schema_name = json.find("name"); schema_name && schema_name->is_string()) {
    schema.name = schema_name->text();
  }
  if (const JsonValue* version = json.find("version"); version != nullptr && version->is_number() &&
                                                       version->integral_literal() &&
                                                       version->fits_int64()) {
    // Jackson's intValue(): the low 32 bits.
    schema.version = static_cast<int32_t>(static_cast<uint32_t>(version->int_value()));
  }
  if (const JsonValue* parameters = json.find("parameters");
      parameters != nullptr && parameters->is_object()) {
    for (const auto& [key, value] : parameters->members()) {
      if (!value.is_string()) return schema_error("schema parameters must have string values");
      schema.parameters[key] = value.text();
    }
  }
  if (schema.name == data::kDecimalLogical && !decimal_scale(schema)) {
    return schema_error(
        "org.apache.kafka.connect.data.Decimal needs an integer \"scale\" parameter");
  }
  node->schema = std::make_shared<const data::Schema>(std::move(schema));
  if (const JsonValue* default_value = json.find("default")) {
    auto converted =
        read_value(*node, default_value, read_options(options), kCodeInvalidJsonSchema);
    if (!converted.ok()) return schema_error(fmt::format("default: {}", converted.error().message));
    if (!converted->is_null()) node->default_value = std::move(converted.value());
  }
  return ConnectNodePtr(std::move(node));
}

Result<data::SchemaAndValue> envelope_to_connect(std::string_view text,
                                                 const JsonConverterOptions& options) {
  if (text.empty()) {
    return Error::permanent(kCodeInvalidJsonData, "invalid JSON: the value is empty");
  }
  auto json = parse_json(text, kCodeInvalidJsonData);
  if (!json.ok()) return json.error();
  const JsonValue* schema = json->find("schema");
  const JsonValue* payload = json->find("payload");
  if (!json->is_object() || json->size() != 2 || schema == nullptr || payload == nullptr) {
    return schemaless(fmt::format(
        "JsonConverter with schemas.enable=true needs an object with exactly the fields "
        "\"schema\" and \"payload\", got {}",
        json->is_object() ? "an object with other fields" : json->kind_name()));
  }
  if (schema->is_null()) return schemaless("the envelope's \"schema\" is null");
  auto node = connect_schema_from_json(*schema, options);
  if (!node.ok()) return node.error();
  auto value = read_value(**node, payload, read_options(options), kCodeInvalidJsonData);
  if (!value.ok()) return value.error();
  return data::SchemaAndValue{(*node)->schema, std::move(value.value())};
}

}  // namespace json

Result<std::unique_ptr<JsonConverter>> JsonConverter::create(
    const std::map<std::string, std::string>& settings, std::shared_ptr<SchemaRegistryClient>) {
  json::JsonConverterOptions options;
  auto schemas_enable = json::bool_setting(settings, "schemas.enable", true);
  if (!schemas_enable.ok()) return schemas_enable.error();
  auto replace_null = json::bool_setting(settings, "replace.null.with.default", true);
  if (!replace_null.ok()) return replace_null.error();
  auto decimal_format = json::check_decimal_format(settings);
  if (!decimal_format.ok()) return decimal_format.error();
  auto cache_size = json::check_int_setting(settings, "schemas.cache.size");
  if (!cache_size.ok()) return cache_size.error();
  options.schemas_enable = *schemas_enable;
  options.replace_null_with_default = *replace_null;
  return std::make_unique<JsonConverter>(options);
}

JsonConverter::JsonConverter(json::JsonConverterOptions options) : options_(options) {}

Result<data::SchemaAndValue> JsonConverter::to_connect(const kafka::Record& record) {
  // A tombstone converts to SchemaAndValue.NULL, as in Kafka's JsonConverter.
  if (!record.value.has_value()) return data::SchemaAndValue{};
  if (!options_.schemas_enable) {
    return at_record(record,
                     Error::permanent(kCodeSchemalessJson,
                                      "schemaless JSON is not supported: JsonConverter has "
                                      "schemas.enable=false; the sink needs values with a schema, "
                                      "{\"schema\": ..., \"payload\": ...} envelopes "
                                      "(schemas.enable=true) or a Schema Registry format"));
  }
  auto converted = json::envelope_to_connect(*record.value, options_);
  if (!converted.ok()) return at_record(record, converted.error());
  return converted;
}

}  // namespace sfpe::convert
