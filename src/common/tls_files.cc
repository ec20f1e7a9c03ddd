// PKCS#12 reading with OpenSSL 3 (PKCS12_parse) and store type detection.
#include "common/tls_files.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace sfpe {
namespace {

constexpr const char* kCodeConfigInvalid = "CONFIG_INVALID";

Error config_error(std::string message) {
  return Error::fatal(kCodeConfigInvalid, std::move(message));
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

bool ends_with_ignoring_case(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         upper(text.substr(text.size() - suffix.size())) == upper(suffix);
}

// OpenSSL's reason for the last failure, without the library's error queue noise.
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown error";
}

struct Pkcs12Contents {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> ca{
      nullptr, [](STACK_OF(X509)* stack) { sk_X509_pop_free(stack, X509_free); }};
};

Result<Pkcs12Contents> open_pkcs12(const std::string& path, const Secret& password,
                                   const std::string& property) {
  std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(path.c_str(), "rb"), BIO_free);
  if (!file) {
    ERR_clear_error();
    return config_error(fmt::format("{}: cannot read {}", property, path));
  }
  std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(d2i_PKCS12_bio(file.get(), nullptr),
                                                      PKCS12_free);
  if (!p12) {
    return config_error(
        fmt::format("{}: {} is not a PKCS#12 keystore ({})", property, path, openssl_reason()));
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), password.reveal().c_str(), &key, &cert, &ca) != 1) {
    return config_error(fmt::format(
        "{}: cannot open the PKCS#12 keystore {}: wrong password or damaged file ({})", property,
        path, openssl_reason()));
  }
  Pkcs12Contents contents;
  contents.key.reset(key);
  contents.cert.reset(cert);
  contents.ca.reset(ca);
  return contents;
}

}  // namespace

Result<StoreType> store_type(const std::string& type, const std::string& path,
                             const std::string& property) {
  std::string name = upper(type);
  if (name.empty()) {
    if (ends_with_ignoring_case(path, ".p12") || ends_with_ignoring_case(path, ".pfx")) {
      return StoreType::kPkcs12;
    }
    if (ends_with_ignoring_case(path, ".jks")) return StoreType::kJks;
    return StoreType::kPem;
  }
  if (name == "PEM") return StoreType::kPem;
  if (name == "PKCS12" || name == "P12" || name == "PFX") return StoreType::kPkcs12;
  if (name == "JKS") return StoreType::kJks;
  return config_error(
      fmt::format("{}: unsupported store type \"{}\" (supported: PEM, PKCS12)", property, type));
}

Result<std::string> pkcs12_certificates_pem(const std::string& path, const Secret& password,
                                            const std::string& property) {
  auto contents = open_pkcs12(path, password, property);
  if (!contents.ok()) return contents.error();
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  int written = 0;
  if (contents->cert && PEM_write_bio_X509(out.get(), contents->cert.get()) == 1) ++written;
  if (contents->ca) {
    for (int i = 0; i < sk_X509_num(contents->ca.get()); ++i) {
      if (PEM_write_bio_X509(out.get(), sk_X509_value(contents->ca.get(), i)) == 1) ++written;
    }
  }
  if (written == 0) {
    return config_error(fmt::format("{}: the PKCS#12 file {} holds no certificate", property, path));
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Status check_pkcs12_keystore(const std::string& path, const Secret& password,
                             const std::string& property) {
  auto contents = open_pkcs12(path, password, property);
  if (!contents.ok()) return contents.error();
  if (!contents->key || !contents->cert) {
    return config_error(fmt::format(
        "{}: the PKCS#12 keystore {} holds no private key with its certificate", property, path));
  }
  return ok_status();
}

}  // namespace sfpe
