// Validation of connector and worker properties against the tables in config_def.h, plus the
// rules that span several keys. Every problem is reported at once; secret values never appear.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/properties.h"

namespace sfpe::config {

struct ConfigProblem {
  std::string property;
  std::string message;  // follows the property name: "\"Foo\" must end in __e"

  std::string to_string() const { return property + ": " + message; }
  friend bool operator==(const ConfigProblem&, const ConfigProblem&) = default;
};

struct ValidationReport {
  std::vector<ConfigProblem> errors;    // the configuration cannot run
  std::vector<ConfigProblem> warnings;  // it runs, but something is probably not what was meant

  bool ok() const { return errors.empty(); }
  // The error messages about one property (for the REST validate endpoint's per-config errors).
  std::vector<std::string> errors_for(std::string_view property) const;
  // One "property: message" line per error, then one "warning: property: message" per warning.
  std::string to_string() const;
  // A fatal CONFIG_INVALID Error listing every error, worded as Connect words it:
  // "<Subject> configuration is invalid and contains the following N error(s):\n...".
  Error to_error(std::string_view subject) const;
};

// Checks a connector configuration: required keys, types, validators, and the cross-key rules
// (topics vs topics.regex, grant-type requirements, DLQ topic, transform/predicate aliases, proxy
// credentials). Unknown keys are warnings, never errors.
ValidationReport validate_connector(const Properties& properties);

// Checks standalone worker properties the same way.
ValidationReport validate_worker(const Properties& properties);

}  // namespace sfpe::config
