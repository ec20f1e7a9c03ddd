// Errors as data: every fallible step on the record path returns Result<T>, never throws.
// An Error carries a kind that decides what happens next (retry, route the record, stop the task).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sfpe {

enum class ErrorKind {
  kTransient,  // worth retrying with backoff: network trouble, 5xx, unavailable services
  kPermanent,  // this record (or request) will never succeed as it is: route it, never retry
  kFatal,      // the task cannot go on: bad credentials, the event no longer exists
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kPermanent;
  std::string code;     // a stable identifier, e.g. "INVALID_SESSION_ID", "UNKNOWN_MAGIC_BYTE"
  std::string message;  // names the cause: property, or topic/partition/offset/field

  static Error transient(std::string code, std::string message) {
    return {ErrorKind::kTransient, std::move(code), std::move(message)};
  }
  static Error permanent(std::string code, std::string message) {
    return {ErrorKind::kPermanent, std::move(code), std::move(message)};
  }
  static Error fatal(std::string code, std::string message) {
    return {ErrorKind::kFatal, std::move(code), std::move(message)};
  }
};

// A value or an Error. Callers must check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}       // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

// Result of an operation with no value.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace sfpe
