// The one type that holds a secret (password-type property, token, key). Printing it in any way
// shows "[hidden]", so no call site has to remember to mask it.
#pragma once

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <utility>

namespace sfpe {

class Secret {
 public:
  static constexpr const char* kMask = "[hidden]";

  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The only way to the clear text: grep for reveal() to audit every use.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << kMask; }
  friend bool operator==(const Secret& a, const Secret& b) { return a.value_ == b.value_; }

 private:
  std::string value_;
};

}  // namespace sfpe

template <>
struct fmt::formatter<sfpe::Secret> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const sfpe::Secret&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(sfpe::Secret::kMask, ctx);
  }
};
