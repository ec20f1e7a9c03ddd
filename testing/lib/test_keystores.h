// JWT bearer keys for tests, made with the `openssl` command line as users make them: one RSA key
// and its self-signed certificate in every keystore form load_private_key() reads.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace sfpe::testing {

struct TestKeystores {
  std::string password;         // of every encrypted form below
  std::string certificate_pem;  // the key's self-signed certificate, PEM text
  std::string certificate_path;
  std::string pkcs12_path;                 // key and certificate (openssl pkcs12 -export)
  std::string pkcs12_no_key_path;          // the certificate only (-nokeys)
  std::string pkcs12_legacy_path;          // RC2-40 / 3DES, as Java 8's keytool wrote (-legacy)
  std::string pkcs8_pem_path;              // "BEGIN PRIVATE KEY"
  std::string pkcs8_encrypted_path;        // "BEGIN ENCRYPTED PRIVATE KEY", AES-256-CBC
  std::string traditional_pem_path;        // "BEGIN RSA PRIVATE KEY"
  std::string traditional_encrypted_path;  // the same with Proc-Type/DEK-Info, AES-256-CBC
};

// Writes the files with `openssl` into a directory of this process's own under `dir` (created
// if needed); `common_name` tells keys apart.
Result<TestKeystores> make_test_keystores(const std::filesystem::path& dir,
                                          const std::string& password,
                                          const std::string& common_name = "sfpe-sink test");

}  // namespace sfpe::testing
