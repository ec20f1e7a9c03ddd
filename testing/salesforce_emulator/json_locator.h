// Where each value of a JSON text ends, so the emulator can append Jackson's
// " at [line:L, column:C]" to deserialization errors the way Salesforce does (salesforce-api.md
// §2.4, "400 bad datetime").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sfpe::testing {

class JsonLocator {
 public:
  // `text` must be valid JSON (parse it first). Object keys are taken verbatim (escapes are not
  // decoded), which is all the emulator needs for field names.
  explicit JsonLocator(std::string_view text);

  // " at [line:L, column:C]" for the value at `pointer` ("/records/0/TextField__c"), or "" when
  // there is no such value. The column is 1-based and points just past the value's first token,
  // where Jackson's parser stands when the deserializer rejects it (unverified against a real
  // org).
  std::string where(const std::string& pointer) const;

  // The number at `pointer` exactly as the text writes it ("12345678901234567.8"), which a
  // parsed double no longer holds; nullopt when the value there is not a number.
  std::optional<std::string> number_text(const std::string& pointer) const;

 private:
  std::map<std::string, std::pair<int, int>> ends_;  // pointer -> (line, column)
  std::map<std::string, std::string> numbers_;       // pointer -> the number's text
};

}  // namespace sfpe::testing
