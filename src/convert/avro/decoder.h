// Avro binary decoding ("Binary Encoding" in the Avro specification) of one datum, straight into
// the Connect value model. Written for hostile input: every malformed byte string is a permanent
// INVALID_AVRO_DATA error, never a crash, an over-read or an unbounded allocation.
#pragma once

#include <string_view>

#include "common/result.h"
#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "data/value.h"

namespace sfpe::convert::avro {

// Decodes `datum` written with `writer`, whose Connect schema (from to_connect_schema with the
// same options) is `connect`. The whole datum must be consumed: trailing bytes are an error.
// Strings are not checked for valid UTF-8 (the Java decoder does not either).
Result<data::Value> decode_datum(const AvroNode& writer, const data::SchemaPtr& connect,
                                 const AvroDataOptions& options, std::string_view datum);

}  // namespace sfpe::convert::avro
