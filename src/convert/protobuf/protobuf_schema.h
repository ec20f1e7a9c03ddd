// A Schema Registry Protobuf schema, parsed at run time with libprotobuf into its own
// DescriptorPool, and the message-index prefix that selects one of its messages
// (kafka-connect.md §5.1).
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sfpe::convert::protobuf {

// A file the schema imports, given as a registry reference: `name` is the import path
// (e.g. "other.proto"), `text` the referenced schema.
struct ImportedSchema {
  std::string name;
  std::string text;
};

// The file name the root schema gets in its pool; imports must not use it.
inline constexpr const char* kRootFileName = "sfpe_registry_schema.proto";

// One parsed schema: its file, every file it imports, and a message factory over them.
// Immutable after parse(); prototype() is thread-safe (DynamicMessageFactory locks).
class ProtobufSchema {
 public:
  // Parses `text` (.proto syntax) and links it against `imports`. Imports not listed there are
  // resolved from the well-known google/protobuf/*.proto of libprotobuf, and from embedded copies
  // of google/type/date.proto, google/type/timeofday.proto, confluent/type/decimal.proto (also
  // as confluent/decimal.proto) and confluent/meta.proto. Errors are permanent
  // INVALID_PROTOBUF_SCHEMA with the parser's "file:line:column: message".
  static Result<std::shared_ptr<const ProtobufSchema>> parse(
      std::string_view text, const std::vector<ImportedSchema>& imports = {});

  ProtobufSchema(const ProtobufSchema&) = delete;
  ProtobufSchema& operator=(const ProtobufSchema&) = delete;
  ~ProtobufSchema();

  const google::protobuf::FileDescriptor* file() const { return file_; }

  // The message a message-index path selects (ProtobufSchema.toMessageName): the first index
  // among the file's top-level messages, each later one among the nested messages of the
  // previous; enums are not counted. Errors are permanent INVALID_PROTOBUF_DATA.
  Result<const google::protobuf::Descriptor*> message_at(const std::vector<int32_t>& path) const;

  // The immutable prototype of `message`, which must belong to this schema; New() on it gives a
  // mutable message to parse into.
  const google::protobuf::Message* prototype(const google::protobuf::Descriptor* message) const;

 private:
  ProtobufSchema();

  // Destroyed in reverse order: the factory's prototypes refer to the pool's descriptors.
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  const google::protobuf::FileDescriptor* file_ = nullptr;
};

// The message-index prefix of a Protobuf payload and the protobuf bytes after it.
struct MessageIndexes {
  std::vector<int32_t> path;  // never empty: the single byte 0x00 means [0]
  std::string_view message;   // points into the parsed payload
};

// Reads varint(count) then count varint indexes, zig-zag encoded as Kafka's
// ByteUtils.writeVarint writes them. Count 0 means [0]. Errors are permanent
// INVALID_PROTOBUF_DATA naming what was wrong.
Result<MessageIndexes> read_message_indexes(std::string_view payload);

}  // namespace sfpe::convert::protobuf
