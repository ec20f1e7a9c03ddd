// Avro C based encoder for test data (see avro_writer.h).
#include "lib/avro_writer.h"

#include <avro.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sfpe::testing {
namespace {

struct SchemaDeleter {
  void operator()(avro_obj_t* schema) const { avro_schema_decref(schema); }
};
using SchemaHandle = std::unique_ptr<avro_obj_t, SchemaDeleter>;

struct IfaceDeleter {
  void operator()(avro_value_iface_t* iface) const { avro_value_iface_decref(iface); }
};
using IfaceHandle = std::unique_ptr<avro_value_iface_t, IfaceDeleter>;

struct WriterDeleter {
  void operator()(avro_writer_t writer) const { avro_writer_free(writer); }
};
using WriterHandle = std::unique_ptr<std::remove_pointer_t<avro_writer_t>, WriterDeleter>;

// Owns one generic avro_value_t.
class ValueHandle {
 public:
  explicit ValueHandle(avro_value_t value) : value_(value) {}
  ~ValueHandle() { avro_value_decref(&value_); }
  ValueHandle(const ValueHandle&) = delete;
  ValueHandle& operator=(const ValueHandle&) = delete;
  avro_value_t* get() { return &value_; }

 private:
  avro_value_t value_;
};

Error writer_error(std::string message) {
  return Error::permanent("AVRO_WRITER", std::move(message));
}

Status check(int rc, std::string_view what) {
  if (rc == 0) return ok_status();
  return writer_error(fmt::format("{}: {}", what, avro_strerror()));
}

// Bytes from JSON: an array of 0..255, or a string whose code points are the bytes.
Result<std::string> json_bytes(const nlohmann::json& datum) {
  std::string out;
  if (datum.is_array()) {
    for (const auto& byte : datum) {
      if (!byte.is_number_integer() || byte.get<int>() < 0 || byte.get<int>() > 255) {
        return writer_error("byte array entries must be 0..255");
      }
      out.push_back(static_cast<char>(byte.get<int>()));
    }
    return out;
  }
  if (!datum.is_string()) return writer_error("bytes must be a string or an array");
  const std::string& text = datum.get_ref<const std::string&>();
  for (size_t i = 0; i < text.size(); ++i) {
    auto lead = static_cast<uint8_t>(text[i]);
    if (lead < 0x80) {
      out.push_back(static_cast<char>(lead));
    } else if ((lead == 0xc2 || lead == 0xc3) && i + 1 < text.size()) {
      out.push_back(static_cast<char>(((lead & 0x03) << 6) | (text[++i] & 0x3f)));
    } else {
      return writer_error("bytes string has a code point above U+00FF");
    }
  }
  return out;
}

Result<double> json_floating(const nlohmann::json& datum) {
  if (datum.is_number()) return datum.get<double>();
  if (datum == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (datum == "Infinity") return std::numeric_limits<double>::infinity();
  if (datum == "-Infinity") return -std::numeric_limits<double>::infinity();
  return writer_error("float/double must be a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
}

std::string full_name(avro_schema_t schema) {
  const char* ns = avro_schema_namespace(schema);
  std::string name = avro_schema_type_name(schema);
  return (ns == nullptr || *ns == '\0') ? name : std::string(ns) + "." + name;
}

Status fill(avro_value_t* value, const nlohmann::json& datum);

Status fill_union(avro_value_t* value, const nlohmann::json& datum) {
  avro_schema_t schema = avro_value_get_schema(value);
  const size_t count = avro_schema_union_size(schema);
  int chosen = -1;
  const nlohmann::json* inner = &datum;
  auto branch_type = [&](size_t i) { return avro_typeof(avro_schema_union_branch(schema, i)); };
  if (datum.is_null()) {
    for (size_t i = 0; i < count; ++i) {
      if (branch_type(i) == AVRO_NULL) chosen = static_cast<int>(i);
    }
  } else if (datum.is_object() && datum.size() == 1) {
    const std::string& key = datum.begin().key();
    for (size_t i = 0; i < count; ++i) {
      avro_schema_t branch = avro_schema_union_branch(schema, i);
      if (key == avro_schema_type_name(branch) || key == full_name(branch)) {
        chosen = static_cast<int>(i);
        inner = &datum.begin().value();
      }
    }
  }
  if (chosen < 0 && !datum.is_null() && count == 2 &&
      (branch_type(0) == AVRO_NULL) != (branch_type(1) == AVRO_NULL)) {
    chosen = branch_type(0) == AVRO_NULL ? 1 : 0;
  }
  if (chosen < 0) {
    return writer_error(fmt::format("no union branch chosen for {}", datum.dump()));
  }
  avro_value_t branch;
  auto status = check(avro_value_set_branch(value, chosen, &branch), "set_branch");
  if (!status.ok()) return status;
  return fill(&branch, *inner);
}

Status fill(avro_value_t* value, const nlohmann::json& datum) {
  avro_schema_t schema = avro_value_get_schema(value);
  switch (avro_value_get_type(value)) {
    case AVRO_NULL:
      if (!datum.is_null()) return writer_error("null expected");
      return check(avro_value_set_null(value), "set_null");
    case AVRO_BOOLEAN:
      if (!datum.is_boolean()) return writer_error("boolean expected");
      return check(avro_value_set_boolean(value, datum.get<bool>() ? 1 : 0), "set_boolean");
    case AVRO_INT32:
      if (!datum.is_number_integer()) return writer_error("int expected");
      return check(avro_value_set_int(value, datum.get<int32_t>()), "set_int");
    case AVRO_INT64:
      if (!datum.is_number_integer()) return writer_error("long expected");
      return check(avro_value_set_long(value, datum.get<int64_t>()), "set_long");
    case AVRO_FLOAT: {
      auto number = json_floating(datum);
      if (!number.ok()) return number.error();
      return check(avro_value_set_float(value, static_cast<float>(*number)), "set_float");
    }
    case AVRO_DOUBLE: {
      auto number = json_floating(datum);
      if (!number.ok()) return number.error();
      return check(avro_value_set_double(value, *number), "set_double");
    }
    case AVRO_STRING: {
      if (!datum.is_string()) return writer_error("string expected");
      const std::string& text = datum.get_ref<const std::string&>();
      // The length includes the NUL terminator (avro/value.h).
      return check(avro_value_set_string_len(value, text.c_str(), text.size() + 1), "set_string");
    }
    case AVRO_BYTES: {
      auto bytes = json_bytes(datum);
      if (!bytes.ok()) return bytes.error();
      return check(avro_value_set_bytes(value, bytes->data(), bytes->size()), "set_bytes");
    }
    case AVRO_FIXED: {
      auto bytes = json_bytes(datum);
      if (!bytes.ok()) return bytes.error();
      return check(avro_value_set_fixed(value, bytes->data(), bytes->size()), "set_fixed");
    }
    case AVRO_ENUM: {
      if (!datum.is_string()) return writer_error("enum symbol expected");
      int index = avro_schema_enum_get_by_name(schema, datum.get<std::string>().c_str());
      if (index < 0) return writer_error("unknown enum symbol " + datum.get<std::string>());
      return check(avro_value_set_enum(value, index), "set_enum");
    }
    case AVRO_RECORD: {
      if (!datum.is_object()) return writer_error("object expected for a record");
      size_t count = 0;
      auto status = check(avro_value_get_size(value, &count), "get_size");
      if (!status.ok()) return status;
      for (size_t i = 0; i < count; ++i) {
        avro_value_t field;
        const char* name = nullptr;
        status = check(avro_value_get_by_index(value, i, &field, &name), "get_by_index");
        if (!status.ok()) return status;
        auto it = datum.find(name);
        if (it == datum.end()) return writer_error(fmt::format("field {} missing", name));
        status = fill(&field, *it);
        if (!status.ok()) return status;
      }
      return ok_status();
    }
    case AVRO_ARRAY: {
      if (!datum.is_array()) return writer_error("array expected");
      for (const auto& item : datum) {
        avro_value_t element;
        auto status = check(avro_value_append(value, &element, nullptr), "append");
        if (!status.ok()) return status;
        status = fill(&element, item);
        if (!status.ok()) return status;
      }
      return ok_status();
    }
    case AVRO_MAP: {
      if (!datum.is_object()) return writer_error("object expected for a map");
      for (const auto& [key, item] : datum.items()) {
        avro_value_t element;
        auto status = check(avro_value_add(value, key.c_str(), &element, nullptr, nullptr), "add");
        if (!status.ok()) return status;
        status = fill(&element, item);
        if (!status.ok()) return status;
      }
      return ok_status();
    }
    case AVRO_UNION:
      return fill_union(value, datum);
    default:
      return writer_error("unsupported Avro type");
  }
}

}  // namespace

Result<std::string> encode_avro_json_datum(const std::string& schema_json,
                                           const nlohmann::json& datum) {
  avro_schema_t raw_schema = nullptr;
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(), &raw_schema) != 0) {
    return writer_error(fmt::format("Avro C rejects the schema: {}", avro_strerror()));
  }
  SchemaHandle schema(raw_schema);
  IfaceHandle iface(avro_generic_class_from_schema(schema.get()));
  if (iface == nullptr) return writer_error(fmt::format("no value class: {}", avro_strerror()));
  avro_value_t raw_value;
  auto status = check(avro_generic_value_new(iface.get(), &raw_value), "generic_value_new");
  if (!status.ok()) return status.error();
  ValueHandle value(raw_value);
  status = fill(value.get(), datum);
  if (!status.ok()) return status.error();

  size_t size = 0;
  status = check(avro_value_sizeof(value.get(), &size), "sizeof");
  if (!status.ok()) return status.error();
  std::string out(size, '\0');
  if (size == 0) return out;
  WriterHandle writer(avro_writer_memory(out.data(), static_cast<int64_t>(size)));
  if (writer == nullptr) return writer_error("avro_writer_memory failed");
  status = check(avro_value_write(writer.get(), value.get()), "write");
  if (!status.ok()) return status.error();
  if (avro_writer_tell(writer.get()) != static_cast<int64_t>(size)) {
    return writer_error("written size differs from avro_value_sizeof");
  }
  return out;
}

std::string confluent_frame(int32_t schema_id, const std::string& payload) {
  auto id = static_cast<uint32_t>(schema_id);
  std::string framed;
  framed.reserve(5 + payload.size());
  framed.push_back('\0');
  for (int shift = 24; shift >= 0; shift -= 8) framed.push_back(static_cast<char>(id >> shift));
  framed += payload;
  return framed;
}

}  // namespace sfpe::testing
