// Avro binary decoder: zig-zag varints, length-prefixed bytes and strings, blocked arrays and
// maps, union indexes, enums, fixed (Avro specification, "Binary Encoding").
#include "convert/avro/decoder.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "convert/error_codes.h"

namespace sfpe::convert::avro {
namespace {

// Values that take no bytes on the wire (empty records, fixed(0)) are the only way a tiny
// datum could expand into a huge value tree; they are capped per datum.
constexpr int64_t kMaxZeroWidthValues = 100000;
constexpr int64_t kMillisPerDay = 86400000;

class Decoder {
 public:
  Decoder(const AvroDataOptions& options, std::string_view datum)
      : options_(options),
        data_(reinterpret_cast<const uint8_t*>(datum.data())),
        size_(datum.size()) {}

  Result<data::Value> decode_root(const AvroNode& node, const data::SchemaPtr& schema) {
    auto value = decode(node, schema);
    if (!value.ok()) return value;
    if (pos_ != size_) return fail(fmt::format("{} trailing bytes after the datum", size_ - pos_));
    return value;
  }

 private:
  struct PathElement {
    std::string_view name;  // a record field, or empty for an array/map element
    int64_t index = -1;
  };

  Error fail(std::string what) const {
    std::string path;
    for (const auto& element : path_) {
      if (!element.name.empty()) {
        if (!path.empty()) path += '.';
        path += element.name;
      } else {
        path += fmt::format("[{}]", element.index);
      }
    }
    return Error::permanent(
        kCodeInvalidAvroData,
        fmt::format("invalid Avro data at byte {}{}: {}", pos_,
                    path.empty() ? "" : fmt::format(" (field {})", path), what));
  }

  // Reads an unsigned base-128 varint of at most `max_bytes` bytes.
  Status read_varint(uint64_t& out, int max_bytes) {
    uint64_t value = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (pos_ >= size_) return fail("truncated varint");
      uint8_t byte = data_[pos_++];
      const int shift = 7 * i;
      // The last byte of a 64-bit varint may only carry the top bit.
      if (shift == 63 && (byte & 0x7e) != 0) return fail("varint overflows 64 bits");
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        out = value;
        return ok_status();
      }
    }
    return fail(fmt::format("varint longer than {} bytes", max_bytes));
  }

  Result<int64_t> read_long() {
    uint64_t raw = 0;
    auto status = read_varint(raw, 10);
    if (!status.ok()) return status.error();
    return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));  // zig-zag
  }

  Result<int32_t> read_int() {
    uint64_t raw = 0;
    auto status = read_varint(raw, 5);
    if (!status.ok()) return status.error();
    if (raw > UINT32_MAX) return fail("int varint overflows 32 bits");
    auto zigzag = static_cast<uint32_t>(raw);
    return static_cast<int32_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
  }

  Result<std::string_view> read_fixed_bytes(uint64_t length) {
    if (length > size_ - pos_) {
      return fail(fmt::format("truncated: {} bytes needed, {} left", length, size_ - pos_));
    }
    std::string_view bytes(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length;
    return bytes;
  }

  Result<std::string_view> read_length_prefixed() {
    auto length = read_long();
    if (!length.ok()) return length.error();
    if (*length < 0) return fail(fmt::format("negative length {}", *length));
    return read_fixed_bytes(static_cast<uint64_t>(*length));
  }

  // The item count of the next array or map block; 0 ends the sequence. A negative count is
  // followed by the block's size in bytes, which is only needed for skipping.
  Result<int64_t> read_block_count() {
    auto count = read_long();
    if (!count.ok()) return count;
    if (*count >= 0) return count;
    if (*count == INT64_MIN) return fail("invalid block count");
    auto block_size = read_long();
    if (!block_size.ok()) return block_size;
    if (*block_size < 0) return fail(fmt::format("negative block size {}", *block_size));
    return -*count;
  }

  static data::Bytes to_bytes(std::string_view view) {
    return data::Bytes(view.begin(), view.end());
  }

  Result<data::Value> decode(const AvroNode& node, const data::SchemaPtr& schema) {
    const size_t start = pos_;
    auto value = decode_value(node, schema);
    if (value.ok() && pos_ == start && ++zero_width_values_ > kMaxZeroWidthValues) {
      return fail(fmt::format("more than {} zero-length values", kMaxZeroWidthValues));
    }
    return value;
  }

  Result<data::Value> decode_value(const AvroNode& node, const data::SchemaPtr& schema) {
    switch (node.type) {
      case AvroType::kNull:
        return data::Value();
      case AvroType::kBoolean: {
        if (pos_ >= size_) return fail("truncated boolean");
        uint8_t byte = data_[pos_];
        if (byte > 1) return fail(fmt::format("invalid boolean byte 0x{:02x}", byte));
        ++pos_;
        return data::Value(byte == 1);
      }
      case AvroType::kInt: {
        auto value = read_int();
        if (!value.ok()) return value.error();
        return check_int(*value, *schema);
      }
      case AvroType::kLong: {
        auto value = read_long();
        if (!value.ok()) return value.error();
        return data::Value(*value);
      }
      case AvroType::kFloat: {
        auto bytes = read_fixed_bytes(4);
        if (!bytes.ok()) return bytes.error();
        uint32_t bits = 0;
        for (int i = 3; i >= 0; --i) bits = (bits << 8) | static_cast<uint8_t>((*bytes)[i]);
        float value = 0;
        std::memcpy(&value, &bits, sizeof(value));
        return data::Value(static_cast<double>(value));
      }
      case AvroType::kDouble: {
        auto bytes = read_fixed_bytes(8);
        if (!bytes.ok()) return bytes.error();
        uint64_t bits = 0;
        for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<uint8_t>((*bytes)[i]);
        double value = 0;
        std::memcpy(&value, &bits, sizeof(value));
        return data::Value(value);
      }
      case AvroType::kString: {
        auto text = read_length_prefixed();
        if (!text.ok()) return text.error();
        return data::Value(std::string(*text));
      }
      case AvroType::kBytes: {
        auto bytes = read_length_prefixed();
        if (!bytes.ok()) return bytes.error();
        return check_decimal(to_bytes(*bytes), *schema);
      }
      case AvroType::kFixed: {
        auto bytes = read_fixed_bytes(static_cast<uint64_t>(node.fixed_size));
        if (!bytes.ok()) return bytes.error();
        return check_decimal(to_bytes(*bytes), *schema);
      }
      case AvroType::kEnum: {
        auto index = read_int();
        if (!index.ok()) return index.error();
        if (*index < 0 || static_cast<size_t>(*index) >= node.symbols.size()) {
          return fail(fmt::format("enum index {} out of range for {} ({} symbols)", *index,
                                  node.full_name, node.symbols.size()));
        }
        return data::Value(node.symbols[static_cast<size_t>(*index)]);
      }
      case AvroType::kRecord:
        return decode_record(node, schema);
      case AvroType::kArray:
        return decode_array(node, schema);
      case AvroType::kMap:
        return decode_map(node, schema);
      case AvroType::kUnion:
        return decode_union(node, schema);
    }
    return fail("unknown Avro type");
  }

  Result<data::Value> check_int(int32_t value, const data::Schema& schema) {
    if (schema.type == data::Type::kInt8 && (value < INT8_MIN || value > INT8_MAX)) {
      return fail(fmt::format("value {} out of range for INT8", value));
    }
    if (schema.type == data::Type::kInt16 && (value < INT16_MIN || value > INT16_MAX)) {
      return fail(fmt::format("value {} out of range for INT16", value));
    }
    // Connect's Time holds milliseconds within one day, as its Java converter checks.
    if (schema.name == data::kTimeLogical && (value < 0 || value >= kMillisPerDay)) {
      return fail(fmt::format("time-millis value {} outside [0, {})", value, kMillisPerDay));
    }
    return data::Value(static_cast<int64_t>(value));
  }

  Result<data::Value> check_decimal(data::Bytes bytes, const data::Schema& schema) {
    // A decimal's unscaled value needs at least one byte (Java: "Zero length BigInteger").
    if (schema.name == data::kDecimalLogical && bytes.empty()) {
      return fail("decimal with an empty unscaled value");
    }
    return data::Value(std::move(bytes));
  }

  Result<data::Value> decode_record(const AvroNode& node, const data::SchemaPtr& schema) {
    if (schema->type != data::Type::kStruct || schema->fields.size() != node.fields.size()) {
      return fail(fmt::format("Connect schema does not match record {}", node.full_name));
    }
    data::Struct record;
    record.schema = schema;
    record.values.reserve(node.fields.size());
    for (size_t i = 0; i < node.fields.size(); ++i) {
      path_.push_back({node.fields[i].name, -1});
      auto value = decode(*node.fields[i].type, schema->fields[i].schema);
      path_.pop_back();
      if (!value.ok()) return value;
      record.values.push_back(std::move(value.value()));
    }
    return data::Value(std::move(record));
  }

  Result<data::Value> decode_array(const AvroNode& node, const data::SchemaPtr& schema) {
    data::Array items;
    int64_t index = 0;
    while (true) {
      auto count = read_block_count();
      if (!count.ok()) return count.error();
      if (*count == 0) break;
      for (int64_t i = 0; i < *count; ++i) {
        path_.push_back({{}, index++});
        auto item = decode(*node.items, schema->value_schema);
        path_.pop_back();
        if (!item.ok()) return item;
        items.push_back(std::move(item.value()));
      }
    }
    return data::Value(std::move(items));
  }

  Result<data::Value> decode_map(const AvroNode& node, const data::SchemaPtr& schema) {
    data::MapEntries entries;
    int64_t index = 0;
    while (true) {
      auto count = read_block_count();
      if (!count.ok()) return count.error();
      if (*count == 0) break;
      for (int64_t i = 0; i < *count; ++i) {
        path_.push_back({{}, index++});
        auto key = read_length_prefixed();
        if (!key.ok()) {
          path_.pop_back();
          return key.error();
        }
        auto value = decode(*node.items, schema->value_schema);
        path_.pop_back();
        if (!value.ok()) return value;
        entries.emplace_back(data::Value(std::string(*key)), std::move(value.value()));
      }
    }
    return data::Value(std::move(entries));
  }

  Result<data::Value> decode_union(const AvroNode& node, const data::SchemaPtr& schema) {
    auto index = read_int();
    if (!index.ok()) return index.error();
    if (*index < 0 || static_cast<size_t>(*index) >= node.branches.size()) {
      return fail(fmt::format("union branch index {} out of range ({} branches)", *index,
                              node.branches.size()));
    }
    const AvroNode& branch = *node.branches[static_cast<size_t>(*index)];
    if (branch.type == AvroType::kNull) return data::Value();
    if (union_shape(node, options_) != UnionShape::kStruct) return decode(branch, schema);

    // Union struct: one optional field per non-null branch, only the written one set.
    size_t field = 0;
    for (int i = 0; i < *index; ++i) {
      if (node.branches[static_cast<size_t>(i)]->type != AvroType::kNull) ++field;
    }
    if (schema->type != data::Type::kStruct || field >= schema->fields.size()) {
      return fail("Connect schema does not match the union");
    }
    data::Struct holder;
    holder.schema = schema;
    holder.values.resize(schema->fields.size());
    auto value = decode(branch, schema->fields[field].schema);
    if (!value.ok()) return value;
    holder.values[field] = std::move(value.value());
    return data::Value(std::move(holder));
  }

  const AvroDataOptions& options_;
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::vector<PathElement> path_;
  int64_t zero_width_values_ = 0;
};

}  // namespace

Result<data::Value> decode_datum(const AvroNode& writer, const data::SchemaPtr& connect,
                                 const AvroDataOptions& options, std::string_view datum) {
  Decoder decoder(options, datum);
  return decoder.decode_root(writer, connect);
}

}  // namespace sfpe::convert::avro
