// Connector file loading: picks the format by extension, maps both JSON request shapes to one
// property map, and insists on a connector name the way ConnectStandalone does.
#include "config/connector_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace sfpe::config {
namespace {

Error file_error(std::string_view origin, std::string_view cause) {
  return Error::fatal("CONFIG_FILE", fmt::format("{}: {}", origin, cause));
}

bool ends_with_json(const std::string& path) {
  if (path.size() < 5) return false;
  std::string suffix = path.substr(path.size() - 5);
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return suffix == ".json";
}

// Converts one JSON object into string properties; nested values are an error naming the key.
Result<Properties> to_properties(const nlohmann::json& object, std::string_view origin,
                                 std::string_view where) {
  Properties properties;
  for (const auto& [key, value] : object.items()) {
    if (value.is_null()) continue;
    if (value.is_string()) {
      properties[key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      properties[key] = value.dump();  // 5 -> "5", true -> "true", 1.5 -> "1.5"
    } else {
      return file_error(origin, fmt::format("{}\"{}\" must be a string, number or boolean, not {}",
                                            where, key, value.type_name()));
    }
  }
  return properties;
}

Result<ConnectorFile> with_name(Properties config, std::string_view origin) {
  auto name = config.find("name");
  if (name == config.end()) {
    return file_error(origin, "missing the mandatory 'name' configuration");
  }
  ConnectorFile file;
  file.name = name->second;
  file.config = std::move(config);
  return file;
}

}  // namespace

Result<ConnectorFile> parse_connector_json(std::string_view text, std::string_view origin) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return file_error(origin, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!root.is_object()) {
    return file_error(origin, fmt::format("must be a JSON object, not {}", root.type_name()));
  }

  // ConnectStandalone tries the flat PUT .../config shape first, then the POST /connectors shape.
  auto config = root.find("config");
  if (config == root.end() || !config->is_object()) {
    Result<Properties> flat = to_properties(root, origin, "");
    if (!flat.ok()) return flat.error();
    return with_name(std::move(flat.value()), origin);
  }

  Result<Properties> properties = to_properties(*config, origin, "config.");
  if (!properties.ok()) return properties.error();
  auto name = root.find("name");
  if (name != root.end() && !name->is_null()) {
    if (!name->is_string()) return file_error(origin, "\"name\" must be a string");
    auto [it, inserted] = properties.value().emplace("name", name->get<std::string>());
    if (!inserted && it->second != name->get<std::string>()) {
      return file_error(origin,
                        "connector name configuration in 'config' doesn't match the one "
                        "specified in 'name'");
    }
  }
  Result<ConnectorFile> file = with_name(std::move(properties.value()), origin);
  if (!file.ok()) return file;

  auto state = root.find("initial_state");
  if (state != root.end() && !state->is_null()) {
    std::string value = state->is_string() ? state->get<std::string>() : state->dump();
    std::string upper = value;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (upper != "RUNNING" && upper != "PAUSED" && upper != "STOPPED") {
      return file_error(origin, fmt::format("\"initial_state\" \"{}\" must be one of RUNNING, "
                                            "PAUSED, STOPPED",
                                            value));
    }
    file.value().initial_state = upper;
  }
  return file;
}

Result<ConnectorFile> load_connector_file(const std::string& path) {
  Result<std::string> text = read_text_file(path);
  if (!text.ok()) return text.error();
  if (ends_with_json(path)) return parse_connector_json(text.value(), path);

  Result<Properties> properties = parse_properties(text.value());
  if (!properties.ok()) return file_error(path, properties.error().message);
  return with_name(std::move(properties.value()), path);
}

}  // namespace sfpe::config
