// JWT bearer assertion: compact JWS (RFC 7515 §7.1) with RS256 (RFC 7518 §3.3) through OpenSSL's
// EVP_DigestSign.
#include "salesforce/jwt_bearer.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/base64.h"
#include "common/url.h"
#include "salesforce/auth.h"

namespace sfpe::salesforce {

JwtClaims jwt_claims(std::string consumer_key, std::string username, const std::string& login_url,
                     std::chrono::system_clock::time_point now, const std::string& audience) {
  JwtClaims claims;
  claims.issuer = std::move(consumer_key);
  claims.subject = std::move(username);
  claims.audience = jwt_audience(login_url, audience);
  claims.expires_at =
      std::chrono::duration_cast<std::chrono::seconds>((now + kJwtLifetime).time_since_epoch())
          .count();
  return claims;
}

std::string jwt_audience(const std::string& login_url, const std::string& configured) {
  if (!configured.empty()) return trim_trailing_slashes(configured);
  const std::string host = url_host(login_url);
  if (host == "test.salesforce.com" || host.ends_with(".sandbox.my.salesforce.com")) {
    return kSandboxAudience;
  }
  // Experience Cloud sites (enhanced domains *.my.site.com, sandbox *.sandbox.my.site.com, and
  // the older *.force.com site domains) are their own authorization servers (§4.2).
  if (host.ends_with(".site.com") || host.ends_with(".force.com")) {
    return trim_trailing_slashes(login_url);
  }
  return kProductionAudience;
}

Result<std::string> sign_jwt_assertion(const JwtClaims& claims, EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) {
    return Error::fatal("CONFIG_INVALID",
                        fmt::format("salesforce.jwt.keystore.path: the keystore's private key is "
                                    "{}, but the JWT bearer flow signs with RS256 and needs an RSA "
                                    "key (salesforce-api.md §4.2)",
                                    key == nullptr ? "missing" : EVP_PKEY_get0_type_name(key)));
  }
  // §4.2: only RS256 is supported; Salesforce's examples send no "typ".
  const nlohmann::ordered_json header = {{"alg", "RS256"}};
  const nlohmann::ordered_json body = {{"iss", claims.issuer},
                                       {"sub", claims.subject},
                                       {"aud", claims.audience},
                                       {"exp", claims.expires_at}};
  const std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(body.dump());

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  size_t size = 0;
  std::string signature;
  bool signed_ok = context &&
                   EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
                   EVP_DigestSign(context.get(), nullptr, &size,
                                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                                  signing_input.size()) == 1;
  if (signed_ok) {
    signature.resize(size);
    signed_ok = EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()),
                               &size, reinterpret_cast<const unsigned char*>(signing_input.data()),
                               signing_input.size()) == 1;
    signature.resize(size);
  }
  if (!signed_ok) {
    unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    return Error::fatal("JWT_SIGN_FAILED",
                        fmt::format("cannot sign the JWT bearer assertion: {}",
                                    reason != nullptr ? reason : "unknown OpenSSL error"));
  }
  return signing_input + "." + base64url_encode(signature);
}

}  // namespace sfpe::salesforce
