// Markdown rendering of the config tables: one section per table, one table per group.
#include "config/config_docs.h"

#include <fmt/format.h>

#include "config/config_def.h"

namespace sfpe::config {
namespace {

// Makes text safe inside a Markdown table cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string default_cell(const ConfigKey& key) {
  if (key.required) return "*required*";
  if (!key.default_value) return "null";
  if (key.default_value->empty()) return "\"\"";
  return fmt::format("`{}`", cell(*key.default_value));
}

void render_table(const ConfigTable& table, std::string& out) {
  for (const std::string& group : table.groups()) {
    out += fmt::format("\n### {}\n", group);
    bool header = false;
    for (const ConfigKey& key : table.keys()) {
      if (key.group != group) continue;
      if (!header) {
        out += "\n| Name | Type | Default | Valid values | Importance | Description |\n";
        out += "|---|---|---|---|---|---|\n";
        header = true;
      }
      std::string description = cell(key.documentation);
      if (key.ignored) description += " *Accepted and ignored.*";
      out += fmt::format("| `{}` | {}{} | {} | {} | {} | {} |\n", key.name, to_string(key.type),
                         key.secret() ? " (secret)" : "", default_cell(key),
                         cell(key.validator.description()), to_string(key.importance), description);
    }
    header = false;
    for (const ConfigPrefix& prefix : table.prefixes()) {
      if (prefix.group != group) continue;
      if (!header) {
        out += "\nAccepted prefix families:\n\n| Prefix | Description |\n|---|---|\n";
        header = true;
      }
      std::string description = cell(prefix.documentation);
      if (prefix.ignored) description += " *Accepted and ignored.*";
      out += fmt::format("| `{}*` | {} |\n", prefix.prefix, description);
    }
  }
}

}  // namespace

std::string render_configuration_markdown() {
  std::string out =
      "<!-- Generated from src/config/config_def.cc by render_configuration_markdown(); do not "
      "edit. To regenerate, run the config unit tests with SFPE_UPDATE_DOCS=1, e.g. "
      "`SFPE_UPDATE_DOCS=1 build/bin/unit_config_tests --gtest_filter='ConfigurationDocs.*'`. "
      "-->\n"
      "# sfpe-sink configuration reference\n"
      "\n"
      "Connector properties come from a connector file (`.properties`, or `.json` in the "
      "`POST /connectors` or `PUT /connectors/<name>/config` shape) or the REST API; worker "
      "properties from the worker file. Values are trimmed, as Kafka Connect does. A property "
      "that is neither listed nor in an accepted prefix family is reported as a warning and "
      "ignored. Values of properties marked *(secret)*, and of any `*.password`, `*.secret`, "
      "`sasl.jaas.config`, `basic.auth.user.info`, `bearer.auth.token` or `ssl.keystore.key` "
      "under any prefix, are shown as `[hidden]` in logs and validation output.\n"
      "\n"
      "Rules that span several properties:\n"
      "\n"
      "- Exactly one of `topics` and `topics.regex` is set.\n"
      "- `errors.deadletterqueue.topic.name` is not one of `topics` and does not match "
      "`topics.regex`.\n"
      "- `salesforce.grant.type` PASSWORD needs `salesforce.username`, `salesforce.password` and "
      "`salesforce.consumer.secret`; JWT_BEARER needs `salesforce.username`, "
      "`salesforce.jwt.keystore.path` and `salesforce.jwt.keystore.password`; "
      "CLIENT_CREDENTIALS needs `salesforce.consumer.secret` and a `salesforce.instance` that is "
      "the org's My Domain URL. A set `salesforce.jwt.keystore.path` selects JWT_BEARER.\n"
      "- `salesforce.instance` and `salesforce.pubsub.endpoint` use `http://` only with a "
      "loopback host (127.0.0.0/8, ::1, localhost).\n"
      "- Each alias in `transforms` / `predicates` needs `<transforms|predicates>.<alias>.type`; "
      "`transforms.<alias>.predicate` names an alias in `predicates`.\n"
      "- `http.proxy.auth.scheme` BASIC or NTLM needs `http.proxy` and `http.proxy.user`.\n"
      "- A connector's `key.converter.*` / `value.converter.*` / `header.converter.*` settings "
      "apply only when the connector sets that converter's class; otherwise the worker's "
      "converter and settings apply.\n"
      "\n"
      "## Connector properties\n";
  render_table(connector_table(), out);
  out += "\n## Worker properties\n";
  render_table(worker_table(), out);
  return out;
}

}  // namespace sfpe::config
