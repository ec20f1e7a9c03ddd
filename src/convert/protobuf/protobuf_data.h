// Protobuf messages to the Connect value model, as Confluent's ProtobufData.toConnectSchema and
// toConnectData map them (schema-registry protobuf-converter, ProtobufData.java).
#pragma once

#include <google/protobuf/descriptor.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "convert/protobuf/protobuf_schema.h"
#include "data/value.h"

namespace sfpe::convert::protobuf {

// ProtobufConverter's settings that change what reading produces (ProtobufDataConfig), with
// Confluent's defaults.
struct ProtobufDataOptions {
  bool int_for_enums = false;              // int.for.enums: enums as INT32 numbers, not symbols
  bool optional_for_nullables = false;     // optional.for.nullables: optional iff `optional`
  bool optional_for_proto2 = true;         // optional.for.proto2: proto2 optionals null if unset
  bool wrapper_for_nullables = false;      // wrapper.for.nullables: wrappers as primitives
  bool wrapper_for_raw_primitives = true;  // wrapper.for.raw.primitives: a root wrapper unwrapped
  bool generate_index_for_unions = true;   // generate.index.for.unions: oneof field "<name>_<i>"
  bool flatten_unions = false;             // flatten.unions: oneof members as plain fields
  bool enhanced_schema_support = false;    // enhanced.protobuf.schema.support: full names

  // Reads the keys above from converter settings (prefix stripped; unknown keys ignored).
  // generalized.sum.type.support and generate.struct.for.nulls are refused when true. Errors
  // are fatal CONFIG_INVALID naming the property.
  static Result<ProtobufDataOptions> from_settings(
      const std::map<std::string, std::string>& settings);
};

// Names and parameters ProtobufData puts on Connect schemas.
inline constexpr std::string_view kTagParameter = "io.confluent.connect.protobuf.Tag";
inline constexpr std::string_view kTypeParameter = "io.confluent.connect.protobuf.Type";
inline constexpr std::string_view kEnumParameter = "io.confluent.connect.protobuf.Enum";
inline constexpr std::string_view kUnionPrefix = "io.confluent.connect.protobuf.Union.";
inline constexpr std::string_view kDecimalPrecisionParameter = "connect.decimal.precision";

// Decodes the payloads of one schema: message indexes, protobuf bytes, Connect mapping. The
// Connect schema of each message is built once. Thread-safe.
class ProtobufDecoder {
 public:
  ProtobufDecoder(std::shared_ptr<const ProtobufSchema> schema, ProtobufDataOptions options);

  // `payload` is what follows the 5-byte frame: message indexes, then the message. Errors are
  // permanent: INVALID_PROTOBUF_DATA for the bytes, INVALID_PROTOBUF_SCHEMA for a message that
  // cannot be mapped (a recursive message type).
  Result<data::SchemaAndValue> decode(std::string_view payload);

  // The Connect schema of `message` (a message of this schema).
  Result<data::SchemaPtr> connect_schema(const google::protobuf::Descriptor* message);

  const ProtobufSchema& schema() const { return *schema_; }

 private:
  const std::shared_ptr<const ProtobufSchema> schema_;
  const ProtobufDataOptions options_;
  std::mutex mutex_;
  std::unordered_map<const google::protobuf::Descriptor*, data::SchemaPtr> connect_schemas_;
};

}  // namespace sfpe::convert::protobuf
