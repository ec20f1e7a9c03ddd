#include "salesforce/pubsub_encoder.h"

#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "map/event_mapper.h"
#include "map/value_format.h"

namespace sfpe::salesforce {
namespace {

constexpr const char* kCodeSchema = "PUBSUB_SCHEMA";
constexpr const char* kCodeValue = "PUBSUB_VALUE";

}  // namespace

void avro_write_long(std::string& out, int64_t value) {
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void avro_write_string(std::string& out, std::string_view value) {
  avro_write_long(out, static_cast<int64_t>(value.size()));
  out.append(value);
}

void avro_write_double(std::string& out, double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

Result<PubSubEncoder> PubSubEncoder::from_schema(const std::string& schema_json,
                                                 std::string schema_id) {
  nlohmann::json schema = nlohmann::json::parse(schema_json, nullptr, false);
  if (!schema.is_object() || schema.value("type", "") != "record" ||
      !schema.contains("fields") || !schema["fields"].is_array()) {
    return Error::fatal(kCodeSchema,
                        fmt::format("Pub/Sub schema {} is not an Avro record schema", schema_id));
  }
  auto kind_of = [](const nlohmann::json& type) -> std::optional<Kind> {
    std::string name = type.is_string() ? type.get<std::string>()
                       : type.is_object() ? type.value("type", "")
                                          : "";
    if (name == "null") return Kind::kNull;
    if (name == "boolean") return Kind::kBoolean;
    if (name == "int") return Kind::kInt;
    if (name == "long") return Kind::kLong;
    if (name == "float") return Kind::kFloat;
    if (name == "double") return Kind::kDouble;
    if (name == "string") return Kind::kString;
    if (name == "bytes") return Kind::kBytes;
    return std::nullopt;
  };
  PubSubEncoder encoder;
  encoder.schema_id_ = std::move(schema_id);
  for (const auto& f : schema["fields"]) {
    Field field;
    field.name = f.value("name", "");
    const nlohmann::json& type = f.contains("type") ? f["type"] : nlohmann::json();
    std::optional<Kind> kind;
    if (type.is_array()) {
      // A union with null, as the schema writes every custom field (§3.5).
      for (size_t i = 0; i < type.size(); ++i) {
        auto branch = kind_of(type[i]);
        if (branch == Kind::kNull) {
          field.null_branch = static_cast<int64_t>(i);
        } else if (branch && !kind) {
          kind = branch;
          field.value_branch = static_cast<int64_t>(i);
        } else {
          kind.reset();
          field.value_branch = -2;  // more than one non-null branch
          break;
        }
      }
      field.nullable = field.null_branch >= 0;
    } else {
      kind = kind_of(type);
    }
    if (!kind || field.value_branch == -2 || field.name.empty()) {
      return Error::fatal(kCodeSchema,
                          fmt::format("Pub/Sub schema {}: field {} has a type this publisher "
                                      "cannot write: {}",
                                      encoder.schema_id_, field.name, type.dump()));
    }
    field.kind = *kind;
    encoder.fields_.push_back(std::move(field));
  }
  return encoder;
}

bool PubSubEncoder::has_field(std::string_view name) const {
  for (const Field& field : fields_) {
    if (field.name == name) return true;
  }
  return false;
}

Result<std::string> PubSubEncoder::encode(const nlohmann::ordered_json& event,
                                          int64_t created_date_ms,
                                          const std::string& created_by_id) const {
  return encode_any(event, created_date_ms, created_by_id);
}

Result<std::string> PubSubEncoder::encode(const nlohmann::json& event, int64_t created_date_ms,
                                          const std::string& created_by_id) const {
  return encode_any(event, created_date_ms, created_by_id);
}

template <typename Json>
Result<std::string> PubSubEncoder::encode_any(const Json& event, int64_t created_date_ms,
                                              const std::string& created_by_id) const {
  if (!event.is_object()) {
    return Error::permanent(kCodeValue, fmt::format("the event is a JSON {}, not an object",
                                                    event.type_name()));
  }
  size_t matched = 0;
  std::string out;
  out.reserve(64);
  for (const Field& field : fields_) {
    if (field.name == "CreatedDate") {
      if (field.nullable) avro_write_long(out, field.value_branch);
      avro_write_long(out, created_date_ms);
      continue;
    }
    if (field.name == "CreatedById") {
      if (field.nullable) avro_write_long(out, field.value_branch);
      avro_write_string(out, created_by_id);
      continue;
    }
    auto it = event.find(field.name);
    if (it == event.end() || it->is_null()) {
      if (!field.nullable) {
        return Error::permanent(
            kCodeValue, fmt::format("field {} has no value and the Pub/Sub schema {} requires one",
                                    field.name, schema_id_));
      }
      avro_write_long(out, field.null_branch);
      if (it != event.end()) ++matched;
      continue;
    }
    ++matched;
    if (field.nullable) avro_write_long(out, field.value_branch);
    Status written = write_value(out, field, *it);
    if (!written.ok()) return written.error();
  }
  if (matched != event.size()) {
    for (const auto& [name, value] : event.items()) {
      bool known = false;
      for (const Field& field : fields_) known = known || field.name == name;
      if (!known) {
        return Error::permanent(kCodeValue, fmt::format("field {} is not in the Pub/Sub schema {}",
                                                        name, schema_id_));
      }
    }
  }
  return out;
}

template <typename Json>
Status PubSubEncoder::write_value(std::string& out, const Field& field, const Json& value) const {
  const std::optional<std::string_view> exact = map::exact_number_text_of(value);
  auto mismatch = [&](const char* expected) -> Status {
    // Shown without throwing, whatever the value holds (invalid UTF-8 is replaced).
    const std::string shown = exact ? std::string(*exact)
                                    : value.dump(-1, ' ', false, Json::error_handler_t::replace);
    return Error::permanent(kCodeValue,
                            fmt::format("field {}: {} cannot be written as {} (Pub/Sub schema {})",
                                        field.name, shown, expected, schema_id_));
  };
  switch (field.kind) {
    case Kind::kString: {
      if (!value.is_string()) return mismatch("a string");
      const std::string& text = value.template get_ref<const std::string&>();
      // An Avro string is UTF-8 (Avro specification, "Primitive Types"); Salesforce would
      // accept the bytes unchecked (salesforce-api.md §3.5), and subscribers fail on them.
      if (!map::is_valid_utf8(text)) {
        return Error::permanent(
            kCodeValue, fmt::format("field {}: the text is not valid UTF-8, as an Avro string "
                                    "must be (Pub/Sub schema {})",
                                    field.name, schema_id_));
      }
      avro_write_string(out, text);
      return ok_status();
    }
    case Kind::kBytes:
      if (!value.is_string()) return mismatch("bytes");
      avro_write_string(out, value.template get_ref<const std::string&>());
      return ok_status();
    case Kind::kBoolean:
      if (!value.is_boolean()) return mismatch("a boolean");
      out.push_back(value.template get<bool>() ? 1 : 0);
      return ok_status();
    case Kind::kDouble:
    case Kind::kFloat: {
      double number = 0;
      if (value.is_number()) {
        number = value.template get<double>();
      } else if (exact || (value.is_string() &&
                           map::is_decimal_number_text(
                               value.template get_ref<const std::string&>()))) {
        // The schema's Number fields are doubles (§3.5): the nearest one to the exact text.
        auto digits = map::read_decimal_text(
            exact ? *exact : std::string_view(value.template get_ref<const std::string&>()));
        if (!digits) return mismatch("a number");
        if (digits->exceeds_double) return mismatch("a double (it is beyond a double's range)");
        // An underflow leaves 0, the nearest double.
        std::from_chars(digits->json.data(), digits->json.data() + digits->json.size(), number);
      } else {
        return mismatch("a number");
      }
      if (field.kind == Kind::kDouble) {
        avro_write_double(out, number);
      } else {
        float narrow = static_cast<float>(number);
        uint32_t bits;
        std::memcpy(&bits, &narrow, sizeof bits);
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
      }
      return ok_status();
    }
    case Kind::kInt:
    case Kind::kLong: {
      // Date and Date/Time fields are epoch milliseconds here (§5); the REST body has them as
      // "yyyy-MM-dd" and ISO-8601 text.
      int64_t number = 0;
      if (value.is_number_integer()) {
        number = value.template get<int64_t>();
      } else if (value.is_string()) {
        const std::string& text = value.template get_ref<const std::string&>();
        if (auto days = map::parse_iso_date(text)) {
          number = *days * 86400000LL;
        } else if (auto ms = map::parse_iso_datetime(text)) {
          number = *ms;
        } else {
          return mismatch("epoch milliseconds");
        }
      } else {
        return mismatch("a long");
      }
      avro_write_long(out, number);
      return ok_status();
    }
    case Kind::kNull:
      return mismatch("null");
  }
  return mismatch("a value");
}

}  // namespace sfpe::salesforce
