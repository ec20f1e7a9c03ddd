// Secret detection by table type and by name family, and masked rendering.
#include "config/masking.h"

#include <fmt/format.h>

#include <array>

#include "common/secret.h"

namespace sfpe::config {
namespace {

// Names whose value is secret wherever they appear, e.g. under value.converter., consumer.,
// reporter.producer. or confluent.topic. The last dotted segment "password" or "secret" covers
// *.password and *.secret (ssl.key.password, ssl.keystore.password, ... included).
constexpr std::array<std::string_view, 4> kSecretSuffixes = {
    "sasl.jaas.config", "basic.auth.user.info", "bearer.auth.token", "ssl.keystore.key"};
constexpr std::array<std::string_view, 2> kSecretLastSegments = {"password", "secret"};

bool is_name_or_dotted_suffix(std::string_view name, std::string_view suffix) {
  if (name == suffix) return true;
  return name.size() > suffix.size() && name.ends_with(suffix) &&
         name[name.size() - suffix.size() - 1] == '.';
}

// Hides the password in scheme://user:password@host, as Schema Registry URL credentials allow.
std::string mask_url_password(std::string_view value) {
  size_t scheme = value.find("://");
  if (scheme == std::string_view::npos) return std::string(value);
  size_t authority = scheme + 3;
  size_t at = value.find('@', authority);
  size_t end = value.find_first_of("/?#", authority);
  if (at == std::string_view::npos || (end != std::string_view::npos && at > end)) {
    return std::string(value);
  }
  size_t colon = value.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(value);
  return fmt::format("{}{}{}", value.substr(0, colon + 1), Secret::kMask, value.substr(at));
}

}  // namespace

bool is_secret_key(std::string_view name, const ConfigTable& table) {
  if (const ConfigKey* key = table.find(name); key != nullptr && key->secret()) return true;
  for (std::string_view suffix : kSecretSuffixes) {
    if (is_name_or_dotted_suffix(name, suffix)) return true;
  }
  for (std::string_view segment : kSecretLastSegments) {
    if (is_name_or_dotted_suffix(name, segment)) return true;
  }
  return false;
}

std::string displayable_value(std::string_view name, std::string_view value,
                              const ConfigTable& table) {
  if (is_secret_key(name, table)) return Secret::kMask;
  return mask_url_password(value);
}

Properties mask_secrets(const Properties& properties, const ConfigTable& table) {
  Properties masked;
  for (const auto& [name, value] : properties) {
    masked[name] = displayable_value(name, value, table);
  }
  return masked;
}

std::string render_for_log(const Properties& properties, const ConfigTable& table) {
  std::string out;
  for (const auto& [name, value] : properties) {
    out += fmt::format("{} = {}\n", name, displayable_value(name, value, table));
  }
  return out;
}

}  // namespace sfpe::config
