#include "salesforce/save_results.h"

#include <utility>

#include "salesforce/json_fields.h"

namespace sfpe::salesforce {
namespace {

// Events of nlohmann's SAX parser, kept only for the shape SaveResults have. Anything else
// (a nested object where a value is expected, a top-level scalar, ...) stops the parse, and the
// caller falls back to a document, so unusual answers are read exactly as before.
class SaveResultsReader {
 public:
  using Json = nlohmann::json;

  explicit SaveResultsReader(bool single) : single_(single) {}

  std::vector<RawSaveResult>& results() { return results_; }
  bool complete() const { return started_ && stack_.empty(); }

  bool null() { return scalar(Scalar{}); }
  bool boolean(bool value) { return scalar(Scalar{Scalar::kBoolean, value, nullptr}); }
  bool number_integer(Json::number_integer_t) { return scalar(Scalar{}); }
  bool number_unsigned(Json::number_unsigned_t) { return scalar(Scalar{}); }
  bool number_float(Json::number_float_t, const Json::string_t&) { return scalar(Scalar{}); }
  bool string(Json::string_t& value) { return scalar(Scalar{Scalar::kString, false, &value}); }
  bool binary(Json::binary_t&) { return false; }

  bool start_object(std::size_t) {
    if (stack_.empty()) {
      if (!single_ || started_) return false;
      started_ = true;
      results_.emplace_back();
      stack_.push_back(Context::kItem);
      return true;
    }
    switch (stack_.back()) {
      case Context::kTopArray:
        results_.emplace_back();
        stack_.push_back(Context::kItem);
        return true;
      case Context::kErrors:
        error_ = PendingError{};
        stack_.push_back(Context::kError);
        return true;
      default:
        return false;
    }
  }

  bool end_object() {
    Context closed = stack_.back();
    stack_.pop_back();
    if (closed == Context::kError) {
      ApiError error;
      error.code = error_.error_code.empty() ? std::move(error_.status_code)
                                             : std::move(error_.error_code);
      error.message = std::move(error_.message);
      error.fields = std::move(error_.fields);
      results_.back().errors.push_back(std::move(error));
    }
    return true;
  }

  bool start_array(std::size_t) {
    if (stack_.empty()) {
      if (single_ || started_) return false;
      started_ = true;
      stack_.push_back(Context::kTopArray);
      return true;
    }
    if (stack_.back() == Context::kItem && item_key_ == ItemKey::kErrors) {
      results_.back().errors.clear();  // a repeated key: the last one counts, as in a document
      stack_.push_back(Context::kErrors);
      return true;
    }
    if (stack_.back() == Context::kError && error_key_ == ErrorKey::kFields) {
      error_.fields.clear();
      stack_.push_back(Context::kFields);
      return true;
    }
    return false;
  }

  bool end_array() {
    stack_.pop_back();
    return true;
  }

  bool key(Json::string_t& name) {
    if (stack_.back() == Context::kItem) {
      item_key_ = name == "success" ? ItemKey::kSuccess
                  : name == "id"    ? ItemKey::kId
                  : name == "errors" ? ItemKey::kErrors
                                     : ItemKey::kOther;
    } else {
      error_key_ = name == "errorCode"    ? ErrorKey::kErrorCode
                   : name == "statusCode" ? ErrorKey::kStatusCode
                   : name == "message"    ? ErrorKey::kMessage
                   : name == "fields"     ? ErrorKey::kFields
                                          : ErrorKey::kOther;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  enum class Context { kTopArray, kItem, kErrors, kError, kFields };
  enum class ItemKey { kSuccess, kId, kErrors, kOther };
  enum class ErrorKey { kErrorCode, kStatusCode, kMessage, kFields, kOther };
  struct Scalar {
    enum Kind { kOther, kBoolean, kString } kind = kOther;
    bool boolean = false;
    Json::string_t* text = nullptr;
  };
  struct PendingError {
    std::string error_code;
    std::string status_code;
    std::string message;
    std::vector<std::string> fields;
  };

  // A value that is not an object or array, read with json_fields.h's tolerance: a mistyped
  // value reads as empty.
  bool scalar(const Scalar& value) {
    if (stack_.empty()) return false;
    std::string text = value.kind == Scalar::kString ? std::move(*value.text) : std::string();
    switch (stack_.back()) {
      case Context::kTopArray:
        return false;
      case Context::kItem:
        if (item_key_ == ItemKey::kSuccess) {
          results_.back().success = value.kind == Scalar::kBoolean && value.boolean;
        } else if (item_key_ == ItemKey::kId) {
          results_.back().id = std::move(text);
        } else if (item_key_ == ItemKey::kErrors) {
          results_.back().errors.clear();
        }
        return true;
      case Context::kErrors:
        results_.back().errors.emplace_back();  // not an object: an empty error
        return true;
      case Context::kError:
        if (error_key_ == ErrorKey::kErrorCode) error_.error_code = std::move(text);
        if (error_key_ == ErrorKey::kStatusCode) error_.status_code = std::move(text);
        if (error_key_ == ErrorKey::kMessage) error_.message = std::move(text);
        if (error_key_ == ErrorKey::kFields) error_.fields.clear();
        return true;
      case Context::kFields:
        if (value.kind == Scalar::kString) error_.fields.push_back(std::move(text));
        return true;
    }
    return false;
  }

  bool single_;
  bool started_ = false;
  std::vector<Context> stack_;
  ItemKey item_key_ = ItemKey::kOther;
  ErrorKey error_key_ = ErrorKey::kOther;
  PendingError error_;
  std::vector<RawSaveResult> results_;
};

// A strict JSON reader that feeds SaveResultsReader the events nlohmann's SAX parser would:
// nlohmann's lexer copies every character it reads into an error-message buffer, which made
// it the costliest part of reading a 200-result answer. Anything this does not read plainly
// (non-ASCII text, surrogate escapes, nesting deeper than an answer has) is left to nlohmann:
// the caller then falls back to a document, so no JSON is read differently.
class Scanner {
 public:
  Scanner(std::string_view text, SaveResultsReader& reader)
      : at_(text.data()), end_(text.data() + text.size()), reader_(reader) {}

  // The whole text is one value, read without a stop by the reader.
  bool read() {
    if (!value(0)) return false;
    skip_space();
    return at_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 8;

  void skip_space() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - at_) < word.size() ||
        std::string_view(at_, word.size()) != word) {
      return false;
    }
    at_ += word.size();
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // Numbers with an exponent or more digits than a double holds exactly are left to nlohmann,
  // which refuses those that overflow a double (1e400, a 400-digit integer): reading them here
  // would accept text the document parse refuses (tests/fuzz/save_results_fuzz.cc's oracle).
  // SaveResults have no numbers, so the fallback costs nothing in practice.
  bool number() {
    static constexpr int kMaxDigits = 15;
    if (at_ != end_ && *at_ == '-') ++at_;
    if (at_ == end_) return false;
    const char* first_digit = at_;
    if (*at_ == '0') {
      ++at_;
    } else if (digit(*at_)) {
      while (at_ != end_ && digit(*at_)) ++at_;
    } else {
      return false;
    }
    bool integer = true;
    int digits = static_cast<int>(at_ - first_digit);
    if (at_ != end_ && *at_ == '.') {
      integer = false;
      const char* fraction = ++at_;
      if (at_ == end_ || !digit(*at_)) return false;
      while (at_ != end_ && digit(*at_)) ++at_;
      digits += static_cast<int>(at_ - fraction);
    }
    if (at_ != end_ && (*at_ == 'e' || *at_ == 'E')) return false;
    if (digits > kMaxDigits) return false;
    // The reader ignores numbers' values; only their place matters.
    return integer ? reader_.number_integer(0) : reader_.number_float(0.0, text_);
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // A string's text into text_; false for anything left to nlohmann.
  bool string() {
    ++at_;  // the opening quote
    text_.clear();
    for (;;) {
      const char* run = at_;
      while (at_ != end_ && *at_ != '"' && *at_ != '\\' &&
             static_cast<unsigned char>(*at_) >= 0x20 && static_cast<unsigned char>(*at_) < 0x80) {
        ++at_;
      }
      text_.append(run, at_);
      if (at_ == end_) return false;
      if (*at_ == '"') {
        ++at_;
        return true;
      }
      if (*at_ != '\\') return false;  // a control character, or non-ASCII text
      if (++at_ == end_) return false;
      char escaped = *at_++;
      switch (escaped) {
        case '"': text_ += '"'; break;
        case '\\': text_ += '\\'; break;
        case '/': text_ += '/'; break;
        case 'b': text_ += '\b'; break;
        case 'f': text_ += '\f'; break;
        case 'n': text_ += '\n'; break;
        case 'r': text_ += '\r'; break;
        case 't': text_ += '\t'; break;
        case 'u': {
          if (end_ - at_ < 4) return false;
          int code = 0;
          for (int i = 0; i < 4; ++i) {
            int h = hex(at_[i]);
            if (h < 0) return false;
            code = code * 16 + h;
          }
          at_ += 4;
          if (code >= 0xD800 && code <= 0xDFFF) return false;  // surrogates: nlohmann's
          if (code < 0x80) {
            text_ += static_cast<char>(code);
          } else if (code < 0x800) {
            text_ += static_cast<char>(0xC0 | (code >> 6));
            text_ += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            text_ += static_cast<char>(0xE0 | (code >> 12));
            text_ += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            text_ += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          return false;
      }
    }
  }

  bool value(int depth) {
    skip_space();
    if (at_ == end_) return false;
    switch (*at_) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string() && reader_.string(text_);
      case 't': return literal("true") && reader_.boolean(true);
      case 'f': return literal("false") && reader_.boolean(false);
      case 'n': return literal("null") && reader_.null();
      default: return number();
    }
  }

  // What follows an opening bracket: items read by `item`, separated by commas, up to `close`.
  template <typename Item>
  bool items(char close, Item item) {
    skip_space();
    if (at_ != end_ && *at_ == close) {
      ++at_;
      return true;
    }
    for (;;) {
      if (!item()) return false;
      skip_space();
      if (at_ == end_) return false;
      if (*at_ == ',') {
        ++at_;
        continue;
      }
      if (*at_ != close) return false;
      ++at_;
      return true;
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++at_;
    auto member = [&] {
      skip_space();
      if (at_ == end_ || *at_ != '"' || !string() || !reader_.key(text_)) return false;
      skip_space();
      if (at_ == end_ || *at_ != ':') return false;
      ++at_;
      return value(depth);
    };
    return reader_.start_object(0) && items('}', member) && reader_.end_object();
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++at_;
    return reader_.start_array(0) && items(']', [&] { return value(depth); }) &&
           reader_.end_array();
  }

  const char* at_;
  const char* end_;
  SaveResultsReader& reader_;
  std::string text_;
};

}  // namespace

RawSaveResult raw_save_result(const nlohmann::json& item) {
  RawSaveResult result;
  result.success = json_bool(item, "success");
  result.id = json_string(item, "id");
  if (auto it = item.is_object() ? item.find("errors") : item.end();
      it != item.end() && it->is_array()) {
    for (const auto& entry : *it) result.errors.push_back(api_error_from_json(entry));
  }
  return result;
}

std::optional<std::vector<RawSaveResult>> read_save_results(std::string_view body, bool single) {
  SaveResultsReader reader(single);
  if (Scanner(body, reader).read() && reader.complete()) return std::move(reader.results());
  // Not plain enough for the scanner: nlohmann's parser reads it, events for the same reader.
  SaveResultsReader again(single);
  bool parsed = nlohmann::json::sax_parse(body.begin(), body.end(), &again);
  if (!parsed || !again.complete()) return std::nullopt;
  return std::move(again.results());
}

}  // namespace sfpe::salesforce
