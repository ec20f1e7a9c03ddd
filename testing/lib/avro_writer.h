// An Avro binary encoder built on Apache Avro C, independent of sfpe's own decoder: tests and
// the demo encode with it, so the decoder is checked against Apache's implementation.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

namespace sfpe::testing {

// Encodes `datum`, described in JSON, as the binary Avro datum of `schema_json`.
//  - records are objects with every field; maps objects; arrays arrays; enums their symbol;
//  - bytes and fixed: a string of code points 0..255 (Avro's JSON encoding) or an array of
//    byte values;
//  - float / double: a number, or "NaN", "Infinity", "-Infinity";
//  - unions: Avro-JSON style {"<branch type or name>": value}, null, or for a ["null", T] union
//    the plain value of T.
// Logical types are written as their underlying type (e.g. a date as its int day count).
Result<std::string> encode_avro_json_datum(const std::string& schema_json,
                                           const nlohmann::json& datum);

// Confluent framing: magic byte 0x00, big-endian schema id, payload (kafka-connect.md §5.1).
std::string confluent_frame(int32_t schema_id, const std::string& payload);

}  // namespace sfpe::testing
