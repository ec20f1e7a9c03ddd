// Records shaped like the seed's ConfluentEvent__e, as the Platform Events source connector
// writes them to Kafka: the demo and the benchmarks produce them.
#pragma once

#include <nlohmann/json.hpp>

namespace sfpe::testing {

// The value schema the Platform Events source connector registers (confluent-connector.md §5.2),
// for the seed's ConfluentEvent__e, with a Date and a Date/Time custom field added.
extern const char* const kSeedEventSchema;

// Record `i` of a sequence, as encode_avro_json_datum() takes it: the seed's values, with the
// replay id, UUID, text, number, dates and checkbox varying with `i`.
nlohmann::json seed_event_record(int i);

}  // namespace sfpe::testing
