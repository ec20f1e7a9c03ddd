// The Connect Reporter's records (confluent-connector.md §3.6): one to the result topic for each
// record Salesforce accepted, one to the error topic for each record that failed. Both carry the
// input record's coordinates in `input_record_*` headers; the key is null.
#pragma once

#include <string>

#include "kafka/producer.h"
#include "kafka/record.h"

namespace sfpe::sink {

// reporter.<side>.topic.value.format and its schemas.enable.
struct ReportFormat {
  bool json = true;  // "json": a JSON string (Connect's JsonConverter); "string": the bare text
  bool schemas_enable = false;
};

// The success text, as observed on the original's result topic.
inline constexpr const char* kSuccessText = "Successfully delivered the record to salesforce";

// `text` encoded as the report's value format: "string" gives the text itself, "json" a JSON
// string, and "json" with schemas enabled Connect's envelope
// {"schema":{"type":"string","optional":false},"payload":"..."}.
std::string encode_report_value(const std::string& text, const ReportFormat& format);

kafka::OutgoingRecord success_report(const std::string& topic, const kafka::Record& input,
                                     const ReportFormat& format);
// The error record's value is "<error code>: <message>". Its shape is not public for the
// original connector (confluent-connector.md §8): this one is our choice, with the same headers
// as the success record.
kafka::OutgoingRecord error_report(const std::string& topic, const kafka::Record& input,
                                   const std::string& code, const std::string& message,
                                   const ReportFormat& format);

}  // namespace sfpe::sink
