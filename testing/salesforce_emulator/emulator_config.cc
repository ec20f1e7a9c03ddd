// Parsing of the emulator's JSON configuration; errors name the key, so a typo is found fast.
#include "salesforce_emulator/emulator_config.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "salesforce_emulator/jwt_verifier.h"

namespace sfpe::testing {
namespace {

using nlohmann::json;

Error config_error(const std::string& message) { return Error::fatal("EMULATOR_CONFIG", message); }

std::string key_path(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

// Copies json[key] into *out when present; false (with *error set) when it has the wrong type.
template <typename T>
bool read_key(const json& object, const std::string& key, const std::string& where, T* out,
              std::string* error) {
  if (!object.contains(key)) return true;
  const json& value = object.at(key);
  bool type_ok;
  if constexpr (std::is_same_v<T, std::string>) {
    type_ok = value.is_string();
  } else if constexpr (std::is_same_v<T, bool>) {
    type_ok = value.is_boolean();
  } else {
    type_ok = value.is_number_integer();
  }
  if (!type_ok) {
    *error = fmt::format("{} has the wrong type: {}", key_path(where, key), value.dump());
    return false;
  }
  *out = value.get<T>();
  return true;
}

Result<EventFieldDef> field_from_json(const json& object, const std::string& where) {
  static const std::set<std::string> kTypes = {"string",  "textarea", "double",
                                               "boolean", "date",     "datetime"};
  if (!object.is_object()) return config_error(where + " must be an object");
  EventFieldDef field;
  std::string error;
  if (!read_key(object, "name", where, &field.name, &error) ||
      !read_key(object, "type", where, &field.type, &error) ||
      !read_key(object, "length", where, &field.length, &error) ||
      !read_key(object, "precision", where, &field.precision, &error) ||
      !read_key(object, "scale", where, &field.scale, &error)) {
    return config_error(error);
  }
  if (field.name.empty()) return config_error(key_path(where, "name") + " is missing");
  if (!kTypes.contains(field.type)) {
    return config_error(
        fmt::format("{} '{}' is not one of string, textarea, double, boolean, date, datetime",
                    key_path(where, "type"), field.type));
  }
  if ((field.type == "string" || field.type == "textarea") && field.length <= 0) {
    return config_error(key_path(where, "length") + " must be positive for a " + field.type +
                        " field");
  }
  return field;
}

Result<EventDef> event_from_json(const json& object, const std::string& where) {
  if (!object.is_object()) return config_error(where + " must be an object");
  EventDef event;
  std::string error;
  if (!read_key(object, "name", where, &event.name, &error)) return config_error(error);
  if (event.name.empty()) return config_error(key_path(where, "name") + " is missing");
  if (object.contains("fields")) {
    if (!object["fields"].is_array()) {
      return config_error(key_path(where, "fields") + " must be an array");
    }
    for (size_t i = 0; i < object["fields"].size(); ++i) {
      auto field = field_from_json(object["fields"][i], fmt::format("{}.fields[{}]", where, i));
      if (!field.ok()) return field.error();
      event.fields.push_back(std::move(field.value()));
    }
  }
  return event;
}

}  // namespace

std::optional<int> parse_api_version(std::string_view text) {
  if (!text.ends_with(".0")) return std::nullopt;
  text.remove_suffix(2);
  int major = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), major);
  if (ec != std::errc() || end != text.data() + text.size() || text.starts_with('0')) {
    return std::nullopt;
  }
  return major;
}

EventDef default_confluent_event() {
  return EventDef{"ConfluentEvent__e",
                  {{"TextField__c", "string", 255, 0, 0},
                   {"NumberField__c", "double", 0, 18, 2},
                   {"BooleanField__c", "boolean", 0, 0, 0},
                   {"DateField__c", "date", 0, 0, 0},
                   {"DateTimeField__c", "datetime", 0, 0, 0},
                   {"LongTextField__c", "textarea", 131072, 0, 0}}};
}

Result<EmulatorConfig> emulator_config_from_json(const json& object) {
  static const std::set<std::string> kKeys = {"consumer_key",
                                              "consumer_secret",
                                              "username",
                                              "password",
                                              "security_token",
                                              "jwt_certificate",
                                              "jwt_certificate_path",
                                              "jwt_user_approved",
                                              "org_type",
                                              "org_id",
                                              "user_id",
                                              "latest_version",
                                              "events",
                                              "daily_api_requests_max",
                                              "hourly_published_events_max",
                                              "view_setup_and_configuration",
                                              "pubsub_stream_idle_timeout_ms"};
  if (!object.is_object()) return config_error("the emulator configuration must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!kKeys.contains(key)) return config_error("unknown emulator configuration key " + key);
  }
  EmulatorConfig config;
  std::string error;
  if (!read_key(object, "consumer_key", "", &config.consumer_key, &error) ||
      !read_key(object, "consumer_secret", "", &config.consumer_secret, &error) ||
      !read_key(object, "username", "", &config.username, &error) ||
      !read_key(object, "password", "", &config.password, &error) ||
      !read_key(object, "security_token", "", &config.security_token, &error) ||
      !read_key(object, "jwt_certificate", "", &config.jwt_certificate_pem, &error) ||
      !read_key(object, "jwt_user_approved", "", &config.jwt_user_approved, &error) ||
      !read_key(object, "org_id", "", &config.org_id, &error) ||
      !read_key(object, "user_id", "", &config.user_id, &error) ||
      !read_key(object, "latest_version", "", &config.latest_version, &error) ||
      !read_key(object, "daily_api_requests_max", "", &config.daily_api_requests_max, &error) ||
      !read_key(object, "hourly_published_events_max", "", &config.hourly_published_events_max,
                &error) ||
      !read_key(object, "view_setup_and_configuration", "", &config.view_setup_and_configuration,
                &error) ||
      !read_key(object, "pubsub_stream_idle_timeout_ms", "", &config.pubsub_stream_idle_timeout_ms,
                &error)) {
    return config_error(error);
  }
  std::string org_type = "production";
  if (!read_key(object, "org_type", "", &org_type, &error)) return config_error(error);
  if (org_type == "sandbox") {
    config.org_type = OrgType::kSandbox;
  } else if (org_type != "production") {
    return config_error("org_type must be \"production\" or \"sandbox\", got \"" + org_type +
                        "\"");
  }
  if (config.pubsub_stream_idle_timeout_ms <= 0) {
    return config_error("pubsub_stream_idle_timeout_ms must be positive");
  }
  std::string certificate_path;
  if (!read_key(object, "jwt_certificate_path", "", &certificate_path, &error)) {
    return config_error(error);
  }
  if (!certificate_path.empty()) {
    if (!config.jwt_certificate_pem.empty()) {
      return config_error("set jwt_certificate or jwt_certificate_path, not both");
    }
    std::ifstream file(certificate_path);
    if (!file) return config_error("jwt_certificate_path: cannot read " + certificate_path);
    std::stringstream text;
    text << file.rdbuf();
    config.jwt_certificate_pem = text.str();
  }
  if (!config.jwt_certificate_pem.empty() && !is_pem_certificate(config.jwt_certificate_pem)) {
    return config_error("jwt_certificate holds no PEM certificate");
  }
  if (parse_api_version(config.latest_version).value_or(0) < kOldestApiVersion) {
    return config_error("latest_version must look like 66.0 (31.0 or later), got " +
                        config.latest_version);
  }
  if (object.contains("events")) {
    if (!object["events"].is_array()) return config_error("events must be an array");
    config.events.clear();
    for (size_t i = 0; i < object["events"].size(); ++i) {
      auto event = event_from_json(object["events"][i], fmt::format("events[{}]", i));
      if (!event.ok()) return event.error();
      config.events.push_back(std::move(event.value()));
    }
  }
  return config;
}

Result<EmulatorConfig> load_emulator_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) return config_error("cannot read the emulator configuration file " + path);
  std::stringstream text;
  text << file.rdbuf();
  json object = json::parse(text.str(), nullptr, false);
  if (object.is_discarded()) return config_error(path + " is not valid JSON");
  return emulator_config_from_json(object);
}

}  // namespace sfpe::testing
