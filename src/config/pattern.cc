// std::regex behind Pattern. Kept in its own file because GCC 12 reports a false
// -Wmaybe-uninitialized inside <regex> when optimising with the sanitizers (a known libstdc++ false
// positive); the warning is silenced for this file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "config/pattern.h"

#include <regex>

namespace sfpe::config {

struct Pattern::Impl {
  std::regex regex;
};

Result<Pattern> Pattern::compile(std::string_view regex, bool ignore_case) {
  auto flags = std::regex::ECMAScript;
  if (ignore_case) flags |= std::regex::icase;
  try {
    return Pattern(
        std::make_shared<const Impl>(Impl{std::regex(regex.begin(), regex.end(), flags)}));
  } catch (const std::regex_error& e) {
    return Error::fatal("CONFIG_INVALID", e.what());
  }
}

bool Pattern::full_match(std::string_view text) const {
  try {
    return std::regex_match(text.begin(), text.end(), impl_->regex);
  } catch (const std::regex_error&) {
    return false;  // error_complexity / error_stack on pathological patterns
  }
}

}  // namespace sfpe::config
