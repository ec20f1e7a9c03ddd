// libFuzzer target of the JKS reader (common/jks.h). Each input is read twice with one fixed
// password: as it is, which mostly exercises the integrity check, and with its last 20 bytes
// replaced by the digest that password gives, so that mutated stores get past the check and
// into the entry, ASN.1 and KeyProtector reading.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/jks.h"
#include "common/secret.h"

namespace {

// tests/data/jwt-key.jks's password, so that its copy in the corpus opens.
constexpr std::string_view kPassword = "jks-test-password";
constexpr size_t kDigestSize = 20;

// The store digest of jks.h: SHA-1(password as UTF-16BE || "Mighty Aphrodite" || data).
std::string store_digest(std::string_view data) {
  std::string password;
  for (char c : kPassword) {
    password.push_back('\0');
    password.push_back(c);
  }
  constexpr std::string_view kWhitener = "Mighty Aphrodite";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha1(), nullptr);
  EVP_DigestUpdate(context, password.data(), password.size());
  EVP_DigestUpdate(context, kWhitener.data(), kWhitener.size());
  EVP_DigestUpdate(context, data.data(), data.size());
  EVP_DigestFinal_ex(context, digest, &size);
  EVP_MD_CTX_free(context);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

void read(std::string_view bytes) {
  static const sfpe::Secret password{std::string(kPassword)};
  (void)sfpe::looks_like_jks(bytes);
  auto key = sfpe::jks_private_key_pkcs8(bytes, password, "fuzz.jks", "fuzz.keystore");
  // A key, when there is one, is the decrypted body of a protected key inside the store.
  if (key.ok() && key->size() >= bytes.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  read(bytes);
  if (size >= kDigestSize) {
    std::string_view body = bytes.substr(0, size - kDigestSize);
    read(std::string(body) + store_digest(body));
  }
  return 0;
}
