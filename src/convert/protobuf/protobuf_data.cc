// The Connect mapping of Protobuf messages. Every rule below follows Confluent's
// ProtobufData.java (schema-registry protobuf-converter): toConnectSchema for the schemas,
// toConnectData and its logical-type converters for the values; DecimalUtils.toBigDecimal for
// confluent.type.Decimal; ProtobufSchema.toMapField for map names.
#include "convert/protobuf/protobuf_data.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>
#include <vector>

#include "convert/error_codes.h"
#include "convert/protobuf/logical_types.h"

namespace sfpe::convert::protobuf {
namespace {

namespace gp = google::protobuf;
using data::Schema;
using data::SchemaPtr;
using data::Type;
using data::Value;

constexpr int kMetaExtensionNumber = 1088;  // confluent.field_meta (confluent/meta.proto)
constexpr int kMaxSchemaDepth = 100;        // as protobuf's own parse recursion limit

constexpr const char* kDecimalType = "confluent.type.Decimal";
constexpr const char* kDateType = "google.type.Date";
constexpr const char* kTimeType = "google.type.TimeOfDay";
constexpr const char* kTimestampType = "google.protobuf.Timestamp";
constexpr const char* kMapEntrySuffix = "Entry";

Error data_error(std::string message) {
  return Error::permanent(kCodeInvalidProtobufData, std::move(message));
}

Error config_error(std::string message) {
  return Error::fatal(kCodeConfigInvalid, std::move(message));
}

Result<bool> setting(const std::map<std::string, std::string>& settings, const char* property,
                     bool fallback) {
  auto it = settings.find(property);
  if (it == settings.end()) return fallback;
  std::string value;
  for (unsigned char c : it->second) {
    if (std::isspace(c) == 0) value.push_back(static_cast<char>(std::tolower(c)));
  }
  if (value == "true") return true;
  if (value == "false") return false;
  return config_error(fmt::format("{}: expected true or false, got \"{}\"", property, it->second));
}

// ---------------------------------------------------------------------------------------------
// Schemas

// The params of a field's (confluent.field_meta) option. The option is an extension unknown to
// the generated FieldOptions, so it sits in its unknown fields: Meta.params (2) is a map, each
// entry a message of key (1) and value (2).
std::map<std::string, std::string> field_meta_params(const gp::FieldDescriptor* field) {
  std::map<std::string, std::string> params;
  const gp::FieldOptions& options = field->options();
  const gp::UnknownFieldSet& unknown = options.GetReflection()->GetUnknownFields(options);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const gp::UnknownField& meta_field = unknown.field(i);
    if (meta_field.number() != kMetaExtensionNumber ||
        meta_field.type() != gp::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    gp::UnknownFieldSet meta;
    if (!meta.ParseFromString(meta_field.length_delimited())) continue;
    for (int j = 0; j < meta.field_count(); ++j) {
      const gp::UnknownField& entry_field = meta.field(j);
      if (entry_field.number() != 2 ||
          entry_field.type() != gp::UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      gp::UnknownFieldSet entry;
      if (!entry.ParseFromString(entry_field.length_delimited())) continue;
      std::string key;
      std::string value;
      for (int k = 0; k < entry.field_count(); ++k) {
        const gp::UnknownField& part = entry.field(k);
        if (part.type() != gp::UnknownField::TYPE_LENGTH_DELIMITED) continue;
        if (part.number() == 1) key = part.length_delimited();
        if (part.number() == 2) value = part.length_delimited();
      }
      params[key] = value;
    }
  }
  return params;
}

// Integer.parseInt: an optional sign, then digits only.
std::optional<int> parse_int(const std::string& text) {
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return std::nullopt;
  }
  return value;
}

// toUnwrappedSchema: the primitive a wrapper message stands for (UInt32Value widens to INT64).
std::optional<Type> unwrapped_type(const std::string& full_name) {
  static const std::map<std::string, Type> kWrappers = {
      {"google.protobuf.DoubleValue", Type::kFloat64},
      {"google.protobuf.FloatValue", Type::kFloat32},
      {"google.protobuf.Int64Value", Type::kInt64},
      {"google.protobuf.UInt64Value", Type::kInt64},
      {"google.protobuf.Int32Value", Type::kInt32},
      {"google.protobuf.UInt32Value", Type::kInt64},
      {"google.protobuf.BoolValue", Type::kBoolean},
      {"google.protobuf.StringValue", Type::kString},
      {"google.protobuf.BytesValue", Type::kBytes},
  };
  auto it = kWrappers.find(full_name);
  if (it == kWrappers.end()) return std::nullopt;
  return it->second;
}

// isMapDescriptor: a repeated message named "*Entry" with exactly the fields key and value.
bool is_map_field(const gp::FieldDescriptor* field) {
  if (!field->is_repeated() || field->type() != gp::FieldDescriptor::TYPE_MESSAGE) return false;
  const gp::Descriptor* entry = field->message_type();
  const std::string& name = entry->name();
  const std::string suffix = kMapEntrySuffix;
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         entry->field_count() == 2 && entry->field(0)->name() == "key" &&
         entry->field(1)->name() == "value" && !entry->field(0)->is_repeated() &&
         !entry->field(1)->is_repeated();
}

// ProtobufSchema.toMapField: the last name part without "Entry", UPPER_CAMEL to
// lower_underscore as Guava's CaseFormat does it (every capital after the first starts a word).
std::string map_schema_name(const std::string& name) {
  size_t last_dot = name.rfind('.');
  std::string prefix = last_dot == std::string::npos ? "" : name.substr(0, last_dot + 1);
  std::string last = last_dot == std::string::npos ? name : name.substr(last_dot + 1);
  const std::string suffix = kMapEntrySuffix;
  if (last.size() < suffix.size() ||
      last.compare(last.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return name;
  }
  last.resize(last.size() - suffix.size());
  std::string converted;
  for (size_t i = 0; i < last.size(); ++i) {
    char c = last[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0) converted.push_back('_');
      converted.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      converted.push_back(c);
    }
  }
  return prefix + converted;
}

// isOptional: proto3 `optional` (a synthetic oneof), or a proto2 optional with
// optional.for.proto2. Such fields are null when unset.
bool is_optional(const gp::FieldDescriptor* field, const ProtobufDataOptions& options) {
  bool proto3_optional =
      field->containing_oneof() != nullptr && field->real_containing_oneof() == nullptr;
  return proto3_optional || (options.optional_for_proto2 && field->has_optional_keyword());
}

// One Connect field of a message's struct: a oneof (a union struct), a flattened oneof member,
// or a plain field. Oneofs come first, then the other fields, in declaration order.
struct Slot {
  const gp::OneofDescriptor* oneof = nullptr;
  const gp::FieldDescriptor* field = nullptr;
};

std::vector<Slot> struct_slots(const gp::Descriptor* message, const ProtobufDataOptions& options) {
  std::vector<Slot> slots;
  for (int i = 0; i < message->real_oneof_decl_count(); ++i) {
    const gp::OneofDescriptor* oneof = message->oneof_decl(i);
    if (options.flatten_unions) {
      for (int j = 0; j < oneof->field_count(); ++j) slots.push_back({nullptr, oneof->field(j)});
    } else {
      slots.push_back({oneof, nullptr});
    }
  }
  for (int i = 0; i < message->field_count(); ++i) {
    const gp::FieldDescriptor* field = message->field(i);
    if (field->real_containing_oneof() == nullptr) slots.push_back({nullptr, field});
  }
  return slots;
}

std::shared_ptr<Schema> logical(Type type, std::string_view name) {
  auto schema = std::make_shared<Schema>();
  schema->type = type;
  schema->name = std::string(name);
  schema->version = 1;  // Connect's logical schemas are version 1
  return schema;
}

std::shared_ptr<Schema> primitive(Type type) {
  auto schema = std::make_shared<Schema>();
  schema->type = type;
  return schema;
}

class SchemaMapper {
 public:
  explicit SchemaMapper(const ProtobufDataOptions& options) : options_(options) {}

  // The schema of a top-level message: a required struct, or with wrapper.for.raw.primitives a
  // required primitive for a wrapper message.
  Result<SchemaPtr> root(const gp::Descriptor* message) {
    if (options_.wrapper_for_raw_primitives) {
      if (auto type = unwrapped_type(message->full_name())) return SchemaPtr(primitive(*type));
    }
    auto schema = message_struct(message);
    if (!schema.ok()) return schema.error();
    return SchemaPtr(std::move(schema.value()));
  }

 private:
  std::string type_name(const std::string& name, const std::string& full_name) const {
    return options_.enhanced_schema_support ? full_name : name;
  }

  Result<std::shared_ptr<Schema>> message_struct(const gp::Descriptor* message) {
    if (std::find(stack_.begin(), stack_.end(), message) != stack_.end()) {
      return Error::permanent(
          kCodeInvalidProtobufSchema,
          fmt::format("message {} is recursive, which the Connect schema model cannot hold",
                      message->full_name()));
    }
    if (stack_.size() >= kMaxSchemaDepth) {
      return Error::permanent(kCodeInvalidProtobufSchema,
                              fmt::format("messages nested deeper than {}", kMaxSchemaDepth));
    }
    stack_.push_back(message);
    auto schema = std::make_shared<Schema>();
    schema->type = Type::kStruct;
    schema->name = type_name(message->name(), message->full_name());
    for (const Slot& slot : struct_slots(message, options_)) {
      data::Field field;
      field.index = static_cast<int>(schema->fields.size());
      if (slot.oneof != nullptr) {
        field.name = options_.generate_index_for_unions
                         ? fmt::format("{}_{}", slot.oneof->name(), slot.oneof->index())
                         : slot.oneof->name();
        auto union_schema = oneof_struct(slot.oneof);
        if (!union_schema.ok()) return union_schema.error();
        field.schema = std::move(union_schema.value());
      } else {
        field.name = slot.field->name();
        auto field_schema_result = field_schema(slot.field);
        if (!field_schema_result.ok()) return field_schema_result.error();
        field.schema = std::move(field_schema_result.value());
      }
      schema->fields.push_back(std::move(field));
    }
    stack_.pop_back();
    return schema;
  }

  // A oneof: an optional struct "io.confluent.connect.protobuf.Union.<name>" with one field per
  // member.
  Result<SchemaPtr> oneof_struct(const gp::OneofDescriptor* oneof) {
    auto schema = std::make_shared<Schema>();
    schema->type = Type::kStruct;
    schema->optional = true;
    schema->name = std::string(kUnionPrefix) + type_name(oneof->name(), oneof->full_name());
    for (int i = 0; i < oneof->field_count(); ++i) {
      auto member = field_schema(oneof->field(i));
      if (!member.ok()) return member.error();
      schema->fields.push_back(data::Field{oneof->field(i)->name(), i, std::move(member.value())});
    }
    return SchemaPtr(std::move(schema));
  }

  Result<SchemaPtr> field_schema(const gp::FieldDescriptor* field) {
    std::shared_ptr<Schema> schema;
    switch (field->type()) {
      case gp::FieldDescriptor::TYPE_INT32:
      case gp::FieldDescriptor::TYPE_SINT32:
      case gp::FieldDescriptor::TYPE_SFIXED32: {
        // (confluent.field_meta) connect.type int8/int16 marks a narrowed Connect integer.
        auto params = field_meta_params(field);
        auto connect_type = params.find("connect.type");
        if (connect_type != params.end() && connect_type->second == "int8") {
          schema = primitive(Type::kInt8);
        } else if (connect_type != params.end() && connect_type->second == "int16") {
          schema = primitive(Type::kInt16);
        } else {
          schema = primitive(Type::kInt32);
          if (field->type() != gp::FieldDescriptor::TYPE_INT32) {
            schema->parameters[std::string(kTypeParameter)] = field->type_name();
          }
        }
        break;
      }
      case gp::FieldDescriptor::TYPE_UINT32:
      case gp::FieldDescriptor::TYPE_FIXED32:
      case gp::FieldDescriptor::TYPE_INT64:
      case gp::FieldDescriptor::TYPE_UINT64:
      case gp::FieldDescriptor::TYPE_SINT64:
      case gp::FieldDescriptor::TYPE_FIXED64:
      case gp::FieldDescriptor::TYPE_SFIXED64:
        schema = primitive(Type::kInt64);
        if (field->type() != gp::FieldDescriptor::TYPE_INT64) {
          schema->parameters[std::string(kTypeParameter)] = field->type_name();
        }
        break;
      case gp::FieldDescriptor::TYPE_FLOAT:
        schema = primitive(Type::kFloat32);
        break;
      case gp::FieldDescriptor::TYPE_DOUBLE:
        schema = primitive(Type::kFloat64);
        break;
      case gp::FieldDescriptor::TYPE_BOOL:
        schema = primitive(Type::kBoolean);
        break;
      case gp::FieldDescriptor::TYPE_STRING:
        schema = primitive(Type::kString);
        break;
      case gp::FieldDescriptor::TYPE_BYTES:
        schema = primitive(Type::kBytes);
        break;
      case gp::FieldDescriptor::TYPE_ENUM: {
        const gp::EnumDescriptor* enum_type = field->enum_type();
        schema = primitive(options_.int_for_enums ? Type::kInt32 : Type::kString);
        schema->name = type_name(enum_type->name(), enum_type->full_name());
        const std::string enum_parameter(kEnumParameter);
        schema->parameters[enum_parameter] = enum_type->name();
        for (int i = 0; i < enum_type->value_count(); ++i) {
          schema->parameters[enum_parameter + "." + enum_type->value(i)->name()] =
              std::to_string(enum_type->value(i)->number());
        }
        schema->optional = true;
        break;
      }
      case gp::FieldDescriptor::TYPE_MESSAGE: {
        auto message_schema = message_field_schema(field);
        if (!message_schema.ok()) return message_schema.error();
        schema = std::move(message_schema.value());
        schema->optional = true;
        break;
      }
      default:
        return Error::permanent(kCodeInvalidProtobufSchema,
                                fmt::format("field {} has type {}, which has no Connect type",
                                            field->full_name(), field->type_name()));
    }
    if (field->is_repeated() && schema->type != Type::kMap) {
      schema->optional = true;
      auto array = std::make_shared<Schema>();
      array->type = Type::kArray;
      array->value_schema = std::move(schema);
      array->optional = true;
      schema = std::move(array);
    }
    if (options_.optional_for_nullables) {
      if (field->has_optional_keyword()) schema->optional = true;
    } else if (!options_.wrapper_for_nullables) {
      schema->optional = true;
    }
    schema->parameters[std::string(kTagParameter)] = std::to_string(field->number());
    return SchemaPtr(std::move(schema));
  }

  Result<std::shared_ptr<Schema>> message_field_schema(const gp::FieldDescriptor* field) {
    const std::string& full_name = field->message_type()->full_name();
    if (full_name == kDecimalType) {
      // Scale and precision come from (confluent.field_meta) params; unparsable ones are
      // ignored, scale defaults to 0.
      auto params = field_meta_params(field);
      int scale = 0;
      std::optional<int> precision;
      if (auto it = params.find("precision"); it != params.end()) precision = parse_int(it->second);
      if (auto it = params.find("scale"); it != params.end()) {
        scale = parse_int(it->second).value_or(0);
      }
      auto schema = logical(Type::kBytes, data::kDecimalLogical);
      schema->parameters[std::string(data::kDecimalScaleParameter)] = std::to_string(scale);
      if (precision.has_value()) {
        schema->parameters[std::string(kDecimalPrecisionParameter)] = std::to_string(*precision);
      }
      return schema;
    }
    if (full_name == kDateType) return logical(Type::kInt32, data::kDateLogical);
    if (full_name == kTimeType) return logical(Type::kInt32, data::kTimeLogical);
    if (full_name == kTimestampType) return logical(Type::kInt64, data::kTimestampLogical);
    if (options_.wrapper_for_nullables) {
      if (auto type = unwrapped_type(full_name)) return primitive(*type);
    }
    if (is_map_field(field)) {
      const gp::Descriptor* entry = field->message_type();
      auto key = field_schema(entry->field(0));
      if (!key.ok()) return key.error();
      auto value = field_schema(entry->field(1));
      if (!value.ok()) return value.error();
      auto schema = std::make_shared<Schema>();
      schema->type = Type::kMap;
      schema->name = map_schema_name(type_name(entry->name(), entry->full_name()));
      schema->key_schema = std::move(key.value());
      schema->value_schema = std::move(value.value());
      return schema;
    }
    return message_struct(field->message_type());
  }

  const ProtobufDataOptions& options_;
  std::vector<const gp::Descriptor*> stack_;
};

// ---------------------------------------------------------------------------------------------
// Values

// Map keys are integers, booleans or strings.
bool key_less(const Value& a, const Value& b) {
  if (a.storage().index() != b.storage().index()) {
    return a.storage().index() < b.storage().index();
  }
  if (const auto* x = a.get_if<int64_t>()) return *x < *b.get_if<int64_t>();
  if (const auto* x = a.get_if<std::string>()) return *x < *b.get_if<std::string>();
  if (const auto* x = a.get_if<bool>()) return !*x && *b.get_if<bool>();
  return false;
}

class ValueMapper {
 public:
  explicit ValueMapper(const ProtobufDataOptions& options) : options_(options) {}

  // A message as its schema says: a logical type, an unwrapped wrapper, or a struct.
  Result<Value> message_value(const gp::Message& message, const Schema& schema) {
    if (schema.type == Type::kInt64 && schema.name == data::kTimestampLogical) {
      return timestamp_value(message);
    }
    if (schema.type == Type::kInt32 && schema.name == data::kDateLogical) {
      return date_value(message);
    }
    if (schema.type == Type::kInt32 && schema.name == data::kTimeLogical) {
      return time_value(message);
    }
    if (schema.type == Type::kBytes && schema.name == data::kDecimalLogical) {
      auto scale = schema.parameters.find(std::string(data::kDecimalScaleParameter));
      return decimal_value(
          message, scale == schema.parameters.end() ? 0 : parse_int(scale->second).value_or(0));
    }
    if (schema.type != Type::kStruct) {  // getWrappedValue: the wrapper's "value" field
      const gp::FieldDescriptor* field = message.GetDescriptor()->FindFieldByName("value");
      if (field == nullptr || field->is_repeated()) {
        return data_error(fmt::format("{} has no value field", message.GetTypeName()));
      }
      return element(message, field, -1, schema);
    }
    return struct_value(message, schema);
  }

 private:
  Result<Value> struct_value(const gp::Message& message, const Schema& schema) {
    const gp::Reflection* reflection = message.GetReflection();
    std::vector<Slot> slots = struct_slots(message.GetDescriptor(), options_);
    if (slots.size() != schema.fields.size()) {
      return data_error(fmt::format("{} does not match its Connect schema", message.GetTypeName()));
    }
    data::Struct result;
    result.values.resize(slots.size());
    for (size_t i = 0; i < slots.size(); ++i) {
      const Schema& field_schema = *schema.fields[i].schema;
      const Slot& slot = slots[i];
      if (slot.oneof != nullptr) {
        // setUnionField: only a set oneof gives a union struct, holding only its member.
        if (!reflection->HasOneof(message, slot.oneof)) continue;
        const gp::FieldDescriptor* member =
            reflection->GetOneofFieldDescriptor(message, slot.oneof);
        const int position = member->index_in_oneof();
        data::Struct union_value;
        union_value.schema = schema.fields[i].schema;
        union_value.values.resize(field_schema.fields.size());
        auto value = element(message, member, -1, *field_schema.fields[position].schema);
        if (!value.ok()) return value.error();
        union_value.values[static_cast<size_t>(position)] = std::move(value.value());
        result.values[i] = Value(std::move(union_value));
        continue;
      }
      const gp::FieldDescriptor* field = slot.field;
      if (field->real_containing_oneof() != nullptr) {  // a flattened oneof member
        if (!reflection->HasField(message, field)) continue;
        auto value = element(message, field, -1, field_schema);
        if (!value.ok()) return value.error();
        result.values[i] = std::move(value.value());
        continue;
      }
      // setStructField: fields without presence give their value (the default when unset);
      // messages and optional fields give null when unset.
      const bool primitive_or_repeated =
          field->type() != gp::FieldDescriptor::TYPE_MESSAGE || field->is_repeated();
      if ((primitive_or_repeated && !is_optional(field, options_)) ||
          reflection->HasField(message, field)) {
        auto value = field_value(message, field, field_schema);
        if (!value.ok()) return value.error();
        result.values[i] = std::move(value.value());
      }
    }
    // The struct refers to its schema; callers hold it by the same shared pointer.
    return Value(std::move(result));
  }

  Result<Value> field_value(const gp::Message& message, const gp::FieldDescriptor* field,
                            const Schema& schema) {
    if (!field->is_repeated()) return element(message, field, -1, schema);
    const gp::Reflection* reflection = message.GetReflection();
    const int size = reflection->FieldSize(message, field);
    if (schema.type == Type::kMap) {
      const gp::Descriptor* entry_type = field->message_type();
      const gp::FieldDescriptor* key_field = entry_type->field(0);
      const gp::FieldDescriptor* value_field = entry_type->field(1);
      data::MapEntries entries;
      entries.reserve(static_cast<size_t>(size));
      for (int i = 0; i < size; ++i) {
        const gp::Message& entry = reflection->GetRepeatedMessage(message, field, i);
        auto key = element(entry, key_field, -1, *schema.key_schema);
        if (!key.ok()) return key.error();
        auto value = element(entry, value_field, -1, *schema.value_schema);
        if (!value.ok()) return value.error();
        entries.emplace_back(std::move(key.value()), std::move(value.value()));
      }
      // Java collects a HashMap (no order); libprotobuf's map has none either. Sorting by key
      // makes the output deterministic.
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& a, const auto& b) { return key_less(a.first, b.first); });
      return Value(std::move(entries));
    }
    data::Array array;
    array.reserve(static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) {
      auto value = element(message, field, i, *schema.value_schema);
      if (!value.ok()) return value.error();
      array.push_back(std::move(value.value()));
    }
    return Value(std::move(array));
  }

  // One value of `field`: the singular value (index -1) or element `index`.
  Result<Value> element(const gp::Message& message, const gp::FieldDescriptor* field, int index,
                        const Schema& schema) {
    const gp::Reflection* r = message.GetReflection();
    const bool single = index < 0;
    switch (field->cpp_type()) {
      case gp::FieldDescriptor::CPPTYPE_INT32: {
        int32_t v =
            single ? r->GetInt32(message, field) : r->GetRepeatedInt32(message, field, index);
        if (schema.type == Type::kInt8) return Value(int64_t{static_cast<int8_t>(v)});
        if (schema.type == Type::kInt16) return Value(int64_t{static_cast<int16_t>(v)});
        return Value(int64_t{v});
      }
      case gp::FieldDescriptor::CPPTYPE_INT64:
        return Value(single ? r->GetInt64(message, field)
                            : r->GetRepeatedInt64(message, field, index));
      case gp::FieldDescriptor::CPPTYPE_UINT32:  // Integer.toUnsignedLong
        return Value(int64_t{single ? r->GetUInt32(message, field)
                                    : r->GetRepeatedUInt32(message, field, index)});
      case gp::FieldDescriptor::CPPTYPE_UINT64:  // Java's long: the same 64 bits
        return Value(static_cast<int64_t>(single ? r->GetUInt64(message, field)
                                                 : r->GetRepeatedUInt64(message, field, index)));
      case gp::FieldDescriptor::CPPTYPE_FLOAT:
        return Value(double{single ? r->GetFloat(message, field)
                                   : r->GetRepeatedFloat(message, field, index)});
      case gp::FieldDescriptor::CPPTYPE_DOUBLE:
        return Value(single ? r->GetDouble(message, field)
                            : r->GetRepeatedDouble(message, field, index));
      case gp::FieldDescriptor::CPPTYPE_BOOL:
        return Value(single ? r->GetBool(message, field)
                            : r->GetRepeatedBool(message, field, index));
      case gp::FieldDescriptor::CPPTYPE_ENUM: {
        // An unknown number of an open enum has libprotobuf's (and Java's) generated symbol
        // UNKNOWN_ENUM_VALUE_<Enum>_<number>.
        const gp::EnumValueDescriptor* v =
            single ? r->GetEnum(message, field) : r->GetRepeatedEnum(message, field, index);
        if (schema.type == Type::kInt32) return Value(int64_t{v->number()});
        return Value(v->name());
      }
      case gp::FieldDescriptor::CPPTYPE_STRING: {
        std::string v =
            single ? r->GetString(message, field) : r->GetRepeatedString(message, field, index);
        if (field->type() == gp::FieldDescriptor::TYPE_BYTES) {
          return Value(data::Bytes(v.begin(), v.end()));
        }
        return Value(std::move(v));
      }
      case gp::FieldDescriptor::CPPTYPE_MESSAGE: {
        const gp::Message& v =
            single ? r->GetMessage(message, field) : r->GetRepeatedMessage(message, field, index);
        return message_value(v, schema);
      }
    }
    return data_error(fmt::format("field {} has an unknown type", field->full_name()));
  }

  const ProtobufDataOptions& options_;
};

// Struct values must point at their schema; the mappers fill values only, so the schemas are
// attached in one walk afterwards.
void attach_schemas(Value& value, const SchemaPtr& schema) {
  if (schema == nullptr || value.is_null()) return;
  auto& storage = value.storage();
  if (auto* record = std::get_if<data::Struct>(&storage)) {
    record->schema = schema;
    for (size_t i = 0; i < record->values.size() && i < schema->fields.size(); ++i) {
      attach_schemas(record->values[i], schema->fields[i].schema);
    }
  } else if (auto* array = std::get_if<data::Array>(&storage)) {
    for (auto& element : *array) attach_schemas(element, schema->value_schema);
  } else if (auto* entries = std::get_if<data::MapEntries>(&storage)) {
    for (auto& [key, entry_value] : *entries) {
      attach_schemas(key, schema->key_schema);
      attach_schemas(entry_value, schema->value_schema);
    }
  }
}

}  // namespace

Result<ProtobufDataOptions> ProtobufDataOptions::from_settings(
    const std::map<std::string, std::string>& settings) {
  ProtobufDataOptions options;
  struct Flag {
    const char* property;
    bool ProtobufDataOptions::*member;
  };
  static constexpr Flag kFlags[] = {
      {"int.for.enums", &ProtobufDataOptions::int_for_enums},
      {"optional.for.nullables", &ProtobufDataOptions::optional_for_nullables},
      {"optional.for.proto2", &ProtobufDataOptions::optional_for_proto2},
      {"wrapper.for.nullables", &ProtobufDataOptions::wrapper_for_nullables},
      {"wrapper.for.raw.primitives", &ProtobufDataOptions::wrapper_for_raw_primitives},
      {"generate.index.for.unions", &ProtobufDataOptions::generate_index_for_unions},
      {"flatten.unions", &ProtobufDataOptions::flatten_unions},
      {"enhanced.protobuf.schema.support", &ProtobufDataOptions::enhanced_schema_support},
  };
  for (const Flag& flag : kFlags) {
    auto value = setting(settings, flag.property, options.*flag.member);
    if (!value.ok()) return value.error();
    options.*flag.member = *value;
  }
  // Accepted: scrub.invalid.names only renames when writing Protobuf, never when reading.
  auto scrub = setting(settings, "scrub.invalid.names", false);
  if (!scrub.ok()) return scrub.error();
  for (const char* property : {"generalized.sum.type.support", "generate.struct.for.nulls"}) {
    auto value = setting(settings, property, false);
    if (!value.ok()) return value.error();
    if (*value) return config_error(fmt::format("{}=true is not supported", property));
  }
  return options;
}

ProtobufDecoder::ProtobufDecoder(std::shared_ptr<const ProtobufSchema> schema,
                                 ProtobufDataOptions options)
    : schema_(std::move(schema)), options_(options) {}

Result<data::SchemaPtr> ProtobufDecoder::connect_schema(const gp::Descriptor* message) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = connect_schemas_.find(message);
  if (it != connect_schemas_.end()) return it->second;
  auto schema = SchemaMapper(options_).root(message);
  if (!schema.ok()) return schema.error();
  return connect_schemas_.emplace(message, std::move(schema.value())).first->second;
}

Result<data::SchemaAndValue> ProtobufDecoder::decode(std::string_view payload) {
  auto indexes = read_message_indexes(payload);
  if (!indexes.ok()) return indexes.error();
  auto descriptor = schema_->message_at(indexes->path);
  if (!descriptor.ok()) return descriptor.error();
  auto connect = connect_schema(*descriptor);
  if (!connect.ok()) return connect.error();

  std::unique_ptr<gp::Message> message(schema_->prototype(*descriptor)->New());
  // ParsePartial, then the required-field check, and a silencer for invalid UTF-8: a bad
  // record is reported once, as an Error, not also on stderr by libprotobuf.
  gp::LogSilencer silencer;
  if (indexes->message.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message->ParsePartialFromArray(indexes->message.data(),
                                      static_cast<int>(indexes->message.size()))) {
    return data_error(fmt::format("cannot parse {} bytes as message {}", indexes->message.size(),
                                  (*descriptor)->full_name()));
  }
  if (!message->IsInitialized()) {
    return data_error(fmt::format("message {} is missing required fields: {}",
                                  (*descriptor)->full_name(),
                                  message->InitializationErrorString()));
  }
  auto value = ValueMapper(options_).message_value(*message, **connect);
  if (!value.ok()) return value.error();
  attach_schemas(value.value(), *connect);
  return data::SchemaAndValue{*connect, std::move(value.value())};
}

}  // namespace sfpe::convert::protobuf
