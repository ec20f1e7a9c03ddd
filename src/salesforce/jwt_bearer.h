// The assertion of the OAuth 2.0 JWT bearer flow (salesforce-api.md §4.2, RFC 7523): a JWS
// signed with RS256 over {"alg":"RS256"} and the claims iss, sub, aud, exp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "common/tls_files.h"

namespace sfpe::salesforce {

// §4.2: exp = now + 3 minutes, as simple-salesforce sends it (pozil uses 5). Salesforce allows
// about 3 minutes of clock skew besides (third-party).
constexpr std::chrono::minutes kJwtLifetime{3};

struct JwtClaims {
  std::string issuer;      // iss: the connected app's consumer key
  std::string subject;     // sub: the Salesforce username
  std::string audience;    // aud: the authorization server, see jwt_audience()
  int64_t expires_at = 0;  // exp: seconds since the Unix epoch
};

// The claims for `now`: expires_at = now + kJwtLifetime; aud = jwt_audience(login_url, audience).
JwtClaims jwt_claims(std::string consumer_key, std::string username, const std::string& login_url,
                     std::chrono::system_clock::time_point now,
                     const std::string& audience = "");

inline constexpr const char* kProductionAudience = "https://login.salesforce.com";
inline constexpr const char* kSandboxAudience = "https://test.salesforce.com";

// aud (§4.2): Salesforce accepts only its authorization server, whichever host the assertion is
// posted to (My Domain included): https://login.salesforce.com, https://test.salesforce.com for
// sandboxes, or an Experience Cloud site URL; a My Domain aud is refused with invalid_grant
// "audience is invalid". `configured` (salesforce.jwt.audience) wins when set. Otherwise from
// the host of `login_url` (salesforce.instance): test.salesforce.com and
// *.sandbox.my.salesforce.com give the sandbox server; an Experience Cloud site (*.my.site.com,
// *.force.com) gives `login_url` itself; any other host (login.salesforce.com, a My Domain,
// the emulator on loopback) gives the production server. Trailing slashes are dropped.
std::string jwt_audience(const std::string& login_url, const std::string& configured = "");

// base64url(header) "." base64url(claims) "." base64url(RSA-SHA256 signature). `key` must be an
// RSA private key; any other key, or a signing failure, is a fatal error.
Result<std::string> sign_jwt_assertion(const JwtClaims& claims, EVP_PKEY* key);

}  // namespace sfpe::salesforce
