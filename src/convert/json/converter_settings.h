// Reading the JSON converters' settings (prefix already stripped) as Kafka's ConfigDef would:
// values are trimmed, booleans and decimal.format are case-insensitive. Errors are fatal
// CONFIG_INVALID naming the property.
#pragma once

#include <map>
#include <string>

#include "common/result.h"

namespace sfpe::convert::json {

using Settings = std::map<std::string, std::string>;

Result<bool> bool_setting(const Settings& settings, const char* property, bool fallback);

// decimal.format: BASE64 (default) or NUMERIC. Both converters only use it when writing JSON,
// and read either form, so the value is checked and otherwise has no effect here.
Status check_decimal_format(const Settings& settings);

// An INT property: checked, its value unused (e.g. schemas.cache.size).
Status check_int_setting(const Settings& settings, const char* property);

}  // namespace sfpe::convert::json
