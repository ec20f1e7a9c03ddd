// sfpe-bench-parsers (bench/run.sh --parsers): the hand-written readers beside the Debian
// libraries that could replace them, on the inputs they see most, single-threaded:
//  - a Collections answer of 200 SaveResults (salesforce-api.md §2.2), each OPERATION_ENQUEUED:
//    salesforce/save_results.h's scanner, nlohmann's document (what it replaced), and
//    simdjson's On-Demand and DOM APIs, each ending with the same std::vector<RawSaveResult>;
//  - a seed-shaped Avro record (testing/lib/seed_event.h): convert/avro/decoder.h into the
//    Connect value, and Apache Avro C (avro_value_read into a generic value, reused), which
//    gives avro-c's own value model, not yet the Connect one.
// Each is timed in thread CPU time over many repetitions, and the best of several rounds is
// printed (the least disturbed by the other processes of the machine). docs/architecture.md
// quotes the numbers.
#include <avro.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "convert/avro/avro_schema.h"
#include "convert/avro/connect_schema.h"
#include "convert/avro/decoder.h"
#include "lib/avro_writer.h"
#include "lib/seed_event.h"
#include "salesforce/save_results.h"

namespace {

namespace sf = sfpe::salesforce;
namespace avro = sfpe::convert::avro;

// The answer Salesforce gives to a Collections publish of 200 events, all accepted.
std::string enqueued_answer(int events) {
  std::string body = "[";
  for (int i = 0; i < events; ++i) {
    if (i > 0) body += ",";
    body += fmt::format(
        R"({{"id":"e00xx00000{:08d}AAA","success":true,"errors":[{{"statusCode":)"
        R"("OPERATION_ENQUEUED","message":"a1b2c3d4-5e6f-4a0b-8c9d-{:012d}","fields":[]}}]}})",
        i, i);
  }
  return body + "]";
}

// simdjson On-Demand, read with the tolerance of salesforce/json_fields.h: a mistyped value
// reads as empty. nullopt where the scanner would fall back to a document.
std::optional<std::vector<sf::RawSaveResult>> simdjson_save_results(
    simdjson::ondemand::parser& parser, const simdjson::padded_string& body) {
  using simdjson::ondemand::json_type;
  std::vector<sf::RawSaveResult> results;
  simdjson::ondemand::document document;
  if (parser.iterate(body).get(document)) return std::nullopt;
  simdjson::ondemand::array items;
  if (document.get_array().get(items)) return std::nullopt;
  auto text = [](simdjson::ondemand::value value) {
    std::string_view out;
    json_type type;
    if (value.type().get(type) || type != json_type::string || value.get_string().get(out)) {
      return std::string();
    }
    return std::string(out);
  };
  for (auto item : items) {
    simdjson::ondemand::object object;
    if (item.get_object().get(object)) return std::nullopt;
    sf::RawSaveResult& result = results.emplace_back();
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return std::nullopt;
      simdjson::ondemand::value value = field.value();
      json_type type;
      if (value.type().get(type)) return std::nullopt;
      if (key == "success") {
        bool flag = false;
        result.success = type == json_type::boolean && !value.get_bool().get(flag) && flag;
      } else if (key == "id") {
        result.id = text(value);
      } else if (key == "errors") {
        result.errors.clear();
        if (type != json_type::array) continue;
        for (auto entry : value.get_array()) {
          sf::ApiError& error = result.errors.emplace_back();
          simdjson::ondemand::object fields;
          if (entry.get_object().get(fields)) continue;
          std::string status_code;
          for (auto member : fields) {
            std::string_view name;
            if (member.unescaped_key().get(name)) return std::nullopt;
            if (name == "errorCode") {
              error.code = text(member.value());
            } else if (name == "statusCode") {
              status_code = text(member.value());
            } else if (name == "message") {
              error.message = text(member.value());
            } else if (name == "fields") {
              error.fields.clear();
              simdjson::ondemand::array names;
              if (member.value().get_array().get(names)) continue;
              for (auto name_value : names) {
                std::string_view field_name;
                if (!name_value.get_string().get(field_name)) {
                  error.fields.emplace_back(field_name);
                }
              }
            }
          }
          if (error.code.empty()) error.code = std::move(status_code);
        }
      }
    }
  }
  return results;
}

// simdjson's DOM API, which validates the whole text (On-Demand checks only what it reads), read
// with the same tolerance.
std::optional<std::vector<sf::RawSaveResult>> simdjson_dom_save_results(
    simdjson::dom::parser& parser, const simdjson::padded_string& body) {
  simdjson::dom::element document;
  if (parser.parse(body).get(document)) return std::nullopt;
  simdjson::dom::array items;
  if (document.get_array().get(items)) return std::nullopt;
  auto text = [](simdjson::dom::object object, std::string_view key) {
    std::string_view out;
    if (object[key].get_string().get(out)) return std::string();
    return std::string(out);
  };
  std::vector<sf::RawSaveResult> results;
  for (simdjson::dom::element item : items) {
    simdjson::dom::object object;
    if (item.get_object().get(object)) return std::nullopt;
    sf::RawSaveResult& result = results.emplace_back();
    bool flag = false;
    result.success = !object["success"].get_bool().get(flag) && flag;
    result.id = text(object, "id");
    simdjson::dom::array errors;
    if (object["errors"].get_array().get(errors)) continue;
    for (simdjson::dom::element entry : errors) {
      sf::ApiError& error = result.errors.emplace_back();
      simdjson::dom::object fields;
      if (entry.get_object().get(fields)) continue;
      error.code = text(fields, "errorCode");
      if (error.code.empty()) error.code = text(fields, "statusCode");
      error.message = text(fields, "message");
      simdjson::dom::array names;
      if (fields["fields"].get_array().get(names)) continue;
      for (simdjson::dom::element name : names) {
        std::string_view field_name;
        if (!name.get_string().get(field_name)) error.fields.emplace_back(field_name);
      }
    }
  }
  return results;
}

// The calling thread's CPU time, not the wall clock: the other processes of a shared machine
// then take nothing from the measured code (only from its caches).
double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// CPU nanoseconds a call of `work`, the best of `rounds` rounds of `repetitions` calls.
double best_ns(int rounds, int repetitions, const std::function<void()>& work) {
  double best = 1e300;
  for (int round = 0; round < rounds; ++round) {
    double start = thread_cpu_ns();
    for (int i = 0; i < repetitions; ++i) work();
    best = std::min(best, (thread_cpu_ns() - start) / repetitions);
  }
  return best;
}

void fail(const std::string& what) {
  std::fprintf(stderr, "sfpe-bench-parsers: %s\n", what.c_str());
  std::exit(1);
}

void bench_save_results(int rounds) {
  constexpr int kEvents = 200;
  const std::string body = enqueued_answer(kEvents);
  const simdjson::padded_string padded(body);
  simdjson::ondemand::parser parser;
  simdjson::dom::parser dom_parser;

  auto scanner = sf::read_save_results(body, false);
  auto simd = simdjson_save_results(parser, padded);
  auto simd_dom = simdjson_dom_save_results(dom_parser, padded);
  std::vector<sf::RawSaveResult> document_results;
  for (const auto& item : nlohmann::json::parse(body)) {
    document_results.push_back(sf::raw_save_result(item));
  }
  if (!scanner || scanner->size() != kEvents || !simd || *simd != *scanner || !simd_dom ||
      *simd_dom != *scanner ||
      document_results != *scanner) {
    fail("the three SaveResults readers disagree");
  }

  size_t sink = 0;
  const int repetitions = 500;
  double ours = best_ns(rounds, repetitions, [&] {
    sink += sf::read_save_results(body, false)->size();
  });
  double document = best_ns(rounds, repetitions, [&] {
    std::vector<sf::RawSaveResult> results;
    for (const auto& item : nlohmann::json::parse(body)) {
      results.push_back(sf::raw_save_result(item));
    }
    sink += results.size();
  });
  double simdjson_ns = best_ns(rounds, repetitions, [&] {
    sink += simdjson_save_results(parser, padded)->size();
  });
  double simdjson_dom_ns = best_ns(rounds, repetitions, [&] {
    sink += simdjson_dom_save_results(dom_parser, padded)->size();
  });
  if (sink == 0) fail("nothing read");
  std::printf("SaveResults, a %zu-byte answer of %d results (µs an answer, ns a result):\n",
              body.size(), kEvents);
  for (auto [name, ns] : {std::pair{"sfpe scanner (save_results.cc)", ours},
                          std::pair{"nlohmann::json::parse + raw_save_result", document},
                          std::pair{"simdjson 3.0.1 On-Demand", simdjson_ns},
                          std::pair{"simdjson 3.0.1 DOM (validates all)", simdjson_dom_ns}}) {
    std::printf("  %-42s %8.1f µs %8.0f ns\n", name, ns / 1000, ns / kEvents);
  }
}

void bench_avro(int rounds) {
  auto datum = sfpe::testing::encode_avro_json_datum(sfpe::testing::kSeedEventSchema,
                                                     sfpe::testing::seed_event_record(7));
  if (!datum.ok()) fail(datum.error().message);
  auto schema = avro::AvroSchema::parse_text(sfpe::testing::kSeedEventSchema, {});
  if (!schema.ok()) fail(schema.error().message);
  avro::AvroDataOptions options;
  auto connect = avro::to_connect_schema(schema->root(), options);
  if (!connect.ok()) fail(connect.error().message);

  avro_schema_t avro_c_schema = nullptr;
  if (avro_schema_from_json_length(sfpe::testing::kSeedEventSchema,
                                   std::strlen(sfpe::testing::kSeedEventSchema),
                                   &avro_c_schema) != 0) {
    fail(avro_strerror());
  }
  avro_value_iface_t* iface = avro_generic_class_from_schema(avro_c_schema);
  avro_value_t value;
  avro_generic_value_new(iface, &value);
  avro_reader_t reader = avro_reader_memory(datum->data(), static_cast<int64_t>(datum->size()));

  size_t sink = 0;
  const int repetitions = 50000;
  double ours = best_ns(rounds, repetitions, [&] {
    auto decoded = avro::decode_datum(schema->root(), connect.value(), options, *datum);
    sink += decoded.ok();
  });
  double avro_c = best_ns(rounds, repetitions, [&] {
    avro_reader_memory_set_source(reader, datum->data(), static_cast<int64_t>(datum->size()));
    avro_value_reset(&value);
    sink += avro_value_read(reader, &value) == 0;
  });
  if (sink == 0) fail("nothing decoded");
  avro_reader_free(reader);
  avro_value_decref(&value);
  avro_value_iface_decref(iface);
  avro_schema_decref(avro_c_schema);
  std::printf("Avro, the seed-shaped record (%zu bytes, 11 fields), ns a record:\n",
              datum->size());
  std::printf("  %-42s %8.0f ns\n", "sfpe decoder into the Connect value", ours);
  std::printf("  %-42s %8.0f ns\n", "avro-c 1.11 avro_value_read (generic value)", avro_c);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  if (rounds <= 0) fail("usage: sfpe-bench-parsers [ROUNDS]");
  bench_save_results(rounds);
  bench_avro(rounds);
  return 0;
}
