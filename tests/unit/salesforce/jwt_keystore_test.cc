// The JWT bearer key (salesforce.jwt.keystore.path / .password) from every keystore type
// load_private_key() detects: JKS (committed, made with keytool: tests/data/README.md), PKCS#12
// and PEM (made with the openssl command line now). Every failure names the property and never
// the password.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "common/jks.h"
#include "common/tls_files.h"
#include "lib/test_keystores.h"

namespace sfpe {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kProperty = "salesforce.jwt.keystore.path";
constexpr const char* kPassword = "p12-and-pem-Password";
constexpr const char* kJksPassword = "jks-test-password";

std::string data_file(const char* name) {
  return (std::filesystem::path(SFPE_SOURCE_DIR) / "tests" / "data" / name).string();
}

std::filesystem::path scratch_dir() {
  return std::filesystem::path(SFPE_BINARY_DIR) / "test-keys" / "jwt_keystore_test";
}

const testing::TestKeystores& keystores() {
  static const testing::TestKeystores made = [] {
    auto result = testing::make_test_keystores(scratch_dir(), kPassword, "keystore test");
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return result.value();
  }();
  return made;
}

std::string read(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::string write(const char* name, const std::string& bytes) {
  auto path = (scratch_dir() / name).string();
  std::filesystem::create_directories(scratch_dir());
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// True when `key` is the private half of the certificate's public key.
bool matches_certificate(const PrivateKey& key, const std::string& certificate_path) {
  std::string pem = read(certificate_path);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  return certificate && key && EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) == 1;
}

// A load that must fail: the message names the property and the file, not the password.
std::string failure(const std::string& path, const std::string& password) {
  auto key = load_private_key(path, Secret(password), kProperty);
  EXPECT_FALSE(key.ok()) << path;
  if (key.ok()) return {};
  EXPECT_EQ(key.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(key.error().message, HasSubstr(kProperty));
  EXPECT_THAT(key.error().message, HasSubstr(path));
  if (!password.empty()) {
    EXPECT_THAT(key.error().message, Not(HasSubstr(password)));
  }
  return key.error().message;
}

// --- JKS -----------------------------------------------------------------------------------

TEST(JwtKeystoreTest, JksPrivateKeyMatchesItsCertificate) {
  auto key = load_private_key(data_file("jwt-key.jks"), Secret(kJksPassword), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(EVP_PKEY_is_a(key->get(), "RSA"), 1);
  EXPECT_TRUE(matches_certificate(*key, data_file("jwt-key-certificate.pem")));
}

TEST(JwtKeystoreTest, JksWithAWrongPasswordFailsTheIntegrityCheck) {
  EXPECT_THAT(failure(data_file("jwt-key.jks"), "wrong-jks-password"),
              HasSubstr("wrong password or damaged file"));
}

TEST(JwtKeystoreTest, JksWithOnlyATrustedCertificateHasNoKey) {
  EXPECT_THAT(failure(data_file("jwt-no-key.jks"), kJksPassword),
              HasSubstr("holds no private key"));
}

TEST(JwtKeystoreTest, JksWithAFlippedByteIsDamaged) {
  std::string bytes = read(data_file("jwt-key.jks"));
  bytes[bytes.size() / 2] ^= 0x01;
  EXPECT_THAT(failure(write("flipped.jks", bytes), kJksPassword),
              HasSubstr("wrong password or damaged file"));
}

TEST(JwtKeystoreTest, JksTruncatedIsDamaged) {
  std::string bytes = read(data_file("jwt-key.jks"));
  failure(write("truncated.jks", bytes.substr(0, 30)), kJksPassword);
}

TEST(JwtKeystoreTest, JksKeyUnderAnotherPasswordIsRefused) {
  // Re-seal the store digest with a second password, as if the key kept its own password: the
  // integrity check then passes and KeyProtector's check must catch it.
  std::string bytes = read(data_file("jwt-key.jks"));
  std::string data = bytes.substr(0, bytes.size() - 20);
  const std::string other = "other-store-password";
  std::string utf16;
  for (char c : other) {
    utf16.push_back('\0');
    utf16.push_back(c);
  }
  std::string whitened = utf16 + "Mighty Aphrodite" + data;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  ASSERT_EQ(EVP_Digest(whitened.data(), whitened.size(), digest, &size, EVP_sha1(), nullptr), 1);
  std::string resealed = data + std::string(reinterpret_cast<char*>(digest), size);
  EXPECT_THAT(failure(write("resealed.jks", resealed), other),
              HasSubstr("does not open with the keystore password"));
}

TEST(JwtKeystoreTest, JksIsDetectedByItsMagicNotItsName) {
  std::string path = write("keystore.p12", read(data_file("jwt-key.jks")));
  auto key = load_private_key(path, Secret(kJksPassword), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(looks_like_jks(read(path)));
}

// --- PKCS#12 -------------------------------------------------------------------------------

TEST(JwtKeystoreTest, Pkcs12PrivateKeyMatchesItsCertificate) {
  auto key = load_private_key(keystores().pkcs12_path, Secret(kPassword), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(matches_certificate(*key, keystores().certificate_path));
}

TEST(JwtKeystoreTest, LegacyPkcs12FromOlderToolsIsRead) {
  auto key = load_private_key(keystores().pkcs12_legacy_path, Secret(kPassword), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(matches_certificate(*key, keystores().certificate_path));
  EXPECT_THAT(failure(keystores().pkcs12_legacy_path, "wrong-p12-password"),
              HasSubstr("wrong password or damaged file"));
}

TEST(JwtKeystoreTest, Pkcs12WithAWrongPasswordIsRefused) {
  EXPECT_THAT(failure(keystores().pkcs12_path, "wrong-p12-password"),
              HasSubstr("wrong password or damaged file"));
}

TEST(JwtKeystoreTest, Pkcs12WithCertificatesOnlyHasNoKey) {
  EXPECT_THAT(failure(keystores().pkcs12_no_key_path, kPassword),
              HasSubstr("holds no private key"));
}

// --- PEM -----------------------------------------------------------------------------------

TEST(JwtKeystoreTest, EveryPemFormMatchesTheCertificate) {
  for (const std::string& path :
       {keystores().pkcs8_pem_path, keystores().pkcs8_encrypted_path,
        keystores().traditional_pem_path, keystores().traditional_encrypted_path}) {
    auto key = load_private_key(path, Secret(kPassword), kProperty);
    ASSERT_TRUE(key.ok()) << path << ": " << key.error().message;
    EXPECT_TRUE(matches_certificate(*key, keystores().certificate_path)) << path;
  }
}

TEST(JwtKeystoreTest, UnencryptedPemIgnoresThePassword) {
  auto key = load_private_key(keystores().pkcs8_pem_path, Secret("anything"), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
}

TEST(JwtKeystoreTest, PemAfterACertificateIsFound) {
  std::string path = write("certificate-then-key.pem", read(keystores().certificate_path) +
                                                           read(keystores().pkcs8_encrypted_path));
  auto key = load_private_key(path, Secret(kPassword), kProperty);
  ASSERT_TRUE(key.ok()) << key.error().message;
}

TEST(JwtKeystoreTest, EncryptedPemWithAWrongPasswordIsRefused) {
  for (const std::string& path :
       {keystores().pkcs8_encrypted_path, keystores().traditional_encrypted_path}) {
    EXPECT_THAT(failure(path, "wrong-pem-password"), HasSubstr("wrong password or damaged file"));
  }
}

TEST(JwtKeystoreTest, PemCertificateAloneHasNoKey) {
  EXPECT_THAT(failure(keystores().certificate_path, kPassword), HasSubstr("holds no private key"));
}

// --- Anything else -------------------------------------------------------------------------

TEST(JwtKeystoreTest, MissingEmptyAndUnknownFilesAreNamed) {
  EXPECT_THAT(failure((scratch_dir() / "missing.p12").string(), kPassword),
              HasSubstr("cannot read"));
  EXPECT_THAT(failure(write("empty.p12", ""), kPassword), HasSubstr("is empty"));
  EXPECT_THAT(failure(write("text.key", "just some text\n"), kPassword),
              HasSubstr("neither a JKS nor a PKCS#12 keystore nor a PEM file"));
  failure(write("garbage.p12", std::string("\x30\x03\x02\x01\x00", 5)), kPassword);
}

}  // namespace
}  // namespace sfpe
