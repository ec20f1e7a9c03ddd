// libFuzzer target of the SaveResults scanner (salesforce/save_results.h) with nlohmann as the
// oracle: every body read_save_results() accepts must parse as a document of the same shape,
// and give, item by item, what raw_save_result() reads from that document. Each input is read
// both as a Collections answer (an array) and as a single-record answer (one object).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "salesforce/save_results.h"

namespace {

namespace sf = sfpe::salesforce;

// The results nlohmann's document gives for `body`; nullopt when it is not JSON or not the
// shape read_save_results() promises to read (an array of objects, or one object).
std::optional<std::vector<sf::RawSaveResult>> from_document(std::string_view body, bool single) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return std::nullopt;
  std::vector<sf::RawSaveResult> results;
  if (single) {
    if (!document.is_object()) return std::nullopt;
    results.push_back(sf::raw_save_result(document));
    return results;
  }
  if (!document.is_array()) return std::nullopt;
  for (const auto& item : document) {
    if (!item.is_object()) return std::nullopt;
    results.push_back(sf::raw_save_result(item));
  }
  return results;
}

void check(std::string_view body, bool single) {
  std::optional<std::vector<sf::RawSaveResult>> read = sf::read_save_results(body, single);
  if (!read) return;  // the caller parses a document then: nothing to compare
  std::optional<std::vector<sf::RawSaveResult>> expected = from_document(body, single);
  if (!expected || *expected != *read) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  check(body, /*single=*/false);
  check(body, /*single=*/true);
  return 0;
}
