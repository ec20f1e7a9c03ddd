// The emulator's side of the OAuth 2.0 JWT bearer flow (salesforce-api.md §4.2, RFC 7523 §3):
// checks an assertion as Salesforce documents it and answers with its OAuth error bodies.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfpe::testing {

// §4.2: Salesforce allows about 3 minutes of clock skew on exp (third-party).
constexpr std::chrono::minutes kJwtClockSkew{3};

struct JwtExpectations {
  std::string certificate_pem;         // the connected app's certificate
  std::string consumer_key;            // iss
  std::string username;                // sub
  std::vector<std::string> audiences;  // aud: any of these, compared without a trailing '/'
  bool user_approved = true;
  std::chrono::system_clock::time_point now;
};

// An OAuth error response: HTTP 400 {"error", "error_description"} (§4.1, RFC 6749 §5.2).
struct OAuthRefusal {
  std::string error;
  std::string description;
};

// nullopt when the assertion is accepted. The checks, in this order (Salesforce's order is
// unverified): three base64url segments with JSON header and claims, else invalid_grant
// "invalid assertion"; header alg RS256 (§4.2: the only one supported), else the same; iss is the
// consumer key, else invalid_client_id "client identifier invalid" (§4.1's text; for this flow
// unverified); the RS256 signature verifies with the certificate's public key, else invalid_grant
// "invalid assertion"; aud is one of `audiences`, else invalid_grant "audience is invalid" (§4.2);
// exp is a number and now <= exp + kJwtClockSkew, else invalid_grant "expired authorization code"
// (§4.2, what clock skew gives); sub is the user, else invalid_grant "invalid assertion"
// (unverified); the user approved the app, else invalid_grant "user hasn't approved this
// consumer" (§4.2).
std::optional<OAuthRefusal> check_jwt_assertion(std::string_view assertion,
                                                const JwtExpectations& expected);

// True when `pem` holds an X.509 certificate.
bool is_pem_certificate(const std::string& pem);

}  // namespace sfpe::testing
