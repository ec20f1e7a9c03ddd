// TLS material for tests, made with the openssl command line in a fresh directory: a CA, a server
// certificate for 127.0.0.1 and a client certificate signed by it, and the stores users have
// (PKCS#12 truststore and keystore, a PEM bundle of certificate and key).
#pragma once

#include <filesystem>
#include <string>

namespace sfpe::testing {

class TestCertificates {
 public:
  // Files: ca.pem, ca.key, server.pem, server.key, client.pem, client.key, client-bundle.pem,
  // trust.p12 (password "trust-pass", the CA only), client.p12 (password "key-pass"),
  // store.jks (not a real keystore), not-a-ca.pem (not PEM). Throws std::runtime_error naming
  // the openssl command that failed.
  explicit TestCertificates(const std::string& name);
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string path(const char* file) const { return (dir_ / file).string(); }

 private:
  void run(const std::string& command) const;

  std::filesystem::path dir_;
};

}  // namespace sfpe::testing
