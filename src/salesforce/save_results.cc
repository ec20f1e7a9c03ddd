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
  bool parsed = nlohmann::json::sax_parse(body.begin(), body.end(), &reader);
  if (!parsed || !reader.complete()) return std::nullopt;
  return std::move(reader.results());
}

}  // namespace sfpe::salesforce
