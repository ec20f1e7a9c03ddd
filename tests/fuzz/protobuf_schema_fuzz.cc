// libFuzzer target of the Protobuf schema reading (convert/protobuf/protobuf_schema.h), the
// .proto text a Schema Registry answers with: each input is a schema text, then optionally a
// NUL byte and a payload (message indexes, then the message). A schema that parses gets the
// Connect schema of every message, nested ones included, with ProtobufData's default settings
// and with the others switched, and the payload is decoded with both.
#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "convert/protobuf/protobuf_data.h"
#include "convert/protobuf/protobuf_schema.h"

namespace {

namespace pb = sfpe::convert::protobuf;

void connect_schemas(pb::ProtobufDecoder& decoder, const google::protobuf::Descriptor* message) {
  (void)decoder.connect_schema(message);
  for (int i = 0; i < message->nested_type_count(); ++i) {
    connect_schemas(decoder, message->nested_type(i));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string_view text = input.substr(0, split);
  std::string_view payload = split == std::string_view::npos ? "" : input.substr(split + 1);

  auto schema = pb::ProtobufSchema::parse(text);
  if (!schema.ok()) return 0;
  pb::ProtobufDataOptions switched;
  switched.int_for_enums = true;
  switched.wrapper_for_nullables = true;
  switched.flatten_unions = true;
  switched.optional_for_nullables = true;
  switched.enhanced_schema_support = true;
  for (const pb::ProtobufDataOptions& options : {pb::ProtobufDataOptions{}, switched}) {
    pb::ProtobufDecoder decoder(schema.value(), options);
    const google::protobuf::FileDescriptor* file = schema.value()->file();
    for (int i = 0; i < file->message_type_count(); ++i) {
      connect_schemas(decoder, file->message_type(i));
    }
    (void)decoder.decode(payload);
  }
  return 0;
}
