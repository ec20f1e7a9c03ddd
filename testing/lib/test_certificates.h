// TLS material for tests, made with the openssl command line in a fresh directory: a CA, a server
// certificate for 127.0.0.1 and a client certificate signed by it, and the stores users have
// (PKCS#12 truststore and keystore, a PEM bundle of certificate and key).
#pragma once

#include <httplib.h>

#include <filesystem>
#include <functional>
#include <string>
#include <thread>

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

// An https server on 127.0.0.1 with `certs`' server certificate, serving on a thread of its own
// from construction to destruction. `routes` registers the handlers before it starts (they may
// call url()). With `require_client_certificate` it demands one signed by the test CA.
class TlsTestServer {
 public:
  TlsTestServer(const TestCertificates& certs, bool require_client_certificate,
                const std::function<void(httplib::SSLServer&)>& routes);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sfpe::testing
