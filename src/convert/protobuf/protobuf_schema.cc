// Run-time parsing of registry Protobuf schemas (libprotoc's Parser into a FileDescriptorProto,
// linked in a DescriptorPool per schema) and the message-index prefix (kafka-connect.md §5.1).
#include "convert/protobuf/protobuf_schema.h"

#include <fmt/format.h>
#include <google/protobuf/any.pb.h>
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/wrappers.pb.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "common/base64.h"
#include "convert/error_codes.h"

namespace sfpe::convert::protobuf {
namespace {

namespace gp = google::protobuf;

constexpr int kMaxImportDepth = 32;
constexpr size_t kMaxReportedErrors = 3;

// Files Confluent's ProtobufData and serializers import without registering them as references.
// Written from their published definitions (googleapis google/type/*.proto; Confluent's
// confluent/type/decimal.proto and confluent/meta.proto), reduced to what decoding needs.
constexpr const char* kDateProto = R"(syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
})";

constexpr const char* kTimeOfDayProto = R"(syntax = "proto3";
package google.type;
message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
})";

constexpr const char* kDecimalProto = R"(syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
})";

constexpr const char* kMetaProto = R"(syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
)";

const char* embedded_proto(const std::string& name) {
  static const std::map<std::string, const char*> kEmbedded = {
      {"google/type/date.proto", kDateProto},
      {"google/type/timeofday.proto", kTimeOfDayProto},
      {"confluent/type/decimal.proto", kDecimalProto},
      {"confluent/decimal.proto", kDecimalProto},
      {"confluent/meta.proto", kMetaProto},
  };
  auto it = kEmbedded.find(name);
  return it == kEmbedded.end() ? nullptr : it->second;
}

// The well-known types compiled into libprotobuf. Naming their generated classes keeps them
// linked (and registered in the generated pool) even in a static build.
const gp::FileDescriptor* well_known_file(const std::string& name) {
  static const bool kLinked = [] {
    (void)gp::Timestamp::descriptor();
    (void)gp::DoubleValue::descriptor();
    (void)gp::Duration::descriptor();
    (void)gp::Any::descriptor();
    (void)gp::Struct::descriptor();
    (void)gp::FileDescriptorProto::descriptor();
    return true;
  }();
  (void)kLinked;
  if (name.rfind("google/protobuf/", 0) != 0) return nullptr;
  return gp::DescriptorPool::generated_pool()->FindFileByName(name);
}

// Collects the tokenizer's and parser's errors instead of letting libprotobuf print them.
class ParseErrors : public gp::io::ErrorCollector {
 public:
  void AddError(int line, gp::io::ColumnNumber column, const std::string& message) override {
    // The tokenizer counts lines and columns from 0.
    if (errors_.size() < kMaxReportedErrors) {
      errors_.push_back(fmt::format("line {} column {}: {}", line + 1, column + 1, message));
    }
  }
  void AddWarning(int, gp::io::ColumnNumber, const std::string&) override {}

  std::string text() const { return fmt::format("{}", fmt::join(errors_, "; ")); }

 private:
  std::vector<std::string> errors_;
};

class BuildErrors : public gp::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string&, const std::string& element_name, const gp::Message*,
                ErrorLocation, const std::string& message) override {
    if (errors_.size() < kMaxReportedErrors) {
      errors_.push_back(element_name.empty() ? message
                                             : fmt::format("{}: {}", element_name, message));
    }
  }

  std::string text() const { return fmt::format("{}", fmt::join(errors_, "; ")); }

 private:
  std::vector<std::string> errors_;
};

Error schema_error(std::string message) {
  return Error::permanent(kCodeInvalidProtobufSchema, std::move(message));
}

std::string describe_file(const std::string& name) {
  return name == kRootFileName ? std::string("the schema") : fmt::format("import \"{}\"", name);
}

// A schema registered in the serialized form: a base64 FileDescriptorProto, as Confluent's
// Python ProtobufSerializer (python3-confluent-kafka 1.7) registers it and the registry accepts
// it (kafka-connect.md §5.2, `format=serialized`). .proto text never reads as one: it has
// spaces, braces and semicolons, which base64 has not.
std::optional<gp::FileDescriptorProto> parse_serialized(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->empty()) return std::nullopt;
  gp::FileDescriptorProto proto;
  if (!proto.ParseFromString(*bytes)) return std::nullopt;
  return proto;
}

Result<gp::FileDescriptorProto> parse_text(std::string_view text, const std::string& name) {
  if (auto serialized = parse_serialized(text)) {
    serialized->set_name(name);
    return std::move(*serialized);
  }
  gp::LogSilencer silencer;  // the parser also logs warnings, e.g. for a missing syntax line
  gp::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  ParseErrors errors;
  gp::io::Tokenizer tokenizer(&input, &errors);
  gp::compiler::Parser parser;
  parser.RecordErrorsTo(&errors);
  gp::FileDescriptorProto proto;
  if (!parser.Parse(&tokenizer, &proto)) {
    return schema_error(fmt::format("cannot parse {}: {}", describe_file(name), errors.text()));
  }
  proto.set_name(name);
  return proto;
}

// Builds files into one pool, dependencies first, each once.
class PoolBuilder {
 public:
  PoolBuilder(gp::DescriptorPool& pool, const std::vector<ImportedSchema>& imports) : pool_(pool) {
    for (const auto& import : imports) imports_.emplace(import.name, import.text);
  }

  Result<const gp::FileDescriptor*> build(const gp::FileDescriptorProto& proto) {
    if (stack_.size() > kMaxImportDepth) {
      return schema_error(fmt::format("imports nested deeper than {}", kMaxImportDepth));
    }
    stack_.push_back(proto.name());
    for (const auto& dependency : proto.dependency()) {
      auto built = ensure(dependency);
      if (!built.ok()) return built.error();
    }
    stack_.pop_back();
    BuildErrors errors;
    const gp::FileDescriptor* file = pool_.BuildFileCollectingErrors(proto, &errors);
    if (file == nullptr) {
      return schema_error(
          fmt::format("cannot build {}: {}", describe_file(proto.name()), errors.text()));
    }
    return file;
  }

 private:
  Status ensure(const std::string& name) {
    if (pool_.FindFileByName(name) != nullptr) return ok_status();
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      return schema_error(fmt::format("import cycle through \"{}\"", name));
    }
    gp::FileDescriptorProto proto;
    if (auto it = imports_.find(name); it != imports_.end()) {
      auto parsed = parse_text(it->second, name);
      if (!parsed.ok()) return parsed.error();
      proto = std::move(parsed.value());
    } else if (const char* embedded = embedded_proto(name); embedded != nullptr) {
      auto parsed = parse_text(embedded, name);
      if (!parsed.ok()) return parsed.error();
      proto = std::move(parsed.value());
    } else if (const gp::FileDescriptor* known = well_known_file(name); known != nullptr) {
      known->CopyTo(&proto);
    } else {
      return schema_error(fmt::format(
          "{} imports \"{}\", which is neither a schema reference nor a well-known file",
          describe_file(stack_.back()), name));
    }
    auto built = build(proto);
    if (!built.ok()) return built.error();
    return ok_status();
  }

  gp::DescriptorPool& pool_;
  std::map<std::string, std::string> imports_;
  std::vector<std::string> stack_;
};

Error data_error(std::string message) {
  return Error::permanent(kCodeInvalidProtobufData, std::move(message));
}

}  // namespace

ProtobufSchema::ProtobufSchema() : pool_(std::make_unique<gp::DescriptorPool>()) {}

ProtobufSchema::~ProtobufSchema() = default;

Result<std::shared_ptr<const ProtobufSchema>> ProtobufSchema::parse(
    std::string_view text, const std::vector<ImportedSchema>& imports) {
  for (const auto& import : imports) {
    if (import.name == kRootFileName) {
      return schema_error(fmt::format("reference name \"{}\" is reserved", import.name));
    }
  }
  auto proto = parse_text(text, kRootFileName);
  if (!proto.ok()) return proto.error();
  std::shared_ptr<ProtobufSchema> schema(new ProtobufSchema());
  PoolBuilder builder(*schema->pool_, imports);
  auto file = builder.build(*proto);
  if (!file.ok()) return file.error();
  schema->file_ = *file;
  schema->factory_ = std::make_unique<gp::DynamicMessageFactory>(schema->pool_.get());
  return std::shared_ptr<const ProtobufSchema>(std::move(schema));
}

Result<const gp::Descriptor*> ProtobufSchema::message_at(const std::vector<int32_t>& path) const {
  if (path.empty()) return data_error("message indexes: empty path");
  if (path[0] < 0 || path[0] >= file_->message_type_count()) {
    return data_error(
        fmt::format("message index {} out of range: the schema has {} top-level "
                    "message(s)",
                    path[0], file_->message_type_count()));
  }
  const gp::Descriptor* message = file_->message_type(path[0]);
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i] < 0 || path[i] >= message->nested_type_count()) {
      return data_error(
          fmt::format("message index {} at position {} out of range: {} has {} "
                      "nested message(s)",
                      path[i], i, message->full_name(), message->nested_type_count()));
    }
    message = message->nested_type(path[i]);
  }
  return message;
}

const gp::Message* ProtobufSchema::prototype(const gp::Descriptor* message) const {
  return factory_->GetPrototype(message);
}

Result<MessageIndexes> read_message_indexes(std::string_view payload) {
  size_t position = 0;
  // Kafka ByteUtils.readVarint: at most 5 bytes, then zig-zag.
  auto read_varint = [&](const char* what) -> Result<int32_t> {
    uint32_t raw = 0;
    const size_t start = position;
    for (int shift = 0;; shift += 7) {
      if (position >= payload.size()) {
        return data_error(fmt::format("message indexes: {} truncated at byte {}", what, start));
      }
      auto byte = static_cast<uint8_t>(payload[position++]);
      raw |= static_cast<uint32_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
      if (shift >= 28) {
        return data_error(
            fmt::format("message indexes: {} at byte {} is longer than 5 bytes", what, start));
      }
    }
    return static_cast<int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
  };

  auto count = read_varint("count");
  if (!count.ok()) return count.error();
  MessageIndexes indexes;
  if (*count == 0) {
    indexes.path.push_back(0);
  } else {
    if (*count < 0) {
      return data_error(fmt::format("message indexes: negative count {}", *count));
    }
    if (static_cast<size_t>(*count) > payload.size() - position) {
      return data_error(fmt::format("message indexes: count {} but only {} byte(s) follow", *count,
                                    payload.size() - position));
    }
    indexes.path.reserve(static_cast<size_t>(*count));
    for (int32_t i = 0; i < *count; ++i) {
      auto index = read_varint("index");
      if (!index.ok()) return index.error();
      if (*index < 0) {
        return data_error(
            fmt::format("message indexes: negative index {} at position {}", *index, i));
      }
      indexes.path.push_back(*index);
    }
  }
  indexes.message = payload.substr(position);
  return indexes;
}

}  // namespace sfpe::convert::protobuf
