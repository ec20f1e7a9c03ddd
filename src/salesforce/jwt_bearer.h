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

// The claims for `now`: expires_at = now + kJwtLifetime.
JwtClaims jwt_claims(std::string consumer_key, std::string username, const std::string& login_url,
                     std::chrono::system_clock::time_point now);

// aud: the URL of the authorization server the assertion is posted to, i.e. salesforce.instance
// without a trailing slash: https://login.salesforce.com, https://test.salesforce.com, an
// Experience Cloud site URL (§4.2), or a My Domain URL as simple-salesforce sends it
// (https://{domain}.salesforce.com, §4.2). That Salesforce accepts a My Domain audience is
// third-party knowledge only (unverified); the documented values work by setting
// salesforce.instance to them.
std::string jwt_audience(const std::string& login_url);

// base64url(header) "." base64url(claims) "." base64url(RSA-SHA256 signature). `key` must be an
// RSA private key; any other key, or a signing failure, is a fatal error.
Result<std::string> sign_jwt_assertion(const JwtClaims& claims, EVP_PKEY* key);

}  // namespace sfpe::salesforce
