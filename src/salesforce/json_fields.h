// Reading fields of Salesforce JSON answers without exceptions: a missing or mistyped key gives
// the empty value, since answers are checked for what matters rather than trusted.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sfpe::salesforce {

inline std::string json_string(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

inline bool json_bool(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

inline int64_t json_int(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

}  // namespace sfpe::salesforce
