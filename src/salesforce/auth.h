// Salesforce connection settings and the OAuth 2.0 logins (salesforce-api.md §4.1 password, §4.2
// JWT bearer, §4.3 client credentials): one TokenProvider per process hands the same session to
// every task and replaces it, once, when it expires.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/http_client.h"
#include "common/result.h"
#include "common/secret.h"
#include "common/stop_signal.h"
#include "common/tls_files.h"
#include "salesforce/error_classifier.h"

namespace sfpe::salesforce {

// salesforce.grant.type (confluent-connector.md §3.2).
enum class OAuthGrant { kPassword, kJwtBearer, kClientCredentials };
const char* grant_name(OAuthGrant grant);  // "PASSWORD", "JWT_BEARER", "CLIENT_CREDENTIALS"

// What the Salesforce side needs from the configuration; property names as in
// confluent-connector.md §3.1 and §3.3.
struct ClientSettings {
  std::string login_url = "https://login.salesforce.com";  // salesforce.instance
  std::string consumer_key;                                // salesforce.consumer.key
  Secret consumer_secret;                                  // salesforce.consumer.secret
  std::string username;                                    // salesforce.username
  Secret password;                                         // salesforce.password
  Secret password_token;                                   // salesforce.password.token
  OAuthGrant grant = OAuthGrant::kPassword;      // salesforce.grant.type, after the keystore rule
  std::string jwt_keystore_path;                 // salesforce.jwt.keystore.path
  Secret jwt_keystore_password;                  // salesforce.jwt.keystore.password
  std::string jwt_audience;  // salesforce.jwt.audience; empty: derived, see jwt_audience()
  std::string version = "latest";                // salesforce.version: "latest", "66.0" or "v66.0"
  std::string event_name;                        // salesforce.platform.event.name, e.g. "Order__e"
  // salesforce.pubsub.endpoint: host:port of the Pub/Sub API; "http://host:port" for a local
  // plaintext endpoint (an emulator), otherwise TLS.
  std::string pubsub_endpoint = "api.pubsub.salesforce.com:7443";
  int64_t connect_timeout_ms = 30000;            // connection.timeout
  int64_t request_timeout_ms = 120000;           // whole request, no Confluent property
  int64_t request_max_retries_time_ms = 900000;  // request.max.retries.time.ms
  int64_t auth_retries_time_ms = 30000;          // salesforce.auth.retries.time.ms
  // salesforce.limits.poll.interval.ms: how often /limits is read while the hourly publishing
  // allocation is exhausted.
  int64_t limits_poll_interval_ms = 60000;
  // Backoff shape between retries (no Confluent property: it documents only "randomized
  // exponential backoff", §6.3).
  int64_t retry_backoff_base_ms = 250;
  int64_t retry_backoff_max_ms = 30000;
  // The network side (confluent-connector.md §3.1): every Salesforce request goes through
  // `proxy` when its host_port is set (http.proxy and http.proxy.auth.*), never through a proxy
  // of the environment; TLS is always verified, against `ca_file` when set
  // (salesforce.ssl.ca.location, sfpe-sink's own) or else the system store.
  HttpProxy proxy;
  std::string ca_file;
  bool curl_logging = false;  // curl.logging: each request as a curl command, secrets redacted
};

// The HTTP client options of every Salesforce call made with `settings`; with curl_logging, the
// curl commands go to `logger` at INFO (null: spdlog's default logger).
inline HttpClientOptions http_options(const ClientSettings& settings,
                                      std::shared_ptr<spdlog::logger> logger = nullptr) {
  HttpClientOptions options;
  options.connect_timeout_ms = settings.connect_timeout_ms;
  options.request_timeout_ms = settings.request_timeout_ms;
  options.ca_file = settings.ca_file;
  options.proxy = settings.proxy;
  if (settings.curl_logging) {
    if (!logger) logger = spdlog::default_logger();
    options.curl_logger = [logger](const std::string& command) {
      logger->info("curl.logging (secrets hidden): {}", command);
    };
  }
  return options;
}

struct Session {
  Secret access_token;
  std::string instance_url;  // base of every REST call, e.g. https://na1.my.salesforce.com
  std::string identity_url;  // "id": https://login.salesforce.com/id/<orgId>/<userId>
  std::string org_id;
  std::string user_id;
};

// Thread-safe; shared by every task of the process. Logins are serialised: while one thread logs
// in, the others wait for its session instead of logging in again.
class TokenProvider {
 public:
  // `clock`, `random` and `stop` (may be null) must outlive the provider; a null logger logs to
  // spdlog's default logger.
  TokenProvider(ClientSettings settings, Clock& clock, Random& random, StopSignal* stop = nullptr,
                std::shared_ptr<spdlog::logger> logger = nullptr);
  ~TokenProvider();
  TokenProvider(const TokenProvider&) = delete;
  TokenProvider& operator=(const TokenProvider&) = delete;

  // The current session; logs in on first use.
  Result<Session> session();

  // Called after a REST call was refused with `stale_token` (401). If another thread already
  // replaced that token, returns the newer session without logging in again; otherwise logs in.
  Result<Session> refresh(const Secret& stale_token);

  // Successful logins so far (for metrics and tests).
  int login_count() const;

  const ClientSettings& settings() const { return settings_; }

  // The org's daily API usage warnings are once per process, not once per task: true for the
  // one caller that first reports `percent` (80 or 90) or more.
  bool claim_usage_warning(int percent) {
    int seen = usage_warned_percent_.load();
    while (seen < percent) {
      if (usage_warned_percent_.compare_exchange_weak(seen, percent)) return true;
    }
    return false;
  }

 private:
  std::atomic<int> usage_warned_percent_{0};
  // Logs in, retrying transient failures for up to auth_retries_time_ms. Caller holds mutex_.
  Result<Session> login_locked();
  // One POST to the token endpoint; on failure, `failure` says how to go on.
  Result<Session> attempt_login_locked(Classification& failure);
  // The form of the configured grant; the JWT bearer key is loaded on first use and kept.
  Result<std::string> token_request_body_locked();

  const ClientSettings settings_;
  Clock& clock_;
  Random& random_;  // used under mutex_ only: Random implementations need not be thread-safe
  StopSignal* stop_;
  std::shared_ptr<spdlog::logger> logger_;

  mutable std::mutex mutex_;
  HttpClient http_;  // guarded by mutex_
  std::optional<Session> session_;
  int login_count_ = 0;
  PrivateKey jwt_key_;  // guarded by mutex_; loaded from jwt_keystore_path once
};

// The org and user ids at the end of an identity URL ".../id/<orgId>/<userId>" (§4.1); empty
// strings if it has another shape.
struct IdentityIds {
  std::string org_id;
  std::string user_id;
};
IdentityIds parse_identity_url(std::string_view identity_url);

// Removes trailing slashes, so paths can be appended with a single '/'.
std::string trim_trailing_slashes(std::string url);

}  // namespace sfpe::salesforce
