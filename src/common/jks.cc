// JKS reading: a bounds-checked big-endian reader, the store digest and Sun's KeyProtector
// (OID 1.3.6.1.4.1.42.2.17.1.1), following sun.security.provider.JavaKeyStore and KeyProtector.
#include "common/jks.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace sfpe {
namespace {

constexpr uint32_t kJksMagic = 0xFEEDFEED;
constexpr uint32_t kTagPrivateKey = 1;
constexpr uint32_t kTagTrustedCertificate = 2;
constexpr size_t kSha1Size = 20;
constexpr std::string_view kStoreDigestWhitener = "Mighty Aphrodite";
constexpr const char* kKeyProtectorOid = "1.3.6.1.4.1.42.2.17.1.1";

using Sha1 = std::array<unsigned char, kSha1Size>;

// Reads big-endian fields; any read past the end sets failed() and returns zeros.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  uint32_t u16() { return static_cast<uint32_t>(number(2)); }
  uint32_t u32() { return static_cast<uint32_t>(number(4)); }
  uint64_t u64() { return number(8); }
  std::string_view take(size_t size) {
    if (failed_ || bytes_.size() - at_ < size) {
      failed_ = true;
      return {};
    }
    std::string_view out = bytes_.substr(at_, size);
    at_ += size;
    return out;
  }
  // Java's DataOutput.writeUTF: a u16 length and modified UTF-8; only skipped here.
  void skip_utf() { take(u16()); }

  bool failed() const { return failed_; }
  size_t position() const { return at_; }

 private:
  uint64_t number(size_t size) {
    std::string_view raw = take(size);
    uint64_t value = 0;
    for (char c : raw) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
  }

  std::string_view bytes_;
  size_t at_ = 0;
  bool failed_ = false;
};

// Java turns the password's chars (UTF-16 code units) into bytes as high byte, low byte; the
// Secret holds UTF-8, so decode it first. nullopt for malformed UTF-8.
std::optional<std::string> password_utf16be(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    auto byte = [&](size_t k) {
      return static_cast<uint32_t>(static_cast<unsigned char>(utf8[k]));
    };
    uint32_t lead = byte(i);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > utf8.size()) return std::nullopt;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    auto put = [&](uint32_t unit) {
      out.push_back(static_cast<char>(unit >> 8));
      out.push_back(static_cast<char>(unit & 0xFF));
    };
    if (code >= 0x10000) {
      code -= 0x10000;
      put(0xD800 + (code >> 10));
      put(0xDC00 + (code & 0x3FF));
    } else {
      put(code);
    }
  }
  return out;
}

Sha1 sha1(std::initializer_list<std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  Sha1 digest{};
  unsigned int size = 0;
  EVP_DigestInit_ex(context.get(), EVP_sha1(), nullptr);
  for (std::string_view part : parts) EVP_DigestUpdate(context.get(), part.data(), part.size());
  EVP_DigestFinal_ex(context.get(), digest.data(), &size);
  return digest;
}

bool same(const Sha1& digest, std::string_view expected) {
  return expected.size() == kSha1Size &&
         CRYPTO_memcmp(digest.data(), expected.data(), kSha1Size) == 0;
}

// KeyProtector.recover(): the protected key is salt(20) || key XOR keystream || check(20), where
// keystream block i = SHA-1(password || block i-1) with block -1 = salt, and check =
// SHA-1(password || plain key). nullopt when the check fails (wrong key password).
std::optional<std::string> recover_key(std::string_view protected_key, std::string_view password) {
  if (protected_key.size() < 2 * kSha1Size) return std::nullopt;
  std::string_view salt = protected_key.substr(0, kSha1Size);
  std::string_view encrypted =
      protected_key.substr(kSha1Size, protected_key.size() - 2 * kSha1Size);
  std::string_view check = protected_key.substr(protected_key.size() - kSha1Size);
  std::string plain(encrypted);
  Sha1 block{};
  std::string_view previous = salt;
  for (size_t offset = 0; offset < plain.size(); offset += kSha1Size) {
    block = sha1({password, previous});
    for (size_t i = 0; i < kSha1Size && offset + i < plain.size(); ++i) {
      plain[offset + i] = static_cast<char>(plain[offset + i] ^ block[i]);
    }
    previous = std::string_view(reinterpret_cast<const char*>(block.data()), block.size());
  }
  if (!same(sha1({password, plain}), check)) return std::nullopt;
  return plain;
}

}  // namespace

bool looks_like_jks(std::string_view bytes) {
  Reader reader(bytes);
  return reader.u32() == kJksMagic && !reader.failed();
}

Result<std::string> jks_private_key_pkcs8(std::string_view bytes, const Secret& password,
                                          const std::string& path, const std::string& property) {
  auto error = [&](std::string_view what) {
    return Error::fatal("CONFIG_INVALID", fmt::format("{}: cannot use the JKS keystore {}: {}",
                                                      property, path, what));
  };
  auto damaged = [&] { return error("the file is damaged or truncated"); };

  std::optional<std::string> password_bytes = password_utf16be(password.reveal());
  if (!password_bytes) return error("the password is not valid UTF-8");
  if (bytes.size() < kSha1Size) return damaged();

  // The integrity digest first: it is how Java tells a wrong password ("Keystore was tampered
  // with, or password was incorrect").
  std::string_view data = bytes.substr(0, bytes.size() - kSha1Size);
  if (!same(sha1({*password_bytes, kStoreDigestWhitener, data}), bytes.substr(data.size()))) {
    return error("wrong password or damaged file (the keystore's integrity check failed)");
  }

  Reader reader(data);
  if (reader.u32() != kJksMagic) return error("not a JKS keystore");
  const uint32_t version = reader.u32();
  if (version != 1 && version != 2)
    return error(fmt::format("unsupported JKS version {}", version));
  const uint32_t count = reader.u32();
  auto skip_certificate = [&] {
    if (version == 2) reader.skip_utf();  // the certificate type, "X.509"
    reader.take(reader.u32());
  };
  for (uint32_t entry = 0; entry < count && !reader.failed(); ++entry) {
    const uint32_t tag = reader.u32();
    reader.skip_utf();  // alias
    reader.u64();       // creation time, ms
    if (tag == kTagTrustedCertificate) {
      skip_certificate();
      continue;
    }
    if (tag != kTagPrivateKey) return damaged();
    std::string_view encoded = reader.take(reader.u32());
    if (reader.failed()) return damaged();

    // An EncryptedPrivateKeyInfo: {AlgorithmIdentifier, OCTET STRING}, the same ASN.1 as X509_SIG.
    const auto* der = reinterpret_cast<const unsigned char*>(encoded.data());
    std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)> info(
        d2i_X509_SIG(nullptr, &der, static_cast<long>(encoded.size())), X509_SIG_free);
    ERR_clear_error();
    if (!info) return damaged();
    const X509_ALGOR* algorithm = nullptr;
    const ASN1_OCTET_STRING* protected_key = nullptr;
    X509_SIG_get0(info.get(), &algorithm, &protected_key);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
    char oid_text[80] = {};
    OBJ_obj2txt(oid_text, sizeof(oid_text), oid, /*no_name=*/1);
    if (std::string_view(oid_text) != kKeyProtectorOid) {
      return error(
          fmt::format("the private key is protected with {}, not Sun's KeyProtector; "
                      "convert the keystore to PKCS#12 (keytool -importkeystore "
                      "-deststoretype PKCS12)",
                      oid_text));
    }
    std::optional<std::string> plain = recover_key(
        std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(protected_key)),
                         static_cast<size_t>(ASN1_STRING_length(protected_key))),
        *password_bytes);
    if (!plain) {
      return error(
          "the private key does not open with the keystore password (it must use the "
          "keystore's password)");
    }
    return std::move(*plain);
  }
  if (reader.failed()) return damaged();
  return error("the keystore holds no private key");
}

}  // namespace sfpe
