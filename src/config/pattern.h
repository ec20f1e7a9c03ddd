// The one regular-expression dialect of the configuration layer: ECMAScript (std::regex), always
// matched against the whole text, as Java's Pattern.matcher(...).matches() is for topics.regex.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sfpe::config {

class Pattern {
 public:
  // Compiles `regex`; the Error's message says why it does not compile.
  static Result<Pattern> compile(std::string_view regex, bool ignore_case = false);

  // Whether the whole of `text` matches. A match the engine gives up on (too complex) is false.
  bool full_match(std::string_view text) const;

 private:
  struct Impl;
  explicit Pattern(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<const Impl> impl_;  // shared: Patterns are copied into validators
};

}  // namespace sfpe::config
