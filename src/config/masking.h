// The one place that decides which property values are secret, and renders configurations for
// logs and the validate output with those values shown as [hidden].
#pragma once

#include <string>
#include <string_view>

#include "config/config_def.h"
#include "config/properties.h"

namespace sfpe::config {

// True for PASSWORD keys of `table`, and for any key in a secret family whatever its prefix:
// *.password, *.secret, sasl.jaas.config, basic.auth.user.info, bearer.auth.token,
// ssl.key.password, ssl.keystore.password, ssl.truststore.password, ssl.keystore.key.
bool is_secret_key(std::string_view name, const ConfigTable& table);

// The value as it may be shown: [hidden] for a secret key; otherwise the value with the password
// of any URL user-info (http://user:pass@host) hidden.
std::string displayable_value(std::string_view name, std::string_view value,
                              const ConfigTable& table);

// A copy of `properties` with every value made displayable.
Properties mask_secrets(const Properties& properties, const ConfigTable& table);

// "key = value" lines, sorted by key, values made displayable: for logs and the CLI.
std::string render_for_log(const Properties& properties, const ConfigTable& table);

}  // namespace sfpe::config
