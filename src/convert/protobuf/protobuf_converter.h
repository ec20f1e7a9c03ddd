// io.confluent.connect.protobuf.ProtobufConverter (kafka-connect.md §5.1, §5.3): framing, the
// writer schema from the registry by id (imports resolved through its references), message
// indexes, and the Connect mapping of ProtobufData (protobuf_data.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "convert/converter.h"
#include "convert/protobuf/protobuf_data.h"
#include "convert/protobuf/protobuf_schema.h"
#include "convert/schema_registry_client.h"

namespace sfpe::convert {

// Thread-safe; each registry schema id is fetched, parsed and cached once.
class ProtobufConverter : public Converter {
 public:
  static constexpr const char* kClassName = "io.confluent.connect.protobuf.ProtobufConverter";

  // `settings` are the converter's, prefix stripped: the registry client's (used only when
  // `registry` is null) and the ProtobufData keys of ProtobufDataOptions::from_settings. Errors
  // are fatal CONFIG_INVALID naming the property.
  static Result<std::unique_ptr<ProtobufConverter>> create(
      const std::map<std::string, std::string>& settings,
      std::shared_ptr<SchemaRegistryClient> registry);

  ProtobufConverter(std::shared_ptr<SchemaRegistryClient> registry,
                    protobuf::ProtobufDataOptions options);

  Result<data::SchemaAndValue> to_connect(const kafka::Record& record) override;

 private:
  Result<std::shared_ptr<protobuf::ProtobufDecoder>> decoder_for(int32_t id);

  std::shared_ptr<SchemaRegistryClient> registry_;
  const protobuf::ProtobufDataOptions options_;
  std::mutex mutex_;
  std::unordered_map<int32_t, std::shared_ptr<protobuf::ProtobufDecoder>> decoders_;
};

}  // namespace sfpe::convert
