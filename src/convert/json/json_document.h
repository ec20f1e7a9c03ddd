// A small JSON tree that keeps what Jackson keeps and nlohmann::json loses: the exact text of
// every number (a Decimal must never pass through a double), whether a number was written as an
// integer, and object members in their wire order. Both JSON converters read their input through
// it; it is built with nlohmann's SAX parser, so parsing itself never recurses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sfpe::convert::json {

// Deeper documents are refused: conversion walks the tree recursively.
inline constexpr int kMaxJsonDepth = 128;

class JsonValue {
 public:
  enum class Kind { kNull, kBoolean, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() = default;
  static JsonValue boolean(bool value);
  // `text` is the literal as written; `integral_literal` is true when it has no fraction and no
  // exponent (Jackson's isIntegralNumber); `fits_int64` says whether `int_value` holds it.
  static JsonValue number(std::string text, double value, bool integral_literal, bool fits_int64,
                          int64_t int_value);
  static JsonValue string(std::string value);
  static JsonValue array();
  static JsonValue object();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_boolean() const { return kind_ == Kind::kBoolean; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool boolean_value() const { return boolean_; }
  // The number's literal text, or the string's value.
  const std::string& text() const { return text_; }
  double double_value() const { return double_; }
  bool integral_literal() const { return integral_; }
  bool fits_int64() const { return fits_int64_; }
  int64_t int_value() const { return int_; }
  // Jackson's isInt(): an integral literal within int32.
  bool is_int32() const;

  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<JsonValue>& items() { return items_; }
  std::vector<Member>& members() { return members_; }
  size_t size() const { return kind_ == Kind::kObject ? members_.size() : items_.size(); }

  // The member named `key`, or null when there is none (or this is not an object).
  const JsonValue* find(std::string_view key) const;

  // "null", "boolean", "number", "string", "array" or "object", for messages.
  const char* kind_name() const;

  // Compact JSON text (numbers as written), e.g. for enum symbols and messages.
  std::string dump() const;

 private:
  Kind kind_ = Kind::kNull;
  bool boolean_ = false;
  bool integral_ = false;
  bool fits_int64_ = false;
  int64_t int_ = 0;
  double double_ = 0;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

// Parses one JSON document (UTF-8, nothing but whitespace after it). A duplicate object key
// keeps its first position and its last value, as Jackson's ObjectNode does. Errors carry
// `error_code` (permanent) and say where the text is wrong.
Result<JsonValue> parse_json(std::string_view text, const char* error_code);

}  // namespace sfpe::convert::json
