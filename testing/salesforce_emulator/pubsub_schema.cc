// Compact schemas, schema ids and Avro datum decoding for the emulator's Pub/Sub API.
#include "salesforce_emulator/pubsub_schema.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <bit>
#include <optional>

#include "common/base64.h"

namespace sfpe::testing {
namespace {

using nlohmann::ordered_json;

constexpr const char* kNamespace = "com.sforce.eventbus";  // §2.5
constexpr int64_t kMillisPerDay = 86'400'000;

std::string md5(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// The <kind> in a custom field's doc "Data:<kind>:<field id>" (§2.5 example, §5 table).
const char* doc_kind_of(const EventFieldDef& field) {
  if (field.type == "double") return "Double";
  if (field.type == "boolean") return "Boolean";
  if (field.type == "date") return "DateOnly";
  if (field.type == "datetime") return "DateTime";
  if (field.type == "textarea") return "StringPlusClob";
  return "Text";
}

// A stable 15-character custom field id ("00N" is the CustomField key prefix, "xx" the pod, as in
// the emulator's other ids): derived from the event and field names, so it survives unrelated
// definition changes as a real field id does.
std::string field_id(const EventDef& event, const EventFieldDef& field) {
  static constexpr char kBase62[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string digest = md5(event.name + "." + field.name);
  std::string id = "00Nxx";
  for (int i = 0; i < 10; ++i) id.push_back(kBase62[static_cast<unsigned char>(digest[i]) % 62]);
  return id;
}

// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (H. Hinnant's
// civil_from_days, public domain algorithm description).
void civil_from_days(int64_t days, int64_t* year, int* month, int* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  *day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  *month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t floor_div(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

std::string format_date_of_day(int64_t days) {
  int64_t year;
  int month, day;
  civil_from_days(days, &year, &month, &day);
  std::string year_text = year > 9999 ? fmt::format("+{}", year)
                          : year < 0  ? fmt::format("-{:04d}", -year)
                                      : fmt::format("{:04d}", year);
  return fmt::format("{}-{:02d}-{:02d}", year_text, month, day);
}

bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    uint32_t code_point = length == 1 ? c : c & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;  // overlong, out of range, or a surrogate
    }
    i += length;
  }
  return true;
}

// Reads the Avro binary encoding (Avro specification, "Binary Encoding") from a byte range.
class AvroReader {
 public:
  explicit AvroReader(std::string_view bytes) : bytes_(bytes) {}

  std::optional<int64_t> read_long() {
    uint64_t encoded = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= bytes_.size()) return fail("the datum ends inside a long");
      unsigned char byte = static_cast<unsigned char>(bytes_[position_++]);
      encoded |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        return static_cast<int64_t>(encoded >> 1) ^ -static_cast<int64_t>(encoded & 1);  // zigzag
      }
    }
    return fail("a long is longer than 10 bytes");
  }

  std::optional<std::string> read_string() {
    auto length = read_long();
    if (!length) return std::nullopt;
    if (*length < 0 || static_cast<uint64_t>(*length) > bytes_.size() - position_) {
      return fail(fmt::format("a string of {} bytes does not fit the datum", *length));
    }
    std::string text(bytes_.substr(position_, static_cast<size_t>(*length)));
    position_ += static_cast<size_t>(*length);
    if (!valid_utf8(text)) return fail("a string is not valid UTF-8");
    return text;
  }

  std::optional<double> read_double() {
    if (bytes_.size() - position_ < 8) return fail("the datum ends inside a double");
    uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) {
      bits = (bits << 8) | static_cast<unsigned char>(bytes_[position_ + static_cast<size_t>(i)]);
    }
    position_ += 8;
    return std::bit_cast<double>(bits);
  }

  std::optional<bool> read_boolean() {
    if (position_ >= bytes_.size()) return fail("the datum ends before a boolean");
    unsigned char byte = static_cast<unsigned char>(bytes_[position_++]);
    if (byte > 1) return fail(fmt::format("a boolean byte is {}", byte));
    return byte == 1;
  }

  // Records the first problem, with the position it was found at.
  std::nullopt_t fail(std::string message) {
    if (error_.empty()) error_ = fmt::format("{} (at byte {})", message, position_);
    return std::nullopt;
  }

  bool at_end() const { return position_ == bytes_.size(); }
  size_t position() const { return position_; }
  const std::string& error() const { return error_; }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
  std::string error_;
};

// Reads the value of a ["null", T] custom field: nullopt on a decoding error (reader's error
// set), a JSON null for the null branch, else the REST path's representation.
std::optional<nlohmann::json> read_custom_field(AvroReader& reader, const EventFieldDef& field) {
  auto branch = reader.read_long();
  if (!branch) return std::nullopt;
  if (*branch == 0) return nlohmann::json(nullptr);
  if (*branch != 1) {
    return reader.fail(fmt::format("union branch {} is neither 0 (null) nor 1", *branch));
  }
  if (field.type == "double") {
    auto value = reader.read_double();
    return value ? std::optional<nlohmann::json>(*value) : std::nullopt;
  }
  if (field.type == "boolean") {
    auto value = reader.read_boolean();
    return value ? std::optional<nlohmann::json>(*value) : std::nullopt;
  }
  if (field.type == "date" || field.type == "datetime") {
    auto value = reader.read_long();
    if (!value) return std::nullopt;
    return nlohmann::json(field.type == "date" ? format_epoch_day(*value)
                                               : format_epoch_millis(*value));
  }
  auto value = reader.read_string();
  return value ? std::optional<nlohmann::json>(*value) : std::nullopt;
}

}  // namespace

const char* avro_type_of(const EventFieldDef& field) {
  if (field.type == "double") return "double";
  if (field.type == "boolean") return "boolean";
  if (field.type == "date" || field.type == "datetime") return "long";
  return "string";  // string (Text), textarea (Text Area (Long))
}

CompactSchema compact_schema(const EventDef& event) {
  ordered_json fields = ordered_json::array();
  ordered_json canonical_fields = ordered_json::array();
  auto add = [&](const std::string& name, const ordered_json& type, const std::string& doc,
                 bool nullable) {
    ordered_json field = {{"name", name}, {"type", type}, {"doc", doc}};
    if (nullable) field["default"] = nullptr;
    fields.push_back(std::move(field));
    canonical_fields.push_back({{"name", name}, {"type", type}});
  };
  // §2.5, §5: the two system fields every event schema starts with, required.
  add("CreatedDate", "long", "CreatedDate:DateTime", false);
  add("CreatedById", "string", "CreatedBy:EntityId", false);
  for (const EventFieldDef& field : event.fields) {
    add(field.name, ordered_json::array({"null", avro_type_of(field)}),
        fmt::format("Data:{}:{}", doc_kind_of(field), field_id(event, field)), true);
  }
  CompactSchema schema;
  // Parsing Canonical Form: [FULLNAMES] the record's name becomes namespace.name and "namespace"
  // goes; [STRIP] doc, default and uuid go; [ORDER] name, type, fields; [WHITESPACE] none.
  schema.canonical_form = ordered_json{{"name", fmt::format("{}.{}", kNamespace, event.name)},
                                       {"type", "record"},
                                       {"fields", std::move(canonical_fields)}}
                              .dump();
  schema.id = base64url_encode(md5(schema.canonical_form));
  schema.json = ordered_json{
      {"name", event.name},
      {"namespace", kNamespace},
      {"type", "record"},
      {"fields", std::move(fields)},
      {"uuid",
       schema.id}}.dump();
  return schema;
}

std::variant<DecodedEvent, std::string> decode_event_datum(const EventDef& event,
                                                           std::string_view payload) {
  AvroReader reader(payload);
  DecodedEvent decoded;
  auto created_date = reader.read_long();
  if (!created_date) return "CreatedDate: " + reader.error();
  decoded.created_date = *created_date;
  auto created_by = reader.read_string();
  if (!created_by) return "CreatedById: " + reader.error();
  decoded.created_by_id = std::move(*created_by);
  for (const EventFieldDef& field : event.fields) {
    auto value = read_custom_field(reader, field);
    if (!value) return fmt::format("{}: {}", field.name, reader.error());
    if (!value->is_null()) decoded.fields[field.name] = std::move(*value);
  }
  if (!reader.at_end()) {
    return fmt::format("{} bytes follow the datum", payload.size() - reader.position());
  }
  return decoded;
}

std::string format_epoch_millis(int64_t epoch_ms) {
  const int64_t days = floor_div(epoch_ms, kMillisPerDay);
  const int64_t millis_of_day = epoch_ms - days * kMillisPerDay;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:03d}Z", format_date_of_day(days),
                     millis_of_day / 3'600'000, millis_of_day / 60'000 % 60,
                     millis_of_day / 1000 % 60, millis_of_day % 1000);
}

std::string format_epoch_day(int64_t epoch_ms) {
  return format_date_of_day(floor_div(epoch_ms, kMillisPerDay));
}

}  // namespace sfpe::testing
