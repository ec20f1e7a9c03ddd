// The logical types ProtobufData maps from well-known messages: google.protobuf.Timestamp,
// google.type.Date, google.type.TimeOfDay and confluent.type.Decimal (its TO_CONNECT_LOGICAL_
// CONVERTERS and DecimalUtils.toBigDecimal), as Connect values (data/value.h).
#pragma once

#include <google/protobuf/message.h>

#include "common/result.h"
#include "data/value.h"

namespace sfpe::convert::protobuf {

// Timestamps.toMillis: milliseconds since the epoch; seconds and nanos outside Timestamp's
// valid range are refused.
Result<data::Value> timestamp_value(const google::protobuf::Message& message);

// A non-lenient java.util.GregorianCalendar in UTC (Julian before 1582-10-15), as days since
// the epoch; an impossible date is refused.
Result<data::Value> date_value(const google::protobuf::Message& message);

// LocalTime.of(hours, minutes, seconds, nanos) as milliseconds of the day.
Result<data::Value> time_value(const google::protobuf::Message& message);

// BigInteger(value) at the message's scale, rounded HALF_UP to its precision when one is set,
// as the unscaled big-endian two's-complement bytes at `target_scale` (the Connect schema's);
// a value that would lose digits at that scale is refused.
Result<data::Value> decimal_value(const google::protobuf::Message& message, int target_scale);

}  // namespace sfpe::convert::protobuf
