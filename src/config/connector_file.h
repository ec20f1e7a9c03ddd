// Connector files as `connect-standalone` takes them (kafka-connect.md §4.3): Java properties, or
// JSON shaped like the POST /connectors body or the PUT /connectors/{name}/config body.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "config/properties.h"

namespace sfpe::config {

struct ConnectorFile {
  std::string name;           // the connector's name; always equals config.at("name")
  Properties config;          // every property, "name" included
  std::string initial_state;  // POST form only: "RUNNING", "PAUSED", "STOPPED"; empty = not given
};

// Loads a connector file: `*.json` as JSON, anything else as .properties (as Connect decides).
// Errors name the file and the cause: unreadable, malformed, a nested value, no "name", or a
// "name" that differs between the request and its "config".
Result<ConnectorFile> load_connector_file(const std::string& path);

// The JSON part of load_connector_file; `origin` names the text in error messages.
// Accepts {"name": "n", "config": {...}, "initial_state": "..."} and a flat {...} map. Numbers and
// booleans become their text ("5", "true") and null values are dropped, as Connect's Jackson
// mapping into Map<String,String> does.
Result<ConnectorFile> parse_connector_json(std::string_view text, std::string_view origin);

}  // namespace sfpe::config
