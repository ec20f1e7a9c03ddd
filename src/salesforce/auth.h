// Salesforce connection settings and the OAuth 2.0 username-password login
// (salesforce-api.md §4.1): one TokenProvider per process hands the same session to every task
// and replaces it, once, when it expires.
#pragma once

#include <spdlog/logger.h>

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
#include "salesforce/error_classifier.h"

namespace sfpe::salesforce {

// What the Salesforce side needs from the configuration; property names as in
// confluent-connector.md §3.1 and §3.3.
struct ClientSettings {
  std::string login_url = "https://login.salesforce.com";  // salesforce.instance
  std::string consumer_key;                                // salesforce.consumer.key
  Secret consumer_secret;                                  // salesforce.consumer.secret
  std::string username;                                    // salesforce.username
  Secret password;                                         // salesforce.password
  Secret password_token;                                   // salesforce.password.token
  std::string version = "latest";                // salesforce.version: "latest", "66.0" or "v66.0"
  std::string event_name;                        // salesforce.platform.event.name, e.g. "Order__e"
  int64_t connect_timeout_ms = 30000;            // connection.timeout
  int64_t request_timeout_ms = 120000;           // whole request, no Confluent property
  int64_t request_max_retries_time_ms = 900000;  // request.max.retries.time.ms
  int64_t auth_retries_time_ms = 30000;          // salesforce.auth.retries.time.ms
  // Backoff shape between retries (no Confluent property: it documents only "randomized
  // exponential backoff", §6.3).
  int64_t retry_backoff_base_ms = 250;
  int64_t retry_backoff_max_ms = 30000;
  std::string ca_file;  // extra CA bundle for TLS; empty = system store
};

// The HTTP client options of every Salesforce call made with `settings`.
inline HttpClientOptions http_options(const ClientSettings& settings) {
  HttpClientOptions options;
  options.connect_timeout_ms = settings.connect_timeout_ms;
  options.request_timeout_ms = settings.request_timeout_ms;
  options.ca_file = settings.ca_file;
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

 private:
  // Logs in, retrying transient failures for up to auth_retries_time_ms. Caller holds mutex_.
  Result<Session> login_locked();
  // One POST to the token endpoint; on failure, `failure` says how to go on.
  Result<Session> attempt_login_locked(Classification& failure);

  const ClientSettings settings_;
  Clock& clock_;
  Random& random_;  // used under mutex_ only: Random implementations need not be thread-safe
  StopSignal* stop_;
  std::shared_ptr<spdlog::logger> logger_;

  mutable std::mutex mutex_;
  HttpClient http_;  // guarded by mutex_
  std::optional<Session> session_;
  int login_count_ = 0;
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
