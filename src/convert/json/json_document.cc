// The exact-number JSON tree, built from nlohmann's SAX events.
#include "convert/json/json_document.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

namespace sfpe::convert::json {

JsonValue JsonValue::boolean(bool value) {
  JsonValue v;
  v.kind_ = Kind::kBoolean;
  v.boolean_ = value;
  return v;
}

JsonValue JsonValue::number(std::string text, double value, bool integral_literal, bool fits_int64,
                            int64_t int_value) {
  JsonValue v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  v.double_ = value;
  v.integral_ = integral_literal;
  v.fits_int64_ = fits_int64;
  v.int_ = fits_int64 ? int_value : 0;
  return v;
}

JsonValue JsonValue::string(std::string value) {
  JsonValue v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(value);
  return v;
}

JsonValue JsonValue::array() {
  JsonValue v;
  v.kind_ = Kind::kArray;
  return v;
}

JsonValue JsonValue::object() {
  JsonValue v;
  v.kind_ = Kind::kObject;
  return v;
}

bool JsonValue::is_int32() const {
  return kind_ == Kind::kNumber && integral_ && fits_int64_ &&
         int_ >= std::numeric_limits<int32_t>::min() && int_ <= std::numeric_limits<int32_t>::max();
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& member : members_) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

const char* JsonValue::kind_name() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "unknown";
}

std::string JsonValue::dump() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return boolean_ ? "true" : "false";
    case Kind::kNumber:
      return text_;
    case Kind::kString:
      return nlohmann::json(text_).dump();
    case Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) out += ',';
        out += items_[i].dump();
      }
      return out + "]";
    }
    case Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out += ',';
        out += nlohmann::json(members_[i].first).dump();
        out += ':';
        out += members_[i].second.dump();
      }
      return out + "}";
    }
  }
  return "null";
}

namespace {

// Builds a JsonValue from SAX events with an explicit stack of open containers.
class TreeBuilder {
 public:
  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  bool null() { return add(JsonValue()); }
  bool boolean(bool value) { return add(JsonValue::boolean(value)); }
  bool number_integer(number_integer_t value) {
    return add(
        JsonValue::number(std::to_string(value), static_cast<double>(value), true, true, value));
  }
  bool number_unsigned(number_unsigned_t value) {
    const bool fits = value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    return add(JsonValue::number(std::to_string(value), static_cast<double>(value), true, fits,
                                 fits ? static_cast<int64_t>(value) : 0));
  }
  bool number_float(number_float_t value, const string_t& text) {
    // nlohmann also lands here for integers too large for 64 bits; the text tells them apart.
    const bool integral = text.find_first_of(".eE") == std::string::npos;
    return add(JsonValue::number(text, value, integral, false, 0));
  }
  bool string(string_t& value) { return add(JsonValue::string(std::move(value))); }
  bool binary(binary_t&) { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) { return open(JsonValue::object()); }
  bool key(string_t& key) {
    frames_.back().key = std::move(key);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(JsonValue::array()); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) {
    std::string_view what = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "parse error ..."
    if (auto bracket = what.find("] ");
        !what.empty() && what[0] == '[' && bracket != std::string_view::npos) {
      what.remove_prefix(bracket + 2);
    }
    return fail(std::string(what));
  }

  const std::optional<std::string>& error() const { return error_; }
  JsonValue take_root() { return std::move(root_); }

 private:
  struct Frame {
    JsonValue value;
    std::string key;                                // the pending member name (objects)
    std::unordered_map<std::string, size_t> index;  // member name -> position (objects)
  };

  bool fail(std::string message) {
    if (!error_) error_ = std::move(message);
    return false;
  }

  bool open(JsonValue container) {
    if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      return fail(fmt::format("nested deeper than {} levels", kMaxJsonDepth));
    }
    frames_.push_back(Frame{std::move(container), {}, {}});
    return true;
  }

  bool close() {
    JsonValue done = std::move(frames_.back().value);
    frames_.pop_back();
    return add(std::move(done));
  }

  bool add(JsonValue value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return true;
    }
    Frame& top = frames_.back();
    if (top.value.is_array()) {
      top.value.items().push_back(std::move(value));
      return true;
    }
    auto& members = top.value.members();
    auto [it, inserted] = top.index.emplace(top.key, members.size());
    if (inserted) {
      members.emplace_back(std::move(top.key), std::move(value));
    } else {
      members[it->second].second = std::move(value);  // Jackson: last value, first position
    }
    return true;
  }

  std::vector<Frame> frames_;
  JsonValue root_;
  std::optional<std::string> error_;
};

}  // namespace

Result<JsonValue> parse_json(std::string_view text, const char* error_code) {
  TreeBuilder builder;
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                            nlohmann::json::input_format_t::json, true);
  if (!ok || builder.error()) {
    return Error::permanent(
        error_code, fmt::format("invalid JSON: {}", builder.error().value_or("parse error")));
  }
  return builder.take_root();
}

}  // namespace sfpe::convert::json
