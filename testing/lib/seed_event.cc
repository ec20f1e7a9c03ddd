#include "lib/seed_event.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace sfpe::testing {

const char* const kSeedEventSchema =
    R"({"type":"record","name":"ConfluentEvent__e","namespace":"io.confluent.salesforce",
 "fields":[
  {"name":"ReplayId","type":["null","string"],"default":null},
  {"name":"CreatedDate","type":["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],"default":null},
  {"name":"CreatedById","type":["null","string"],"default":null},
  {"name":"EventUuid","type":["null","string"],"default":null},
  {"name":"TextField__c","type":["null","string"],"default":null},
  {"name":"NumberField__c","type":["null","double"],"default":null},
  {"name":"BooleanField__c","type":["null","boolean"],"default":null},
  {"name":"DateField__c","type":["null",{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}],"default":null},
  {"name":"DateTimeField__c","type":["null",{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}],"default":null},
  {"name":"_ObjectType","type":["null","string"],"default":null},
  {"name":"_EventType","type":["null","string"],"default":null}]})";

nlohmann::json seed_event_record(int i) {
  const int64_t base_ms = 1553542991336;  // the seed's CreatedDate
  return {
      {"ReplayId", std::to_string(44479 + i)},
      {"CreatedDate", base_ms + i * int64_t{1000}},
      {"CreatedById", "0051U000004EE5wQAG"},
      {"EventUuid", fmt::format("b1c29a9d-0000-4000-8000-{:012d}", i)},
      {"TextField__c", fmt::format("This is a Text field #{}", i)},
      {"NumberField__c", 33.0 + i},
      {"BooleanField__c", i % 2 == 0},
      {"DateField__c", 17980 + (i % 365)},  // days since 1970-01-01: 2019-03-25 onwards
      {"DateTimeField__c", base_ms + i * int64_t{60000}},
      {"_ObjectType", "ConfluentEvent__e"},
      {"_EventType", "VrdbV-4eqHB3hllFiCjIrw"},
  };
}

}  // namespace sfpe::testing
