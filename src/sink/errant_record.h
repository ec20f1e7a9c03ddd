// A record that could not be published, described the way Kafka Connect's error reporters
// describe it (kafka-connect.md §2.2-§2.4): the stage that failed, the class that ran it, and
// the error. From one of these come the error log line, the dead letter queue copy with its
// `__connect.errors.*` headers, and the reporter's error record.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "kafka/producer.h"
#include "kafka/record.h"

namespace sfpe::sink {

// Connect's Stage names that a sink uses (kafka-connect.md §2.3).
enum class Stage { kKeyConverter, kValueConverter, kHeaderConverter, kTransformation, kTaskPut };
const char* stage_name(Stage stage);  // "VALUE_CONVERTER", "TASK_PUT", ...

// The class Connect names for TASK_PUT (kafka-connect.md §2.4).
inline constexpr const char* kSinkTaskClass = "org.apache.kafka.connect.sink.SinkTask";
// The exception classes a Connect sink would report: converters and record mapping throw
// DataException; a record Salesforce refused is a ConnectException (the original connector's
// exact class is not public: unverified).
inline constexpr const char* kDataException = "org.apache.kafka.connect.errors.DataException";
inline constexpr const char* kConnectException = "org.apache.kafka.connect.errors.ConnectException";

struct ErrantRecord {
  Stage stage = Stage::kTaskPut;
  std::string class_name;      // the converter's class for converter stages, else kSinkTaskClass
  std::string exception_class;
  Error error;
};

struct TaskIdentity {
  std::string connector;
  int task_id = 0;
};

// Connect's LogReporter line (kafka-connect.md §2.2), followed on the next line by the exception
// as Java prints it: "Error encountered in task c-0. Executing stage 'VALUE_CONVERTER' with class
// 'io.confluent.connect.avro.AvroConverter', where consumed record is {topic='t', partition=0,
// offset=5, timestamp=..., timestampType=CreateTime}.\n<exception class>: <message>"
std::string error_log_line(const TaskIdentity& task, const kafka::Record& record,
                           const ErrantRecord& errant, bool include_record);

// The exception as Java's printStackTrace renders its first line. Native code has no Java
// frames, so the trace is that line alone (unverified against tools that parse frames).
std::string exception_stacktrace(const ErrantRecord& errant);

// The dead letter queue copy of `record` (kafka-connect.md §2.4): the original key, value,
// headers and timestamp; with `context_headers`, Connect's ten `__connect.errors.*` headers
// appended in Connect's order.
kafka::OutgoingRecord dead_letter_record(const std::string& dlq_topic, const TaskIdentity& task,
                                         const kafka::Record& record, const ErrantRecord& errant,
                                         bool context_headers);

}  // namespace sfpe::sink
