// PKCS#12 and PEM reading with OpenSSL 3 (PKCS12_parse, PEM_read_bio_PrivateKey), JKS through
// common/jks.h, and store type detection.
#include "common/tls_files.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/jks.h"

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

// Loads OpenSSL 3's legacy provider (and keeps the default one) once; false if unavailable.
bool load_legacy_provider() {
  static const bool loaded = [] {
    OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER* fallback = OSSL_PROVIDER_load(nullptr, "default");
    ERR_clear_error();
    return legacy != nullptr && fallback != nullptr;
  }();
  return loaded;
}

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
  bool parsed = PKCS12_parse(p12.get(), password.reveal().c_str(), &key, &cert, &ca) == 1;
  if (!parsed && load_legacy_provider()) {
    // Older keystores (Java 8's keytool, openssl 1.x) use RC2-40 and 3DES, which OpenSSL 3 keeps
    // in its legacy provider.
    ERR_clear_error();
    parsed = PKCS12_parse(p12.get(), password.reveal().c_str(), &key, &cert, &ca) == 1;
  }
  if (!parsed) {
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

PrivateKey own(EVP_PKEY* key) { return PrivateKey(key, EVP_PKEY_free); }

// PEM_read_bio_PrivateKey's password callback: `data` is the Secret.
int pem_password(char* buffer, int size, int /*rwflag*/, void* data) {
  const std::string& password = static_cast<const Secret*>(data)->reveal();
  if (password.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buffer, password.data(), password.size());
  return static_cast<int>(password.size());
}

Result<PrivateKey> pem_private_key(const std::string& text, const Secret& password,
                                   const std::string& path, const std::string& property) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
  ERR_clear_error();
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, pem_password, const_cast<Secret*>(&password));
  if (key != nullptr) return own(key);
  if (text.find("PRIVATE KEY-----") == std::string::npos) {
    ERR_clear_error();
    return config_error(fmt::format("{}: the PEM file {} holds no private key", property, path));
  }
  return config_error(fmt::format(
      "{}: cannot read the private key in the PEM file {}: wrong password or damaged file ({})",
      property, path, openssl_reason()));
}

}  // namespace

Result<std::string> read_ca_certificates(const std::string& path, const std::string& property) {
  // A directory opens as a stream but throws on the first read: only a regular file will do.
  std::error_code not_regular;
  std::ifstream file;
  if (std::filesystem::is_regular_file(path, not_regular)) file.open(path, std::ios::binary);
  if (!file.is_open()) return config_error(fmt::format("{}: cannot read {}", property, path));
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
  int certificates = 0;
  while (bio) {
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!certificate) break;
    ++certificates;
  }
  ERR_clear_error();  // the end of the file reads as an error
  if (certificates == 0) {
    return config_error(
        fmt::format("{}: {} holds no PEM certificate that OpenSSL can read", property, path));
  }
  return text;
}

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

Result<PrivateKey> load_private_key(const std::string& path, const Secret& password,
                                    const std::string& property) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return config_error(fmt::format("{}: cannot read {}", property, path));
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return config_error(fmt::format("{}: {} is empty", property, path));

  PrivateKey key;
  if (looks_like_jks(bytes)) {
    auto der = jks_private_key_pkcs8(bytes, password, path, property);
    if (!der.ok()) return der.error();
    const auto* data = reinterpret_cast<const unsigned char*>(der->data());
    key = own(d2i_AutoPrivateKey(nullptr, &data, static_cast<long>(der->size())));
    if (!key) {
      return config_error(fmt::format("{}: the private key in the JKS keystore {} is damaged ({})",
                                      property, path, openssl_reason()));
    }
  } else if (static_cast<unsigned char>(bytes[0]) == 0x30) {  // a DER SEQUENCE: PKCS#12
    auto contents = open_pkcs12(path, password, property);
    if (!contents.ok()) return contents.error();
    if (!contents->key) {
      return config_error(
          fmt::format("{}: the PKCS#12 keystore {} holds no private key", property, path));
    }
    key = PrivateKey(contents->key.release(), EVP_PKEY_free);
  } else if (bytes.find("-----BEGIN ") != std::string::npos) {
    auto pem = pem_private_key(bytes, password, path, property);
    if (!pem.ok()) return pem.error();
    key = std::move(pem.value());
  } else {
    return config_error(fmt::format("{}: {} is neither a JKS nor a PKCS#12 keystore nor a PEM file",
                                    property, path));
  }
  return key;
}

}  // namespace sfpe
