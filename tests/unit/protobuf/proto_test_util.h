// Helpers of the Protobuf tests: payloads built from text format with the parsed schema itself,
// and short ways to reach into decoded structs.
#pragma once

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "convert/protobuf/protobuf_schema.h"
#include "data/value.h"

namespace sfpe::convert::protobuf::test {

// The binary encoding of `text` (protobuf text format) as message `type` of `schema`.
inline std::string encode(const ProtobufSchema& schema, const std::string& type,
                          const std::string& text) {
  const auto* descriptor = schema.file()->pool()->FindMessageTypeByName(type);
  EXPECT_NE(descriptor, nullptr) << type;
  if (descriptor == nullptr) return "";
  std::unique_ptr<google::protobuf::Message> message(schema.prototype(descriptor)->New());
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, message.get())) << text;
  return message->SerializeAsString();
}

inline std::shared_ptr<const ProtobufSchema> parse_or_fail(const std::string& text) {
  auto schema = ProtobufSchema::parse(text);
  EXPECT_TRUE(schema.ok()) << schema.error().message;
  return schema.ok() ? schema.value() : nullptr;
}

inline const data::Struct& as_struct(const data::Value& value) {
  static const data::Struct kEmpty;
  const auto* record = value.get_if<data::Struct>();
  EXPECT_NE(record, nullptr);
  return record != nullptr ? *record : kEmpty;
}

// Field `name` of a struct value, found through the struct's own schema.
inline const data::Value& field(const data::Value& value, const std::string& name) {
  static const data::Value kMissing;
  const data::Struct& record = as_struct(value);
  if (record.schema == nullptr) {
    ADD_FAILURE() << "struct without schema";
    return kMissing;
  }
  const data::Field* found = record.schema->field(name);
  if (found == nullptr || static_cast<size_t>(found->index) >= record.values.size()) {
    ADD_FAILURE() << "no field " << name;
    return kMissing;
  }
  return record.values[static_cast<size_t>(found->index)];
}

inline const data::Schema& field_schema(const data::Schema& schema, const std::string& name) {
  static const data::Schema kMissing;
  const data::Field* found = schema.field(name);
  if (found == nullptr || found->schema == nullptr) {
    ADD_FAILURE() << "no field " << name;
    return kMissing;
  }
  return *found->schema;
}

inline int64_t as_int(const data::Value& value) {
  const auto* number = value.get_if<int64_t>();
  EXPECT_NE(number, nullptr);
  return number != nullptr ? *number : 0;
}

inline std::string as_string(const data::Value& value) {
  const auto* text = value.get_if<std::string>();
  EXPECT_NE(text, nullptr);
  return text != nullptr ? *text : "";
}

inline data::Bytes as_bytes(const data::Value& value) {
  const auto* bytes = value.get_if<data::Bytes>();
  EXPECT_NE(bytes, nullptr);
  return bytes != nullptr ? *bytes : data::Bytes{};
}

}  // namespace sfpe::convert::protobuf::test
