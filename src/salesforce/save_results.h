// Reading the SaveResults of a publish (salesforce-api.md §2.1, §2.2) straight from the response
// text: a Collections answer is an array of up to 200 of them, and building a JSON document of it
// (an object, an errors array and an error object per event) cost more CPU than anything else
// on a publishing thread (BENCHMARKS.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "salesforce/error_classifier.h"

namespace sfpe::salesforce {

// One SaveResult as Salesforce sends it: {"id":"e00...","success":true,"errors":[...]}.
struct RawSaveResult {
  bool success = false;
  std::string id;
  std::vector<ApiError> errors;  // OPERATION_ENQUEUED included, as sent

  bool operator==(const RawSaveResult&) const = default;
};

// The same values read from a parsed item, with the tolerance of api_error_from_json: missing
// or mistyped keys read as empty.
RawSaveResult raw_save_result(const nlohmann::json& item);

// `body` read without a document: an array of SaveResults, or with `single` (the single-record
// resource) one SaveResult object. nullopt when the text has any other shape or is not JSON;
// the caller then parses it as a document, which decides how to report it. For every body this
// accepts, the result equals raw_save_result() of each item of the parsed document.
std::optional<std::vector<RawSaveResult>> read_save_results(std::string_view body, bool single);

}  // namespace sfpe::salesforce
