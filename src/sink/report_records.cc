#include "sink/report_records.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sfpe::sink {
namespace {

kafka::OutgoingRecord report(const std::string& topic, const kafka::Record& input,
                             std::string value) {
  kafka::OutgoingRecord out;
  out.topic = topic;
  out.value = std::move(value);
  // Header values are decimal text, as on the original's result topic (issue #7207's dump).
  out.headers = {
      {"input_record_topic", input.topic},
      {"input_record_partition", std::to_string(input.partition)},
      {"input_record_offset", std::to_string(input.offset)},
      {"input_record_timestamp", std::to_string(input.timestamp_ms)},
  };
  return out;
}

}  // namespace

std::string encode_report_value(const std::string& text, const ReportFormat& format) {
  if (!format.json) return text;
  if (!format.schemas_enable) return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::ordered_json envelope;
  envelope["schema"] = {{"type", "string"}, {"optional", false}};
  envelope["payload"] = text;
  return envelope.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

kafka::OutgoingRecord success_report(const std::string& topic, const kafka::Record& input,
                                     const ReportFormat& format) {
  return report(topic, input, encode_report_value(kSuccessText, format));
}

kafka::OutgoingRecord error_report(const std::string& topic, const kafka::Record& input,
                                   const std::string& code, const std::string& message,
                                   const ReportFormat& format) {
  return report(topic, input, encode_report_value(fmt::format("{}: {}", code, message), format));
}

}  // namespace sfpe::sink
