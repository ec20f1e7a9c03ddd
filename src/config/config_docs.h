// Renders docs/configuration.md from the connector and worker tables, so the reference can never
// drift from what validation enforces (a unit test fails when the checked-in copy is stale).
#pragma once

#include <string>

namespace sfpe::config {

// The whole of docs/configuration.md.
std::string render_configuration_markdown();

}  // namespace sfpe::config
