// OAuth 2.0 logins against {login_url}/services/oauth2/token: username-password (salesforce-api.md
// §4.1), JWT bearer (§4.2), client credentials (§4.3); single-flight refresh after a 401 (§4.4).
#include "salesforce/auth.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "common/backoff.h"
#include "salesforce/json_fields.h"
#include "salesforce/jwt_bearer.h"

namespace sfpe::salesforce {
namespace {

constexpr std::string_view kTokenPath = "/services/oauth2/token";

constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr const char* kKeystorePathProperty = "salesforce.jwt.keystore.path";

// Which properties to check for a refused login, so the message leads to the fix.
std::string hint_for(const ClientSettings& settings, std::string_view oauth_error) {
  const OAuthGrant grant = settings.grant;
  if (oauth_error == "invalid_grant") {
    switch (grant) {
      case OAuthGrant::kPassword:
        return " (check salesforce.username, salesforce.password and salesforce.password.token; "
               "orgs created since Summer '23 also block the username-password flow by default)";
      case OAuthGrant::kJwtBearer:
        // §4.2: the certificate of the connected app must match the key, the user must be
        // pre-authorized, and aud must name the authorization server, never a My Domain.
        return fmt::format(
            " (check salesforce.username, that the connected app's certificate matches the key "
            "in salesforce.jwt.keystore.path, that the user is pre-authorized for the app, and "
            "that the assertion's audience {} is the org's authorization server ({} for "
            "production, {} for a sandbox, or an Experience Cloud site URL; set "
            "salesforce.jwt.audience to choose it); \"expired authorization code\" means this "
            "machine's clock is off by more than a few minutes)",
            jwt_audience(settings.login_url, settings.jwt_audience), kProductionAudience,
            kSandboxAudience);
      case OAuthGrant::kClientCredentials:
        return " (check that the connected app enables the client credentials flow with a run-as "
               "user, and that salesforce.instance is the org's My Domain URL)";
    }
  }
  if (oauth_error == "invalid_client_id" || oauth_error == "invalid_client" ||
      oauth_error == "invalid_client_credentials") {
    return grant == OAuthGrant::kJwtBearer ? " (check salesforce.consumer.key)"
                                           : " (check salesforce.consumer.key and "
                                             "salesforce.consumer.secret)";
  }
  return {};
}

// Who logs in, for messages: the client credentials flow runs as the app's run-as user (§4.3).
std::string identity(const ClientSettings& settings) {
  if (settings.grant == OAuthGrant::kClientCredentials || settings.username.empty()) {
    return "connected app " + settings.consumer_key;
  }
  return settings.username;
}

// Messages are built from Salesforce's own error text and never from the request body; this is
// a second guard in case a server ever echoes a credential back.
std::string redact(std::string text, const ClientSettings& settings) {
  for (const Secret* secret : {&settings.password, &settings.password_token,
                               &settings.consumer_secret, &settings.jwt_keystore_password}) {
    const std::string& clear = secret->reveal();
    if (clear.size() < 4) continue;  // too short to tell from ordinary text
    for (size_t at = text.find(clear); at != std::string::npos; at = text.find(clear, at)) {
      text.replace(at, clear.size(), Secret::kMask);
    }
  }
  return text;
}

int64_t elapsed_ms(Clock& clock, Clock::TimePoint start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start).count();
}

}  // namespace

IdentityIds parse_identity_url(std::string_view identity_url) {
  auto marker = identity_url.rfind("/id/");
  if (marker == std::string_view::npos) return {};
  std::string_view rest = identity_url.substr(marker + 4);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size()) return {};
  std::string_view user = rest.substr(slash + 1);
  if (user.find('/') != std::string_view::npos) return {};
  return {std::string(rest.substr(0, slash)), std::string(user)};
}

std::string trim_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

TokenProvider::TokenProvider(ClientSettings settings, Clock& clock, Random& random,
                             StopSignal* stop, std::shared_ptr<spdlog::logger> logger)
    : settings_(std::move(settings)),
      clock_(clock),
      random_(random),
      stop_(stop),
      logger_(logger ? std::move(logger) : spdlog::default_logger()),
      http_(http_options(settings_, logger_)) {}

TokenProvider::~TokenProvider() = default;

Result<Session> TokenProvider::session() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (session_) return *session_;
  return login_locked();
}

Result<Session> TokenProvider::refresh(const Secret& stale_token) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Another task already replaced the token this caller was refused with: use that one.
  if (session_ && !(session_->access_token == stale_token)) return *session_;
  session_.reset();
  return login_locked();
}

int TokenProvider::login_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return login_count_;
}

Result<Session> TokenProvider::login_locked() {
  const BackoffPolicy policy{Clock::Duration(settings_.retry_backoff_base_ms),
                             Clock::Duration(settings_.retry_backoff_max_ms),
                             Clock::Duration(settings_.auth_retries_time_ms)};
  Backoff backoff(policy, clock_, random_, stop_);
  for (;;) {
    Classification failure;
    Result<Session> result = attempt_login_locked(failure);
    if (result.ok()) {
      session_ = result.value();
      ++login_count_;
      logger_->info("Logged in to Salesforce as {} (org {}, instance {})", identity(settings_),
                    session_->org_id, session_->instance_url);
      return result;
    }
    const Error& error = result.error();
    if (error.kind != ErrorKind::kTransient) {
      logger_->error("{}", error.message);
      return result;
    }
    logger_->warn("{}; retrying", error.message);
    if (!backoff.wait(failure.min_backoff)) {
      if (backoff.stop_requested()) {
        return Error::transient("STOPPED", "stopped while logging in to Salesforce");
      }
      return Error::transient(
          error.code, fmt::format("Salesforce login still failing after {} attempts over {} ms "
                                  "(salesforce.auth.retries.time.ms={}); last error: {}",
                                  backoff.retries() + 1, backoff.elapsed().count(),
                                  settings_.auth_retries_time_ms, error.message));
    }
  }
}

Result<Session> TokenProvider::attempt_login_locked(Classification& failure) {
  const std::string url = trim_trailing_slashes(settings_.login_url) + std::string(kTokenPath);
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  Result<std::string> form = token_request_body_locked();
  if (!form.ok()) {
    failure = Classification{ErrorKind::kFatal, false, {}};
    return form.error();
  }
  request.body = std::move(form.value());

  const auto start = clock_.now();
  Result<HttpResponse> sent = http_.send(request);
  if (!sent.ok()) {
    failure = classify_transport_failure();
    logger_->debug("POST {} -> transport error after {} ms", describe_for_log(request),
                   elapsed_ms(clock_, start));
    return make_error(failure, sent.error().code,
                      redact("Salesforce login failed: " + sent.error().message, settings_));
  }
  const HttpResponse& response = sent.value();
  logger_->debug("POST {} -> {} in {} ms", describe_for_log(request), response.status,
                 elapsed_ms(clock_, start));

  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    // Errors are {"error": ..., "error_description": ...} (§4.1).
    std::string oauth_error = json_string(body, "error");
    std::string description = json_string(body, "error_description");
    failure = classify_token_error(response.status, oauth_error);
    std::string detail =
        oauth_error.empty()
            ? fmt::format("HTTP {} ({} body bytes)", response.status, response.body.size())
            : fmt::format("HTTP {}: {}: {}", response.status, oauth_error, description);
    return make_error(failure, oauth_error.empty() ? "LOGIN_FAILED" : oauth_error,
                      redact(fmt::format("Salesforce login ({} grant) as {} at {} failed: {}{}",
                                         grant_name(settings_.grant), identity(settings_), url,
                                         detail, hint_for(settings_, oauth_error)),
                             settings_));
  }

  Session session;
  session.access_token = Secret(json_string(body, "access_token"));
  session.instance_url = trim_trailing_slashes(json_string(body, "instance_url"));
  session.identity_url = json_string(body, "id");
  if (session.access_token.empty() || session.instance_url.empty()) {
    // Not a Salesforce token response (e.g. an HTML page): the login URL is probably wrong.
    failure = Classification{ErrorKind::kFatal, false, {}};
    return Error::fatal("LOGIN_FAILED",
                        fmt::format("Salesforce login at {} answered HTTP 200 without an "
                                    "access_token and instance_url; check salesforce.instance",
                                    url));
  }
  IdentityIds ids = parse_identity_url(session.identity_url);
  session.org_id = std::move(ids.org_id);
  session.user_id = std::move(ids.user_id);
  return session;
}

Result<std::string> TokenProvider::token_request_body_locked() {
  auto encode = [](const std::string& text) { return HttpClient::url_encode(text); };
  switch (settings_.grant) {
    case OAuthGrant::kPassword:
      // The password grant takes the password with the security token appended (§4.1).
      return fmt::format(
          "grant_type=password&client_id={}&client_secret={}&username={}&password={}",
          encode(settings_.consumer_key), encode(settings_.consumer_secret.reveal()),
          encode(settings_.username),
          encode(settings_.password.reveal() + settings_.password_token.reveal()));
    case OAuthGrant::kClientCredentials:
      // §4.3: the credentials in the form, as pozil's client sends them (simple-salesforce's
      // HTTP Basic alternative is not needed).
      return fmt::format("grant_type=client_credentials&client_id={}&client_secret={}",
                         encode(settings_.consumer_key),
                         encode(settings_.consumer_secret.reveal()));
    case OAuthGrant::kJwtBearer: {
      // §4.2: a fresh assertion for every login (exp is only 3 minutes away). The key is read
      // once, at the first login, which the runtime makes at start-up.
      if (!jwt_key_) {
        auto key = load_private_key(settings_.jwt_keystore_path, settings_.jwt_keystore_password,
                                    kKeystorePathProperty);
        if (!key.ok()) return key.error();
        jwt_key_ = std::move(key.value());
      }
      JwtClaims claims = jwt_claims(settings_.consumer_key, settings_.username, settings_.login_url,
                                    clock_.wall_now(), settings_.jwt_audience);
      auto assertion = sign_jwt_assertion(claims, jwt_key_.get());
      if (!assertion.ok()) return assertion.error();
      return fmt::format("grant_type={}&assertion={}", encode(std::string(kJwtBearerGrant)),
                         encode(assertion.value()));
    }
  }
  return Error::fatal("CONFIG_INVALID", "unknown salesforce.grant.type");
}

const char* grant_name(OAuthGrant grant) {
  switch (grant) {
    case OAuthGrant::kPassword:
      return "PASSWORD";
    case OAuthGrant::kJwtBearer:
      return "JWT_BEARER";
    case OAuthGrant::kClientCredentials:
      return "CLIENT_CREDENTIALS";
  }
  return "PASSWORD";
}

}  // namespace sfpe::salesforce
