#include "sink/errant_record.h"

#include <fmt/format.h>

namespace sfpe::sink {

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kKeyConverter: return "KEY_CONVERTER";
    case Stage::kValueConverter: return "VALUE_CONVERTER";
    case Stage::kHeaderConverter: return "HEADER_CONVERTER";
    case Stage::kTransformation: return "TRANSFORMATION";
    case Stage::kTaskPut: return "TASK_PUT";
  }
  return "TASK_PUT";
}

std::string error_log_line(const TaskIdentity& task, const kafka::Record& record,
                           const ErrantRecord& errant, bool include_record) {
  std::string context;
  if (include_record) {
    // LogReporter.Sink: for sink records only topic, partition, offset and timestamp; never the
    // key or value (kafka-connect.md §2.1).
    context = fmt::format(
        ", where consumed record is {{topic='{}', partition={}, offset={}, timestamp={}, "
        "timestampType={}}}",
        record.topic, record.partition, record.offset, record.timestamp_ms,
        kafka::to_string(record.timestamp_type));
  }
  return fmt::format("Error encountered in task {}-{}. Executing stage '{}' with class '{}'{}.\n{}",
                     task.connector, task.task_id, stage_name(errant.stage), errant.class_name,
                     context, exception_stacktrace(errant));
}

std::string exception_stacktrace(const ErrantRecord& errant) {
  return fmt::format("{}: {}", errant.exception_class, errant.error.message);
}

kafka::OutgoingRecord dead_letter_record(const std::string& dlq_topic, const TaskIdentity& task,
                                         const kafka::Record& record, const ErrantRecord& errant,
                                         bool context_headers) {
  kafka::OutgoingRecord out;
  out.topic = dlq_topic;
  out.key = record.key;
  out.value = record.value;
  out.timestamp_ms = record.timestamp_ms;
  out.headers = record.headers;
  if (context_headers) {
    // DeadLetterQueueReporter.populateContextHeaders: every value the UTF-8 text of a string.
    auto add = [&out](const char* name, std::string value) {
      out.headers.push_back({fmt::format("__connect.errors.{}", name), std::move(value)});
    };
    add("topic", record.topic);
    add("partition", std::to_string(record.partition));
    add("offset", std::to_string(record.offset));
    add("connector.name", task.connector);
    add("task.id", std::to_string(task.task_id));
    add("stage", stage_name(errant.stage));
    add("class.name", errant.class_name);
    add("exception.class.name", errant.exception_class);
    add("exception.message", errant.error.message);
    add("exception.stacktrace", exception_stacktrace(errant));
  }
  return out;
}

}  // namespace sfpe::sink
