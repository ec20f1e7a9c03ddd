// JWT bearer assertion checks with OpenSSL's EVP_DigestVerify (RS256 = RSASSA-PKCS1-v1_5 with
// SHA-256, RFC 7518 §3.3).
#include "salesforce_emulator/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "common/base64.h"

namespace sfpe::testing {
namespace {

using nlohmann::json;

std::unique_ptr<X509, decltype(&X509_free)> read_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  ERR_clear_error();
  return certificate;
}

bool verify_rs256(std::string_view signing_input, const std::string& signature,
                  const std::string& certificate_pem) {
  auto certificate = read_certificate(certificate_pem);
  if (!certificate) return false;
  EVP_PKEY* key = X509_get0_pubkey(certificate.get());  // owned by the certificate
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  bool ok =
      context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(
          context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::optional<json> json_segment(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  json parsed = json::parse(*bytes, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::string string_claim(const json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_pem_certificate(const std::string& pem) { return read_certificate(pem) != nullptr; }

std::optional<OAuthRefusal> check_jwt_assertion(std::string_view assertion,
                                                const JwtExpectations& expected) {
  const OAuthRefusal invalid{"invalid_grant", "invalid assertion"};
  auto first_dot = assertion.find('.');
  auto second_dot =
      first_dot == std::string_view::npos ? first_dot : assertion.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      assertion.find('.', second_dot + 1) != std::string_view::npos) {
    return invalid;
  }
  auto header = json_segment(assertion.substr(0, first_dot));
  auto claims = json_segment(assertion.substr(first_dot + 1, second_dot - first_dot - 1));
  auto signature = base64url_decode(assertion.substr(second_dot + 1));
  if (!header || !claims || !signature) return invalid;
  if (header->value("alg", json()) != "RS256") return invalid;

  if (string_claim(*claims, "iss") != expected.consumer_key) {
    return OAuthRefusal{"invalid_client_id", "client identifier invalid"};
  }
  if (expected.certificate_pem.empty() ||
      !verify_rs256(assertion.substr(0, second_dot), *signature, expected.certificate_pem)) {
    return invalid;
  }
  // aud may be a string or an array of strings (RFC 7519 §4.1.3).
  std::vector<std::string> audiences;
  auto aud = claims->find("aud");
  if (aud != claims->end() && aud->is_string()) audiences.push_back(aud->get<std::string>());
  if (aud != claims->end() && aud->is_array()) {
    for (const auto& item : *aud) {
      if (item.is_string()) audiences.push_back(item.get<std::string>());
    }
  }
  bool audience_ok = false;
  for (const std::string& candidate : audiences) {
    for (const std::string& accepted : expected.audiences) {
      if (without_trailing_slash(candidate) == without_trailing_slash(accepted)) {
        audience_ok = true;
      }
    }
  }
  if (!audience_ok) return OAuthRefusal{"invalid_grant", "audience is invalid"};

  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return invalid;
  const auto expires = std::chrono::system_clock::time_point(
      std::chrono::seconds(static_cast<int64_t>(exp->get<double>())));
  if (expected.now > expires + kJwtClockSkew) {
    return OAuthRefusal{"invalid_grant", "expired authorization code"};
  }
  if (string_claim(*claims, "sub") != expected.username) return invalid;
  if (!expected.user_approved) {
    return OAuthRefusal{"invalid_grant", "user hasn't approved this consumer"};
  }
  return std::nullopt;
}

}  // namespace sfpe::testing
