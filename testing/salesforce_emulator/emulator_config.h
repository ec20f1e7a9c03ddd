// What the Salesforce emulator knows about its org: credentials, API version, allocations and
// the platform events it defines; readable from the JSON file given to sfpe-salesforce-emulator.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sfpe::testing {

// A custom field of a platform event (salesforce-api.md §5). `type` is the describe type:
// "string" (Text, `length`), "textarea" (Text Area (Long), `length`), "double" (Number,
// `precision`/`scale`), "boolean" (Checkbox), "date" or "datetime".
struct EventFieldDef {
  std::string name;
  std::string type;
  int length = 0;
  int precision = 0;
  int scale = 0;
};

struct EventDef {
  std::string name;  // API name, ends in __e
  std::vector<EventFieldDef> fields;
};

// ConfluentEvent__e, the event of Confluent's quick start: TextField__c string(255),
// NumberField__c double(18,2), BooleanField__c boolean, DateField__c date, DateTimeField__c
// datetime, LongTextField__c textarea(131072).
EventDef default_confluent_event();

// Which authorization server the org answers to (salesforce-api.md §4.2): production and
// Developer Edition orgs log in through https://login.salesforce.com, sandboxes through
// https://test.salesforce.com.
enum class OrgType { kProduction, kSandbox };

struct EmulatorConfig {
  std::string consumer_key = "test-consumer-key";
  std::string consumer_secret = "test-consumer-secret";
  std::string username = "sink@example.com";
  std::string password = "test-password";
  std::string security_token = "test-token";  // the password grant expects password + token
  // The JWT bearer grant (salesforce-api.md §4.2): the connected app's certificate, PEM text,
  // whose public key checks the assertion's RS256 signature; empty = no certificate uploaded,
  // every assertion is refused. In JSON: "jwt_certificate" (PEM text) or "jwt_certificate_path"
  // (a PEM file, read when the configuration is loaded).
  std::string jwt_certificate_pem;
  // false: the user has not pre-authorized the app, so a valid assertion still gets
  // invalid_grant "user hasn't approved this consumer" (§4.2).
  bool jwt_user_approved = true;
  // The JWT bearer assertion's aud must name this org's authorization server, not the emulator's
  // URL (which stands for the org's My Domain): §4.2. In JSON: "org_type", "production" (the
  // default) or "sandbox".
  OrgType org_type = OrgType::kProduction;
  std::string org_id = "00Dxx0000001gPFEAY";
  std::string user_id = "005xx000001X8UzAAK";
  std::string latest_version = "66.0";
  std::vector<EventDef> events = {default_confluent_event()};
  // Developer Edition allocations (salesforce-api.md §2.6, §7). The emulator never resets its
  // counters: its "day" and "hour" last as long as it runs.
  int daily_api_requests_max = 15000;
  int hourly_published_events_max = 50000;
  // false: the user lacks "View Setup and Configuration", which GET /limits needs
  // (salesforce-api.md §2.5), as a least-privilege integration user does: /limits is refused.
  bool view_setup_and_configuration = true;
  // A PublishStream on which no request with at least one event arrives for this long is closed
  // by the server (salesforce-api.md §3.3: 70 s per the proto's comments); tests shorten it.
  int pubsub_stream_idle_timeout_ms = 70000;
};

// The oldest version GET /services/data/ lists (salesforce-api.md §2.5, the doc example).
constexpr int kOldestApiVersion = 31;

// "66.0" -> 66; nullopt for anything else (Salesforce versions are always N.0).
std::optional<int> parse_api_version(std::string_view text);

// Reads a configuration object with the same keys as EmulatorConfig (events as
// [{"name", "fields": [{"name","type","length","precision","scale"}]}]); missing keys keep
// their defaults. An Error names the offending key.
Result<EmulatorConfig> emulator_config_from_json(const nlohmann::json& json);
Result<EmulatorConfig> load_emulator_config(const std::string& path);

}  // namespace sfpe::testing
